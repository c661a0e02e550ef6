"""Time on a phase that an unsigned hard gate blocks: held and reported, never dropped, imported once it is signed."""

from __future__ import annotations

import pytest

from connector.sync.held import decide
from tests.sync.conftest import World

HOUR = 3600
GATE = "'Requirements report signed'"


def _block(world: World, phase: str, gate: str | None = GATE) -> None:
    """A hard gate holding ``phase`` (the addon computes the phase's ``blocked_by``); ``gate`` None: it is signed."""
    phase_id = next(p["id"] for p in world.odoo.tables["erp.project.phase"].values()
                    if p["project_id"] == world.acme_id and p["key"] == phase)
    signoffs = world.odoo.tables.setdefault("erp.signoff", {})
    held = [s for s in signoffs.values() if s["blocks_phase_id"] == phase_id]
    if gate is None:
        for row in held:
            row.update(state="signed", date_signed="2025-06-20")
    elif not held:
        world.odoo.insert("erp.signoff", project_id=world.acme_id, key="requirements_report_signed",
                          name=gate.strip("'"), hard=True, blocks_phase_id=phase_id)


@pytest.mark.parametrize(("phase", "blocked", "line_task", "task", "held"), [
    (None, {"build": GATE}, None, None, None),          # outside any phase: booked on the project
    ("analysis", {"build": GATE}, None, 1, None),       # an open phase
    ("build", {"build": GATE}, None, 2, GATE),          # a new line on a blocked phase waits
    ("build", {"build": GATE}, 2, 2, None),             # already booked there: its edits go on
    ("build", {"build": GATE}, 1, 2, GATE),             # moving onto the blocked phase waits
    ("build", {}, None, 2, None),                        # signed (or overridden): imported
])
def test_which_worklogs_are_held(phase: str | None, blocked: dict[str, str], line_task: int | None,
                                 task: int | None, held: str | None) -> None:
    assert decide(phase, blocked, line_task, task) == held


def test_time_on_a_blocked_phase_is_held_reported_and_imported_once_the_gate_is_signed(world: World) -> None:
    j, i = world.jira, world.issues
    _block(world, "build")
    open_wid = j.log(i["analysis"], 2 * HOUR)
    held_wid = j.log(i["bare"], 3 * HOUR)  # in the build epic

    summary = world.run()

    assert summary.ok, summary.as_dict()
    acme = summary.projects[0]
    assert [ln["erp_jira_worklog_id"] for ln in world.odoo.lines()] == [str(open_wid)]
    key = j.issues[i["bare"]]["key"]
    assert acme.held == [{"worklog": str(held_wid), "issue": key, "phase": "build", "gate": GATE, "hours": 3.0}]
    assert any(w.startswith("1 worklog(s) (3 h) on phase build held: the hard gate 'Requirements report signed' "
                            "is not signed") for w in acme.warnings)
    assert summary.as_dict()["projects"][0]["held"][0]["gate"] == GATE
    assert set(world.state("held")) == {f"acme|{held_wid}"}

    # Still unsigned: the next run holds it again (and says so), nothing imported, nothing lost.
    again = world.run().projects[0]
    assert [h["worklog"] for h in again.held] == [str(held_wid)] and len(world.odoo.lines()) == 1

    _block(world, "build", None)  # the customer signed
    released = world.run().projects[0]
    assert released.held == [] and released.created == 1
    assert world.line(held_wid)["task_id"] == world.phase_task(world.acme_id, "build")
    assert world.state("held") == {}
    assert world.run().projects[0].created == 0  # imported once
    assert j.violations == []


def test_a_held_worklog_deleted_in_jira_is_forgotten(world: World) -> None:
    _block(world, "build")
    wid = world.jira.log(world.issues["bare"], HOUR)
    world.run()
    assert world.state("held")
    world.jira.delete(wid)
    _block(world, "build", None)
    assert world.run().ok
    assert world.state("held") == {} and world.odoo.lines() == []


def test_a_dry_run_reports_held_time_without_remembering_it(world: World) -> None:
    _block(world, "build")
    world.jira.log(world.issues["bare"], HOUR)
    assert len(world.run(dry_run=True).projects[0].held) == 1
    assert world.state("held") == {}
