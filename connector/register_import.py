"""Bring a project's register into the addon's records: tagged Odoo tasks or Jira Requirement / Issue issues become
``erp.register.item`` records, one per source (``odoo-task:<id>`` / ``jira:<issue key>``).

``plan_import`` is pure: what the source holds, what the model already has, and the playbook's options in Odoo in;
what to create and what to skip (with the reason) out, which a dry run prints. ``ImportRun`` reads both sides in a
fixed number of calls and creates the planned records in batches (one ``create`` per batch, one transaction each),
so a re-run creates nothing and a killed run resumes where it stopped. Existing items are never changed: what the
team edited in Odoo stays.

How the old register becomes the new one:
- a closed requirement with a disposition tag or label is closed as *not met* with that disposition; the source
  kept no reason, so the reason says where it came from and that it was not recorded there;
- a closed requirement without one is closed as *met*; a closed issue is closed;
- an open item with a disposition is *in progress*, one without is *new*.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector.errors import ConnectorError
from connector.odoo.records import OdooExecutor
from connector.reports.register_model import (
    JIRA_PREFIX,
    OPTION_MODEL,
    REGISTER_MODEL,
    TASK_PREFIX,
    has_register_model,
    read_register_rows,
)
from connector.reports.snapshot import RegisterItem, TaskSnap

BATCH = 100


@dataclass(frozen=True)
class Skipped:
    source: str
    name: str
    reason: str


@dataclass
class ImportPlan:
    project_id: int
    source: str  # "odoo" (task tags) or "jira:<project key>"
    creates: list[dict[str, Any]] = field(default_factory=list)
    existing: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def as_dict(self, *, dry_run: bool, created: int | None = None) -> dict[str, Any]:
        return {
            "project_id": self.project_id, "source": self.source, "dry_run": dry_run,
            "to_create": [{"source": v["source_ref"], "name": v["name"], "kind": v["_kind"],
                           "disposition": v["_disposition"], "state": v["state"]} for v in self.creates],
            "created": 0 if dry_run else (len(self.creates) if created is None else created),
            "already_there": self.existing,
            "skipped": [{"source": s.source, "name": s.name, "reason": s.reason} for s in self.skipped],
        }


def source_ref(item: RegisterItem) -> str:
    return f"{JIRA_PREFIX}{item.ref}" if item.ref else f"{TASK_PREFIX}{item.id}"


def _state(item: RegisterItem) -> dict[str, Any]:
    if not item.closed:
        return {"state": "in_progress" if item.disposition else "new"}
    if item.kind != "requirement":
        return {"state": "closed"}
    if item.disposition is None:
        return {"state": "closed", "outcome": "met"}
    return {"state": "closed", "outcome": "unmet"}


def plan_import(project_id: int, source: str, items: Sequence[RegisterItem], existing_refs: set[str],
                options: dict[tuple[str, str], int], task_ids: set[int]) -> ImportPlan:
    """What to create for ``items`` (read from ``source``) on project ``project_id``.

    ``options`` maps (``kind`` | ``disposition``, key) to the id of the project's playbook option in Odoo;
    ``task_ids`` are the project's tasks (an item read from tags links back to its task).
    """
    plan = ImportPlan(project_id, source)
    for item in items:
        ref = source_ref(item)
        if ref in existing_refs:
            plan.existing += 1
            continue
        kind_id = options.get(("kind", item.kind))
        if kind_id is None:
            plan.skipped.append(Skipped(ref, item.name, f"the project's playbook in Odoo has no register kind "
                                                        f"{item.kind!r}"))
            continue
        values: dict[str, Any] = {
            "project_id": project_id, "kind_id": kind_id, "name": item.name, "source_ref": ref,
            "phase_id": item.phase_id or False,
            "date_deadline": item.deadline.isoformat() if item.deadline else False,
            **_state(item),
        }
        if item.created:
            values["date_raised"] = item.created.isoformat()
        if not item.ref and item.id in task_ids:
            values["task_id"] = item.id
        if item.disposition:
            disposition_id = options.get(("disposition", item.disposition))
            if disposition_id is None:
                plan.skipped.append(Skipped(ref, item.name, f"the project's playbook in Odoo has no disposition "
                                                            f"{item.disposition!r}"))
                continue
            values["disposition_id"] = disposition_id
            if values.get("outcome") == "unmet":
                where = f"Jira issue {item.ref}" if item.ref else f"Odoo task {item.id}"
                values["disposition_reason"] = (f"Brought over from {where}, closed with this disposition; the "
                                                "reason was not recorded there.")
        values["_kind"], values["_disposition"] = item.kind, item.disposition
        plan.creates.append(values)
    return plan


class ImportRun:
    """Reads the project's register in Odoo and the source, plans, and (unless a dry run) creates."""

    def __init__(self, odoo: OdooExecutor, project_id: int) -> None:
        self.odoo = odoo
        self.project_id = project_id

    def check(self) -> None:
        if not has_register_model(self.odoo):
            raise ConnectorError("this Odoo keeps no register records: the erp_playbook addon is missing or older "
                                 "than 18.0.1.4.0 / 19.0.1.4.0",
                                 "upgrade it with `playbook odoo install --upgrade`, then run this again")

    def options(self) -> dict[tuple[str, str], int]:
        project = self.odoo.execute("project.project", "read", [self.project_id], fields=["erp_playbook_id"])[0]
        playbook = project.get("erp_playbook_id")
        if not playbook:
            raise ConnectorError("the Odoo project follows no playbook, so it has no register kinds to file under",
                                 "choose its playbook on the project's Implementation tab (or provision it with "
                                 "`playbook odoo provision`), then run this again")
        rows = self.odoo.execute(OPTION_MODEL, "search_read", [["playbook_id", "=", playbook[0]]],
                                 fields=["option_type", "key"])
        return {(row["option_type"], row["key"]): int(row["id"]) for row in rows}

    def plan(self, source: str, read_items: Callable[[list[TaskSnap]], list[RegisterItem]],
             tasks: list[TaskSnap]) -> ImportPlan:
        options = self.options()
        existing = {str(row["source_ref"]) for row in read_register_rows(self.odoo, self.project_id)
                    if row.get("source_ref")}
        return plan_import(self.project_id, source, read_items(tasks), existing, options, {t.id for t in tasks})

    def apply(self, plan: ImportPlan, progress: Callable[[str, int, int | None], None] | None = None) -> int:
        created = 0
        for start in range(0, len(plan.creates), BATCH):
            batch = [{k: v for k, v in values.items() if not k.startswith("_")}
                     for values in plan.creates[start:start + BATCH]]
            self.odoo.execute(REGISTER_MODEL, "create", batch)
            created += len(batch)
            if progress:
                progress("bringing the register over...", created, len(plan.creates))
        return created
