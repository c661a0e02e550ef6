"""Measure `playbook report weekly` on a large project: RPC calls, wall time and peak memory per format.

Synthetic project behind the in-memory fake Odoo of tests/reports (it counts every call): 12 phases, 500 tasks
(checklist items, deliverables, register items), 5,000 timesheet lines over 39 weeks, 24 sign-offs, 4 payment
milestones. Each run is the whole path: snapshot from "Odoo", report, document (with the burn chart), rendering.
Wall time is the median of REPEAT runs without tracing; peak memory comes from one more run under tracemalloc
(which slows Python down, so the two are measured apart). A warm-up run loads fonts and templates first.

    .venv/bin/python bench/reports.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.playbook.model import Playbook
from connector.reports.odoo_source import OdooReportSource
from connector.reports.pdf import render_pdf
from connector.reports.phase_docs import build_phase_report, phase_document
from connector.reports.render import render_html, render_markdown
from connector.reports.weekly import build_weekly, weekly_document
from connector.reports.weeks import IsoWeek
from tests.reports.fake_odoo import FakeOdoo

PHASES, TASKS, LINES, PAYMENTS = 12, 500, 5_000, 4
REGISTER_TASKS = 48
AS_OF = date(2026, 11, 27)
WEEK = IsoWeek.of(AS_OF)
START = date(2026, 3, 2)
REPEAT = 3
PROJECT = [1, "Large ERP rollout"]
PEOPLE = [[11 + i, f"Consultant {i + 1}"] for i in range(8)]


def large_project(playbook: Playbook) -> dict[str, list[dict[str, Any]]]:
    """Records as Odoo's RPC returns them; phases take the playbook's keys so names come from the playbook."""
    keys = [p.key for p in playbook.phases][:PHASES]
    keys += [f"extra_phase_{i}" for i in range(PHASES - len(keys))]
    phase_ids = {key: 101 + i for i, key in enumerate(keys)}
    done, current = set(keys[:5]), keys[5]
    tasks: list[dict[str, Any]] = []

    def task(name: str, key: str | None, item_type: str | bool, state: str, tags: list[int] | None = None,
             deadline: Any = False, item_key: Any = False) -> None:
        tasks.append({"id": 1001 + len(tasks), "name": name, "project_id": PROJECT,
                      "erp_phase_id": [phase_ids[key], key] if key else False, "erp_item_key": item_key,
                      "erp_item_type": item_type, "erp_deliverable_kind": "document" if item_type == "deliverable"
                      else False, "state": state, "stage_id": False, "date_deadline": deadline,
                      "user_ids": [21 + len(tasks) % 3], "tag_ids": tags or []})

    for key in keys:
        task(key, key, "phase", "1_done" if key in done else "01_in_progress", item_key=key)
    items = TASKS - PHASES - REGISTER_TASKS
    for n in range(items):
        key = keys[n % PHASES]
        state = "1_done" if key in done or (key == current and n % 3 == 0) else "01_in_progress"
        deadline = (AS_OF + timedelta(days=n % 20 - 5)).isoformat() if key == current else False
        task(f"Item {n + 1}", key, "deliverable" if n % 10 == 0 else "checklist", state, deadline=deadline)
    for n in range(REGISTER_TASKS):  # tags: 1 requirement, 2 issue, 3.. dispositions
        kind = 1 if n % 3 else 2
        disposition = [3 + n % 4] if n % 5 else []
        task(f"Register item {n + 1}", None, False, "1_done" if n % 4 == 0 else "01_in_progress",
             tags=[kind, *disposition])

    names = {t["id"]: t["name"] for t in tasks}
    worked = [t for t in tasks if t["erp_phase_id"] and t["erp_phase_id"][1] in (*done, current)]
    days = (AS_OF - START).days + 1
    lines = []
    for n in range(LINES):
        t = worked[n % len(worked)]
        day = START + timedelta(days=n * days // LINES)
        key = t["erp_phase_id"][1]
        confirmed = key in done and n % 7 != 0
        lines.append({"id": 50_000 + n, "date": day.isoformat(), "project_id": PROJECT, "unit_amount": 2.0,
                      "task_id": [t["id"], names[t["id"]]], "erp_phase_id": t["erp_phase_id"],
                      "employee_id": PEOPLE[n % len(PEOPLE)], "name": f"work {n}",
                      "erp_customer_confirmed": confirmed,
                      "erp_confirmed_date": (day + timedelta(days=10)).isoformat() if confirmed else False})

    phases = []
    for i, key in enumerate(keys):
        own = [t for t in tasks if t["erp_phase_id"] and t["erp_phase_id"][0] == phase_ids[key]
               and t["erp_item_type"] in ("checklist", "deliverable")]
        phases.append({"id": phase_ids[key], "project_id": PROJECT, "key": key, "name": key, "sequence": i + 1,
                       "state": "done" if key in done else "in_progress" if key == current else "draft",
                       "date_start": (START + timedelta(weeks=3 * i)).isoformat() if i <= 5 else False,
                       "date_done": (START + timedelta(weeks=3 * i + 3)).isoformat() if key in done else False,
                       "budget_man_days": 100.0, "item_count": len(own),
                       "item_done_count": sum(1 for t in own if t["state"] == "1_done")})
    gates = []
    for i, key in enumerate(keys):
        for j in range(2):
            signed = key in done
            gates.append({"id": 201 + 2 * i + j, "project_id": PROJECT, "key": f"{key}_gate_{j}",
                          "name": f"{key} sign-off {j + 1}", "phase_id": [phase_ids[key], key], "hard": j == 1,
                          "blocks_phase_id": [phase_ids[keys[i + 1]], keys[i + 1]] if j == 1 and i + 1 < PHASES
                          else False, "state": "signed" if signed else "draft", "document": False,
                          "date_requested": False, "date_signed": phases[i]["date_done"] if signed else False,
                          "signer_id": False, "signed_by_name": "Customer PM" if signed else False})
    payments = []
    for i in range(PAYMENTS):
        gate = gates[1 + 6 * i]
        paid = i < 2
        payments.append({"id": 301 + i, "project_id": PROJECT, "key": f"payment_{i + 1}", "name": f"Payment {i + 1}",
                         "percent": 25.0, "amount": 3_000_000.0, "signoff_id": [gate["id"], gate["name"]],
                         "invoice_id": [901 + i, f"INV/2026/{i + 1:04d}"] if i < 3 else False,
                         "payment_state": "paid" if paid else "not_paid" if i < 3 else False,
                         "amount_residual": 0.0 if paid else 3_000_000.0,
                         "date_due": gate["date_signed"] or False, "grace_days": 30, "delay_days": 0})
    return {
        "ir.model": [{"id": 1, "model": "erp.project.phase"}],
        "ir.model.data": [{"id": 1, "module": "erp_playbook_rpc", "model": "project.project",
                           "name": "large__project", "res_id": 1}],
        "project.project": [{"id": 1, "name": PROJECT[1], "partner_id": [41, "Big Customer"],
                             "company_id": [1, "Consultancy"], "user_id": [21, "PM"], "erp_playbook_id": [1, "std"],
                             "erp_size": "large", "erp_industry": False, "erp_man_day_budget": 1200.0,
                             "erp_hours_per_day": 8.0, "erp_contract_amount": 12_000_000.0,
                             "currency_id": [1, "TWD"], "date_start": START.isoformat(), "date": False}],
        "erp.project.phase": phases,
        "erp.signoff": gates,
        "erp.payment.milestone": payments,
        "project.task": tasks,
        "project.tags": [{"id": i, "name": n} for i, n in enumerate(
            ["requirement", "issue", "workaround", "go_live_then_customize", "record_for_rnd",
             "explain_not_possible"], start=1)],
        "res.users": [{"id": 21 + i, "name": f"User {i}"} for i in range(3)],
        "account.analytic.line": lines,
    }


Run = tuple[int, int, float]  # RPC calls, output bytes, seconds spent in the fake Odoo's snapshot


def weekly_run(records: dict[str, Any], playbook: Playbook, fmt: str, out: Path) -> Run:
    """One weekly report end to end."""
    odoo = FakeOdoo(records)
    started = time.perf_counter()
    snap = OdooReportSource(odoo, playbook).snapshot("large", AS_OF, lines_from=WEEK.start, lines_to=WEEK.end)
    snapshot_s = time.perf_counter() - started
    doc = weekly_document(build_weekly(snap, playbook, WEEK, "zh_TW"), today=AS_OF, with_chart=True)
    return sum(odoo.calls.values()), _render(doc, fmt, out), snapshot_s


def confirmation_run(records: dict[str, Any], playbook: Playbook, fmt: str, out: Path) -> Run:
    """The certificate of the first phase (finished): it lists every confirmed line of the phase."""
    odoo = FakeOdoo(records)
    key = records["erp.project.phase"][0]["key"]
    started = time.perf_counter()
    snap = OdooReportSource(odoo, playbook).snapshot("large", AS_OF, phase_key=key)
    snapshot_s = time.perf_counter() - started
    doc = phase_document(build_phase_report(snap, playbook, key, "confirmation", "zh_TW"), today=AS_OF)
    return sum(odoo.calls.values()), _render(doc, fmt, out), snapshot_s


def _render(doc: Any, fmt: str, out: Path) -> int:
    if fmt == "pdf":
        return len(render_pdf(doc))
    if fmt == "html":
        return len(render_html(doc).encode())
    return len(render_markdown(doc, out, "bench").encode())


def measure(run: Callable[..., Run], *args: Any) -> dict[str, Any]:
    times, in_fake = [], []
    for _ in range(REPEAT):
        started = time.perf_counter()
        calls, size, snapshot_s = run(*args)
        times.append(time.perf_counter() - started)
        in_fake.append(snapshot_s)
    tracemalloc.start()
    try:
        run(*args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"RPC calls": calls, "wall s (median)": round(statistics.median(times), 3),
            "of which fake Odoo s": round(statistics.median(in_fake), 3),
            "peak MiB": round(peak / 2**20, 1), "output KiB": round(size / 1024, 1)}


def main() -> None:
    playbook = load_playbook(DEFAULT_PLAYBOOK)
    records = large_project(playbook)
    print(f"synthetic project: {len(records['erp.project.phase'])} phases, {len(records['project.task'])} tasks, "
          f"{len(records['account.analytic.line'])} timesheet lines, {len(records['erp.signoff'])} sign-offs, "
          f"{len(records['erp.payment.milestone'])} payment milestones; zh_TW; week {WEEK}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for fmt in ("md", "html", "pdf"):  # warm-up: imports, templates, the CJK font
            weekly_run(records, playbook, fmt, out)
        rows = [{"report": "weekly", "format": fmt, **measure(weekly_run, records, playbook, fmt, out)}
                for fmt in ("md", "html", "pdf")]
        rows += [{"report": "confirmation (phase 1)", "format": fmt,
                  **measure(confirmation_run, records, playbook, fmt, out)} for fmt in ("md", "pdf")]
    headers = list(rows[0])
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" if h in ("report", "format") else "---:" for h in headers) + "|")
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in headers) + " |")


if __name__ == "__main__":
    main()
