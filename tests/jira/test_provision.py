"""Provisioning against the stateful fake: what gets created, idempotency, resume, playbook changes."""

from __future__ import annotations

import dataclasses

import pytest

from connector.errors import ConnectorError
from connector.jira.adapter import JiraAdapter
from connector.jira.issues import ISSUE_KINDS
from connector.jira.provision import provision
from connector.jira.templates import load_templates
from connector.plan import PlannedRecord, ProjectPlan
from tests.jira.fake import FakeJira, Killed

TEMPLATES = load_templates()


def issue_count(plan: ProjectPlan) -> int:
    """Issues a plan makes: every record but the project and the cadences (not created in Jira)."""
    return sum(1 for r in plan.records if r.kind in ISSUE_KINDS)


def test_first_run_creates_project_types_fields_workflow_and_every_issue(
        adapter: JiraAdapter, fake: FakeJira, mini_plan: ProjectPlan) -> None:
    result = provision(adapter, TEMPLATES, mini_plan, "ACME")

    assert result.project_created and "ACME" in fake.projects
    assert {t["name"] for t in fake.issue_types} >= {"Epic", "Checklist item", "Sign-off", "Payment milestone",
                                                      "Requirement", "Issue"}
    assert {f["name"] for f in fake.fields if f["custom"]} == {f.name for f in TEMPLATES.fields}
    assert [w["name"] for w in fake.workflows] == ["ERP playbook sign-off"]
    tagged = fake.tagged()
    # Cadences are not Jira issues (the dry run says so); everything else is one issue.
    planned = {r.key: r for r in mini_plan.records if r.kind not in ("project", "cadence")}
    assert mini_plan.by_kind("cadence") and "weekly_meeting" not in tagged
    assert set(tagged) == set(planned)
    assert sum(result.created.values()) == len(planned)
    # children hang under their phase's epic; the property follows the data contract
    for key, record in planned.items():
        issue = tagged[key]
        assert issue["properties"]["erp-playbook"] == {"playbook": "mini", "version": "0.1.0", "project": "acme",
                                                       "key": key, "kind": record.kind}
        if record.parent:
            assert issue["fields"]["parent"]["key"] == tagged[record.parent]["key"]
    assert fake.project_properties[("ACME", "erp-playbook")]["kind"] == "project"


def test_second_run_creates_nothing_and_only_reads(adapter: JiraAdapter, fake: FakeJira,
                                                   mini_plan: ProjectPlan) -> None:
    provision(adapter, TEMPLATES, mini_plan, "ACME")
    before = (len(fake.issues), len(fake.issue_types), len(fake.fields), len(fake.workflows))
    fake.calls.clear()

    again = provision(adapter, TEMPLATES, mini_plan, "ACME")

    assert (len(fake.issues), len(fake.issue_types), len(fake.fields), len(fake.workflows)) == before
    assert sum(again.created.values()) == 0 and not again.project_created
    assert sum(again.existing.values()) == issue_count(mini_plan)
    writes = [(m, p) for m, p in fake.calls if m == "POST" and "/search/jql" not in p]
    assert writes == []


def test_killed_mid_bulk_create_resumes_without_duplicates(adapter: JiraAdapter, fake: FakeJira,
                                                           standard_plan: ProjectPlan) -> None:
    total = issue_count(standard_plan)
    assert total > 60  # more than one bulk request after the phases
    fake.kill_after_issues = 30  # Jira committed 30 issues, the client died before the answer
    with pytest.raises(Killed):
        provision(adapter, TEMPLATES, standard_plan, "ACME")
    assert 0 < len(fake.issues) < total
    fake.kill_after_issues = None

    resumed = provision(adapter, TEMPLATES, standard_plan, "ACME")

    keys = [i["properties"]["erp-playbook"]["key"] for i in fake.issues.values()]
    assert len(keys) == len(set(keys)) == total
    assert sum(resumed.created.values()) + sum(resumed.existing.values()) == total

    fake.calls.clear()
    third = provision(adapter, TEMPLATES, standard_plan, "ACME")  # > 100 issues: the search reads two pages
    assert sum(third.created.values()) == 0 and sum(third.existing.values()) == total
    assert fake.count("POST", "/search/jql") == 2


def test_playbook_change_adds_only_the_new_items(adapter: JiraAdapter, fake: FakeJira,
                                                 mini_plan: ProjectPlan) -> None:
    provision(adapter, TEMPLATES, mini_plan, "ACME")
    first = set(fake.issues)
    phase = mini_plan.by_kind("phase")[0]
    new_item = PlannedRecord("checklist_item", "new_check", phase.key, phase.name, {"role": "consultant",
                                                                                   "industry_specific": False})
    changed = dataclasses.replace(mini_plan, records=[*mini_plan.records, new_item])

    result = provision(adapter, TEMPLATES, changed, "ACME")

    assert dict(result.created) == {"checklist_item": 1}
    added = set(fake.issues) - first
    assert len(added) == 1
    issue = fake.issues[added.pop()]
    assert issue["properties"]["erp-playbook"]["key"] == "new_check"
    assert issue["fields"]["parent"]["key"] == fake.tagged()[phase.key]["key"]


def test_existing_untagged_project_is_reused_and_foreign_issues_are_left_alone(
        adapter: JiraAdapter, fake: FakeJira, mini_plan: ProjectPlan) -> None:
    fake.add_project("ACME")
    fake.add_issue("ACME", "someone's own task")

    result = provision(adapter, TEMPLATES, mini_plan, "ACME")

    assert not result.project_created and fake.count("POST", "/rest/api/3/project") == 0
    assert len(fake.issues) == 1 + issue_count(mini_plan)


def test_bulk_creates_fifty_per_request(adapter: JiraAdapter, fake: FakeJira, standard_plan: ProjectPlan) -> None:
    provision(adapter, TEMPLATES, standard_plan, "ACME")
    issues = issue_count(standard_plan)
    phases = len(standard_plan.by_kind("phase"))
    batches = -(-phases // 50) + -(-(issues - phases) // 50)
    assert fake.calls.count(("POST", "/rest/api/3/issue/bulk")) == batches
    assert fake.calls.count(("POST", "/rest/api/3/issue/bulkfetch")) == batches  # each batch read back by id
    assert ("POST", "/rest/api/3/issue") not in fake.calls  # no single creates


def test_refused_elements_are_named_and_the_rest_is_kept(adapter: JiraAdapter, fake: FakeJira,
                                                         mini_plan: ProjectPlan) -> None:
    # A field someone made before, not on the create screen: Jira refuses it per element.
    fake.fields.append({"id": "customfield_99999", "name": "Payment amount", "custom": True})
    with pytest.raises(ConnectorError) as err:
        provision(adapter, TEMPLATES, mini_plan, "ACME")
    assert "payment_milestone on_signing" in err.value.message
    assert "customfield_99999" in err.value.message
    assert "run the same command again" in (err.value.hint or "")
    kept = fake.tagged()
    assert "on_signing" not in kept and "kickoff" in kept


def test_values_and_labels_follow_the_templates(adapter: JiraAdapter, fake: FakeJira,
                                                mini_plan: ProjectPlan) -> None:
    result = provision(adapter, TEMPLATES, mini_plan, "ACME")
    tagged, fields = fake.tagged(), result.setup.fields
    kickoff = tagged["kickoff"]["fields"]
    assert kickoff[fields["man_day_budget"]] == 4.0  # 10 % of 40
    payment = tagged["on_requirements"]["fields"]
    assert payment[fields["payment_amount"]] == 70000.0
    assert payment[fields["payment_status"]] == {"value": "Not due"}
    assert "deliverable" in tagged["kickoff_plan"]["fields"]["labels"]
    assert fake.project_properties[("ACME", "erp-playbook-fields")] == fields


def test_data_center_uses_v2_epic_link_and_reports_the_manual_workflow(
        contract, mini_plan: ProjectPlan, jira_settings) -> None:  # type: ignore[no-untyped-def]
    fake = FakeJira(deployment="DataCenter").install(contract)
    fake.fields += [{"id": "customfield_10101", "name": "Epic Link", "custom": True},
                    {"id": "customfield_10102", "name": "Epic Name", "custom": True}]
    dc = JiraAdapter.from_settings(jira_settings.model_copy(update={"deployment": "server"}))

    result = provision(dc, TEMPLATES, mini_plan, "ACME")
    again = provision(dc, TEMPLATES, mini_plan, "ACME")

    assert all(path.startswith("/rest/api/2/") for _, path in fake.calls)
    tagged = fake.tagged()
    assert tagged["kickoff_meeting"]["fields"]["customfield_10101"] == tagged["kickoff"]["key"]
    assert tagged["kickoff"]["fields"]["customfield_10102"] == "Kickoff"
    assert isinstance(tagged["kickoff"]["fields"]["description"], str)  # wiki text, not ADF
    assert any("import jira_templates/workflow-signoff.json" in w for w in result.setup.warnings)
    assert sum(again.created.values()) == 0
