"""Plan records as Jira issues: summary, type, labels, description, custom field values and the entity property.

Pure functions over the plan (no server): a dry run prints these, provisioning sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from connector.jira.binding import Tag
from connector.jira.templates import JiraTemplates
from connector.plan import PlannedRecord, ProjectPlan

SUMMARY_MAX = 255
# Plan kinds in the order they are created: phases first, because the others name their epic as parent.
ISSUE_KINDS = ("phase", "deliverable", "checklist_item", "gate", "payment_milestone")


@dataclass(frozen=True)
class IssueSpec:
    """One issue provisioning creates for a plan record."""

    record: PlannedRecord
    issue_type: str  # template key (issue_types.yaml)
    summary: str
    labels: tuple[str, ...]
    description: str
    values: dict[str, Any]  # template field key (fields.yaml) -> value

    @property
    def key(self) -> str:
        return self.record.key

    @property
    def kind(self) -> str:
        return self.record.kind

    @property
    def parent(self) -> str | None:
        return self.record.parent


def item_tag(plan: ProjectPlan, kind: str, key: str) -> Tag:
    """The ``erp-playbook`` entity property of one plan item (``connector.jira.binding``)."""
    return Tag(playbook=plan.playbook.key, version=plan.playbook.version, project=plan.code, key=key, kind=kind)


def issue_specs(plan: ProjectPlan, templates: JiraTemplates, lang: str = "en") -> list[IssueSpec]:
    """Every issue of the plan, phases first, then the rest in plan order."""
    specs: list[IssueSpec] = []
    for record in plan.records:
        if record.kind not in ISSUE_KINDS:
            continue
        specs.append(IssueSpec(
            record=record,
            issue_type=templates.by_kind[record.kind].key,
            summary=_summary(record, lang),
            labels=tuple(templates.labels.get(record.kind, ["erp-playbook"])),
            description=_description(record, lang),
            values=_values(record, templates),
        ))
    order = {kind: i for i, kind in enumerate(("phase",))}
    return sorted(specs, key=lambda s: order.get(s.kind, 1))  # stable: plan order within each group


def _summary(record: PlannedRecord, lang: str) -> str:
    name = record.name.get(lang).strip()
    return name if len(name) <= SUMMARY_MAX else name[: SUMMARY_MAX - 1] + "…"


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def _description(record: PlannedRecord, lang: str) -> str:
    v = record.values
    if record.kind == "phase":
        return (f"Phase {v['sequence']}: {_num(v['budget_man_days'])} man-days "
                f"({_num(v['budget_share'])} % of the budget).")
    if record.kind == "gate":
        text = f"Signed by: {v['signed_by']}. Document: {v['document'].get(lang)}."
        if v["hard"]:
            text += f" Hard gate: phase {v['blocks']} cannot start before it is signed."
        return text
    if record.kind == "payment_milestone":
        due = f"when sign-off {v['gate']} is signed" if v["gate"] else "on contract signing"
        if v["delay_days"]:
            due += f" + {v['delay_days']} days"
        return (f"{_num(v['percent'])} % of the contract ({format(v['amount'], 'f')}), due {due}; "
                f"overdue {v['grace_days']} days later.")
    if record.kind == "checklist_item":
        return f"Role: {v['role']}."
    return f"Deliverable ({v.get('deliverable_kind', 'document')})."


def _values(record: PlannedRecord, templates: JiraTemplates) -> dict[str, Any]:
    if record.kind == "phase":
        # Decimals here (printed as they are by dry runs); the request carries their exact float (provision.py)
        return {"man_day_budget": record.values["budget_man_days"]}
    if record.kind == "payment_milestone":
        values: dict[str, Any] = {"payment_amount": record.values["amount"]}
        status = templates.field("payment_status")
        if status and status.initial:
            values["payment_status"] = status.initial
        return values
    return {}


def adf(text: str) -> dict[str, Any]:
    """Plain text as an Atlassian Document Format document (v3 rich-text fields)."""
    return {"type": "doc", "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}
