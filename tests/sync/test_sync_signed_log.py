"""Lines the customer confirmed: Jira edits and deletions after the signature leave them as signed, every run
goes on, and the summary says per worklog what was kept and how to reconcile."""

from __future__ import annotations

import logging

import pytest

from connector.errors import ConnectorError
from tests.sync.conftest import World

HOUR = 3600


def _signed_world(world: World) -> tuple[int, int, int]:
    """Three worklogs synced; the first two confirmed by the customer on 2025-06-30."""
    j, i = world.jira, world.issues
    edited, deleted, free = j.log(i["analysis"], 8 * HOUR), j.log(i["build"], 2 * HOUR), j.log(i["build"], HOUR)
    assert world.run().ok
    world.odoo.confirm([world.line(edited)["id"], world.line(deleted)["id"]])
    return edited, deleted, free


def test_the_fake_odoo_refuses_to_change_or_delete_a_signed_line(world: World) -> None:
    edited, _, _ = _signed_world(world)
    line_id = world.line(edited)["id"]
    with pytest.raises(ConnectorError, match="implementation log the customer signed"):
        world.odoo.execute("account.analytic.line", "write", [line_id], {"unit_amount": 1.0})
    with pytest.raises(ConnectorError, match="implementation log the customer signed"):
        world.odoo.execute("account.analytic.line", "unlink", [line_id])
    world.odoo.execute("account.analytic.line", "write", [line_id], {"name": "description is not signed"})


def test_edit_and_delete_after_confirmation_keep_the_signed_lines_and_say_so(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    edited, deleted, free = _signed_world(world)
    j = world.jira
    j.edit(edited, timeSpentSeconds=5 * HOUR, comment="shorter after all")
    j.delete(deleted)
    j.edit(free, timeSpentSeconds=3 * HOUR)

    with caplog.at_level(logging.WARNING):
        summary = world.run()

    assert summary.ok, summary.as_dict()
    acme = summary.projects[0]
    assert (acme.conflicts, acme.updated, acme.deleted) == (2, 1, 0)
    assert summary.as_dict()["conflicts"] == 2
    kept = world.line(edited)
    assert kept["unit_amount"] == 8.0 and kept["date"] == "2025-06-02"
    assert kept["name"].endswith("shorter after all")  # the description is not part of the signature
    assert world.line(deleted)["unit_amount"] == 2.0
    assert world.line(free)["unit_amount"] == 3.0
    changed = (f"worklog {edited} on ACME-1 was changed in Jira after the customer confirmed it on 2025-06-30: "
               "Odoo keeps the signed 8 h; record a correcting worklog or ask a manager to reopen the line")
    gone = f"worklog {deleted} on ACME-2 was deleted in Jira after the customer confirmed it on 2025-06-30"
    assert any(w.startswith(changed) for w in acme.warnings), acme.warnings
    assert any(w.startswith(gone) for w in acme.warnings), acme.warnings
    assert changed in caplog.text and gone in caplog.text
    # The man-days keep counting what was signed.
    assert {ph.key: ph.spent for ph in acme.phases} == {"analysis": 1.0, "build": 0.625}

    # The cursors moved: the next night neither retries nor warns again.
    again = world.run()
    assert again.ok and again.projects[0].conflicts == 0 and again.projects[0].changed == 0
    assert again.jira_requests == 3  # the worklog feeds + the sign-off search


def test_full_run_does_not_remove_a_signed_line_whose_worklog_vanished(world: World) -> None:
    edited, deleted, free = _signed_world(world)
    # Both deletions aged out of Jira's feed: only --full notices.
    del world.jira.worklogs[deleted]
    del world.jira.worklogs[free]

    summary = world.run(full=True)

    assert summary.ok, summary.as_dict()
    acme = summary.projects[0]
    assert (acme.deleted, acme.conflicts) == (1, 1)
    assert {ln["erp_jira_worklog_id"] for ln in world.odoo.lines()} == {str(edited), str(deleted)}
    assert any(w.startswith(f"worklog {deleted} on ACME-2 was deleted in Jira") for w in acme.warnings)


def test_full_run_reports_a_signed_deletion_once(world: World) -> None:
    _, deleted, _ = _signed_world(world)
    world.jira.delete(deleted)
    assert world.run().projects[0].conflicts == 1
    summary = world.run(full=True)  # re-reads the deleted feed and reconciles: one worklog, one conflict
    assert summary.ok and summary.projects[0].conflicts == 1
    assert sum(f"worklog {deleted} " in w for w in summary.projects[0].warnings) == 1


def test_a_signed_line_whose_worklog_is_unchanged_is_no_conflict(world: World) -> None:
    _signed_world(world)
    summary = world.run(full=True)
    assert summary.ok and summary.projects[0].conflicts == 0 and summary.projects[0].changed == 0
    assert summary.projects[0].unchanged == 3


def test_dry_run_reports_the_conflicts_and_writes_nothing(world: World) -> None:
    edited, deleted, _ = _signed_world(world)
    world.jira.edit(edited, timeSpentSeconds=HOUR)
    world.jira.delete(deleted)
    writes = world.odoo.writes
    summary = world.run(dry_run=True)
    assert summary.projects[0].conflicts == 2 and world.odoo.writes == writes


def test_after_a_manager_reopens_the_lines_a_full_run_applies_what_jira_says(world: World) -> None:
    edited, deleted, _ = _signed_world(world)
    world.jira.edit(edited, timeSpentSeconds=5 * HOUR)
    world.jira.delete(deleted)
    world.run()
    for ln in world.odoo.lines():  # action_erp_customer_unconfirm
        ln.update(erp_customer_confirmed=False, erp_confirmed_date=False)

    summary = world.run(full=True)  # what the warning tells them to run

    assert summary.ok and summary.projects[0].conflicts == 0
    assert world.line(edited)["unit_amount"] == 5.0
    assert str(deleted) not in {ln["erp_jira_worklog_id"] for ln in world.odoo.lines()}
