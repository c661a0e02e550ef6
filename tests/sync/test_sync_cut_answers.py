"""The real `playbook sync` (a subprocess) against stand-in servers that cut answers: no worklog lost, none doubled.

Jira is the contract-checked fake and Odoo the in-memory one, each behind a small HTTP server on 127.0.0.1
(``tests.sync.standins``) that applies every request and then cuts the answer where the test says: inside the
status line, inside the headers (the client then sees a 200 with an empty body: the silent loss of #15), inside a
body with a length, inside a chunk, with no framing at all, or a login page instead of JSON. After the cut run and
the re-runs, the timesheets in Odoo are exactly the worklogs in Jira, and every run printed its summary.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from connector.sync.state import SqliteState
from tests.jira_contract import needs_spec
from tests.sync.conftest import World, build_world
from tests.sync.standins import (
    CUTS,
    Run,
    StandIn,
    jira_app,
    jira_path,
    odoo_app,
    odoo_call,
    odoo_service,
    playbook,
    write_config,
)

pytestmark = needs_spec
HOUR = 3600
PROJECTS = """
[[projects]]
code = "acme"
odoo_project = "ACME ERP"
jira_key = "ACME"

[[projects]]
code = "local"
odoo_project = "Local only"
"""
# What the failing project's line says, per cut (the URL and the request are named too).
SAID = {
    "dropped": "the server closed the connection without answering",
    "status": "the connection broke",
    "headers": "with an empty body",
    "body": "cut off in the middle of its body",
    "chunk": "cut off in the middle of its body",
    "unframed": "JSON cut short",
    "html": 'an HTML page "Sign in - Corporate SSO" instead of JSON',
}


@dataclass
class Site:
    world: World
    jira: StandIn
    odoo: StandIn
    config: Path

    def sync(self, *args: str) -> Run:
        run = playbook(self.config, "sync", "--json", *args)
        assert "Traceback" not in run.stderr, run.stderr
        summary = run.summary  # printed on every run, failed or not
        assert summary["ok"] is (run.code == 0), (run.code, run.stderr)
        return run

    def lines(self) -> dict[str, float]:
        """Worklog id -> hours of every synced timesheet line; fails on a worklog recorded twice."""
        ids = [ln["erp_jira_worklog_id"] for ln in self.world.odoo.lines()]
        assert len(ids) == len(set(ids)), f"duplicated lines: {sorted(ids)}"
        return {ln["erp_jira_worklog_id"]: ln["unit_amount"] for ln in self.world.odoo.lines()}

    def expected(self) -> dict[str, float]:
        jira = self.world.jira
        return {str(w): round(d["timeSpentSeconds"] / 3600, 4) for w, d in jira.worklogs.items()
                if jira.issues[d["issueId"]]["fields"]["project"]["key"] == "ACME"}

    def state(self, ns: str) -> dict[str, object]:
        store = SqliteState(self.world.state_path)
        try:
            return store.all(ns)
        finally:
            store.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    world = build_world(None, tmp_path, page_size=3)  # 3 worklogs a feed page: a cut lands mid-import
    keys = ["analysis", "check", "bare", "build", "analysis", "build", "check"]
    for n, key in enumerate(keys, 1):
        world.jira.log(world.issues[key], n * 900, comment=f"work {n}")
    world.jira.log(world.issues["other"], HOUR)  # another Jira project: ignored, not lost
    with StandIn(jira_app(world.jira)) as jira, \
            StandIn(odoo_app(world.odoo, "prod", "sync@example.test", "odoo-SECRET")) as odoo:
        config = write_config(tmp_path / "config.toml", odoo_url=odoo.url, jira_url=jira.url,
                              state=world.state_path, projects=PROJECTS)
        yield Site(world, jira, odoo, config)
    assert world.jira.violations == []  # every request the subprocess sent follows Atlassian's contract


def _failed(run: Run, code: str = "acme") -> str:
    project = next(p for p in run.summary["projects"] if p["code"] == code)
    assert project["status"] == "failed", project
    return str(project["errors"][0])


# -------------------------------------------------------------------------------------------- Jira
JIRA_TARGETS = [
    ("/worklog/list", cut) for cut in CUTS if cut != "dropped"] + [
    ("/worklog/updated", "headers"), ("/worklog/updated", "chunk"), ("/worklog/updated", "dropped"),
    ("/search/jql", "headers"), ("/search/jql", "body"),
]


@pytest.mark.parametrize(("endpoint", "cut"), JIRA_TARGETS)
def test_a_jira_answer_cut_on_every_attempt_fails_the_project_and_the_rerun_completes(site: Site, endpoint: str,
                                                                                     cut: str) -> None:
    # Let the first such request through, then cut every attempt of the next one (the adapter tries 6 times).
    site.jira.cut(jira_path(endpoint), cut, times=6, skip=1)

    first = site.sync()

    assert first.code == 1
    error = _failed(first)
    assert SAID[cut] in error and site.jira.url in error and endpoint in error, error
    assert next(p for p in first.summary["projects"] if p["code"] == "local")["status"] == "ok"
    assert set(site.lines()) < set(site.expected())  # some pages were in, not all
    assert site.state("run")["acme"]["ok"] is False  # type: ignore[index]
    if cut != "html":  # a login page is not asked again: it will not go away by itself
        assert "waiting" in first.stderr and "before attempt 2" in first.stderr

    site.jira.faults.clear()  # the site answers again
    second = site.sync()
    assert second.code == 0, second.stderr
    assert site.lines() == site.expected()
    assert site.sync().summary["projects"][0]["created"] == 0 and site.lines() == site.expected()


@pytest.mark.parametrize("cut", ["headers", "body", "chunk", "status"])
def test_a_jira_answer_cut_once_is_asked_again_and_the_run_is_complete(site: Site, cut: str) -> None:
    site.jira.cut(jira_path("/worklog/list"), cut, times=1, skip=1)
    run = site.sync()
    assert run.code == 0, run.stderr
    assert site.lines() == site.expected() and site.jira.cut_log == [f"{cut} POST /rest/api/3/worklog/list"]


def test_a_short_worklog_list_page_is_asked_again_not_skipped(site: Site) -> None:
    """The self-check: a page with fewer worklogs than ids asked for is asked again for the missing ones."""
    answer = site.jira.app
    short = {"left": 1}

    def drop_one(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        status, out_headers, payload = answer(method, path, headers, body)
        if "/worklog/list" in path and short["left"]:
            short["left"] -= 1
            payload = json.dumps(json.loads(payload)[1:]).encode()
        return status, out_headers, payload

    site.jira.app = drop_one
    run = site.sync()
    assert run.code == 0 and "returned 2 of the 3 worklogs asked for" in run.stderr
    assert site.lines() == site.expected()


# -------------------------------------------------------------------------------------------- Odoo
@pytest.mark.parametrize("cut", CUTS)
def test_an_odoo_create_whose_answer_is_cut_is_not_sent_twice_and_the_rerun_finds_its_lines(site: Site,
                                                                                            cut: str) -> None:
    site.odoo.cut(odoo_call("account.analytic.line", "create"), cut)  # the first create of new lines

    first = site.sync()

    assert first.code == 1
    error = _failed(first)
    assert "account.analytic.line.create" in error and site.odoo.url in error, error
    assert "may or may not have been applied" in error
    creates = [c for c in site.world.odoo.calls if c == ("account.analytic.line", "create")]
    assert len(creates) == (0 if cut == "dropped" else 1)  # Odoo saw the cut create at most once: never re-sent
    assert site.odoo.cut_log == [f"{cut} POST /jsonrpc"]
    applied = site.lines()
    # the cut batch's new lines (nothing after it is created), unless the request was dropped before Odoo applied it
    assert set(applied) <= set(site.expected()) and (not applied) == (cut == "dropped")
    cursor = int(site.state("cursor").get("updated:acme") or 0)  # type: ignore[call-overload]
    assert all(cursor <= site.world.jira.worklogs[int(w)]["updated"] for w in set(site.expected()) - set(applied))

    second = site.sync()
    assert second.code == 0, second.stderr
    acme = second.summary["projects"][0]
    assert acme["created"] == len(site.expected()) - len(applied)  # the cut page's lines found, not created again
    assert site.lines() == site.expected()


@pytest.mark.parametrize(("cut", "times"), [("headers", 1), ("chunk", 1), ("body", 4), ("status", 4)])
def test_an_odoo_read_whose_answer_is_cut_is_asked_again(site: Site, cut: str, times: int) -> None:
    site.odoo.cut(odoo_call("account.analytic.line", "search_read"), cut, times=times)

    first = site.sync()

    if times == 1:
        assert first.code == 0, first.stderr
        assert "waiting" in first.stderr
    else:  # cut on every attempt (the client tries 4 times): the project fails, the others complete
        assert first.code == 1 and SAID[cut] in _failed(first)
        assert next(p for p in first.summary["projects"] if p["code"] == "local")["status"] == "ok"
        assert site.sync().code == 0
    assert site.lines() == site.expected()


def test_odoo_login_answer_cut_fails_every_project_with_the_summary(site: Site) -> None:
    site.odoo.cut(odoo_service("common", "login"), "html")
    first = site.sync()
    assert first.code == 1 and all(p["status"] == "failed" for p in first.summary["projects"])
    assert "Sign in - Corporate SSO" in _failed(first, "local")
    assert site.sync().code == 0 and site.lines() == site.expected()


# ----------------------------------------------------------------------------- nobody there, busy, state
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_nothing_listening_fails_at_once_without_waiting(site: Site, tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{_free_port()}"
    config = write_config(tmp_path / "dead-jira.toml", odoo_url=site.odoo.url, jira_url=dead,
                          state=site.world.state_path, projects=PROJECTS)
    run = playbook(config, "sync", "--json", instant_waits=False)
    assert run.code == 1 and "Traceback" not in run.stderr
    assert "connection refused" in _failed(run) and dead in _failed(run)
    assert "waiting" not in run.stderr  # a refused connection is not a busy server
    assert next(p for p in run.summary["projects"] if p["code"] == "local")["status"] == "ok"

    config = write_config(tmp_path / "dead-odoo.toml", odoo_url=dead, jira_url=site.jira.url,
                          state=site.world.state_path, projects=PROJECTS)
    run = playbook(config, "sync", instant_waits=False)  # the table, not --json
    assert run.code == 1 and "waiting" not in run.stderr and "Traceback" not in run.stderr
    assert "FAILED" in run.stdout and f"cannot connect to Odoo at {dead}" in " ".join(run.stdout.split())


def test_a_busy_jira_is_waited_out_and_the_wait_is_said_without_verbose(site: Site) -> None:
    site.world.jira.fail("/worklog/updated", lambda: (503, {"Retry-After": "7"}, "busy"))
    run = site.sync()
    assert run.code == 0 and site.lines() == site.expected()
    assert "Jira answered 503 Service Unavailable; waiting 7.0 s before attempt 2 of 6" in run.stderr


def test_a_rate_limit_asking_for_more_than_the_budget_fails_at_once(site: Site) -> None:
    site.world.jira.fail("/worklog/updated", lambda: (429, {"Retry-After": "3600"}, ""))
    run = site.sync()
    assert run.code == 1 and "asks to wait 3600 s (Retry-After), more than the 300 s" in _failed(run)
    assert "waiting" not in run.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders; checked by hand on a ro mount")
def test_a_read_only_state_and_an_unknown_project_are_one_clear_line(site: Site) -> None:
    assert site.sync().code == 0
    folder = site.world.state_path.parent
    folder.chmod(0o555)
    try:
        run = playbook(site.config, "sync")
    finally:
        folder.chmod(0o755)
    assert run.code == 2 and "Traceback" not in run.stderr
    assert "is not writable" in run.stderr and "[sync] state" in run.stderr


def test_an_unknown_project_is_one_clear_line(site: Site) -> None:
    run = playbook(site.config, "sync", "--project", "nope")
    assert run.code == 2 and "Traceback" not in run.stderr and "no project 'nope'" in run.stderr
