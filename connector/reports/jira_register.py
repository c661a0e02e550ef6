"""The issue and requirement register read from Jira: the project's Requirement and Issue issues.

``jira_templates/`` provisions the issue types Requirement and Issue but no disposition field, so the disposition
is a **label** named by the playbook's disposition key (``workaround``, ``go_live_then_customize``,
``record_for_rnd``, ``explain_not_possible``); labels match like Odoo tags do (key or name in any language,
``disposition:workaround`` too), see ``connector.reports.register``. An issue counts as closed when its status is
in Jira's "done" category.

Every Requirement and Issue of the project is read, open and closed, because the register table shows
open / all per disposition: one ``POST search/jql`` per 100 issues (``nextPageToken`` paging; Data Center:
``POST search`` with ``startAt``), plus one request for the phase epics the issues hang under, if any.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from connector.jira.binding import PROPERTY, Tag
from connector.jira.jql import quote, quoted_list
from connector.jira.search import SEARCH_PAGE, RequestsJira, search_issues
from connector.jira.templates import JiraTemplates, default_templates
from connector.playbook.model import Playbook
from connector.reports.register import normalise, tag_vocabulary
from connector.reports.snapshot import RegisterItem, TaskSnap

FIELDS = ["summary", "status", "issuetype", "labels", "created", "duedate", "assignee", "parent"]
# Template keys of the register's issue types (jira_templates/issue_types.yaml) = playbook register kind keys.
REGISTER_TYPE_KEYS = ("requirement", "issue")


class JiraRequester(RequestsJira, Protocol):
    def api(self, path: str) -> str: ...


class JiraRegisterReader:
    """A ``RegisterReader`` for ``OdooReportSource``: ignores the Odoo tasks except to place items in phases."""

    def __init__(self, jira: JiraRequester, project_key: str, playbook: Playbook | None,
                 templates: JiraTemplates | None = None) -> None:
        self.jira = jira
        self.project_key = project_key
        self.source = f"jira:{project_key}"
        kinds, self.dispositions = tag_vocabulary(playbook)
        templates = templates or default_templates()
        self.type_names = {t.key: t.name for t in templates.issue_types if t.key in REGISTER_TYPE_KEYS}
        # An issue type is a register kind by its template name, or by a kind's key or name in any language.
        self.kinds = {**kinds, **{normalise(name): key for key, name in self.type_names.items()}}

    @property
    def jql(self) -> str:
        types = quoted_list(self.type_names.values())
        return f"project = {quote(self.project_key)} AND issuetype in ({types}) ORDER BY created ASC"

    def __call__(self, tasks: list[TaskSnap]) -> list[RegisterItem]:
        issues = list(search_issues(self.jira, self.jql, FIELDS))
        phase_of_epic = self._phases_of_epics(issues, tasks)
        items = []
        for issue in issues:
            fields = issue.get("fields") or {}
            kind = self.kinds.get(normalise(str((fields.get("issuetype") or {}).get("name", ""))))
            if kind is None:
                continue
            labels = [normalise(str(label)) for label in fields.get("labels") or []]
            status = fields.get("status") or {}
            parent = fields.get("parent") or {}
            items.append(RegisterItem(
                id=int(issue["id"]), ref=str(issue.get("key") or ""), kind=kind,
                name=str(fields.get("summary") or issue.get("key") or ""),
                disposition=next((self.dispositions[label] for label in labels if label in self.dispositions), None),
                closed=(status.get("statusCategory") or {}).get("key") == "done",
                phase_id=phase_of_epic.get(str(parent.get("id") or "")), deadline=_date(fields.get("duedate")),
                assignees=[str(fields["assignee"]["displayName"])] if (fields.get("assignee") or {}).get(
                    "displayName") else [],
                created=_date(fields.get("created")),
            ))
        return items

    def _phases_of_epics(self, issues: Sequence[dict[str, Any]], tasks: list[TaskSnap]) -> dict[str, int]:
        """Jira epic id -> Odoo phase id, through the epics' ``erp-playbook`` property (the phase key)."""
        phase_ids = {t.item_key: t.phase_id for t in tasks if t.item_type == "phase" and t.item_key and t.phase_id}
        parents = sorted({str(((i.get("fields") or {}).get("parent") or {}).get("id") or "") for i in issues} - {""})
        if not parents or not phase_ids:
            return {}
        out: dict[str, int] = {}
        for start in range(0, len(parents), SEARCH_PAGE):
            chunk = parents[start:start + SEARCH_PAGE]
            jql = f"id in ({', '.join(chunk)})"
            for epic in search_issues(self.jira, jql, ["issuetype"], properties=[PROPERTY]):
                tag = Tag.of_issue(epic)
                phase_id = phase_ids.get(tag.key) if tag is not None and tag.kind == "phase" else None
                if phase_id is not None:
                    out[str(epic["id"])] = phase_id
        return out


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
