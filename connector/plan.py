"""The provisioning plan: exactly the records a target will hold for one project, computed with no server.

Both targets (Odoo, Jira) provision from the same ``ProjectPlan``; a dry run prints it. Budgets are split
over phases by their share and amounts over payment milestones by their percent, with the rounding
remainder placed so that the parts always add up to the whole the user typed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from connector.errors import ConnectorError
from connector.numbers import HOURS_PER_DAY, MAN_DAYS, MONEY, NumberError, Quantity
from connector.numbers import check as check_number
from connector.playbook.model import SIZES, Phase, Playbook, Text, slug

Kind = Literal["project", "phase", "deliverable", "checklist_item", "gate", "payment_milestone", "cadence"]
KINDS: tuple[Kind, ...] = ("project", "phase", "deliverable", "checklist_item", "gate", "payment_milestone",
                          "cadence")

# What each kind becomes on each target (for people reading a plan; provisioning has the details).
TARGET_LABELS: dict[str, dict[Kind, str]] = {
    "odoo": {
        "project": "project.project",
        "phase": "erp.project.phase (+ stage, phase task)",
        "deliverable": "project.task (sub-task)",
        "checklist_item": "project.task (sub-task)",
        "gate": "erp.signoff",
        "payment_milestone": "erp.payment.milestone",
        "cadence": "erp.cadence (+ a to-do activity on the project)",
    },
    "jira": {
        "project": "Jira project",
        "phase": "Epic (Phase)",
        "deliverable": "Checklist item (label deliverable)",
        "checklist_item": "Checklist item",
        "gate": "Sign-off",
        "payment_milestone": "Payment milestone",
        "cadence": "(not created in Jira)",
    },
}
HALF = MAN_DAYS.step  # the man-day split step, whatever the total
CENT = MONEY.step


@dataclass(frozen=True)
class PlannedRecord:
    kind: Kind
    key: str
    parent: str | None
    name: Text
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        values = {k: (v.get(lang) if isinstance(v, Text) else v) for k, v in self.values.items()}
        return {"kind": self.kind, "key": self.key, "parent": self.parent, "name": self.name.get(lang),
                "values": values}


@dataclass
class ProjectPlan:
    playbook: Playbook
    code: str
    project_name: str
    size: str
    industry: str | None
    man_days: Decimal
    contract_amount: Decimal
    hours_per_day: Decimal
    records: list[PlannedRecord]
    warnings: list[str] = field(default_factory=list)  # plausible but odd: printed on stderr and in --json

    def by_kind(self, kind: Kind) -> list[PlannedRecord]:
        return [r for r in self.records if r.kind == kind]

    def children(self, phase_key: str) -> list[PlannedRecord]:
        return [r for r in self.records if r.parent == phase_key]

    def counts(self) -> dict[str, int]:
        counted = Counter(r.kind for r in self.records)
        return {kind: counted.get(kind, 0) for kind in KINDS}

    def as_dict(self, lang: str = "en", target: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "playbook": self.playbook.key,
            "playbook_version": self.playbook.version,
            "project": {"code": self.code, "name": self.project_name},
            "size": self.size,
            "industry": self.industry,
            "man_days": self.man_days,
            "contract_amount": self.contract_amount,
            "hours_per_day": self.hours_per_day,
            "counts": self.counts(),
            "records": [r.as_dict(lang) for r in self.records],
            "warnings": list(self.warnings),
        }
        if target:
            out["target"] = target
            out["target_models"] = TARGET_LABELS[target]
        return out


def split(total: Decimal, weights: list[Decimal], unit: Decimal) -> list[Decimal]:
    """Split ``total`` by ``weights`` into whole multiples of ``unit`` that add up to ``total`` exactly.

    The one rule (docs/numbers.md), for man-days (``unit`` 0.5, whatever the total) and money (``unit`` 0.01):

    1. ``total`` must be a whole number of units (the CLI and config refuse anything else); ValueError if not.
    2. Largest remainder: each part gets the whole units of its exact share ``total * weight / sum(weights)``;
       the units left over go one each to the parts with the largest remainders, ties to the earlier part
       (playbook order).
    3. Hence parts always add up to ``total``, a zero weight gets 0, and two equal weights get parts
       that differ by at most one unit.

    Computed in integers (units and scaled weights), so no rounding of the shares can change the outcome.
    """
    steps = total / unit
    if steps != steps.to_integral_value():
        raise ValueError(f"{total} is not a whole number of {unit}")
    if not all(w.is_finite() and w >= 0 for w in weights):
        raise ValueError("weights must be finite and not negative")
    if not weights or sum(weights, Decimal(0)) == 0:
        return [Decimal(0) * unit for _ in weights]
    units = int(steps)
    scale = max([0, *(-int(w.as_tuple().exponent) for w in weights)])  # decimals of the finest weight
    ints = [int(w.scaleb(scale)) for w in weights]
    weight_sum = sum(ints)
    shares = [divmod(units * w, weight_sum) for w in ints]
    counts = [whole for whole, _ in shares]
    leftover = units - sum(counts)
    order = sorted(range(len(ints)), key=lambda i: (-shares[i][1], i))
    for i in order[:leftover]:
        counts[i] += 1
    return [count * unit for count in counts]


def build_plan(
    playbook: Playbook,
    *,
    size: str,
    industry: str | None,
    man_days: Decimal,
    contract_amount: Decimal,
    hours_per_day: Decimal | None = None,
    project_name: str | None = None,
    code: str | None = None,
) -> ProjectPlan:
    """Resolve the playbook for one project: filter by size and industry, split budget and contract."""
    if size not in SIZES:
        raise ConnectorError(f"unknown project size {size!r}", f"use one of: {', '.join(SIZES)}")
    industries = [i.key for i in playbook.industries]
    if industry is not None and industry not in industries:
        raise ConnectorError(f"unknown industry {industry!r}", f"use one of: {', '.join(industries)}")
    man_days = _checked(MAN_DAYS, man_days, "--man-days")
    contract_amount = _checked(MONEY, contract_amount, "--contract-amount")
    if hours_per_day is not None:
        hours_per_day = _checked(HOURS_PER_DAY, hours_per_day, "--hours-per-day")
    hpd = hours_per_day if hours_per_day is not None else playbook.hours_per_day
    name = project_name or playbook.name.en
    code = code or slug(name)

    title = Text(zh_TW=name, zh_CN=name, en=name) if project_name else playbook.name
    records: list[PlannedRecord] = [
        PlannedRecord("project", "project", None, title, {
            "size": size, "industry": industry, "man_days": man_days,
            "contract_amount": contract_amount, "hours_per_day": hpd,
        })
    ]
    budgets = [MAN_DAYS.canonical(b) for b in split(man_days, [p.budget_share for p in playbook.phases], HALF)]
    for phase, budget in zip(playbook.phases, budgets, strict=True):
        records.append(PlannedRecord("phase", phase.key, None, phase.name, {
            "sequence": phase.sequence, "budget_man_days": budget, "budget_share": phase.budget_share,
        }))
        for item in phase.deliverables:
            if item.applies(size, industry):
                records.append(PlannedRecord("deliverable", item.key, phase.key, item.name,
                                             {"deliverable_kind": item.kind}))
        for check in phase.checklist:
            if check.applies(size, industry):
                records.append(PlannedRecord("checklist_item", check.key, phase.key, check.name, {
                    "role": check.role, "industry_specific": bool(check.industries),
                }))
        for gate in phase.gates:
            if gate.applies(size, industry):
                records.append(PlannedRecord("gate", gate.key, phase.key, gate.name, {
                    "hard": gate.is_hard(size), "blocks": gate.blocks, "signed_by": gate.signed_by,
                    "document": gate.document, "evidence_required": gate.evidence_required,
                    "certificate": gate.certificate,
                }))

    planned_gates = {r.key for r in records if r.kind == "gate"}
    amounts = split(contract_amount, [m.percent for m in playbook.payment_milestones], CENT)
    for milestone, amount in zip(playbook.payment_milestones, amounts, strict=True):
        # A milestone tied to a gate this project size does not have falls due on the contract instead.
        gate = milestone.gate if milestone.gate in planned_gates else None
        records.append(PlannedRecord("payment_milestone", milestone.key, None, milestone.name, {
            "percent": milestone.percent, "amount": amount, "gate": gate,
            "grace_days": milestone.grace_days, "delay_days": milestone.delay_days,
        }))
    # The rhythm the playbook prescribes for this size (no weekly meeting on a small project): the addon
    # schedules each as an activity and counts adherence (docs/odoo.md, "Cadences and meetings").
    for cadence in playbook.cadences:
        if cadence.applies(size, industry):
            records.append(PlannedRecord("cadence", cadence.key, None, cadence.name, {
                "frequency": cadence.frequency, "owner_role": cadence.owner_role,
            }))
    warnings = plausibility_warnings(playbook, size, man_days, contract_amount,
                                     list(zip(playbook.phases, budgets, strict=True)))
    return ProjectPlan(playbook, code, name, size, industry, man_days, contract_amount, hpd, records, warnings)


def _checked(quantity: Quantity, value: Decimal, option: str) -> Decimal:
    """The CLI's options are checked when parsed; this catches callers that pass numbers directly."""
    try:
        return check_number(quantity, value)
    except NumberError as exc:
        raise NumberError(exc.value, exc.reason, option) from None


def plausibility_warnings(playbook: Playbook, size: str, man_days: Decimal, contract_amount: Decimal,
                          budgets: list[tuple[Phase, Decimal]]) -> list[str]:
    """Numbers that are valid but probably not meant: the plan is still made, the user is told."""
    warnings: list[str] = []
    limit = next((s.max_man_days for s in playbook.sizes if s.key == size), None)
    if limit is not None and man_days > limit:
        warnings.append(f"{man_days} man-days is above the {size} size's limit of {limit} man-days "
                        f"(playbook {playbook.key}): check --man-days or choose a larger --size")
    if contract_amount == 0:
        warnings.append("the contract amount is 0: no payment milestones will carry an amount")
    empty = [phase.name.en for phase, budget in budgets if budget == 0 and phase.budget_share > 0]
    if empty:
        warnings.append(f"{len(empty)} phase(s) left with 0 man-days after the split in half days "
                        f"({', '.join(empty)}): a budget of {man_days} man-days is too small for "
                        f"{len(budgets)} phases")
    return warnings
