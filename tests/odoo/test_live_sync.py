"""`playbook sync` against a real Odoo (18 or 19) with the erp_playbook addon, Jira played by the contract-checked fake.

Covers what only a real server can show: the addon's man-days and overdue computations, the unique worklog id,
batched creates, a run killed mid-way then re-run ending exactly like one clean run, the addon's lock on lines the
customer confirmed, lines booked on the employee of the worklog's author, and sign-off gates carried both ways
through the addon's own actions (a gate signed in Jira makes its payment fall due).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import responses

from connector.odoo.client import OdooClient
from connector.settings import ProjectLink
from connector.sync.engine import SyncEngine
from connector.sync.state import SqliteState
from connector.sync.summary import SyncSummary
from tests.jira_contract import contract_responses, needs_spec
from tests.odoo.harness import OdooDatabase
from tests.sync.fakes import (
    AWAITING,
    CUSTOMER_EMAIL,
    CUSTOMER_NAME,
    DUE,
    REMAINING,
    SIGNED_OFF,
    SPENT,
    STATUS,
    TO_DO,
    JiraFake,
    KillableJira,
    Killed,
    KillSwitch,
    make_adapter,
)

pytestmark = needs_spec
HOUR = 3600


class KillableOdoo:
    """The real client, 'killed' right after call number ``switch.at`` went through."""

    def __init__(self, client: OdooClient, switch: KillSwitch) -> None:
        self.client, self.switch = client, switch

    @property
    def rpc_calls(self) -> int:
        return self.client.rpc_calls

    @property
    def uid(self) -> int | None:
        return self.client.uid

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        result = self.client.execute(model, method, *args, **kwargs)
        self.switch.tick(f"{model}.{method}")
        return result

    def search_read(self, model: str, domain: list[Any], fields: list[str], **kw: Any) -> list[dict[str, Any]]:
        return list(self.execute(model, "search_read", domain, fields, **kw) or [])

    def another_connection(self) -> KillableOdoo:
        """The sync's line creator gets its own connection, killed by the same switch."""
        return KillableOdoo(self.client.another_connection(), self.switch)


@dataclass
class LiveWorld:
    db: OdooDatabase
    client: OdooClient
    jira: JiraFake
    link: ProjectLink
    state_path: Path
    project_id: int
    issues: dict[str, str]

    def run(self, kill_at: int | None = None, *, full: bool = False, kill_after: str | None = None) -> SyncSummary:
        switch = KillSwitch(kill_at, kill_after)
        state = SqliteState(self.state_path)
        try:
            engine = SyncEngine(odoo=KillableOdoo(self.client, switch),
                                jira=KillableJira(make_adapter(), switch), state=state)
            return engine.run([self.link], full=full)
        finally:
            state.close()

    def lines(self) -> dict[str, dict[str, Any]]:
        rows = self.db.execute("account.analytic.line", "search_read", [("project_id", "=", self.project_id)],
                               ["erp_jira_worklog_id", "task_id", "unit_amount", "date", "name", "employee_id",
                                "erp_confirmed_date"])
        return {r["erp_jira_worklog_id"]: r for r in rows}  # type: ignore[union-attr]

    def phases(self) -> dict[str, dict[str, Any]]:
        rows = self.db.execute("erp.project.phase", "search_read", [("project_id", "=", self.project_id)],
                               ["key", "spent_man_days", "remaining_man_days", "task_id"])
        return {r["key"]: r for r in rows}  # type: ignore[union-attr]


def make_project(db: OdooDatabase, code: str) -> int:
    """A project as provisioning leaves it: external id, phases with their tasks, budget."""
    pid = int(db.execute("project.project", "create", {"name": f"Live {code}", "erp_man_day_budget": 100,
                                                         "erp_hours_per_day": 8}))  # type: ignore[arg-type]
    db.execute("ir.model.data", "create", {"module": "erp_playbook_rpc", "name": f"{code}__project",
                                           "model": "project.project", "res_id": pid})
    for seq, (key, budget) in enumerate((("analysis", 30), ("build", 70)), 1):
        task = db.execute("project.task", "create", {"name": key.title(), "project_id": pid, "erp_item_key": key,
                                                     "erp_item_type": "phase"})
        phase = db.execute("erp.project.phase", "create", {"project_id": pid, "key": key, "name": key.title(),
                                                           "sequence": seq, "task_id": task,
                                                           "budget_man_days": budget})
        db.execute("project.task", "write", [task], {"erp_phase_id": phase})
    return pid


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with contract_responses() as mock:
        mock.add_passthru("http://127.0.0.1")  # the real Odoo
        yield mock


_counter = iter(range(1, 1000))


@pytest.fixture
def live(odoo_addon_db: OdooDatabase, rsps: responses.RequestsMock, tmp_path: Path) -> LiveWorld:
    n = next(_counter)
    code, key = f"live{n}", f"LV{n}"
    jira = JiraFake(page_size=4, first_id=n * 100_000)  # ids unique in the module's database
    jira.install(rsps)
    analysis, build = jira.add_phase(key, "analysis", code), jira.add_phase(key, "build", code)
    issues = {"analysis": analysis, "build": build,
              "item": jira.add_issue(key, kind="checklist_item", item="kickoff", code=code, parent=analysis)}
    client = OdooClient(odoo_addon_db.url, odoo_addon_db.name, odoo_addon_db.login, odoo_addon_db.password)
    return LiveWorld(db=odoo_addon_db, client=client, jira=jira, link=ProjectLink(code=code, jira_key=key),
                     state_path=tmp_path / "sync.sqlite", project_id=make_project(odoo_addon_db, code), issues=issues)


def test_import_no_change_edit_delete(live: LiveWorld) -> None:
    j, i = live.jira, live.issues
    w_analysis = j.log(i["analysis"], 8 * HOUR, comment="workshop")
    w_item = j.log(i["item"], 4 * HOUR)
    w_build = [j.log(i["build"], 2 * HOUR) for _ in range(9)]

    first = live.run()
    assert first.ok, first.as_dict()
    assert first.projects[0].created == 11
    lines = live.lines()
    assert len(lines) == 11
    phases = live.phases()
    assert lines[str(w_item)]["task_id"][0] == phases["analysis"]["task_id"][0]
    assert phases["analysis"]["spent_man_days"] == 1.5 and phases["build"]["spent_man_days"] == 2.25
    assert j.edits[i["analysis"]] == {SPENT: 1.5, REMAINING: 28.5}

    calls_before = live.client.rpc_calls
    quiet = live.run()
    assert quiet.projects[0].changed == 0 and quiet.projects[0].jira_updates == 0
    assert quiet.jira_requests == 3 and live.client.rpc_calls - calls_before == 3  # projects, sign-offs, figures

    j.edit(w_analysis, timeSpentSeconds=4 * HOUR)
    j.delete(w_build[0])
    after = live.run()
    assert (after.projects[0].updated, after.projects[0].deleted, after.projects[0].created) == (1, 1, 0)
    lines = live.lines()
    assert len(lines) == 10 and lines[str(w_analysis)]["unit_amount"] == 4.0
    assert live.phases()["analysis"]["spent_man_days"] == 1.0
    assert j.edits[i["analysis"]][SPENT] == 1.0


def test_killed_run_then_rerun_equals_a_clean_run(live: LiveWorld) -> None:
    j, i = live.jira, live.issues
    for n in range(10):
        j.log(i["build" if n % 2 else "item"], (n + 1) * 900)
    doomed = j.log(i["analysis"], HOUR)
    j.delete(doomed)

    for kill_at in (3, 6, 9, 12):
        with pytest.raises(Killed):
            live.run(kill_at=kill_at)
    final = live.run()
    assert final.ok, final.as_dict()
    lines = live.lines()
    assert sorted(lines) == sorted(str(w) for w in j.worklogs)
    assert {k: v["unit_amount"] for k, v in lines.items()} == {
        str(w): round(d["timeSpentSeconds"] / 3600, 4) for w, d in j.worklogs.items()}
    expected_build = sum(d["timeSpentSeconds"] for d in j.worklogs.values() if d["issueId"] == i["build"]) / 3600 / 8
    assert live.phases()["build"]["spent_man_days"] == pytest.approx(expected_build)
    assert live.run().projects[0].changed == 0


def test_overdue_payment_is_flagged_on_both_sides(live: LiveWorld) -> None:
    db = live.db
    partner = db.execute("res.partner", "create", {"name": "ACME Customer"})
    db.execute("project.project", "write", [live.project_id], {"partner_id": partner, "erp_contract_amount": 100000})
    signoff = db.execute("erp.signoff", "create", {"project_id": live.project_id, "key": "analysis_signed",
                                                   "name": "Analysis signed"})
    db.execute("erp.signoff", "action_request", [signoff])
    _attach_paper(live, signoff)
    db.execute("erp.signoff", "action_sign", [signoff], signer_id=partner, date_signed="2024-01-02")
    milestone = db.execute("erp.payment.milestone", "create", {
        "project_id": live.project_id, "key": "after_analysis", "name": "After analysis", "percent": 30,
        "signoff_id": signoff, "grace_days": 30})
    db.execute("erp.payment.milestone", "action_create_invoice", [milestone])
    (row,) = db.execute("erp.payment.milestone", "read", [milestone], ["invoice_id"])  # type: ignore[misc]
    db.execute("account.move", "action_post", [row["invoice_id"][0]])
    issue = live.jira.add_milestone(live.link.jira_key or "", "after_analysis", live.link.code)

    summary = live.run()

    assert summary.ok, summary.as_dict()
    (overdue,) = summary.overdue()
    assert overdue["key"] == "after_analysis" and overdue["days_overdue"] > 300
    assert overdue["amount_residual"] == 30000.0 and overdue["invoice"]
    assert live.jira.edits[issue][STATUS] == {"value": "Overdue"}
    assert live.jira.labels[issue] == {"payment-overdue"}
    flagged = db.execute("erp.payment.milestone", "search_read", [("is_overdue", "=", True),
                                                                  ("project_id", "=", live.project_id)], ["key"])
    assert [m["key"] for m in flagged] == ["after_analysis"]  # type: ignore[index,union-attr]


def test_lines_the_customer_confirmed_survive_jira_edits_and_deletions(live: LiveWorld) -> None:
    j, i, key = live.jira, live.issues, live.link.jira_key
    edited = j.log(i["analysis"], 8 * HOUR, comment="workshop")
    deleted = j.log(i["build"], 2 * HOUR)
    free = j.log(i["build"], HOUR)
    assert live.run().ok
    signed = live.lines()
    live.db.execute("account.analytic.line", "action_erp_customer_confirm",
                    [signed[str(edited)]["id"], signed[str(deleted)]["id"]])
    confirmed_on = live.lines()[str(edited)]["erp_confirmed_date"]
    assert confirmed_on
    j.edit(edited, timeSpentSeconds=4 * HOUR, comment="workshop, shorter")
    j.delete(deleted)
    j.delete(free)

    summary = live.run()

    assert summary.ok, summary.as_dict()
    result = summary.projects[0]
    assert (result.conflicts, result.deleted) == (2, 1)
    lines = live.lines()
    assert sorted(lines) == sorted([str(edited), str(deleted)])
    assert lines[str(edited)]["unit_amount"] == 8.0 and lines[str(deleted)]["unit_amount"] == 2.0
    assert lines[str(edited)]["name"].endswith("workshop, shorter")  # the description is not signed
    assert any(w.startswith(f"worklog {edited} on {key}-1 was changed in Jira after the customer confirmed it on "
                            f"{confirmed_on}: Odoo keeps the signed 8 h; record a correcting worklog or ask a "
                            "manager to reopen the line") for w in result.warnings), result.warnings
    assert any(w.startswith(f"worklog {deleted} on {key}-2 was deleted in Jira after the customer confirmed it")
               for w in result.warnings), result.warnings
    assert live.phases()["analysis"]["spent_man_days"] == 1.0  # man-days follow what was signed

    quiet = live.run()
    assert quiet.ok and quiet.projects[0].conflicts == 0 and quiet.projects[0].changed == 0
    full = live.run(full=True)  # the reconcile of --full leaves the signed line of the deleted worklog alone
    assert full.ok, full.as_dict()
    assert (full.projects[0].conflicts, full.projects[0].deleted) == (2, 0)
    assert sorted(live.lines()) == sorted([str(edited), str(deleted)])


def test_the_line_is_booked_on_the_employee_with_the_authors_work_email(live: LiveWorld) -> None:
    db, j, i, code = live.db, live.jira, live.issues, live.link.code
    email = f"bo.{code}@example.test"
    bo = db.execute("hr.employee", "create", {"name": f"Bo Chen {code}", "work_email": email})
    by_bo = j.log(i["analysis"], HOUR, author="Bo C.", email=email.upper())
    stranger = j.log(i["analysis"], HOUR, author=f"Nobody {code}")

    summary = live.run()

    assert summary.ok, summary.as_dict()
    lines = live.lines()
    assert lines[str(by_bo)]["employee_id"][0] == bo
    (mine,) = db.execute("hr.employee", "search_read", [("user_id", "=", live.client.uid)], ["name"])  # type: ignore[misc]
    assert lines[str(stranger)]["employee_id"][0] == mine["id"]
    assert f"Jira user Nobody {code} has no Odoo employee: booked on {mine['name']} (the sync user's employee)" in \
        " ".join(summary.warnings)


def _attach_paper(live: LiveWorld, signoff: int) -> None:
    """The signed paper a manager attaches before recording a signature (the addon requires it)."""
    paper = live.db.execute("ir.attachment", "create", {"name": "signed.pdf", "datas": "JVBERi0xLjQ=",
                                                        "mimetype": "application/pdf"})
    live.db.execute("erp.signoff", "write", [signoff], {"attachment_ids": [(4, paper)]})


def _gate_with_payment(live: LiveWorld, key: str, *, delay_days: int = 0) -> tuple[int, int, int]:
    """(the customer's contact who signs in Jira, requested erp.signoff, payment milestone falling due with it)."""
    db = live.db
    company = int(db.execute("res.partner", "create", {"name": f"Customer {live.link.code}",  # type: ignore[arg-type]
                                                       "is_company": True}))
    partner = int(db.execute("res.partner", "create", {  # type: ignore[arg-type]
        "name": CUSTOMER_NAME, "email": CUSTOMER_EMAIL, "parent_id": company}))
    db.execute("project.project", "write", [live.project_id], {"partner_id": company, "erp_contract_amount": 100000})
    signoff = int(db.execute("erp.signoff", "create", {  # type: ignore[arg-type]
        "project_id": live.project_id, "key": key, "name": key.replace("_", " ").capitalize()}))
    db.execute("erp.signoff", "action_request", [signoff])
    milestone = int(db.execute("erp.payment.milestone", "create", {  # type: ignore[arg-type]
        "project_id": live.project_id, "key": f"after_{key}", "name": f"After {key}", "percent": 40,
        "signoff_id": signoff, "delay_days": delay_days}))
    return partner, signoff, milestone


def _read(live: LiveWorld, model: str, record: int, fields: list[str]) -> dict[str, Any]:
    (row,) = live.db.execute(model, "read", [record], fields)  # type: ignore[misc]
    return row  # type: ignore[no-any-return]


def _notes(live: LiveWorld, signoff: int) -> list[str]:
    rows = live.db.execute("mail.message", "search_read", [("model", "=", "erp.signoff"), ("res_id", "=", signoff),
                                                           ("body", "ilike", "from Jira")], ["body"])
    return [r["body"] for r in rows]  # type: ignore[union-attr,index]


def test_a_gate_signed_in_jira_is_signed_in_odoo_and_the_addon_sets_its_payment_due(live: LiveWorld) -> None:
    j, code, key = live.jira, live.link.code, live.link.jira_key or ""
    partner, signoff, milestone = _gate_with_payment(live, "design_signed", delay_days=14)
    issue = j.add_signoff(key, "design_signed", code, status=AWAITING)
    pay_issue = j.add_milestone(key, "after_design_signed", code)
    assert live.run().ok
    assert _read(live, "erp.payment.milestone", milestone, ["date_due"])["date_due"] is False

    j.set_status(issue, SIGNED_OFF)
    summary = live.run()

    assert summary.ok, summary.as_dict()
    signed_on = j.day(issue)
    row = _read(live, "erp.signoff", signoff, ["state", "date_signed", "signer_id"])
    assert (row["state"], row["date_signed"], row["signer_id"][0]) == ("signed", signed_on, partner)
    due = (date.fromisoformat(signed_on) + timedelta(days=14)).isoformat()
    assert _read(live, "erp.payment.milestone", milestone, ["date_due"])["date_due"] == due  # the addon's compute
    assert j.edits[pay_issue][DUE] == due  # and the same run wrote it to the Jira milestone issue
    (note,) = _notes(live, signoff)
    assert f"Signed from Jira: {j.issues[issue]['key']} is in status Signed off since {signed_on}" in note
    assert summary.projects[0].signoffs_signed_from_jira == 1

    quiet = live.run()
    assert quiet.projects[0].signoffs == [] and quiet.jira_requests == 3


def test_a_gate_signed_in_odoo_moves_its_jira_issue(live: LiveWorld) -> None:
    j, code, key = live.jira, live.link.code, live.link.jira_key or ""
    partner, signoff, _ = _gate_with_payment(live, "analysis_signed")
    _attach_paper(live, signoff)
    live.db.execute("erp.signoff", "action_sign", [signoff], signer_id=partner, date_signed="2025-06-03")
    issue = j.add_signoff(key, "analysis_signed", code, status=TO_DO)

    summary = live.run()

    assert summary.ok, summary.as_dict()
    assert j.status(issue) == SIGNED_OFF and [tid for _, tid in j.transitions_posted] == ["11", "21"]
    assert summary.projects[0].signoffs_to_jira == 1
    assert live.run().projects[0].signoff_conflicts == 0  # Jira's later date is the sync's own move


def test_killed_right_after_the_odoo_signature_the_rerun_adds_the_note_once(live: LiveWorld) -> None:
    j, code, key = live.jira, live.link.code, live.link.jira_key or ""
    _, signoff, _ = _gate_with_payment(live, "build_signed")
    j.add_signoff(key, "build_signed", code, status=SIGNED_OFF)

    with pytest.raises(Killed):
        live.run(kill_after="erp.signoff.action_sign")  # signed, the note not yet written
    assert _read(live, "erp.signoff", signoff, ["state"])["state"] == "signed" and _notes(live, signoff) == []
    with pytest.raises(Killed):
        live.run(kill_after="erp.signoff.message_post")  # the note written, the state not yet told
    assert len(_notes(live, signoff)) == 1

    final = live.run()
    assert final.ok, final.as_dict()
    assert len(_notes(live, signoff)) == 1 and final.projects[0].signoff_conflicts == 0
