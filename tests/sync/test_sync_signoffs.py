"""Sign-off gates agree on both sides: signed or rejected in Jira reaches Odoo through the addon's actions (and the
payment falls due), signed in Odoo moves the Jira issue, conflicts are reported and never overwritten."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

from connector.sync.signoffs import (
    DRAFT,
    REJECTED,
    REQUESTED,
    SIGNED,
    JiraGate,
    OdooGate,
    SignoffWorkflow,
    decide,
)
from tests.jira_contract import validate_request
from tests.sync.conftest import World, build_world
from tests.sync.fakes import AWAITING, BASE, CUSTOMER_EMAIL, CUSTOMER_NAME, DUE, SIGNED_OFF, TO_DO, Killed
from tests.sync.fakes import REJECTED as JIRA_REJECTED


@dataclass
class Gate:
    odoo: int  # erp.signoff id
    issue: str  # Jira issue id

    def key(self, world: World) -> str:
        return str(world.jira.issues[self.issue]["key"])


def _customer(world: World) -> int:
    """The project's customer, and its contact who signs in Jira (the fake's default author of a status change)."""
    partner = world.odoo.add_partner("ACME Corp")
    world.odoo.tables["project.project"][world.acme_id]["partner_id"] = partner
    return world.odoo.add_partner(CUSTOMER_NAME, email=CUSTOMER_EMAIL.upper(), parent=partner)


def _gate(world: World, key: str, odoo: str = REQUESTED, jira: str = AWAITING, **odoo_values: Any) -> Gate:
    return Gate(world.odoo.add_signoff(world.acme_id, key, state=odoo, **odoo_values),
                world.jira.add_signoff("ACME", key, status=jira))


def _signoff(world: World, gate: Gate) -> dict[str, Any]:
    return world.odoo.tables["erp.signoff"][gate.odoo]


def _writes(world: World) -> tuple[int, int]:
    """(Odoo writes of any kind, Jira edits and transitions) so far."""
    return world.odoo.writes, sum(1 for method, path in world.jira.calls
                                  if method == "PUT" or (method == "POST" and path.endswith("/transitions")))


# --------------------------------------------------------------------------------------- Jira -> Odoo
def test_gate_signed_in_jira_is_signed_in_odoo_and_its_payment_falls_due_in_the_same_run(world: World) -> None:
    customer = _customer(world)
    gate = _gate(world, "analysis_signed")
    world.odoo.add_milestone(world.acme_id, "after_analysis", amount=30000.0, signoff=gate.odoo, delay_days=10)
    pay_issue = world.jira.add_milestone("ACME", "after_analysis")
    assert world.run().ok
    assert _signoff(world, gate)["state"] == REQUESTED  # nothing signed yet: nothing moves

    world.jira.set_status(gate.issue, SIGNED_OFF)
    signed_on = world.jira.day(gate.issue)
    summary = world.run()

    assert summary.ok, summary.as_dict()
    row = _signoff(world, gate)
    assert (row["state"], row["date_signed"], row["signer_id"]) == (SIGNED, signed_on, customer)
    key = gate.key(world)
    (note,) = world.odoo.notes(gate.odoo)
    assert f"Signed from Jira: {key} is in status Signed off since {signed_on}" in note
    assert world.odoo.tables["mail.message"][max(world.odoo.tables["mail.message"])]["subtype"] == "mail.mt_note"
    acme = summary.projects[0]
    assert (acme.signoffs_signed_from_jira, acme.signoffs_from_jira, acme.signoffs_to_jira) == (1, 1, 0)
    assert acme.signoffs == [{"gate": "analysis_signed", "issue": key, "odoo": REQUESTED, "jira": SIGNED_OFF,
                              "action": "Odoo signed from Jira"}]
    assert summary.as_dict()["signoffs"] == {"signed_from_jira": 1, "from_jira": 1, "pushed_to_jira": 0,
                                             "conflicts": 0}
    # The addon computes the due date from the signature; the same run writes it to the Jira milestone issue.
    pay = {p.key: p for p in acme.payments}["after_analysis"]
    assert pay.date_due == "2025-06-25" == world.jira.edits[pay_issue][DUE]
    assert signed_on == "2025-06-15"
    assert world.jira.violations == []


def test_a_draft_gate_signed_in_jira_is_requested_then_signed_through_the_addon(world: World) -> None:
    _customer(world)
    gate = _gate(world, "design_signed", odoo=DRAFT, jira=SIGNED_OFF)

    world.run()

    actions = [meth for model, meth in world.odoo.calls if model == "erp.signoff" and meth.startswith("action_")]
    assert actions == ["action_request", "action_sign"]
    assert _signoff(world, gate)["state"] == SIGNED


def test_the_customer_contact_who_signed_in_jira_is_the_signer(world: World) -> None:
    signer = _customer(world)
    proposed = world.odoo.add_partner("Dana Customer, CEO", parent=world.odoo.tables["res.partner"][signer][
        "commercial_partner_id"])
    gate = _gate(world, "analysis_signed", jira=SIGNED_OFF, signer=proposed)
    world.run()
    assert _signoff(world, gate)["signer_id"] == signer  # who moved the issue, matched by e-mail


@pytest.mark.parametrize(("by", "email", "shown"), [
    ("Sam Consultant", "sam@implementer.example", "Sam Consultant"),         # the team, not the customer
    (CUSTOMER_NAME, None, f"{CUSTOMER_NAME} (e-mail hidden by Jira)"),       # cannot tell who it is
])
def test_a_jira_signature_not_by_the_customer_is_a_conflict_and_odoo_stays_unsigned(
        world: World, by: str, email: str | None, shown: str) -> None:
    _customer(world)
    gate = _gate(world, "analysis_signed")
    world.jira.set_status(gate.issue, SIGNED_OFF, by=by, email=email)

    summary = world.run()

    assert summary.ok, summary.as_dict()
    assert _signoff(world, gate)["state"] == REQUESTED
    acme = summary.projects[0]
    assert (acme.signoff_conflicts, acme.signoffs_signed_from_jira) == (1, 0)
    key = gate.key(world)
    assert any(f"{key} was signed in Jira by {shown}, not a customer contact" in w
               and "sign it in the portal, or let a manager record the signed paper" in w for w in acme.warnings)
    assert [m for model, m in world.odoo.calls if model == "erp.signoff" and m.startswith("action_")] == []
    # Said again while it lasts; once the customer signs in Jira (or Odoo), the gate moves on.
    assert world.run().projects[0].signoff_conflicts == 1
    world.jira.set_status(gate.issue, AWAITING)
    world.jira.set_status(gate.issue, SIGNED_OFF, by=CUSTOMER_NAME, email=CUSTOMER_EMAIL)
    assert world.run().projects[0].signoffs_signed_from_jira == 1
    assert _signoff(world, gate)["state"] == SIGNED
    assert world.jira.violations == []


def test_without_a_known_signer_the_gate_waits_and_the_run_says_what_to_set(world: World) -> None:
    gate = _gate(world, "analysis_signed", jira=SIGNED_OFF)  # the project has no customer
    summary = world.run()
    assert summary.ok and _signoff(world, gate)["state"] == REQUESTED
    assert any(f"{gate.key(world)} is Signed off in Jira, but Odoo does not know who signed" in w
               and "set the customer on the Odoo project" in w for w in summary.projects[0].warnings)

    _customer(world)
    assert world.run().projects[0].signoffs_signed_from_jira == 1
    assert _signoff(world, gate)["state"] == SIGNED


def test_rejected_in_jira_rejects_the_odoo_request_with_the_issue_as_reason(world: World) -> None:
    _customer(world)
    gate = _gate(world, "analysis_signed")
    world.jira.set_status(gate.issue, JIRA_REJECTED)

    summary = world.run()

    row = _signoff(world, gate)
    assert row["state"] == REJECTED and gate.key(world) in row["rejection_reason"]
    assert summary.projects[0].signoffs_from_jira == 1 and summary.projects[0].signoffs_signed_from_jira == 0


# --------------------------------------------------------------------------------------- Odoo -> Jira
def test_gate_signed_in_odoo_walks_the_jira_workflow_with_string_transition_ids(world: World) -> None:
    _customer(world)
    gate = _gate(world, "analysis_signed", odoo=SIGNED, jira=TO_DO, date_signed="2025-06-03")

    summary = world.run()

    assert summary.ok, summary.as_dict()
    assert world.jira.status(gate.issue) == SIGNED_OFF
    key = gate.key(world)
    assert world.jira.transitions_posted == [(key, "11"), (key, "21")]  # Request sign-off, then Sign off
    assert world.jira.count("/transitions") == 4  # GET + POST per step
    assert summary.projects[0].signoffs_to_jira == 1
    assert _signoff(world, gate)["date_signed"] == "2025-06-03"  # the signed record is never written
    assert world.jira.violations == []
    # Jira now shows a later date than Odoo's signature: that is the sync's own move, not a conflict.
    again = world.run()
    assert again.projects[0].signoff_conflicts == 0 and again.projects[0].warnings == []


def test_the_contract_check_catches_an_integer_transition_id() -> None:
    """What pycontribs sends: the fake would fail such a request, so the test above cannot pass by accident."""
    bad = requests.Request("POST", f"{BASE}/rest/api/3/issue/ACME-1/transitions", json={"transition": {"id": 21}},
                           auth=("a@example.test", "t"))
    good = requests.Request("POST", f"{BASE}/rest/api/3/issue/ACME-1/transitions", json={"transition": {"id": "21"}},
                            auth=("a@example.test", "t"))
    assert any("transition/id" in problem for problem in validate_request(bad))
    assert validate_request(good) == []


def test_rejected_in_odoo_rejects_the_jira_issue(world: World) -> None:
    _customer(world)
    gate = _gate(world, "analysis_signed", odoo=REJECTED, jira=AWAITING)
    assert world.run().projects[0].signoffs_to_jira == 1
    assert world.jira.status(gate.issue) == JIRA_REJECTED


def test_a_gate_reopened_after_a_rejection_is_not_rejected_again(world: World) -> None:
    _customer(world)
    gate = _gate(world, "analysis_signed", jira=JIRA_REJECTED)
    world.run()
    assert _signoff(world, gate)["state"] == REJECTED

    # Odoo asks again: Jira follows (Reopen, Request sign-off) instead of Odoo being rejected once more.
    world.odoo.execute("erp.signoff", "action_request", [gate.odoo])
    world.run()
    assert world.jira.status(gate.issue) == AWAITING and _signoff(world, gate)["state"] == REQUESTED

    # This time the customer signs in Jira.
    world.jira.set_status(gate.issue, SIGNED_OFF)
    world.run()
    assert _signoff(world, gate)["state"] == SIGNED


def test_a_gate_reopened_in_jira_waits_in_odoo_until_requested_again(world: World) -> None:
    _customer(world)
    gate = _gate(world, "analysis_signed", odoo=REJECTED, jira=JIRA_REJECTED)
    world.run()
    world.jira.set_status(gate.issue, TO_DO)  # Reopen
    quiet = world.run()
    assert _signoff(world, gate)["state"] == REJECTED and world.jira.status(gate.issue) == TO_DO
    assert quiet.projects[0].warnings == []
    world.jira.set_status(gate.issue, AWAITING)  # Request sign-off
    world.run()
    assert _signoff(world, gate)["state"] == REQUESTED


# ------------------------------------------------------------------------------------------ conflicts
def test_signed_on_one_side_and_rejected_on_the_other_is_reported_and_never_overwritten(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    _customer(world)
    assert world.run().ok  # man-days and payment status written: what follows writes nothing else
    signed_odoo = _gate(world, "analysis_signed", odoo=SIGNED, jira=JIRA_REJECTED, date_signed="2025-06-03")
    rejected_odoo = _gate(world, "design_signed", odoo=REJECTED, jira=SIGNED_OFF)
    before = _writes(world)

    with caplog.at_level(logging.WARNING):
        summary = world.run()

    assert summary.ok
    acme = summary.projects[0]
    assert acme.signoff_conflicts == 2 and summary.as_dict()["signoffs"]["conflicts"] == 2
    assert _writes(world) == before
    assert (_signoff(world, signed_odoo)["state"], world.jira.status(signed_odoo.issue)) == (SIGNED, JIRA_REJECTED)
    assert (_signoff(world, rejected_odoo)["state"], world.jira.status(rejected_odoo.issue)) == (REJECTED,
                                                                                                   SIGNED_OFF)
    first = (f"sign-off 'Analysis Signed' (analysis_signed) is signed in Odoo (on 2025-06-03) but "
             f"{signed_odoo.key(world)} is Rejected in Jira: nothing was changed. If the customer did reject it, "
             "supersede it in Odoo")
    second = (f"sign-off 'Design Signed' (design_signed) is rejected in Odoo but {rejected_odoo.key(world)} is "
              "Signed off in Jira")
    assert any(w.startswith(first) for w in acme.warnings), acme.warnings
    assert any(w.startswith(second) and "request it again in Odoo" in w for w in acme.warnings), acme.warnings
    assert first in caplog.text
    # Still standing the next night: said again, still nothing written.
    again = world.run()
    assert again.projects[0].signoff_conflicts == 2 and _writes(world) == before

    # The fix the message names for the second: request it again in Odoo, the sync signs it with Jira's date.
    world.odoo.execute("erp.signoff", "action_request", [rejected_odoo.odoo])
    fixed = world.run()
    assert fixed.projects[0].signoff_conflicts == 1 and _signoff(world, rejected_odoo)["state"] == SIGNED
    assert _signoff(world, rejected_odoo)["date_signed"] == world.jira.day(rejected_odoo.issue)


def test_signed_apart_on_different_dates_is_reported_once_and_odoo_keeps_its_date(world: World) -> None:
    _customer(world)
    gate = _gate(world, "analysis_signed", odoo=SIGNED, jira=SIGNED_OFF, date_signed="2025-06-03")
    first = world.run()
    assert first.projects[0].signoff_conflicts == 1
    assert any("was signed in Odoo on 2025-06-03 and in Jira" in w for w in first.projects[0].warnings)
    assert _signoff(world, gate)["date_signed"] == "2025-06-03"
    assert world.run().projects[0].signoff_conflicts == 0


def test_a_superseded_sign_off_is_not_signed_again_from_the_old_jira_status(world: World) -> None:
    _customer(world)
    gate = _gate(world, "analysis_signed", jira=SIGNED_OFF)
    world.run()
    world.odoo.execute("erp.signoff", "action_supersede", [gate.odoo])
    summary = world.run()
    assert world.odoo.signoff("analysis_signed")["state"] == REQUESTED
    assert any("is a new request replacing a signed one" in w for w in summary.projects[0].warnings)


# ------------------------------------------------------------------------------------ cost and safety
def test_second_run_changes_nothing_and_costs_no_writes(world: World) -> None:
    _customer(world)
    _gate(world, "analysis_signed", jira=SIGNED_OFF)
    _gate(world, "design_signed", odoo=SIGNED, jira=AWAITING, date_signed="2025-06-03")
    _gate(world, "build_signed", jira=JIRA_REJECTED)
    _gate(world, "golive_signed", odoo=DRAFT, jira=TO_DO)
    world.run()
    before, state, calls = _writes(world), world.state("signoff"), len(world.jira.calls)

    quiet = world.run()

    assert quiet.ok and _writes(world) == before and world.state("signoff") == state
    acme = quiet.projects[0]
    assert (acme.signoffs_from_jira, acme.signoffs_to_jira, acme.signoff_conflicts, acme.signoffs) == (0, 0, 0, [])
    assert quiet.jira_requests == len(world.jira.calls) - calls == 3  # 2 worklog feeds + 1 sign-off search
    assert quiet.odoo_calls <= 6


def test_dry_run_reports_the_moves_and_writes_nothing(world: World) -> None:
    _customer(world)
    _gate(world, "analysis_signed", jira=SIGNED_OFF)
    _gate(world, "design_signed", odoo=SIGNED, jira=AWAITING, date_signed="2025-06-03")
    before = _writes(world)
    summary = world.run(dry_run=True)
    acme = summary.projects[0]
    assert (acme.signoffs_signed_from_jira, acme.signoffs_to_jira) == (1, 1)
    assert _writes(world) == before and world.jira.count("/transitions") == 0 and world.state("signoff") == {}


def _kill_world(rsps: responses.RequestsMock, path: Path) -> tuple[World, dict[str, Gate]]:
    rsps.reset()
    world = build_world(rsps, path)
    _customer(world)
    gates = {"pull": _gate(world, "analysis_signed", jira=SIGNED_OFF),
             "push": _gate(world, "design_signed", odoo=SIGNED, jira=TO_DO, date_signed="2025-06-03"),
             "reject": _gate(world, "build_signed", odoo=DRAFT, jira=JIRA_REJECTED)}
    return world, gates


def _outcome(world: World, gates: dict[str, Gate]) -> dict[str, Any]:
    return {name: (_signoff(world, g)["state"], _signoff(world, g)["date_signed"], len(world.odoo.notes(g.odoo)),
                   world.jira.status(g.issue)) for name, g in gates.items()}


def test_killed_anywhere_then_rerun_ends_like_one_clean_run(rsps: responses.RequestsMock, tmp_path: Path) -> None:
    world, gates = _kill_world(rsps, tmp_path / "clean")
    assert world.run().ok
    clean = _outcome(world, gates)
    signed_on = world.jira.day(gates["pull"].issue)
    assert clean == {"pull": (SIGNED, signed_on, 1, SIGNED_OFF), "push": (SIGNED, "2025-06-03", 0, SIGNED_OFF),
                     "reject": (REJECTED, False, 1, JIRA_REJECTED)}
    seen = world.odoo.switch.seen  # every call of the clean run, in order
    first = next(n for n, what in enumerate(seen, 1) if what == "POST /rest/api/3/search/jql") - 2
    last = max(n for n, what in enumerate(seen, 1) if "/transitions" in what or what.startswith("erp.signoff."))

    for kill_at in range(first, last + 1):  # from just before the sign-off search to its last write
        world, gates = _kill_world(rsps, tmp_path / str(kill_at))
        with pytest.raises(Killed):
            world.run(kill_at=kill_at)
        final = world.run()
        assert final.ok, (kill_at, final.as_dict())
        assert _outcome(world, gates) == clean, kill_at
        assert final.projects[0].signoff_conflicts == 0, (kill_at, final.projects[0].warnings)
        assert world.run().projects[0].signoffs == [], kill_at  # and then nothing left to do
        assert world.jira.violations == []


# ---------------------------------------------------------------------------------------- the decision
def _o(state: str, date: str | None = None, oid: int = 1) -> OdooGate:
    return OdooGate(id=oid, name="G", state=state, date=date, signer_id=None, partner_id=7)


def _j(state: str, date: str | None = None, signer: str | None = None, partner: int | None = None) -> JiraGate:
    return JiraGate(issue="ACME-1", status=state, state=state, date=date, signer=signer, signer_partner=partner)


@pytest.mark.parametrize(("o", "j", "base", "action", "target"), [
    (_o(DRAFT), _j(DRAFT), None, "agree", None),
    (_o(REQUESTED), _j(DRAFT), None, "to_jira", REQUESTED),
    (_o(DRAFT), _j(REQUESTED), None, "to_odoo", REQUESTED),
    (_o(SIGNED, "2025-06-03"), _j(REJECTED), None, "conflict", None),
    # both were rejected, Odoo signed since (request + sign): Jira catches up through Reopen
    (_o(SIGNED, "2025-06-03"), _j(REJECTED), {"o": REJECTED, "j": REJECTED, "id": 1}, "to_jira", SIGNED),
    (_o(REJECTED), _j(SIGNED, "2025-06-03"), {"o": REJECTED, "j": REJECTED, "id": 1}, "to_odoo", SIGNED),
    (_o(REQUESTED), _j(REJECTED), {"o": REQUESTED, "j": REQUESTED, "id": 1}, "to_odoo", REJECTED),
    (_o(SIGNED, "2025-06-03"), _j(SIGNED, "2025-06-09"), {"o": SIGNED, "j": REQUESTED, "id": 1}, "agree", None),
    (_o(SIGNED, "2025-06-03"), _j(SIGNED, "2025-06-09"), None, "conflict", None),
    # Signed in Jira: by a contact of the customer it signs Odoo; by anyone else it is a conflict (not recorded).
    (_o(REQUESTED), _j(SIGNED, "2025-06-03", signer="Chris Customer", partner=12), None, "to_odoo", SIGNED),
    (_o(REQUESTED), _j(SIGNED, "2025-06-03", signer="Sam Consultant"), None, "conflict", None),
    (_o(DRAFT), _j(SIGNED, "2025-06-03", signer="Sam Consultant"), {"o": DRAFT, "j": REQUESTED, "id": 1},
     "conflict", None),
    # Signed in Odoo (portal or paper): Jira follows whoever moved it there.
    (_o(SIGNED, "2025-06-03"), _j(SIGNED, "2025-06-03", signer="Sam Consultant"), None, "agree", None),
])
def test_which_side_wins(o: OdooGate, j: JiraGate, base: dict[str, Any] | None, action: str,
                         target: str | None) -> None:
    decision = decide(o, j, base)
    assert (decision.action, decision.target) == (action, target)


def test_the_workflow_comes_from_the_jira_templates() -> None:
    workflow = SignoffWorkflow.from_templates()
    assert workflow.issue_type == "Sign-off"
    assert workflow.status_of == {DRAFT: TO_DO, REQUESTED: AWAITING, SIGNED: SIGNED_OFF, REJECTED: JIRA_REJECTED}
    assert workflow.route(TO_DO, SIGNED_OFF) == [AWAITING.casefold(), SIGNED_OFF.casefold()]
    assert workflow.route(JIRA_REJECTED, AWAITING) == [TO_DO.casefold(), AWAITING.casefold()]
    assert workflow.route(SIGNED_OFF, AWAITING) is None  # no way back from Signed off
    assert workflow.state({"name": "Waiting for customer", "statusCategory": {"key": "indeterminate"}}) == REQUESTED
    assert workflow.state({"name": "Done", "statusCategory": {"key": "done"}}) is None


# ----------------------------------------------------------------------------------------------- faults
def test_a_refused_transition_is_reported_for_that_gate_and_the_others_go_on(world: World) -> None:
    _customer(world)
    pushed = _gate(world, "design_signed", odoo=SIGNED, jira=AWAITING, date_signed="2025-06-03")
    pulled = _gate(world, "analysis_signed", jira=SIGNED_OFF)
    world.jira.fail("/transitions", lambda: (400, {}, json.dumps({"errorMessages": ["Field 'x' is required."]})))

    summary = world.run()

    assert summary.ok
    assert world.jira.status(pushed.issue) == AWAITING and _signoff(world, pulled)["state"] == SIGNED
    assert any(w.startswith(f"could not move {pushed.key(world)} to 'Signed off'") and "Field 'x' is required" in w
               for w in summary.projects[0].warnings), summary.projects[0].warnings
    assert world.run().projects[0].signoffs_to_jira == 1 and world.jira.status(pushed.issue) == SIGNED_OFF


def test_jira_down_during_the_sign_off_search_fails_the_project_and_a_rerun_recovers(world: World) -> None:
    _customer(world)
    gate = _gate(world, "analysis_signed", jira=SIGNED_OFF)
    world.jira.fail("/search/jql", lambda: (503, {}, "Service Unavailable"), times=4)

    summary = world.run(since=0)  # --since: no first-run search before the sign-off one

    acme, local = summary.projects
    assert acme.failed and "syncing sign-offs failed" in acme.errors[0] and "503" in acme.errors[0]
    assert not local.failed and _signoff(world, gate)["state"] == REQUESTED
    assert world.run().ok and _signoff(world, gate)["state"] == SIGNED
