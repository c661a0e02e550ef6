"""Worklogs become timesheets: import, no-change, edit, delete, paging, kills and re-runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import responses

from connector.settings import ProjectLink
from tests.sync.conftest import ACME, LOCAL, World, build_world
from tests.sync.fakes import REMAINING, SPENT, Killed

HOUR = 3600


def test_initial_import_books_worklogs_on_the_phase_tasks(world: World) -> None:
    j, i = world.jira, world.issues
    w1 = j.log(i["analysis"], 8 * HOUR, comment="workshop")
    w2 = j.log(i["check"], 4 * HOUR)          # checklist item in the analysis epic
    w3 = j.log(i["bare"], 2 * HOUR)           # no property, in the build epic
    j.log(i["other"], HOUR)                   # a project not in the config

    summary = world.run()

    assert summary.ok, summary.as_dict()
    acme = summary.projects[0]
    assert (acme.read, acme.created, acme.updated, acme.deleted) == (3, 3, 0, 0)
    assert summary.ignored == 1
    by_wid = {ln["erp_jira_worklog_id"]: ln for ln in world.odoo.lines()}
    assert set(by_wid) == {str(w1), str(w2), str(w3)}
    analysis_task = world.phase_task(world.acme_id, "analysis")
    assert by_wid[str(w1)]["task_id"] == analysis_task
    assert by_wid[str(w2)]["task_id"] == analysis_task
    assert by_wid[str(w3)]["task_id"] == world.phase_task(world.acme_id, "build")
    assert by_wid[str(w1)]["unit_amount"] == 8.0
    assert by_wid[str(w1)]["date"] == "2025-06-02"
    assert by_wid[str(w1)]["name"] == "[ACME-1] Ann Lee: workshop"
    # man-days per phase, at 8 h a day, written to the epics
    phases = {ph.key: ph for ph in acme.phases}
    assert phases["analysis"].spent == 1.5
    assert phases["build"].remaining == pytest.approx(70 - 0.25)
    assert j.edits[i["analysis"]] == {SPENT: 1.5, REMAINING: 28.5}
    assert acme.spent == 1.75
    assert j.violations == []


def test_no_change_run_costs_a_fixed_handful_of_requests_whatever_the_number_of_projects(
        rsps: responses.RequestsMock, tmp_path: Path) -> None:
    world = build_world(rsps, tmp_path)
    many = [ACME, LOCAL]
    for n in range(20):
        code = f"p{n}"
        world.odoo.add_project(code, f"Project {n}")
        many.append(ProjectLink(code=code, jira_key=f"P{n}"))
        world.jira.log(world.jira.add_phase(f"P{n}", "analysis", code=code), HOUR)
    world.jira.log(world.issues["analysis"], HOUR)
    world.run(many)
    jira_before, odoo_before = len(world.jira.calls), world.odoo.rpc_calls

    summary = world.run(many)

    assert summary.ok
    assert sum(p.changed + p.jira_updates for p in summary.projects) == 0
    assert summary.jira_requests == len(world.jira.calls) - jira_before == 3  # 2 worklog feeds + 1 sign-off search
    assert world.odoo.rpc_calls - odoo_before == summary.odoo_calls == 3  # projects, sign-offs, figures


def test_edit_updates_and_delete_removes_without_duplicates(world: World) -> None:
    j, i = world.jira, world.issues
    keep = j.log(i["analysis"], 8 * HOUR)
    edited = j.log(i["analysis"], 2 * HOUR)
    gone = j.log(i["build"], 4 * HOUR)
    world.run()

    j.edit(edited, timeSpentSeconds=3 * HOUR, comment="longer than planned")
    j.delete(gone)
    summary = world.run()

    acme = summary.projects[0]
    assert (acme.read, acme.created, acme.updated, acme.deleted) == (1, 0, 1, 1)
    by_wid = {ln["erp_jira_worklog_id"]: ln for ln in world.odoo.lines()}
    assert set(by_wid) == {str(keep), str(edited)}
    assert by_wid[str(edited)]["unit_amount"] == 3.0
    assert "longer than planned" in by_wid[str(edited)]["name"]
    assert world.jira.edits[i["build"]][SPENT] == 0.0
    again = world.run()
    assert again.projects[0].changed == 0 and len(world.odoo.lines()) == 2


def test_paging_reads_every_page_and_lists_at_most_1000_ids(rsps: responses.RequestsMock, tmp_path: Path) -> None:
    world = build_world(rsps, tmp_path, page_size=1000)
    for n in range(2500):
        world.jira.log(world.issues["build"], 900, comment=f"w{n}")

    summary = world.run()

    assert summary.projects[0].created == 2500 and len(world.odoo.lines()) == 2500
    assert world.jira.count("/worklog/updated") == 3
    assert world.jira.count("/worklog/list") == 3
    assert world.odoo.writes <= 3 * 2  # batched creates of at most 500 lines per page, nothing else
    assert world.jira.violations == []


@pytest.mark.parametrize("page_size", [1, 3])
def test_small_pages_follow_next_page(rsps: responses.RequestsMock, tmp_path: Path, page_size: int) -> None:
    world = build_world(rsps, tmp_path, page_size=page_size)
    wids = {world.jira.log(world.issues["build"], HOUR) for _ in range(7)}
    world.run()
    assert {ln["erp_jira_worklog_id"] for ln in world.odoo.lines()} == {str(w) for w in wids}


def _scenario(world: World) -> None:
    j, i = world.jira, world.issues
    for n in range(4):
        j.log(i["analysis" if n % 2 else "check"], (n + 1) * HOUR)
    doomed = j.log(i["bare"], HOUR)
    j.edit(next(iter(j.worklogs)), timeSpentSeconds=9 * HOUR)
    j.delete(doomed)


def test_a_run_killed_at_any_point_then_rerun_ends_like_one_clean_run(
        rsps: responses.RequestsMock, tmp_path: Path) -> None:
    clean = build_world(rsps, tmp_path / "clean", page_size=3)
    _scenario(clean)
    clean.run()
    total_calls = clean.odoo.rpc_calls + len(clean.jira.calls)
    assert total_calls > 20  # several pages: kills land between target commits and cursor moves
    expected_lines, expected_edits = clean.lines(), clean.jira.edits

    for kill_at in range(1, total_calls):
        rsps.reset()
        world = build_world(rsps, tmp_path / f"k{kill_at}", page_size=3)
        _scenario(world)
        with pytest.raises(Killed):
            world.run(kill_at=kill_at)
        summary = world.run()
        assert summary.ok, (kill_at, summary.as_dict())
        assert world.lines() == expected_lines, f"killed after call {kill_at}"
        assert world.jira.edits == expected_edits, f"killed after call {kill_at}"
        assert world.run().projects[0].changed == 0


def test_dry_run_writes_nothing_anywhere(world: World) -> None:
    world.jira.log(world.issues["analysis"], HOUR)
    summary = world.run(dry_run=True)
    assert summary.projects[0].created == 1
    assert world.odoo.writes == 0 and world.jira.edits == {} and world.state("cursor") == {}
    assert world.run().projects[0].created == 1


def test_project_option_leaves_other_cursors_alone(world: World) -> None:
    world.jira.log(world.issues["analysis"], HOUR)
    world.run([LOCAL])
    assert world.odoo.lines() == [] and world.state("cursor") == {}
    world.run([ACME])
    assert "updated:acme" in world.state("cursor")
    assert not any(key.endswith(":local") for key in world.state("cursor"))


def test_full_rebuilds_mappings_and_removes_lines_of_vanished_worklogs(world: World) -> None:
    wid = world.jira.log(world.issues["analysis"], HOUR)
    world.run()
    # The deletion aged out of Jira's feed; only a full run can notice.
    del world.jira.worklogs[wid]
    assert world.run().projects[0].deleted == 0
    summary = world.run(full=True)
    assert summary.projects[0].deleted == 1 and world.odoo.lines() == []


def test_since_re_reads_older_changes_without_doubling(world: World) -> None:
    world.jira.log(world.issues["analysis"], HOUR)
    world.run()
    summary = world.run(since=0)
    assert summary.projects[0].read == 1 and summary.projects[0].changed == 0
    assert len(world.odoo.lines()) == 1
