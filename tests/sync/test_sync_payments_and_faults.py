"""Payment status to Jira, overdue flags, and every fault the nightly run must survive with a clear line."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
import requests

from connector.errors import ConnectorError
from tests.sync.conftest import World
from tests.sync.fakes import DUE, STATUS, TOKEN

HOUR = 3600


def _milestone(world: World, key: str) -> dict:
    return next(m for m in world.odoo.tables["erp.payment.milestone"].values() if m["key"] == key)


def test_payment_status_and_due_date_reach_the_milestone_issues(world: World) -> None:
    summary = world.run()
    edits = world.jira.edits
    assert edits[world.issues["signing"]] == {STATUS: {"value": "Invoiced"}, DUE: "2025-05-01"}
    assert edits[world.issues["golive"]] == {STATUS: {"value": "Not due"}, DUE: None}
    pay = {p.key: p for p in summary.projects[0].payments}
    assert pay["signing"].amount_residual == 30000.0 and pay["signing"].invoice == "INV/2025/0001"
    assert summary.overdue() == []


def test_overdue_payment_is_flagged_in_jira_and_in_the_summary(world: World, caplog: pytest.LogCaptureFixture) -> None:
    world.odoo.today = date(2025, 6, 12)  # due 2025-05-01 with 30 days of grace: 12 days overdue
    with caplog.at_level(logging.WARNING):
        summary = world.run()
    signing = world.issues["signing"]
    assert world.jira.edits[signing][STATUS] == {"value": "Overdue"}
    assert world.jira.labels[signing] == {"payment-overdue"}
    assert [(o["project"], o["key"], o["days_overdue"]) for o in summary.overdue()] == [("acme", "signing", 12)]
    assert "'Signing' is overdue by 12 days (30,000.00 due)" in caplog.text
    # Paid later: status and label follow.
    world.odoo.tables["account.move"][_milestone(world, "signing")["invoice_id"]]["payment_state"] = "paid"
    world.run()
    assert world.jira.edits[signing][STATUS] == {"value": "Paid"}
    assert world.jira.labels[signing] == set()


def test_invoice_deleted_in_odoo_is_reported_and_status_falls_back(world: World,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    world.run()
    milestone = _milestone(world, "signing")
    del world.odoo.tables["account.move"][milestone["invoice_id"]]
    milestone["invoice_id"] = False  # ondelete="set null"
    with caplog.at_level(logging.WARNING):
        summary = world.run()
    assert summary.ok
    assert "the invoice INV/2025/0001 of payment milestone 'Signing' was deleted in Odoo" in caplog.text
    assert any("INV/2025/0001" in w for w in summary.projects[0].warnings)
    assert world.jira.edits[world.issues["signing"]][STATUS] == {"value": "Not due"}
    assert not any("INV/2025/0001" in w for w in world.run().projects[0].warnings)  # said once


def test_grace_days_override_is_written_to_odoo(world: World) -> None:
    world.run(grace_days=45)
    assert {m["grace_days"] for m in world.odoo.tables["erp.payment.milestone"].values()} == {45}


def test_429_with_retry_after_is_waited_out(world: World) -> None:
    world.jira.log(world.issues["analysis"], HOUR)
    world.jira.fail("/worklog/updated", lambda: (429, {"Retry-After": "7"}, ""))
    summary = world.run()
    assert summary.ok and len(world.odoo.lines()) == 1
    assert world.sleeps == [7.0]


def _server_error() -> tuple[int, dict[str, str], str]:
    return 503, {}, "Service Unavailable"


def _timeout() -> None:
    raise requests.ReadTimeout("read timed out")


def _dropped() -> None:
    raise requests.ConnectionError("Connection aborted: RemoteDisconnected")


@pytest.mark.parametrize(("make", "said"), [
    (_server_error, "failed with 503"),
    (_timeout, "did not answer after 4 attempts (ReadTimeout: no answer within the timeout)"),
    (_dropped, "did not answer after 4 attempts (ConnectionError: the connection broke)"),
])
def test_jira_down_fails_the_jira_project_only_and_a_rerun_recovers(world: World, make, said: str) -> None:
    wid = world.jira.log(world.issues["analysis"], HOUR)
    world.jira.fail("/worklog/list", make, times=4)  # more than the adapter's retries
    summary = world.run()
    acme, local = summary.projects
    assert acme.failed and said in acme.errors[0] and "reading changed worklogs" in acme.errors[0]
    assert not local.failed and local.phases  # the Odoo-only project still completes
    assert "updated:acme" not in world.state("cursor") and world.odoo.lines() == []

    again = world.run()
    assert again.ok and [ln["erp_jira_worklog_id"] for ln in world.odoo.lines()] == [str(wid)]


def test_expired_credentials_say_so_and_never_show_the_token(world: World, caplog: pytest.LogCaptureFixture) -> None:
    world.jira.log(world.issues["analysis"], HOUR)
    world.jira.fail("/worklog/updated", lambda: (401, {}, json.dumps({"errorMessages": ["Unauthorized"]})))
    with caplog.at_level(logging.DEBUG):
        summary = world.run()
    acme = summary.projects[0]
    assert acme.failed and "rejected the credentials (401" in acme.errors[0]
    assert "PLAYBOOK_JIRA_TOKEN" in acme.errors[0]  # the hint says what to renew
    assert "project acme failed: reading changed worklogs" in caplog.text
    assert TOKEN not in caplog.text and TOKEN not in json.dumps(summary.as_dict())


def test_worklog_on_an_unknown_issue_is_skipped_with_a_clear_line(world: World,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    good = world.jira.log(world.issues["analysis"], HOUR)
    ghost = world.jira.log("99999", HOUR)  # the issue is gone (or hidden from the sync user)
    with caplog.at_level(logging.WARNING):
        summary = world.run()
    assert summary.ok
    assert [ln["erp_jira_worklog_id"] for ln in world.odoo.lines()] == [str(good)]
    assert f"worklog {ghost} is on issue id 99999, which Jira did not return" in caplog.text


def test_issue_outside_any_phase_is_booked_on_the_project(world: World) -> None:
    loose = world.jira.add_issue("ACME", issuetype="Issue")
    world.jira.log(loose, HOUR)
    summary = world.run()
    (line,) = world.odoo.lines()
    assert line["project_id"] == world.acme_id and line["task_id"] is False
    assert any("belongs to no phase epic" in w for w in summary.projects[0].warnings)


def test_odoo_failure_fails_that_project_and_a_rerun_has_no_duplicates(world: World) -> None:
    world.jira.log(world.issues["analysis"], HOUR)
    world.odoo.fail("account.analytic.line", "create",
                    ConnectorError("Odoo did not answer (ReadTimeout)", "check the server, then rerun"))
    summary = world.run()
    acme = summary.projects[0]
    assert acme.failed and "writing timesheets failed: Odoo did not answer" in acme.errors[0]
    assert not summary.projects[1].failed
    assert world.run().ok and len(world.odoo.lines()) == 1


def test_missing_odoo_project_fails_only_that_project(world: World) -> None:
    from connector.settings import ProjectLink

    ghost = ProjectLink(code="ghost", jira_key="GHOST")
    summary = world.run([*world.links, ghost])
    assert [p.failed for p in summary.projects] == [False, False, True]
    assert "no Odoo project with external id erp_playbook_rpc.ghost__project" in summary.projects[2].errors[0]


def test_missing_jira_fields_are_reported_not_fatal(world: World) -> None:
    world.jira.fields = [f for f in world.jira.fields if f["name"] != "Man-days spent"]
    summary = world.run()
    assert summary.ok
    assert any("no custom field for spent" in w for w in summary.warnings)
