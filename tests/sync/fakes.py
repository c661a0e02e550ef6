"""The sync tests' Jira site and Odoo: the one Jira site fake (``tests.fakes.jira``) set up as the sync sees a site
(its fields, issue types, tagged issues), the one Odoo fake (``tests.fakes.odoo``), the kill switch and the adapter.

Every request the Jira fake answers is checked against the published contract into ``violations``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from connector.jira.adapter import JiraAdapter
from tests.fakes.jira import WORKFLOW, JiraSite
from tests.fakes.jira import account_id_of as account_id_of

# The Odoo fake and the kill switch live in tests/fakes; these names stay importable from here.
from tests.fakes.kill import Killed as Killed
from tests.fakes.kill import KillSwitch
from tests.fakes.odoo import OdooFake as OdooFake

BASE = "https://jira.example.test"
CUSTOMER_NAME, CUSTOMER_EMAIL = "Chris Customer", "chris@acme.example"  # who signs in Jira unless a test says
TOKEN = "tok-SECRET-never-logged"
API = "/rest/api/3"
FIELDS = [
    {"id": "summary", "name": "Summary", "custom": False, "schema": {"type": "string"}},
    {"id": "duedate", "name": "Due date", "custom": False, "schema": {"type": "date"}},
    {"id": "customfield_10101", "name": "Man-days spent", "custom": True, "schema": {"type": "number"}},
    {"id": "customfield_10102", "name": "Man-days remaining", "custom": True, "schema": {"type": "number"}},
    {"id": "customfield_10103", "name": "Payment status", "custom": True, "schema": {"type": "option"}},
    {"id": "customfield_10104", "name": "Payment due date", "custom": True, "schema": {"type": "date"}},
]
SPENT, REMAINING, STATUS, DUE = (f["id"] for f in FIELDS[2:])
# The site's issue types (GET /issuetype); issues below name theirs, JQL may give the id.
ISSUE_TYPES = [{"id": "10000", "name": "Epic", "hierarchyLevel": 1}, {"id": "10010", "name": "Checklist item"},
               {"id": "10011", "name": "Sign-off"}, {"id": "10012", "name": "Payment milestone"},
               {"id": "10013", "name": "Requirement"}, {"id": "10014", "name": "Issue"}]
TO_DO, AWAITING, SIGNED_OFF, REJECTED = (s["name"] for s in WORKFLOW["statuses"])


class JiraFake(JiraSite):
    """The one Jira site fake (``tests.fakes.jira``) with the sync's site: its fields and issue types, and helpers
    that tag issues with the ``erp-playbook`` property and return their ids. Checks every request it answers."""

    def __init__(self, page_size: int = 1000, first_id: int = 50000, *, validate_later: bool = False) -> None:
        super().__init__(base_url=BASE, first_id=first_id, page_size=page_size, validate_later=validate_later)
        self.fields = list(FIELDS)
        self.issue_types = [dict(t, hierarchyLevel=t.get("hierarchyLevel", 0)) for t in ISSUE_TYPES]

    def add_issue(self, project: str, *, kind: str | None = None, item: str | None = None,  # type: ignore[override]
                  code: str | None = None, parent: str | None = None, issuetype: str = "Checklist item") -> str:
        prop = {"playbook": "erp_standard", "version": "1", "project": code or project.lower(), "key": item,
                "kind": kind} if kind else None
        return str(self.put_issue(project, issuetype, properties={"erp-playbook": prop} if prop else {},
                                  parent=parent)["id"])

    def add_signoff(self, project: str, key: str, code: str | None = None, status: str = TO_DO) -> str:
        issue_id = self.add_issue(project, kind="gate", item=key, code=code, issuetype="Sign-off")
        if status != TO_DO:
            self.set_status(issue_id, status)
        return issue_id

    def add_phase(self, project: str, key: str, code: str | None = None) -> str:
        return self.add_issue(project, kind="phase", item=key, code=code, issuetype="Epic")

    def add_milestone(self, project: str, key: str, code: str | None = None) -> str:
        return self.add_issue(project, kind="payment_milestone", item=key, code=code, issuetype="Payment milestone")

    def set_status(self, issue_id: str, status: str, by: str = CUSTOMER_NAME,
                   email: str | None = CUSTOMER_EMAIL) -> None:
        """By default moved by the customer's contact of the sync tests (test_sync_signoffs.py ``_customer``)."""
        super().set_status(issue_id, status, by, email)

    def fail(self, path_part: str, make: Callable[[], Any], times: int = 1) -> None:  # type: ignore[override]
        """The next ``times`` requests whose path contains ``path_part`` get ``make()`` (a response or raise)."""
        self.fail_with(path_part, make, times=times)

    def count(self, path_part: str) -> int:  # type: ignore[override]
        return sum(1 for _, path in self.calls if path_part in path)


class KillableJira:
    """The real adapter, with a kill switch after each call went through."""

    def __init__(self, adapter: JiraAdapter, switch: KillSwitch) -> None:
        self.adapter, self.switch = adapter, switch
        self.api_version = adapter.api_version

    @property
    def request_count(self) -> int:
        return self.adapter.request_count

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        result = self.adapter.request(method, path, **kwargs)
        self.switch.tick(f"{method} {path}")
        return result


def make_adapter(sleeps: list[float] | None = None) -> JiraAdapter:
    session = requests.Session()
    session.auth = ("ann@example.test", TOKEN)
    return JiraAdapter(session, BASE, sleep=(sleeps.append if sleeps is not None else (lambda s: None)),
                       max_retries=3)
