"""The register from Jira's Requirement / Issue issues: the report counts what Jira holds, in few requests that
all keep to Atlassian's published contract."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import responses

from connector.jira.adapter import JiraAdapter
from connector.jira.templates import load_templates
from connector.playbook.model import Playbook
from connector.reports.jira_register import JiraRegisterReader
from connector.reports.odoo_source import OdooReportSource
from connector.reports.phase_docs import build_phase_report
from connector.reports.render import render_markdown
from connector.reports.snapshot import ProjectSnapshot
from connector.reports.weekly import build_weekly, weekly_document
from tests.jira_contract import contract_responses, needs_spec
from tests.reports.conftest import AS_OF, WEEK
from tests.reports.fake_jira import BASE_URL, EXPECTED_COUNTS, IN_SURVEY_PHASE, FakeJiraSearch, register_issues
from tests.reports.fake_odoo import FakeOdoo, acme_records

pytestmark = needs_spec


@pytest.fixture
def jira() -> Iterator[FakeJiraSearch]:
    with contract_responses() as rsps:
        yield FakeJiraSearch().install(rsps)


def _adapter(deployment: str = "cloud") -> JiraAdapter:
    session = requests.Session()
    session.auth = ("consultant@example.com", "token")
    return JiraAdapter(session, BASE_URL, deployment=deployment, sleep=lambda _: None)


def _snapshot(playbook: Playbook, adapter: JiraAdapter) -> ProjectSnapshot:
    reader = JiraRegisterReader(adapter, "ACME", playbook, load_templates())
    source = OdooReportSource(FakeOdoo(acme_records()), playbook, register_reader=reader)
    return source.snapshot("acme_erp", AS_OF, lines_from=WEEK.start, lines_to=WEEK.end)


def test_weekly_register_counts_what_jira_holds(jira: FakeJiraSearch, playbook: Playbook) -> None:
    adapter = _adapter()
    snap = _snapshot(playbook, adapter)
    rep = build_weekly(snap, playbook, WEEK, "en")
    counts = {r.disposition: (r.open, r.total) for r in rep.register_rows}
    assert counts == EXPECTED_COUNTS
    undecided = next(r for r in rep.risks if r.code == "requirements_undecided")
    assert undecided.message == "Open requirements without a disposition: 20."
    # 104 issues: two pages of the register, one look-up of the epics they hang under.
    assert adapter.request_count == 3 and snap.register_source == "jira:ACME"


def test_the_search_asks_only_for_what_the_register_needs(jira: FakeJiraSearch, playbook: Playbook) -> None:
    _snapshot(playbook, _adapter())
    first, second, epics = jira.bodies
    assert first["jql"] == 'project = "ACME" AND issuetype in ("Requirement", "Issue") ORDER BY created ASC'
    assert {"status", "issuetype", "labels", "created"} <= set(first["fields"]) and first["maxResults"] == 100
    assert "nextPageToken" not in first and second["nextPageToken"] == "100"
    assert epics["properties"] == ["erp-playbook"] and epics["jql"].startswith("id in (")


def test_items_carry_jira_keys_closed_state_and_their_phase(jira: FakeJiraSearch, playbook: Playbook) -> None:
    snap = _snapshot(playbook, _adapter())
    items = {i.ref: i for i in snap.register_items}
    assert len(items) == len(register_issues())
    first = items["ACME-101"]
    assert (first.kind, first.disposition, first.closed, first.deadline.isoformat() if first.deadline else None,
            first.assignees) == ("requirement", "workaround", False, "2026-12-15", ["林顧問 Lin"])
    survey = snap.phase_by_key("business_survey")
    assert survey is not None
    assert sum(1 for i in snap.register_items if i.phase_id == survey.id) == IN_SURVEY_PHASE
    assert items["ACME-150"].phase_id is None  # its epic carries no erp-playbook property
    summary = build_phase_report(snap, playbook, "business_survey", "phase_summary", "en")
    assert (summary.register_open, summary.register_total) == (IN_SURVEY_PHASE, IN_SURVEY_PHASE)


def test_the_report_says_where_the_register_comes_from(jira: FakeJiraSearch, playbook: Playbook) -> None:
    rep = build_weekly(_snapshot(playbook, _adapter()), playbook, WEEK, "en")
    text = render_markdown(weekly_document(rep, today=AS_OF, with_chart=False))
    assert "Read from Jira project ACME" in text and "go\\_live\\_then\\_customize" in text
    assert "| **Total** | **10 / 14** | **70 / 90** |" in text  # issue, requirement: open / all


def test_an_empty_jira_register_is_named_as_such(playbook: Playbook) -> None:
    with contract_responses() as rsps:
        FakeJiraSearch(issues=[]).install(rsps)
        rep = build_weekly(_snapshot(playbook, _adapter()), playbook, WEEK, "zh_TW")
    text = render_markdown(weekly_document(rep, today=AS_OF, with_chart=False))
    assert "Jira 專案 ACME 尚無需求" in text


def test_data_center_pages_with_start_at(playbook: Playbook) -> None:
    with contract_responses() as rsps:
        fake = FakeJiraSearch().install(rsps)
        adapter = _adapter("server")
        snap = _snapshot(playbook, adapter)
        paths = [call.request.url for call in rsps.calls]
    assert all(url == f"{BASE_URL}/rest/api/2/search" for url in paths)
    assert [b.get("startAt") for b in fake.bodies[:2]] == [0, 100]
    assert len(snap.register_items) == len(register_issues())


def test_a_refusing_jira_fails_the_read_clearly(playbook: Playbook) -> None:
    from connector.jira.adapter import JiraError

    with contract_responses() as rsps:
        rsps.post(f"{BASE_URL}/rest/api/3/search/jql", status=401, json={"errorMessages": ["unauthorised"]})
        with pytest.raises(JiraError) as err:
            _snapshot(playbook, _adapter())
    assert "401" in err.value.message and "PLAYBOOK_JIRA_TOKEN" in (err.value.hint or "")


def test_jira_unreachable_is_retried_then_named(playbook: Playbook) -> None:
    from connector.jira.adapter import JiraError

    with responses.RequestsMock() as rsps:
        rsps.post(f"{BASE_URL}/rest/api/3/search/jql", body=requests.ConnectionError("refused"))
        with pytest.raises(JiraError, match="did not answer"):
            _snapshot(playbook, _adapter())
