"""The sync scenarios, each run against the in-memory Odoo fake and against a live Odoo (18 or 19) with the addon,
through one parametrized fixture and the same assertions: what holds the fake (``tests/fakes/odoo.py``) to real
Odoo. Jira is the contract-checked fake in both. The live leg skips with the harness's reason without ``ODOO_SRC``.

Covered: import, a no-change run's call budget, edits and deletions, a run killed mid-way then re-run, payments and
figures pushed to Jira (the addon's man-days and payment rule), lines the customer confirmed kept, time on a phase a
hard gate holds released once it is signed, lines booked on the author's employee, and sign-off gates carried both
ways through the addon's own actions (a gate signed in Jira makes its payment fall due).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import responses

from connector.odoo.client import OdooClient
from connector.settings import ProjectLink
from tests.fakes.kill import Killed
from tests.fakes.odoo import OdooFake
from tests.jira_contract import contract_responses, needs_spec
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
)
from tests.sync.scenario import HOUR, SyncWorld, make_project

pytestmark = needs_spec
_counter = itertools.count(1)


@pytest.fixture
def site() -> Iterator[responses.RequestsMock]:
    with contract_responses() as mock:
        mock.add_passthru("http://127.0.0.1")  # the live Odoo
        yield mock


@pytest.fixture(params=["fake", pytest.param("live", marks=pytest.mark.odoo)])
def world(request: pytest.FixtureRequest, site: responses.RequestsMock, tmp_path) -> SyncWorld:  # type: ignore[no-untyped-def]
    """One project (phases analysis and build) and its Jira project (two phase epics, an item), on either Odoo."""
    n = next(_counter)
    code, key = f"scen{n}", f"SC{n}"
    jira = JiraFake(page_size=4, first_id=n * 100_000)  # ids unique in the module's live database
    jira.install(site)
    analysis, build = jira.add_phase(key, "analysis", code), jira.add_phase(key, "build", code)
    issues = {"analysis": analysis, "build": build,
              "item": jira.add_issue(key, kind="checklist_item", item="kickoff", code=code, parent=analysis)}
    if request.param == "fake":
        admin = client = OdooFake()
    else:
        admin = request.getfixturevalue("odoo_addon_db")
        client = OdooClient(admin.url, admin.name, admin.login, admin.password)
    return SyncWorld(which=request.param, admin=admin, client=client, jira=jira,
                     link=ProjectLink(code=code, jira_key=key), state_path=tmp_path / "sync.sqlite",
                     project_id=make_project(admin, code), issues=issues)


def _gate_with_payment(world: SyncWorld, key: str, *, delay_days: int = 0) -> tuple[int, int, int]:
    """(the customer's contact who signs in Jira, requested erp.signoff, payment milestone falling due with it)."""
    partner = world.customer(CUSTOMER_NAME, CUSTOMER_EMAIL)
    signoff = int(world.execute("erp.signoff", "create", {
        "project_id": world.project_id, "key": key, "name": key.replace("_", " ").capitalize()}))
    world.execute("erp.signoff", "action_request", [signoff])
    milestone = int(world.execute("erp.payment.milestone", "create", {
        "project_id": world.project_id, "key": f"after_{key}", "name": f"After {key}", "percent": 40,
        "signoff_id": signoff, "delay_days": delay_days}))
    return partner, signoff, milestone


def test_import_no_change_edit_delete(world: SyncWorld) -> None:
    j, i = world.jira, world.issues
    w_analysis = j.log(i["analysis"], 8 * HOUR, comment="workshop")
    w_item = j.log(i["item"], 4 * HOUR)
    w_build = [j.log(i["build"], 2 * HOUR) for _ in range(9)]

    first = world.run()
    assert first.ok, first.as_dict()
    assert first.projects[0].created == 11
    lines = world.lines()
    assert len(lines) == 11
    phases = world.phases()
    assert lines[str(w_item)]["task_id"][0] == phases["analysis"]["task_id"][0]
    assert phases["analysis"]["spent_man_days"] == 1.5 and phases["build"]["spent_man_days"] == 2.25
    assert j.edits[i["analysis"]] == {SPENT: 1.5, REMAINING: 28.5}

    calls_before = world.rpc_calls
    quiet = world.run()
    assert quiet.projects[0].changed == 0 and quiet.projects[0].jira_updates == 0
    assert quiet.jira_requests == 3 and world.rpc_calls - calls_before == 3  # projects, sign-offs, figures

    j.edit(w_analysis, timeSpentSeconds=4 * HOUR)
    j.delete(w_build[0])
    after = world.run()
    assert (after.projects[0].updated, after.projects[0].deleted, after.projects[0].created) == (1, 1, 0)
    lines = world.lines()
    assert len(lines) == 10 and lines[str(w_analysis)]["unit_amount"] == 4.0
    assert world.phases()["analysis"]["spent_man_days"] == 1.0
    assert j.edits[i["analysis"]][SPENT] == 1.0


def test_killed_run_then_rerun_equals_a_clean_run(world: SyncWorld) -> None:
    j, i = world.jira, world.issues
    for n in range(10):
        j.log(i["build" if n % 2 else "item"], (n + 1) * 900)
    doomed = j.log(i["analysis"], HOUR)
    j.delete(doomed)

    for kill_at in (3, 6, 9, 12):
        with pytest.raises(Killed):
            world.run(kill_at=kill_at)
    final = world.run()
    assert final.ok, final.as_dict()
    lines = world.lines()
    assert sorted(lines) == sorted(str(w) for w in j.worklogs)
    assert {k: v["unit_amount"] for k, v in lines.items()} == {
        str(w): round(d["timeSpentSeconds"] / 3600, 4) for w, d in j.worklogs.items()}
    expected_build = sum(d["timeSpentSeconds"] for d in j.worklogs.values() if d["issueId"] == i["build"]) / 3600 / 8
    assert world.phases()["build"]["spent_man_days"] == pytest.approx(expected_build)
    assert world.run().projects[0].changed == 0


def test_overdue_payment_is_flagged_on_both_sides(world: SyncWorld) -> None:
    partner = world.execute("res.partner", "create", {"name": "ACME Customer"})
    world.execute("project.project", "write", [world.project_id],
                  {"partner_id": partner, "erp_contract_amount": 100000})
    signoff = world.execute("erp.signoff", "create", {"project_id": world.project_id, "key": "analysis_signed",
                                                   "name": "Analysis signed"})
    world.execute("erp.signoff", "action_request", [signoff])
    world.attach_paper(signoff)
    world.execute("erp.signoff", "action_sign", [signoff], signer_id=partner, date_signed="2024-01-02")
    milestone = world.execute("erp.payment.milestone", "create", {
        "project_id": world.project_id, "key": "after_analysis", "name": "After analysis", "percent": 30,
        "signoff_id": signoff, "grace_days": 30})
    world.execute("erp.payment.milestone", "action_create_invoice", [milestone])
    (row,) = world.execute("erp.payment.milestone", "read", [milestone], ["invoice_id"])
    world.execute("account.move", "action_post", [row["invoice_id"][0]])
    issue = world.jira.add_milestone(world.link.jira_key or "", "after_analysis", world.link.code)

    summary = world.run()

    assert summary.ok, summary.as_dict()
    (overdue,) = summary.overdue()
    assert overdue["key"] == "after_analysis" and overdue["days_overdue"] > 300
    assert overdue["amount_residual"] == 30000.0 and overdue["invoice"]
    assert world.jira.edits[issue][STATUS] == {"value": "Overdue"}
    assert world.jira.labels[issue] == {"payment-overdue"}
    flagged = world.execute("erp.payment.milestone", "search_read", [("is_overdue", "=", True),
                                                                  ("project_id", "=", world.project_id)], ["key"])
    assert [m["key"] for m in flagged] == ["after_analysis"]


def test_lines_the_customer_confirmed_survive_jira_edits_and_deletions(world: SyncWorld) -> None:
    j, i, key = world.jira, world.issues, world.link.jira_key
    edited = j.log(i["analysis"], 8 * HOUR, comment="workshop")
    deleted = j.log(i["build"], 2 * HOUR)
    free = j.log(i["build"], HOUR)
    assert world.run().ok
    signed = world.lines()
    world.execute("account.analytic.line", "action_erp_customer_confirm",
                    [signed[str(edited)]["id"], signed[str(deleted)]["id"]])
    confirmed_on = world.lines()[str(edited)]["erp_confirmed_date"]
    assert confirmed_on
    j.edit(edited, timeSpentSeconds=4 * HOUR, comment="workshop, shorter")
    j.delete(deleted)
    j.delete(free)

    summary = world.run()

    assert summary.ok, summary.as_dict()
    result = summary.projects[0]
    assert (result.conflicts, result.deleted) == (2, 1)
    lines = world.lines()
    assert sorted(lines) == sorted([str(edited), str(deleted)])
    assert lines[str(edited)]["unit_amount"] == 8.0 and lines[str(deleted)]["unit_amount"] == 2.0
    assert lines[str(edited)]["name"].endswith("workshop, shorter")  # the description is not signed
    assert any(w.startswith(f"worklog {edited} on {key}-1 was changed in Jira after the customer confirmed it on "
                            f"{confirmed_on}: Odoo keeps the signed 8 h; record a correcting worklog or ask a "
                            "manager to reopen the line") for w in result.warnings), result.warnings
    assert any(w.startswith(f"worklog {deleted} on {key}-2 was deleted in Jira after the customer confirmed it")
               for w in result.warnings), result.warnings
    assert world.phases()["analysis"]["spent_man_days"] == 1.0  # man-days follow what was signed

    quiet = world.run()
    assert quiet.ok and quiet.projects[0].conflicts == 0 and quiet.projects[0].changed == 0
    full = world.run(full=True)  # the reconcile of --full leaves the signed line of the deleted worklog alone
    assert full.ok, full.as_dict()
    assert (full.projects[0].conflicts, full.projects[0].deleted) == (2, 0)
    assert sorted(world.lines()) == sorted([str(edited), str(deleted)])


def test_the_line_is_booked_on_the_employee_with_the_authors_work_email(world: SyncWorld) -> None:
    j, i, code = world.jira, world.issues, world.link.code
    email = f"bo.{code}@example.test"
    bo = world.execute("hr.employee", "create", {"name": f"Bo Chen {code}", "work_email": email})
    by_bo = j.log(i["analysis"], HOUR, author="Bo C.", email=email.upper())
    stranger = j.log(i["analysis"], HOUR, author=f"Nobody {code}")

    summary = world.run()

    assert summary.ok, summary.as_dict()
    lines = world.lines()
    assert lines[str(by_bo)]["employee_id"][0] == bo
    (mine,) = world.execute("hr.employee", "search_read", [("user_id", "=", world.client.uid)], ["name"])
    assert lines[str(stranger)]["employee_id"][0] == mine["id"]
    assert f"Jira user Nobody {code} has no Odoo employee: booked on {mine['name']} (the sync user's employee)" in \
        " ".join(summary.warnings)


def test_a_gate_signed_in_jira_is_signed_in_odoo_and_the_addon_sets_its_payment_due(world: SyncWorld) -> None:
    j, code, key = world.jira, world.link.code, world.link.jira_key or ""
    partner, signoff, milestone = _gate_with_payment(world, "design_signed", delay_days=14)
    issue = j.add_signoff(key, "design_signed", code, status=AWAITING)
    pay_issue = j.add_milestone(key, "after_design_signed", code)
    assert world.run().ok
    assert world.read("erp.payment.milestone", milestone, ["date_due"])["date_due"] is False

    j.set_status(issue, SIGNED_OFF)
    summary = world.run()

    assert summary.ok, summary.as_dict()
    signed_on = j.day(issue)
    row = world.read("erp.signoff", signoff, ["state", "date_signed", "signer_id"])
    assert (row["state"], row["date_signed"], row["signer_id"][0]) == ("signed", signed_on, partner)
    due = (date.fromisoformat(signed_on) + timedelta(days=14)).isoformat()
    assert world.read("erp.payment.milestone", milestone, ["date_due"])["date_due"] == due  # the addon's compute
    assert j.edits[pay_issue][DUE] == due  # and the same run wrote it to the Jira milestone issue
    (note,) = world.notes(signoff)
    assert f"Signed from Jira: {j.issues[issue]['key']} is in status Signed off since {signed_on}" in note
    assert summary.projects[0].signoffs_signed_from_jira == 1

    quiet = world.run()
    assert quiet.projects[0].signoffs == [] and quiet.jira_requests == 3


def test_a_gate_signed_in_odoo_moves_its_jira_issue(world: SyncWorld) -> None:
    j, code, key = world.jira, world.link.code, world.link.jira_key or ""
    partner, signoff, _ = _gate_with_payment(world, "analysis_signed")
    world.attach_paper(signoff)
    world.execute("erp.signoff", "action_sign", [signoff], signer_id=partner, date_signed="2025-06-03")
    issue = j.add_signoff(key, "analysis_signed", code, status=TO_DO)

    summary = world.run()

    assert summary.ok, summary.as_dict()
    assert j.status(issue) == SIGNED_OFF and [tid for _, tid in j.transitions_posted] == ["11", "21"]
    assert summary.projects[0].signoffs_to_jira == 1
    assert world.run().projects[0].signoff_conflicts == 0  # Jira's later date is the sync's own move


def test_killed_right_after_the_odoo_signature_the_rerun_adds_the_note_once(world: SyncWorld) -> None:
    j, code, key = world.jira, world.link.code, world.link.jira_key or ""
    _, signoff, _ = _gate_with_payment(world, "build_signed")
    j.add_signoff(key, "build_signed", code, status=SIGNED_OFF)

    with pytest.raises(Killed):
        world.run(kill_after="erp.signoff.action_sign")  # signed, the note not yet written
    assert world.read("erp.signoff", signoff, ["state"])["state"] == "signed" and world.notes(signoff) == []
    with pytest.raises(Killed):
        world.run(kill_after="erp.signoff.message_post")  # the note written, the state not yet told
    assert len(world.notes(signoff)) == 1

    final = world.run()
    assert final.ok, final.as_dict()
    assert len(world.notes(signoff)) == 1 and final.projects[0].signoff_conflicts == 0


def test_time_on_a_phase_a_hard_gate_holds_is_held_then_imported_once_it_is_signed(world: SyncWorld) -> None:
    j, i = world.jira, world.issues
    partner = world.customer(CUSTOMER_NAME, CUSTOMER_EMAIL)
    build = world.phases()["build"]["id"]
    gate = int(world.execute("erp.signoff", "create", {
        "project_id": world.project_id, "key": "design_signed", "name": "Design signed", "hard": True,
        "blocks_phase_id": build}))
    assert world.phases()["build"]["blocked_by"] == "'Design signed'"  # the addon's compute
    open_wid = j.log(i["analysis"], 2 * HOUR)
    held_wid = j.log(i["build"], 3 * HOUR)

    held = world.run()

    assert held.ok, held.as_dict()
    assert sorted(world.lines()) == [str(open_wid)]
    assert [(h["worklog"], h["phase"], h["gate"]) for h in held.projects[0].held] == [
        (str(held_wid), "build", "'Design signed'")]

    world.execute("erp.signoff", "action_request", [gate])
    world.attach_paper(gate)
    world.execute("erp.signoff", "action_sign", [gate], signer_id=partner, date_signed="2025-06-03")
    assert world.phases()["build"]["blocked_by"] is False

    released = world.run().projects[0]

    assert released.held == [] and released.created == 1
    lines = world.lines()
    assert sorted(lines) == sorted([str(open_wid), str(held_wid)])
    assert lines[str(held_wid)]["task_id"][0] == world.phases()["build"]["task_id"][0]
    assert world.phases()["build"]["spent_man_days"] == 0.375
    assert world.run().projects[0].created == 0
