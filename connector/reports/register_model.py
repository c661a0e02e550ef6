"""The register kept as records: the addon's ``erp.register.item`` (Odoo addon 18.0.1.4.0 / 19.0.1.4.0 and later).

The one reader of the model for the reports and for ``playbook register import`` (which asks what a project's
register already holds). Items brought over from task tags or Jira labels carry their source in ``source_ref``:
``odoo-task:<task id>`` or ``jira:<issue key>``, one item per source and project.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from connector.odoo.records import OdooExecutor, m2o_id
from connector.reports.snapshot import RegisterItem

REGISTER_MODEL = "erp.register.item"
OPTION_MODEL = "erp.playbook.register.option"
FIELDS = ["name", "kind", "disposition", "state", "phase_id", "date_deadline", "user_id", "source_ref",
          "date_raised"]
DONE_STATES = ("resolved", "closed")  # the addon's: counted as closed in the register table
JIRA_PREFIX = "jira:"
TASK_PREFIX = "odoo-task:"


def has_register_model(odoo: OdooExecutor) -> bool:
    return bool(odoo.execute("ir.model", "search_count", [["model", "=", REGISTER_MODEL]]))


def read_register_rows(odoo: OdooExecutor, project_id: int) -> list[dict[str, Any]]:
    return list(odoo.execute(REGISTER_MODEL, "search_read", [["project_id", "=", project_id]], fields=FIELDS,
                             order="id"))


def register_items(rows: list[dict[str, Any]]) -> list[RegisterItem]:
    """The rows of ``read_register_rows`` as the report's register items."""
    items = []
    for row in rows:
        source = str(row.get("source_ref") or "")
        user = row.get("user_id")
        items.append(RegisterItem(
            id=int(row["id"]), kind=str(row["kind"] or ""), name=str(row["name"]),
            disposition=str(row["disposition"]) if row.get("disposition") else None,
            closed=row["state"] in DONE_STATES, phase_id=m2o_id(row.get("phase_id")),
            deadline=_date(row.get("date_deadline")),
            assignees=[str(user[1])] if isinstance(user, (list, tuple)) and len(user) > 1 else [],
            ref=source.removeprefix(JIRA_PREFIX) if source.startswith(JIRA_PREFIX) else None,
            created=_date(row.get("date_raised")),
        ))
    return items


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None
