"""The register's data set in Jira: the ACME project's Requirement and Issue issues and two phase epics, served by
the one Jira site fake (``tests.fakes.jira``: Cloud's ``search/jql`` and Data Center's ``/rest/api/2/search``) for
the two queries ``connector.reports.jira_register`` sends: the register (``issuetype in (...)``) and the phase
epics (``id in (...)``, with the ``erp-playbook`` property).
"""

from __future__ import annotations

from typing import Any

from tests.fakes.jira import JiraSite

BASE_URL = "https://jira.example.test"
SURVEY_EPIC, LOOSE_EPIC = "20003", "20009"  # the business_survey phase epic; an epic without our property

# (issue type, labels, done, count): 104 issues, so the register takes two pages of 100.
REGISTER_SPEC: list[tuple[str, list[str], bool, int]] = [
    ("Requirement", ["workaround", "customer-a"], False, 30),
    ("Requirement", ["workaround"], True, 10),
    ("Requirement", ["go_live_then_customize"], False, 12),
    ("Requirement", ["先上線再客製"], False, 3),  # the disposition's zh_TW name as a label
    ("Requirement", ["disposition:record_for_rnd"], False, 5),
    ("Requirement", ["explain_not_possible"], True, 8),
    ("Requirement", ["erp-playbook"], False, 20),  # not decided yet
    ("Requirement", [], True, 2),  # closed without a decision
    ("Issue", ["record_for_rnd"], False, 6),
    ("Issue", ["Record_for_RnD"], True, 4),
    ("Issue", ["workaround"], False, 2),
    ("Issue", [], False, 2),
]
# Open / all per disposition and register kind, as the weekly report must count them.
EXPECTED_COUNTS: dict[str | None, tuple[dict[str, int], dict[str, int]]] = {
    "workaround": ({"requirement": 30, "issue": 2}, {"requirement": 40, "issue": 2}),
    "go_live_then_customize": ({"requirement": 15}, {"requirement": 15}),
    "record_for_rnd": ({"requirement": 5, "issue": 6}, {"requirement": 5, "issue": 10}),
    "explain_not_possible": ({}, {"requirement": 8}),
    None: ({"requirement": 20, "issue": 2}, {"requirement": 22, "issue": 2}),
}
IN_SURVEY_PHASE = 7  # the first seven "workaround" requirements hang under the business_survey epic


def register_issues(project: str = "ACME") -> list[dict[str, Any]]:
    issues = []
    n = 0
    for type_name, labels, done, count in REGISTER_SPEC:
        for _ in range(count):
            n += 1
            status = ({"name": "Done", "statusCategory": {"key": "done"}} if done
                      else {"name": "In Progress", "statusCategory": {"key": "indeterminate"}})
            fields: dict[str, Any] = {
                "summary": f"{type_name} {n}", "issuetype": {"id": "10010", "name": type_name}, "labels": labels,
                "status": status, "created": f"2026-11-{1 + n % 27:02d}T09:30:00.000+0800",
                "duedate": "2026-12-15" if n == 1 else None,
                "assignee": {"displayName": "林顧問 Lin"} if n % 2 else None,
                "parent": ({"id": SURVEY_EPIC, "key": f"{project}-3"} if n <= IN_SURVEY_PHASE
                           else {"id": LOOSE_EPIC, "key": f"{project}-9"} if n == 50 else None),
            }
            issues.append({"id": str(30000 + n), "key": f"{project}-{100 + n}", "fields": fields})
    return issues


EPICS = [
    {"id": SURVEY_EPIC, "key": "ACME-3", "fields": {"issuetype": {"name": "Epic"}},
     "properties": {"erp-playbook": {"playbook": "erp_standard", "version": "1", "project": "acme_erp",
                                     "key": "business_survey", "kind": "phase"}}},
    {"id": LOOSE_EPIC, "key": "ACME-9", "fields": {"issuetype": {"name": "Epic"}}, "properties": {}},
]


class FakeJiraSearch(JiraSite):
    """The one Jira site fake (``tests.fakes.jira``) holding the register's issues and the two epics; ``bodies``:
    every search request's body. Install it on ``contract_responses()`` (the mock checks the contract)."""

    def __init__(self, issues: list[dict[str, Any]] | None = None) -> None:
        super().__init__(base_url=BASE_URL, validate=False)
        self.bodies: list[dict[str, Any]] = []
        for epic in EPICS:
            self.put_issue("ACME", "Epic", epic["fields"], properties=epic["properties"], issue_id=epic["id"],
                           key=epic["key"])
        for issue in register_issues() if issues is None else issues:
            self.put_issue(issue["key"].rsplit("-", 1)[0], issue["fields"]["issuetype"]["name"], issue["fields"],
                           issue_id=issue["id"], key=issue["key"])

    def _search(self, body: dict[str, Any], **kw: Any) -> tuple[int, Any]:
        self.bodies.append(body)
        return super()._search(body, **kw)

    def _search_v2(self, body: dict[str, Any], **kw: Any) -> tuple[int, Any]:
        self.bodies.append(body)
        return super()._search_v2(body, **kw)
