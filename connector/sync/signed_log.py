"""Timesheet lines the customer confirmed (the signed implementation log) and the Jira changes they outlive.

Odoo refuses to change the signed fields of a confirmed line or to delete it (addon ``erp_playbook``). When its
worklog is edited or deleted in Jira afterwards, the sync leaves the line as signed, counts a conflict, and says
per worklog what the customer signed and how to reconcile; the description (not signed) is still updated.
"""

from __future__ import annotations

import re
from typing import Any

from connector.sync.odoo_side import SIGNED_FIELDS

_LABEL = re.compile(r"^\[([^\]]+)\]")  # the "[KEY-1]" the sync puts in front of every line's description


def is_signed(row: dict[str, Any]) -> bool:
    return bool(row.get("erp_customer_confirmed"))


def split_signed(diff: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(what may still be written, the signed fields Jira changed) for a confirmed line.

    A different employee alone is no conflict: the author of a worklog never changes in Jira, only our mapping
    of it does, and a signed line keeps whom it was booked on.
    """
    writable = {k: v for k, v in diff.items() if k not in SIGNED_FIELDS}
    changed = [k for k in diff if k in SIGNED_FIELDS and k not in ("employee_id", "user_id")]
    return writable, changed


def issue_key(row: dict[str, Any], default: str = "its issue") -> str:
    match = _LABEL.match(str(row.get("name") or ""))
    return match.group(1) if match else default


def conflict_message(worklog_id: str, key: str, what: str, row: dict[str, Any]) -> str:
    """``what``: "changed" or "deleted"."""
    confirmed = row.get("erp_confirmed_date") or "an unrecorded date"
    hours = f"{round(float(row.get('unit_amount') or 0), 2):g} h"
    return (f"worklog {worklog_id} on {key} was {what} in Jira after the customer confirmed it on {confirmed}: "
            f"Odoo keeps the signed {hours}; record a correcting worklog or ask a manager to reopen the line "
            "(then `playbook sync --full` applies the Jira side)")
