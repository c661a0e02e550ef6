"""Measure `playbook sync`: requests, wall time and peak memory for 1, 100 and 10,000 worklogs and a no-change run.

Next to each import, the same Odoo measures its own floor: one RPC call creating as many timesheet lines (same
projects, tasks, employees and values) server-side. The import of 10,000 worklogs must take at most
IMPORT_OVER_FLOOR times that floor, and a no-change run at most NO_CHANGE_ODOO Odoo calls.

Odoo is real (tests/odoo/harness.py starts a private one); Jira is the contract-checked fake of tests/sync. Each
project also has two sign-off gates: one signed in Jira (the import run signs it in Odoo), one signed in Odoo (the
import run moves its Jira issue). A no-change run must cost exactly NO_CHANGE_JIRA Jira requests: the two worklog
feeds and the one sign-off search.

    ODOO_SRC=/work/odoo-src ODOO_PYTHON=/work/odoo-venv/bin/python .venv/bin/python bench/sync.py

``BENCH_SIZES=10000`` runs only that size; ``BENCH_TIMELINE=1`` prints, after each import, when each Jira page was
read and applied and when each batch of lines was created (seconds from the start of the run): where the time goes.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import responses

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connector.odoo.client import OdooClient
from connector.settings import ProjectLink
from connector.sync.engine import SyncEngine
from connector.sync.state import SqliteState
from tests.jira_contract import _openapi
from tests.odoo.harness import OdooDatabase, OdooSource, running_odoo
from tests.odoo.test_live_sync import make_project
from tests.sync.fakes import AWAITING, CUSTOMER_EMAIL, CUSTOMER_NAME, SIGNED_OFF, JiraFake, make_adapter

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "1,100,10000").split(","))
TIMELINE = os.environ.get("BENCH_TIMELINE", "") not in ("", "0")
NO_CHANGE_JIRA = 3  # worklog/updated, worklog/deleted, the Sign-off search
NO_CHANGE_ODOO = 3
IMPORT_OVER_FLOOR = 1.2  # the 10,000-worklog import against Odoo's own server-side create of as many lines


class Timeline:
    """When each page was read and applied, and each batch of lines created (the engine's thread and the creator's)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int, float, float]] = []
        self.start = time.perf_counter()

    def engine(self) -> type[SyncEngine]:
        timeline = self

        class Timed(SyncEngine):
            def _page(self, ids: list[int], *args: Any, **kwargs: Any) -> set[str]:
                started = time.perf_counter()
                try:
                    return super()._page(ids, *args, **kwargs)
                finally:
                    timeline.note("page", len(ids), started)

            def _create_lines(self, lines: list[dict[str, Any]]) -> None:
                started = time.perf_counter()
                super()._create_lines(lines)
                timeline.note("create", len(lines), started)

        return Timed

    def note(self, what: str, n: int, started: float) -> None:
        self.events.append((what, n, started - self.start, time.perf_counter() - self.start))

    def print(self) -> None:
        for what, n, start, end in sorted(self.events, key=lambda e: e[2]):
            print(f"  {what:<6} {n:>6,}  {start:6.2f} -> {end:6.2f} s")


def measure(label: str, client: OdooClient, state_path: Path, link: ProjectLink, jira: JiraFake) -> dict[str, object]:
    adapter = make_adapter()
    state = SqliteState(state_path)
    calls_before, busy_before = client.rpc_calls, jira.busy
    timeline = Timeline()
    engine = timeline.engine() if TIMELINE else SyncEngine
    tracemalloc.start()
    started = time.perf_counter()
    try:
        summary = engine(odoo=client, jira=adapter, state=state).run([link])
    finally:
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        state.close()
    assert summary.ok, summary.as_dict()
    if TIMELINE and timeline.events:
        print(f"{label}: {seconds:.2f} s")
        timeline.print()
    assert not jira.validate_kept(), jira.violations[:5]  # after the clock: the contract check is the fake's cost
    p = summary.projects[0]
    return {"run": label, "created": p.created, "updated": p.updated,
            "gates": f"{p.signoffs_signed_from_jira}/{p.signoffs_to_jira}", "jira": adapter.request_count,
            "worklog/list": jira.count("/worklog/list"), "odoo": client.rpc_calls - calls_before,
            "seconds": round(seconds, 2), "fake Jira s": round(jira.busy - busy_before, 2),
            "peak MiB": round(peak / 2**20, 1)}


def server_floor(db: OdooDatabase, client: OdooClient, n: int, email: str, when: str) -> dict[str, object]:
    """Odoo's own time for ``n`` timesheet lines: one ``create`` call with every line, as the sync would write them."""
    code = f"floor{n}{when}"
    pid = make_project(db, code)
    tasks = [int(row["task_id"][0]) for row in client.search_read(  # type: ignore[index]
        "erp.project.phase", [("project_id", "=", pid)], ["task_id"], order="sequence")]
    employee = client.search_read("hr.employee", [("work_email", "=", email)], ["id"])[0]["id"]
    values = []
    for i in range(n):
        line = {"erp_jira_worklog_id": f"floor-{n}-{when}-{i}", "project_id": pid, "task_id": tasks[i % 2],
                "date": "2025-06-02", "unit_amount": 0.5, "name": f"[F-{i % 2 + 1}] Author: w{i}"}
        if i % 2:
            line["employee_id"] = employee
        values.append(line)
    calls_before = client.rpc_calls
    started = time.perf_counter()
    client.execute("account.analytic.line", "create", values)
    seconds = time.perf_counter() - started
    return {"run": f"Odoo creates {n:,} lines ({when})", "created": n, "updated": 0, "gates": "-", "jira": 0,
            "worklog/list": 0, "odoo": client.rpc_calls - calls_before, "seconds": round(seconds, 2),
            "fake Jira s": 0, "peak MiB": "-"}


def add_gates(db: OdooDatabase, project_id: int, jira: JiraFake, key: str, code: str) -> None:
    """A gate signed in Jira only and one signed in Odoo only: the import run carries both across."""
    # The customer and its contact who signs in Jira (the sync signs in Odoo only for a customer contact's e-mail).
    company = db.execute("res.partner", "create", {"name": f"Customer {code}", "is_company": True})
    partner = db.execute("res.partner", "create", {"name": CUSTOMER_NAME, "email": CUSTOMER_EMAIL,
                                                   "parent_id": company})
    db.execute("project.project", "write", [project_id], {"partner_id": company})
    for gate, jira_status in (("analysis_signed", SIGNED_OFF), ("design_signed", AWAITING)):
        signoff = db.execute("erp.signoff", "create", {"project_id": project_id, "key": gate, "name": gate})
        db.execute("erp.signoff", "action_request", [signoff])
        if jira_status == AWAITING:  # a manager records the customer's signed paper (the addon wants it attached)
            paper = db.execute("ir.attachment", "create", {"name": "signed.pdf", "datas": "JVBERi0xLjQ=",
                                                           "mimetype": "application/pdf"})
            db.execute("erp.signoff", "write", [signoff], {"attachment_ids": [(4, paper)]})
            db.execute("erp.signoff", "action_sign", [signoff], signer_id=partner, date_signed="2025-06-03")
        jira.add_signoff(key, gate, code, status=jira_status)


def main() -> None:
    source = OdooSource.from_env()
    if source is None:
        sys.exit("set ODOO_SRC (and ODOO_PYTHON) to run this benchmark against a real Odoo 18")
    _openapi()  # load the 2.4 MB contract once, outside the measurements
    rows = []
    with running_odoo(source) as server, tempfile.TemporaryDirectory() as tmp:
        db = OdooDatabase(name=server.new_database("erp_bench_sync", with_addon=True), server=server)
        client = OdooClient(db.url, db.name, db.login, db.password)
        for n in SIZES:
            code, key = f"bench{n}", f"B{n}"
            # One Jira site: ids never repeat. Requests are checked against the contract after each timed run.
            jira = JiraFake(page_size=1000, first_id=n * 100_000, validate_later=True)
            with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
                rsps.add_passthru("http://127.0.0.1")
                jira.install(rsps)
                epics = [jira.add_phase(key, phase, code) for phase in ("analysis", "build")]
                # Two authors: one matched to an employee by work e-mail, one booked on the sync user's employee.
                email = f"author.{code}@example.test"
                db.execute("hr.employee", "create", {"name": f"Author {code}", "work_email": email})
                for i in range(n):
                    if i % 2:
                        jira.log(epics[i % 2], 1800, comment=f"w{i}", author=f"Author {code}", email=email)
                    else:
                        jira.log(epics[i % 2], 1800, comment=f"w{i}", author=f"Unmatched {code}")
                add_gates(db, make_project(db, code), jira, key, code)
                link = ProjectLink(code=code, jira_key=key)
                state_path = Path(tmp) / f"{code}.sqlite"
                # Odoo's own create just before and just after the import: the machine's load moves both alike.
                before = server_floor(db, client, n, email, "before")
                imported = measure(f"import {n:,}", client, state_path, link, jira)
                after = server_floor(db, client, n, email, "after")
                rows += [before, after]
                floor_s = max((float(before["seconds"]) + float(after["seconds"])) / 2, 1e-3)  # type: ignore[arg-type]
                imported["x floor"] = round(float(imported["seconds"]) / floor_s, 2)  # type: ignore[arg-type]
                # Without the time the fake spent answering (a real Jira's own work, on another machine).
                imported["x floor w/o Jira"] = round(
                    (float(imported["seconds"]) - float(imported["fake Jira s"])) / floor_s, 2)  # type: ignore[arg-type]
                rows.append(imported)
                jira.calls.clear()
                quiet = measure(f"no change after {n:,}", client, state_path, link, jira)
                assert quiet["jira"] == NO_CHANGE_JIRA and quiet["gates"] == "0/0", quiet
                rows.append(quiet)
                assert not jira.violations, jira.violations[:5]
    headers = [*rows[0], "x floor", "x floor w/o Jira"]
    widths = [max(len(h), *(len(str(r.get(h, ""))) for r in rows)) for h in headers]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    for r in rows:
        print("  ".join(str(r.get(h, "")).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("(gates: signed in Odoo from Jira / moved in Jira; peak MiB: Python allocations seen by tracemalloc during "
          "the run; Odoo's own memory not included;\n x floor: the import's time over Odoo's own create of as many "
          "lines)")
    quiet = [r for r in rows if str(r["run"]).startswith("no change")]
    worst = max(int(r["odoo"]) for r in quiet)  # type: ignore[call-overload]
    print(f"no-change runs: at most {worst} Odoo calls (target {NO_CHANGE_ODOO})")
    big = [r for r in rows if r.get("x floor") is not None and r["created"] == 10_000]
    for r in big:
        print(f"import of 10,000: {r['x floor']}x Odoo's own create, {r['x floor w/o Jira']}x without the fake "
              f"Jira's answering time (target {IMPORT_OVER_FLOOR}x)")


if __name__ == "__main__":
    main()
