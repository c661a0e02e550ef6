"""The Jira binding's small parts: the erp-playbook tag, JQL quoting, the site matchers and the property reads."""

from __future__ import annotations

import pytest
import responses

from connector.jira.adapter import JiraAdapter
from connector.jira.binding import Tag, read_field_ids, read_project_tag
from connector.jira.jql import quote, quoted_list
from connector.jira.site import find_status, match_field, match_issue_type, value_type
from connector.jira.templates import load_templates
from tests.jira.fake import BASE_URL

TEMPLATES = load_templates()
EPIC, SIGNOFF = TEMPLATES.issue_type("phase"), TEMPLATES.issue_type("signoff")
STATUS_FIELD = TEMPLATES.field("payment_status")
TEAM = {"type": "PROJECT", "project": {"id": "10500"}}


@pytest.mark.parametrize(("value", "expected"), [
    ({"playbook": "p", "version": "1", "project": "acme", "key": "kickoff", "kind": "phase"},
     Tag("p", "1", "acme", "kickoff", "phase")),
    ({"key": "kickoff", "kind": "phase"}, Tag("", "", "", "kickoff", "phase")),  # older or partial: still ours
    ({"key": "kickoff"}, None),  # no kind: not ours
    ({"kind": "phase", "key": ""}, None),
    ("erp-playbook", None),
    (None, None),
])
def test_tags_decode_what_provisioning_wrote_and_nothing_else(value: object, expected: Tag | None) -> None:
    assert Tag.decode(value) == expected
    assert Tag.of_issue({"properties": {"erp-playbook": value}}) == expected


def test_a_tag_round_trips_through_the_create_payload() -> None:
    tag = Tag("erp_standard", "1.0.0", "acme", "kickoff", "phase")
    [prop] = tag.create_properties()
    assert prop["key"] == "erp-playbook" and Tag.decode(prop["value"]) == tag


@pytest.mark.parametrize(("value", "jql"), [
    ("ACME", '"ACME"'),
    ('Say "hi"', '"Say \\"hi\\""'),
    ("back\\slash", '"back\\\\slash"'),
    ("簽核", '"簽核"'),
])
def test_jql_quoting(value: str, jql: str) -> None:
    assert quote(value) == jql


def test_jql_lists() -> None:
    assert quoted_list(["Requirement", "Issue"]) == '"Requirement", "Issue"'


@pytest.mark.parametrize(("types", "tpl", "expected"), [
    ([{"id": "1", "name": "Epic", "hierarchyLevel": 1}], EPIC, "1"),
    ([{"id": "1", "name": "長篇故事", "hierarchyLevel": 1}], EPIC, "1"),  # localised: by its level
    ([{"id": "1", "name": "Epic", "hierarchyLevel": 1, "scope": TEAM}], EPIC, None),  # team-managed only
    ([{"id": "1", "name": "Sign-off", "scope": TEAM}, {"id": "2", "name": "sign-off"}], SIGNOFF, "2"),
    ([{"id": "1", "name": "Sign-off", "scope": TEAM}], SIGNOFF, None),
    ([{"id": "1", "name": "Story", "hierarchyLevel": 0}], SIGNOFF, None),
])
def test_issue_type_matcher(types: list[dict], tpl: object, expected: str | None) -> None:
    found = match_issue_type(types, tpl)  # type: ignore[arg-type]
    assert (found["id"] if found else None) == expected


def test_field_matcher_prefers_a_custom_field_of_the_template_type() -> None:
    assert STATUS_FIELD is not None
    fields = [{"id": "status", "name": "Payment status", "custom": False},
              {"id": "customfield_1", "name": "Payment status", "custom": True,
               "schema": {"custom": "com.atlassian.jira.plugin.system.customfieldtypes:textfield"}},
              {"id": "customfield_2", "name": "payment status", "custom": True,
               "schema": {"custom": STATUS_FIELD.type}}]
    assert match_field(fields, STATUS_FIELD)["id"] == "customfield_2"  # type: ignore[index]
    assert match_field(fields[:1], STATUS_FIELD) is None
    assert value_type(STATUS_FIELD) == "option"


@pytest.fixture
def jira(contract: responses.RequestsMock, adapter: JiraAdapter) -> JiraAdapter:
    return adapter


def test_project_properties_read_back_or_none(contract: responses.RequestsMock, jira: JiraAdapter) -> None:
    props = f"{BASE_URL}/rest/api/3/project/ACME/properties"
    contract.get(f"{props}/erp-playbook-fields", json={"key": "erp-playbook-fields",
                                                       "value": {"payment_status": "customfield_3", "x": 5}})
    contract.get(f"{props}/erp-playbook", status=404, json={"errorMessages": ["The property was not found."]})
    assert read_field_ids(jira, "ACME") == {"payment_status": "customfield_3"}  # non-ids dropped
    assert read_project_tag(jira, "ACME") is None


def test_a_status_is_found_on_a_later_page_and_a_global_one_wins(contract: responses.RequestsMock,
                                                                 jira: JiraAdapter) -> None:
    url = f"{BASE_URL}/rest/api/3/statuses/search"
    contract.get(url, match=[responses.matchers.query_param_matcher(
        {"searchString": "Signed off", "startAt": "0", "maxResults": "200"})],
        json={"startAt": 0, "maxResults": 200, "total": 2, "isLast": False, "values": [
            {"id": "7", "name": "Signed off", "statusCategory": "DONE", "scope": TEAM}]})
    contract.get(url, match=[responses.matchers.query_param_matcher(
        {"searchString": "Signed off", "startAt": "1", "maxResults": "200"})],
        json={"startAt": 1, "maxResults": 200, "total": 2, "isLast": True, "values": [
            {"id": "8", "name": "Signed off", "statusCategory": "DONE", "scope": {"type": "GLOBAL"}}]})
    assert find_status(jira, "Signed off")["id"] == "8"  # type: ignore[index]
