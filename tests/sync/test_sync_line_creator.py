"""New lines are created on a worker thread while Jira is read (sync/line_creator.py): whatever stops a run, and
wherever, the cursor never passes a line not created, no thread outlives the run, and a re-run ends like one
clean run (no duplicate: the Odoo fake refuses a second line for a worklog, as the addon does)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import responses

from connector import redact
from connector.errors import ConnectorError
from connector.sync import engine
from connector.sync.engine import SyncEngine
from connector.sync.jira_side import JiraSide
from connector.sync.line_creator import Batch, LineCreator
from connector.sync.state import SqliteState
from tests.sync.conftest import World, build_world
from tests.sync.fakes import Killed, make_adapter
from tests.sync.test_sync_worklogs import _scenario

HOUR = 3600
PAGE = 3


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch per Jira page, so creating one overlaps reading the next even in these small worlds."""
    monkeypatch.setattr(engine, "HAND_OVER", PAGE)


def creator_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "timesheet-creates"]


def _world(rsps: responses.RequestsMock, path: Path, n: int = 9) -> tuple[World, list[int]]:
    world = build_world(rsps, path, page_size=PAGE)
    return world, [world.jira.log(world.issues["analysis" if k % 2 else "build"], HOUR) for k in range(n)]


def assert_cursor_passes_only_created_lines(world: World) -> None:
    """Every worklog before the cursor (``since`` is inclusive: the next run starts at it) has its line in Odoo."""
    cursor = world.state("cursor").get("updated:acme", 0)
    booked = {ln["erp_jira_worklog_id"] for ln in world.odoo.lines()}
    behind = {str(wid) for wid, w in world.jira.worklogs.items() if w["updated"] < cursor}
    assert behind <= booked, sorted(behind - booked)


def _run(world: World, progress: Any) -> Any:
    state = SqliteState(world.state_path)
    try:
        return SyncEngine(odoo=world.odoo, jira=make_adapter(), state=state, progress=progress).run(world.links)
    finally:
        state.close()


def _creates_of_lines(world: World) -> list[Any]:
    return [c for c in world.odoo.calls if c == ("account.analytic.line", "create")]


def test_batches_are_created_while_the_next_pages_are_read(rsps: responses.RequestsMock, tmp_path: Path) -> None:
    world, wids = _world(rsps, tmp_path)
    summary = world.run()
    assert summary.ok and summary.projects[0].created == 9
    assert {ln["erp_jira_worklog_id"] for ln in world.odoo.lines()} == {str(w) for w in wids}
    assert len(_creates_of_lines(world)) >= 3  # a batch at least per page of three
    assert not creator_threads()
    assert world.run().projects[0].changed == 0


def test_an_error_creating_a_batch_fails_the_project_and_keeps_the_cursor_before_it(
        rsps: responses.RequestsMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world, wids = _world(rsps, tmp_path)
    create, creates = world.odoo._create, []

    def second_fails(model: str, vals_list: list[dict[str, Any]]) -> list[int]:
        if model == "account.analytic.line":
            creates.append(vals_list)
            if len(creates) == 2:
                raise ConnectorError("Odoo did not answer (ReadTimeout)", "check the server, then rerun")
        return create(model, vals_list)

    monkeypatch.setattr(world.odoo, "_create", second_fails)
    summary = world.run()
    acme = summary.projects[0]
    assert acme.failed and "writing timesheets failed: Odoo did not answer" in acme.errors[0]
    assert acme.created == 3 and len(world.odoo.lines()) == 3  # the first page's lines; nothing after the failure
    assert len(creates) == 2
    # The cursor stays before the worklogs of the batch that failed: the next run reads them again.
    assert world.state("cursor")["updated:acme"] <= world.jira.worklogs[wids[3]]["updated"]
    assert_cursor_passes_only_created_lines(world)
    assert not creator_threads()

    monkeypatch.setattr(world.odoo, "_create", create)
    again = world.run()
    assert again.ok and again.projects[0].created == 6
    assert sorted(ln["erp_jira_worklog_id"] for ln in world.odoo.lines()) == sorted(str(w) for w in wids)


@pytest.mark.parametrize("error", [RuntimeError("a bug in the create"), Killed("killed in the creator")])
def test_anything_else_raised_creating_stops_the_run_and_moves_no_cursor_past_it(
        rsps: responses.RequestsMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        error: BaseException) -> None:
    world, wids = _world(rsps, tmp_path)
    create, creates = world.odoo._create, []

    def second_breaks(model: str, vals_list: list[dict[str, Any]]) -> list[int]:
        if model == "account.analytic.line":
            creates.append(1)
            if len(creates) == 2:
                raise error
        return create(model, vals_list)

    monkeypatch.setattr(world.odoo, "_create", second_breaks)
    with pytest.raises(type(error)):
        world.run()
    assert not creator_threads()
    assert len(creates) == 2  # nothing created after it
    assert_cursor_passes_only_created_lines(world)

    monkeypatch.setattr(world.odoo, "_create", create)
    assert world.run().ok
    assert sorted(ln["erp_jira_worklog_id"] for ln in world.odoo.lines()) == sorted(str(w) for w in wids)


def test_ctrl_c_while_a_batch_is_created_waits_for_it_and_moves_no_cursor(
        rsps: responses.RequestsMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world, wids = _world(rsps, tmp_path)
    create = world.odoo._create
    started = threading.Event()

    def slow(model: str, vals_list: list[dict[str, Any]]) -> list[int]:
        if model == "account.analytic.line":
            started.set()
            time.sleep(0.3)  # still creating when the user presses Ctrl-C
        return create(model, vals_list)

    pages: list[int] = []

    def progress(what: str, done: int, total: int | None) -> None:
        if what == "worklogs":
            pages.append(done)
        if len(pages) == 2:  # the second page read while the first one's lines are created
            assert started.wait(5)
            raise KeyboardInterrupt

    monkeypatch.setattr(world.odoo, "_create", slow)
    with pytest.raises(KeyboardInterrupt):
        _run(world, progress)
    assert not creator_threads()  # the create in flight was waited for, the next one never started
    assert 0 < len(world.odoo.lines()) <= pages[-1]
    assert_cursor_passes_only_created_lines(world)

    monkeypatch.setattr(world.odoo, "_create", create)
    assert world.run().ok
    assert sorted(ln["erp_jira_worklog_id"] for ln in world.odoo.lines()) == sorted(str(w) for w in wids)


def test_a_worklog_met_again_while_its_line_waits_to_be_created_gets_one_line(
        rsps: responses.RequestsMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world, wids = _world(rsps, tmp_path, n=2 * PAGE)
    create_lines = SyncEngine._create_lines

    def late(self: SyncEngine, lines: list[dict[str, Any]]) -> None:
        time.sleep(0.3)  # the creator has not even asked Odoo yet when the worklog comes round again
        create_lines(self, lines)

    def progress(what: str, done: int, total: int | None) -> None:
        if what == "worklogs" and done == PAGE:  # the first page handed over, then edited in Jira: on the last page
            world.jira.edit(wids[0], timeSpentSeconds=2 * HOUR)

    monkeypatch.setattr(SyncEngine, "_create_lines", late)
    summary = _run(world, progress)
    assert summary.ok, summary.as_dict()
    mine = [ln for ln in world.odoo.lines() if ln["erp_jira_worklog_id"] == str(wids[0])]
    assert len(mine) == 1 and mine[0]["unit_amount"] == 2.0
    assert len(world.odoo.lines()) == 2 * PAGE


def test_killed_at_any_call_with_creates_overlapping_reads_then_rerun_ends_like_one_clean_run(
        rsps: responses.RequestsMock, tmp_path: Path) -> None:
    clean = build_world(rsps, tmp_path / "clean", page_size=PAGE)
    _scenario(clean)
    clean.run()
    total_calls = clean.odoo.rpc_calls + len(clean.jira.calls)
    expected_lines, expected_edits = clean.lines(), clean.jira.edits
    for kill_at in range(1, total_calls):
        rsps.reset()
        world = build_world(rsps, tmp_path / f"k{kill_at}", page_size=PAGE)
        _scenario(world)
        with pytest.raises(Killed):
            world.run(kill_at=kill_at)
        assert not creator_threads(), kill_at
        assert_cursor_passes_only_created_lines(world)
        summary = world.run()
        assert summary.ok, (kill_at, summary.as_dict())
        assert world.lines() == expected_lines, f"killed after call {kill_at}"
        assert world.jira.edits == expected_edits, f"killed after call {kill_at}"


def test_the_creator_hands_batches_back_in_order_and_raises_a_fatal_error_in_the_callers_thread() -> None:
    created: list[int] = []
    gate = threading.Event()

    def create(lines: list[dict[str, Any]]) -> None:
        gate.wait(5)
        if lines[0]["n"] == 3:
            raise ValueError("boom")
        created.append(lines[0]["n"])

    creator = LineCreator(create)
    for n in (1, 2):
        creator.submit(Batch({"p": [{"erp_jira_worklog_id": str(n), "n": n}]}, until=n))
    assert creator.holds({"2"}) and not creator.holds({"9"})
    gate.set()
    assert [b.until for b in creator.finished(wait=True)] == [1, 2] and created == [1, 2]
    creator.submit(Batch({"p": [{"erp_jira_worklog_id": "3", "n": 3}]}, until=3))
    creator.submit(Batch({"p": [{"erp_jira_worklog_id": "4", "n": 4}]}, until=4))
    with pytest.raises(ValueError, match="boom"):
        creator.finished(wait=True)
    assert created == [1, 2] and not creator.busy and not creator_threads()


def test_no_thread_for_a_no_change_run_or_a_dry_run(world: World) -> None:
    seen: list[int] = []
    original = threading.Thread.start

    def counting(self: threading.Thread) -> None:
        seen.append(1)
        original(self)

    world.jira.log(world.issues["build"], HOUR)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(threading.Thread, "start", counting)
        assert world.run(dry_run=True).projects[0].created == 1 and world.odoo.lines() == []
        world.run()
        assert seen == [1]
        world.run()  # nothing changed
        assert seen == [1]


def test_what_the_creating_thread_logs_is_masked_like_the_rest(
        rsps: responses.RequestsMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    secret = "odoo-pw-SECRET-4711"
    monkeypatch.setattr(redact, "_secrets", set())
    redact.register(secret)
    world, _ = _world(rsps, tmp_path)
    create = world.odoo._create
    threads: set[str] = set()

    def chatty(model: str, vals_list: list[dict[str, Any]]) -> list[int]:
        # What odoolib's debug log does: the RPC's arguments, password included.
        threads.add(threading.current_thread().name)
        logging.getLogger("odoolib").debug("execute_kw('db', 2, '%s', %r, 'create', ...)", secret, model)
        raise ConnectorError(f"Odoo refused create (sent with password {secret})")

    monkeypatch.setattr(world.odoo, "_create", chatty)
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="odoolib"):
        summary = world.run()
    assert threads == {"timesheet-creates"} and summary.projects[0].failed
    assert "execute_kw" in caplog.text and "writing timesheets failed" in caplog.text
    assert secret not in caplog.text
    monkeypatch.setattr(world.odoo, "_create", create)


def test_a_worklog_the_feed_repeats_at_a_page_boundary_is_read_once(rsps: responses.RequestsMock,
                                                                    tmp_path: Path) -> None:
    """``since`` is inclusive: each page starts with the worklog the previous one ended on. Unchanged, it is not
    read again (its line would have to wait for the batch creating it)."""
    world, wids = _world(rsps, tmp_path, n=10)
    pages = list(JiraSide(make_adapter()).changed_pages("updated", 0))
    ids = [i for page, _ in pages for i in page]
    assert len(pages) > 3 and sorted(ids) == sorted(set(ids)) and set(wids) <= set(ids)
    assert world.run().projects[0].read == 10
