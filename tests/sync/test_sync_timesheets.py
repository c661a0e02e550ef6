"""The rule for one worklog's timesheet line (``timesheets.decide``) as a truth table: Jira's view of the line
against the line Odoo has, signed by the customer or not, and a worklog deleted in Jira."""

from __future__ import annotations

from typing import Any

import pytest

from connector.sync.issues import IssueInfo, inherit_phases
from connector.sync.timesheets import CREATE, DELETE, KEEP, KEEP_SIGNED, UPDATE, decide, line_values

WANT = {"erp_jira_worklog_id": "7", "project_id": 3, "task_id": 11, "date": "2025-06-02", "unit_amount": 1.5,
        "name": "[ACME-1] Ann: workshop", "employee_id": 5}
SAME = {"id": 70, "erp_jira_worklog_id": "7", "project_id": [3, "ACME"], "task_id": [11, "Analysis"],
        "date": "2025-06-02", "unit_amount": 1.5000000001, "name": "[ACME-1] Ann: workshop",
        "employee_id": [5, "Ann"], "erp_customer_confirmed": False}


def _row(**changes: Any) -> dict[str, Any]:
    return {**SAME, **changes}


SIGNED = {"erp_customer_confirmed": True, "erp_confirmed_date": "2025-06-10"}


@pytest.mark.parametrize(("row", "gone", "action", "values", "signed_changed"), [
    # no line yet: the whole line is created
    (None, False, CREATE, WANT, ()),
    # the line matches (many2ones by id, hours to 1e-6): nothing to write
    (_row(), False, KEEP, {}, ()),
    # Jira changed the hours or the comment: only that is written
    (_row(unit_amount=2.0), False, UPDATE, {"unit_amount": 1.5}, ()),
    (_row(name="[ACME-1] Ann: old"), False, UPDATE, {"name": "[ACME-1] Ann: workshop"}, ()),
    (_row(task_id=False), False, UPDATE, {"task_id": 11}, ()),
    # signed: the description is still updated, a signed field changed in Jira is a conflict and not written
    (_row(**SIGNED), False, KEEP, {}, ()),
    (_row(**SIGNED, name="old"), False, UPDATE, {"name": "[ACME-1] Ann: workshop"}, ()),
    (_row(**SIGNED, unit_amount=3.0), False, KEEP_SIGNED, {}, ("unit_amount",)),
    (_row(**SIGNED, unit_amount=3.0, name="old"), False, KEEP_SIGNED, {"name": "[ACME-1] Ann: workshop"},
     ("unit_amount",)),
    (_row(**SIGNED, date="2025-06-01", task_id=[12, "Build"]), False, KEEP_SIGNED, {}, ("task_id", "date")),
    # a different employee on a signed line is our mapping, not Jira's change: kept, no conflict
    (_row(**SIGNED, employee_id=[6, "Bob"]), False, KEEP, {}, ()),
    # deleted in Jira: the line goes, unless the customer signed it
    (_row(), True, DELETE, {}, ()),
    (_row(**SIGNED), True, KEEP_SIGNED, {}, ("deleted",)),
    (None, True, KEEP, {}, ()),
])
def test_decide(row: dict[str, Any] | None, gone: bool, action: str, values: dict[str, Any],
                signed_changed: tuple[str, ...]) -> None:
    d = decide(WANT, row, gone=gone)
    assert (d.action, d.values, sorted(d.signed_changed)) == (action, values, sorted(signed_changed))
    assert d.conflict == (action == KEEP_SIGNED)


def test_line_values_name_hours_and_day_in_the_worklogs_zone() -> None:
    issue = IssueInfo(key="ACME-1", project="ACME", kind=None, item=None, phase="analysis", parent=None)
    w = {"id": 7, "issueId": 100, "started": "2025-06-02T23:30:00.000+0800", "timeSpentSeconds": 5400,
         "author": {"displayName": "Ann"}, "comment": "workshop"}
    values = line_values(w, issue, 3, None)
    assert values == {"erp_jira_worklog_id": "7", "project_id": 3, "task_id": False, "date": "2025-06-02",
                      "unit_amount": 1.5, "name": "[ACME-1] Ann: workshop"}


def test_items_inherit_the_phase_of_their_epic_through_parents() -> None:
    def info(phase: str | None, parent: str | None) -> IssueInfo:
        return IssueInfo(key=None, project="ACME", kind=None, item=None, phase=phase, parent=parent)

    known = {"1": info("analysis", None)}
    new = {"2": info(None, "1"), "3": info(None, "2"), "4": info(None, "3"), "5": info(None, None)}
    out = inherit_phases(new, known)
    assert {k: v.phase for k, v in out.items()} == {"2": "analysis", "3": "analysis", "4": "analysis", "5": None}
