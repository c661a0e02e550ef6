"""Pushing to Jira: man-days on the phase epics, payment status and due date on the payment-milestone issues.

``edits()`` is pure: what each issue should show. Only what changed since the last push is written (a digest per
issue in the ``pushed`` namespace), so a no-change run sends no edit at all.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from connector.jira.binding import PROPERTY, Tag
from connector.sync.figures import Payment, PhaseFigures
from connector.sync.jira_side import JiraField, JiraSide
from connector.sync.state import META_FIELDS_FETCHED, NS_META, StateStore, epic_key, meta_epics_scanned

FIELD_REFRESH_SECONDS = 24 * 3600
OVERDUE_LABEL = "payment-overdue"
WANTED_FIELDS = ("spent", "remaining", "payment_status", "due_date")
PUSHED_KINDS = ("phase", "payment_milestone")


@dataclass(frozen=True)
class Edit:
    issue_id: str
    values: dict[str, Any]  # Jira field id → value
    labels: dict[str, bool] = field(default_factory=dict)  # label → present

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps([self.values, self.labels], sort_keys=True).encode()).hexdigest()[:16]


def edits(code: str, phases: list[PhaseFigures], payments: list[Payment], epics: dict[str, str],
          fields: dict[str, JiraField]) -> tuple[list[Edit], list[str]]:
    """(the edits one project's figures call for, the phase and milestone keys no Jira issue carries)."""
    out, missing = [], []
    for ph in phases:
        issue = epics.get(epic_key(code, "phase", ph.key))
        if issue is None:
            missing.append(ph.key)
            continue
        figures = {"spent": round(ph.spent, 2), "remaining": round(ph.remaining, 2)}
        out.append(Edit(str(issue), _values(fields, figures)))
    for pay in payments:
        issue = epics.get(epic_key(code, "payment_milestone", pay.key))
        if issue is None:
            missing.append(pay.key)
            continue
        out.append(Edit(str(issue), _values(fields, {"payment_status": pay.status, "due_date": pay.date_due}),
                        {OVERDUE_LABEL: pay.overdue}))
    return out, missing


def missing_message(missing: list[str]) -> str:
    return (f"no Jira issue carries the {PROPERTY} property for {', '.join(missing)}: "
            "not written to Jira (run `playbook jira provision` for this project)")


def _values(fields: dict[str, JiraField], values: dict[str, Any]) -> dict[str, Any]:
    return {fields[k].id: fields[k].value(v) for k, v in values.items() if k in fields}


class JiraTargets:
    """The custom fields and the tracked issues a push writes to, cached in the sync state."""

    def __init__(self, jira: JiraSide, state: StateStore) -> None:
        self.jira, self.state = jira, state

    def fields(self, jira_keys: Iterable[str]) -> tuple[dict[str, JiraField], list[str]]:
        """(field by wanted name, the wanted names Jira has no field for); refreshed daily while one is missing."""
        cached = self.state.all("field")
        fetched = self.state.get_many(NS_META, [META_FIELDS_FETCHED]).get(META_FIELDS_FETCHED)
        stale = time.time() - float(fetched or 0) > FIELD_REFRESH_SECONDS
        if (fetched is None and not cached) or (stale and any(w not in cached for w in WANTED_FIELDS)):
            cached = self.jira.discover_fields(jira_keys)
            cached.pop("_fetched", None)  # the sentinel older versions kept among the fields
            self.state.delete("field")
            self.state.put_many("field", cached)
            self.state.put_many(NS_META, {META_FIELDS_FETCHED: time.time()})
        missing = [w for w in WANTED_FIELDS if w not in cached]
        return {k: JiraField(v["id"], v["type"]) for k, v in cached.items() if k in WANTED_FIELDS}, missing

    def epics(self, projects: dict[str, str]) -> dict[str, str]:
        """``code|kind|key`` → Jira issue id of the phase epics and payment-milestone issues; ``projects``: code →
        Jira project key. One search for the projects not searched before."""
        cached = self.state.all("epic")
        scanned = self.state.get_many(NS_META, [meta_epics_scanned(code) for code in projects])
        todo = {code: key for code, key in projects.items() if meta_epics_scanned(code) not in scanned}
        if todo:
            code_of = {key: code for code, key in todo.items()}
            found: dict[str, str] = {}
            for issue in self.jira.tracked_issues(list(todo.values())):
                tag = Tag.of_issue(issue)
                code = code_of.get(((issue.get("fields") or {}).get("project") or {}).get("key"))
                if code and tag is not None and tag.kind in PUSHED_KINDS:
                    found[epic_key(code, tag.kind, tag.key)] = str(issue["id"])
            self.state.put_many("epic", found)
            self.state.put_many(NS_META, {meta_epics_scanned(code): True for code in todo})
            cached.update(found)
        return {k: str(v) for k, v in cached.items() if not k.endswith("|_found")}  # older versions' sentinels
