"""Worklogs → timesheet lines: what each worklog's line should hold, and what to do with the line Odoo has.

``decide()`` is the whole rule for one line (create, update, keep, keep what the customer signed, delete) and is
pure, so a truth table pins it (tests/sync/test_sync_timesheets.py). ``plan_lines()`` applies it to one batch of
a project's worklogs; the engine writes the plan. The plan's ``creates`` is the one place new lines are decided.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from connector.odoo.records import m2o_id
from connector.sync.authors import Author
from connector.sync.issues import IssueInfo
from connector.sync.jira_side import adf_text
from connector.sync.signed_log import is_signed, split_signed

CREATE, UPDATE, KEEP, KEEP_SIGNED, DELETE = "create", "update", "keep", "keep_signed", "delete"
MANY2ONE_FIELDS = ("project_id", "task_id", "employee_id")


@dataclass(frozen=True)
class LineDecision:
    """``values``: the whole line to create, or the fields to write (a signed line: only what was not signed).
    ``signed_changed``: the signed fields Jira changed; not empty means a conflict (Odoo keeps the signed line)."""

    action: str
    values: dict[str, Any] = field(default_factory=dict)
    signed_changed: tuple[str, ...] = ()

    @property
    def conflict(self) -> bool:
        return self.action == KEEP_SIGNED


def decide(values: dict[str, Any], row: dict[str, Any] | None, *, gone: bool = False) -> LineDecision:
    """One worklog's line: ``values`` as Jira says it should be, ``row`` the line Odoo has (None: no line yet);
    ``gone``: the worklog was deleted in Jira."""
    if gone:
        if row is None:
            return LineDecision(KEEP)
        return LineDecision(KEEP_SIGNED, {}, ("deleted",)) if is_signed(row) else LineDecision(DELETE)
    if row is None:
        return LineDecision(CREATE, values)
    changes = diff(row, values)
    if is_signed(row):
        changes, changed = split_signed(changes)
        if changed:
            return LineDecision(KEEP_SIGNED, changes, tuple(changed))
    return LineDecision(UPDATE, changes) if changes else LineDecision(KEEP)


def diff(row: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``values`` the line ``row`` does not hold yet (many2ones compared by id, hours to 1e-6)."""
    out = {}
    for name, want in values.items():
        have = row.get(name)
        if name in MANY2ONE_FIELDS:
            have = m2o_id(have) or False
        if name == "unit_amount":
            if abs(float(have or 0) - float(want)) > 1e-6:
                out[name] = want
        elif (have or False) != (want or False):
            out[name] = want
    return out


def line_values(w: dict[str, Any], issue: IssueInfo, project_id: int, task_id: int | None,
                employee_id: int | None = None) -> dict[str, Any]:
    """The timesheet line a worklog should be: "[KEY-1] Author: comment", hours, the day it was done."""
    author = (w.get("author") or {}).get("displayName") or ""
    comment = adf_text(w.get("comment"))
    label = f"[{issue.key or w['issueId']}]"
    name = " ".join(part for part in (label, author + (":" if comment and author else ""), comment) if part)
    values = {
        "erp_jira_worklog_id": str(w["id"]),
        "project_id": project_id,
        "task_id": task_id or False,
        "date": started_date(str(w.get("started") or "")),
        "unit_amount": round(int(w.get("timeSpentSeconds") or 0) / 3600.0, 4),
        "name": name[:500],
    }
    if employee_id:  # else Odoo books the line on the sync user's employee
        values["employee_id"] = employee_id
    return values


def started_date(started: str) -> str:
    """The day the work was done, in the worklog's own time zone."""
    try:
        return datetime.fromisoformat(started).date().isoformat()
    except ValueError:
        return started[:10] or date.today().isoformat()


@dataclass(frozen=True)
class Conflict:
    """A worklog changed or deleted in Jira whose line the customer signed."""

    worklog_id: str
    issue_key: str | None
    what: str  # "changed" or "deleted"
    row: dict[str, Any]


@dataclass
class LinePlan:
    """What one batch of a project's worklogs does to Odoo."""

    read: int = 0
    creates: list[dict[str, Any]] = field(default_factory=list)
    writes: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # json of the values → line ids
    updated: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    no_phase: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # issue key → worklogs off any phase

    def write_batches(self) -> list[tuple[list[int], dict[str, Any]]]:
        """One ``write`` per distinct change."""
        return [(ids, json.loads(values)) for values, ids in self.writes.items()]


def plan_lines(worklogs: list[dict[str, Any]], issues: dict[str, IssueInfo], project_id: int,
               phase_tasks: dict[str, int], employees: dict[str, int],
               existing: dict[str, dict[str, Any]]) -> LinePlan:
    """Decide every worklog's line of one project; ``existing``: worklog id → its line in Odoo."""
    plan = LinePlan()
    for w in worklogs:
        plan.read += 1
        issue = issues[str(w["issueId"])]
        task_id = phase_tasks.get(issue.phase or "")
        if task_id is None:
            plan.no_phase[issue.key or str(w["issueId"])] += 1
        values = line_values(w, issue, project_id, task_id, employees.get(Author.of(w).key))
        row = existing.get(values["erp_jira_worklog_id"])
        decision = decide(values, row)
        if decision.action == CREATE:
            plan.creates.append(decision.values)
            continue
        assert row is not None
        if decision.values:
            plan.writes[json.dumps(decision.values, sort_keys=True)].append(int(row["id"]))
        if decision.conflict:
            plan.conflicts.append(Conflict(values["erp_jira_worklog_id"], issue.key, "changed", row))
        elif decision.action == UPDATE:
            plan.updated += 1
        else:
            plan.unchanged += 1
    return plan
