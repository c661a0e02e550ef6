"""The first run of a new project reads the site-wide worklog feeds from the project's start, not from 1970."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import responses

from connector.sync.engine import FIRST_RUN_MARGIN_MS, parse_since
from tests.sync.conftest import ACME, World

HOUR = 3600
TEN_YEARS_MS = 10 * 365 * 24 * HOUR * 1000


def _feed_since(rsps: responses.RequestsMock) -> list[int]:
    return [int(parse_qs(urlsplit(c.request.url or "").query)["since"][0]) for c in rsps.calls
            if "/worklog/updated" in (c.request.url or "")]


def test_a_new_project_starts_when_its_oldest_issue_was_created(world: World, rsps: responses.RequestsMock) -> None:
    old = world.jira.log(world.issues["other"], HOUR)
    world.jira.worklogs[old]["updated"] = world.jira.clock - TEN_YEARS_MS  # the site's history, years before ACME
    mine = world.jira.log(world.issues["analysis"], HOUR)
    oldest = min(datetime.fromisoformat(i["fields"]["created"]) for i in world.jira.issues.values()
                 if i["fields"]["project"]["key"] == "ACME")

    summary = world.run([ACME])

    assert _feed_since(rsps) == [int(oldest.timestamp() * 1000) - FIRST_RUN_MARGIN_MS]
    assert summary.ok and summary.ignored == 0  # the old worklog was never even listed
    assert [ln["erp_jira_worklog_id"] for ln in world.odoo.lines()] == [str(mine)]
    # Later runs go on from the cursor; --since reads further back (and nothing doubles).
    world.run([ACME])
    assert _feed_since(rsps)[-1] > world.jira.worklogs[mine]["updated"]
    again = world.run([ACME], since=parse_since("2000-01-01"))
    assert again.ignored == 1 and len(world.odoo.lines()) == 1


def test_a_jira_project_without_issues_starts_now(world: World, rsps: responses.RequestsMock) -> None:
    from connector.settings import ProjectLink

    empty = ProjectLink(code="acme", odoo_project="ACME ERP", jira_key="EMPTY")
    before = int(datetime.now().timestamp() * 1000)
    assert world.run([empty]).ok
    assert _feed_since(rsps)[0] >= before - FIRST_RUN_MARGIN_MS
