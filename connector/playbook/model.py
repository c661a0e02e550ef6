"""The playbook as data: pydantic models for an ERP-implementation methodology.

Every item carries a stable ``key`` (snake_case). Keys are unique across the whole playbook
because they become Odoo external ids (``erp_playbook.<playbook>_<key>``) and Jira entity
properties, so renaming a key is a breaking change while renaming a text is not.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from connector.numbers import HoursPerDay

LANGUAGES: tuple[str, ...] = ("zh_TW", "zh_CN", "en")
SIZES: tuple[str, ...] = ("small", "medium", "large")

KEY_PATTERN = r"^[a-z][a-z0-9_]{1,62}$"
Key = Annotated[str, Field(pattern=KEY_PATTERN)]
Size = Literal["small", "medium", "large"]


class Text(BaseModel):
    """One text in every language the product ships. A missing language is an error, not a fallback."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh_TW: str = Field(min_length=1)
    zh_CN: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        return str(getattr(self, lang))


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Key
    name: Text
    description: Text | None = None


class Scoped(_Item):
    """An item that only applies to some project sizes or industries (empty = all)."""

    sizes: list[Size] = Field(default_factory=list)
    industries: list[Key] = Field(default_factory=list)

    def applies(self, size: str, industry: str | None) -> bool:
        if self.sizes and size not in self.sizes:
            return False
        return not (self.industries and industry not in self.industries)


class SizeProfile(_Item):
    """Small / medium / large: what the size of a project changes."""

    key: Size  # type: ignore[assignment]
    max_man_days: int | None = Field(default=None, ge=1, description="upper bound of the usual budget")


class Industry(_Item):
    """An industry template; its extra checklist items live on the phases with ``industries: [key]``."""


class Role(Scoped):
    party: Literal["customer", "implementer", "both"]


class Cadence(Scoped):
    """A recurring ritual: weekly meeting, weekly executive status report, signed implementation log."""

    frequency: Literal["weekly", "per_phase", "per_visit", "monthly"]
    owner_role: Key
    lessons: list[int] = Field(default_factory=list)


class ChecklistItem(Scoped):
    role: Key
    lessons: list[int] = Field(default_factory=list)


class Deliverable(Scoped):
    kind: Literal["phase_plan", "phase_summary", "document"]


class AcceptanceClock(BaseModel):
    """Lesson 23: the gate is due ``live_days`` of live running plus ``grace_days`` after gate ``starts`` is signed.

    Past that date the gate, and every payment tied to it, is late by the days since (a high risk).
    """

    model_config = ConfigDict(extra="forbid")

    starts: Key = Field(description="the gate whose signature starts the clock (go-live)")
    live_days: int = Field(default=30, ge=1, description="days of live running before acceptance")
    grace_days: int = Field(default=0, ge=0, description="days to clear leftovers and sign after the live month")


class Gate(Scoped):
    """A sign-off. A hard gate is enforced: ``blocks`` names the first phase that cannot start (nor take time)
    before it is signed; every later phase waits too. ``hard: true`` holds for every size, ``hard_for`` for the
    sizes it lists (soft on the others). ``evidence_required``: the sign-off needs a document attached (e.g. the
    opening-balance reconciliation) before it can be signed. ``certificate``: the phase confirmation certificate,
    which a large project's phase needs signed, its PDF attached, before the phase can be closed."""

    signed_by: Key
    document: Text
    hard: bool = False
    hard_for: list[Size] = Field(default_factory=list)
    blocks: Key | None = None
    acceptance_clock: AcceptanceClock | None = None
    needs_key_user: bool = Field(default=False, description="refused until the project names a key user (lesson 18)")
    evidence_required: bool = False
    certificate: bool = False
    exam_required: bool = Field(
        default=False, description="refused until every key user of the project passed the exam (lesson 11)")

    @model_validator(mode="after")
    def _hard_gates_block_something(self) -> Gate:
        if (self.hard or self.hard_for) and not self.blocks:
            raise ValueError("a hard gate must name the phase it blocks (blocks: <phase key>)")
        if self.hard and self.hard_for:
            raise ValueError("give either hard: true (every size) or hard_for: [sizes], not both")
        return self

    def is_hard(self, size: str) -> bool:
        """Whether this gate blocks its phase in a project of this size."""
        return self.hard or size in self.hard_for


class Phase(_Item):
    sequence: int = Field(ge=1)
    lessons: list[int] = Field(default_factory=list)
    budget_share: Decimal = Field(ge=0, le=100, description="percent of the project's man-day budget")
    entry_criteria: list[Text] = Field(default_factory=list)
    deliverables: list[Deliverable] = Field(default_factory=list)
    checklist: list[ChecklistItem] = Field(default_factory=list)
    gates: list[Gate] = Field(default_factory=list)


class PaymentMilestone(_Item):
    """A share of the contract that falls due when its gate is signed (no gate: on contract signing)."""

    percent: Decimal = Field(gt=0, le=100)
    gate: Key | None = None
    grace_days: int = Field(default=30, ge=0, description="days after the gate before an unpaid invoice is overdue")
    delay_days: int = Field(default=0, ge=0, description="days after the gate before it falls due (retention)")


class Disposition(_Item):
    """How an unmet requirement is handled (lesson 27): never simply refused."""


class Register(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kinds: list[_Item]
    dispositions: list[Disposition]


class ExamRule(BaseModel):
    """Lesson 11: training ends with an exam. A key user passes with a score of at least ``pass_mark`` percent;
    a gate with ``exam_required`` waits until every key user of the project has passed."""

    model_config = ConfigDict(extra="forbid")

    pass_mark: int = Field(default=60, ge=1, le=100, description="lowest passing score, in percent")
    description: Text | None = None


class Guidance(_Item):
    """Advice on the consultant's attitude: shown as text, not tracked as work."""

    lessons: list[int] = Field(default_factory=list)


class Playbook(BaseModel):
    # ``register`` is the YAML name; pydantic reserves ``register`` on models, hence the alias.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    schema_version: Literal[1] = 1
    key: Key
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    name: Text
    description: Text | None = None
    hours_per_day: HoursPerDay = Decimal(8)
    sizes: list[SizeProfile]
    industries: list[Industry]
    roles: list[Role]
    cadences: list[Cadence] = Field(default_factory=list)
    phases: list[Phase]
    payment_milestones: list[PaymentMilestone]
    issue_register: Register = Field(alias="register")
    guidance: list[Guidance] = Field(default_factory=list)
    exam: ExamRule = Field(default_factory=ExamRule)

    @field_validator("phases")
    @classmethod
    def _phases_in_order(cls, phases: list[Phase]) -> list[Phase]:
        return sorted(phases, key=lambda p: p.sequence)

    # --- look-ups ---------------------------------------------------------------------------
    def phase(self, key: str) -> Phase:
        for phase in self.phases:
            if phase.key == key:
                return phase
        raise KeyError(key)

    def gates(self) -> list[tuple[Phase, Gate]]:
        return [(phase, gate) for phase in self.phases for gate in phase.gates]

    def hard_gates(self) -> list[tuple[Phase, Gate]]:
        return [(phase, gate) for phase, gate in self.gates() if gate.hard or gate.hard_for]


def _all_keys(pb: Playbook) -> list[tuple[str, str]]:
    """(key, path) of every keyed item, for the uniqueness check."""
    out: list[tuple[str, str]] = []
    for name in ("sizes", "industries", "roles", "cadences", "payment_milestones", "guidance"):
        out += [(item.key, f"{name}[{i}]") for i, item in enumerate(getattr(pb, name))]
    out += [(item.key, f"register.kinds[{i}]") for i, item in enumerate(pb.issue_register.kinds)]
    out += [(item.key, f"register.dispositions[{i}]") for i, item in enumerate(pb.issue_register.dispositions)]
    for p, phase in enumerate(pb.phases):
        out.append((phase.key, f"phases[{p}]"))
        for field in ("deliverables", "checklist", "gates"):
            out += [(item.key, f"phases[{p}].{field}[{i}]") for i, item in enumerate(getattr(phase, field))]
    return out


def consistency_problems(pb: Playbook) -> list[str]:
    """Everything that is wrong across items. Each message starts with the field path it is about."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    # Sizes and the size profiles share names on purpose (a size *is* its profile); other kinds may not.
    for key, path in _all_keys(pb):
        if path.startswith("sizes["):
            continue
        if key in seen:
            problems.append(f"{path}.key: duplicate key {key!r} (first used at {seen[key]})")
        else:
            seen[key] = path

    phase_keys = [p.key for p in pb.phases]
    role_keys = {r.key for r in pb.roles}
    industry_keys = {i.key for i in pb.industries}
    size_keys = {s.key for s in pb.sizes}
    if size_keys != set(SIZES):
        problems.append(f"sizes: must define exactly {', '.join(SIZES)}")
    gate_keys: dict[str, int] = {}

    total = sum((p.budget_share for p in pb.phases), Decimal(0))
    if total != 100:
        problems.append(f"phases: budget_share must sum to 100 % (it sums to {total} %)")

    sequences = [p.sequence for p in pb.phases]
    if len(set(sequences)) != len(sequences):
        problems.append("phases: two phases share a sequence number")

    def check_scope(item: Scoped, path: str) -> None:
        for ind in item.industries:
            if ind not in industry_keys:
                problems.append(f"{path}.industries: unknown industry {ind!r}")

    for r, role in enumerate(pb.roles):
        check_scope(role, f"roles[{r}]")
    for c, cadence in enumerate(pb.cadences):
        check_scope(cadence, f"cadences[{c}]")
        if cadence.owner_role not in role_keys:
            problems.append(f"cadences[{c}].owner_role: unknown role {cadence.owner_role!r}")

    for p, phase in enumerate(pb.phases):
        base = f"phases[{p}]"
        if not (phase.checklist or phase.gates):
            problems.append(f"{base}: phase {phase.key!r} has neither a checklist nor a gate")
        for i, item in enumerate(phase.checklist):
            check_scope(item, f"{base}.checklist[{i}]")
            if item.role not in role_keys:
                problems.append(f"{base}.checklist[{i}].role: unknown role {item.role!r}")
        for i, item in enumerate(phase.deliverables):
            check_scope(item, f"{base}.deliverables[{i}]")
        for g, gate in enumerate(phase.gates):
            check_scope(gate, f"{base}.gates[{g}]")
            gate_keys[gate.key] = phase.sequence
            if gate.signed_by not in role_keys:
                problems.append(f"{base}.gates[{g}].signed_by: unknown role {gate.signed_by!r}")
            if gate.blocks is not None:
                if gate.blocks not in phase_keys:
                    problems.append(f"{base}.gates[{g}].blocks: unknown phase {gate.blocks!r}")
                elif pb.phase(gate.blocks).sequence <= phase.sequence:
                    problems.append(
                        f"{base}.gates[{g}].blocks: phase {gate.blocks!r} does not come after {phase.key!r}"
                    )
            if (gate.hard or gate.hard_for) and (gate.sizes or gate.industries):
                problems.append(f"{base}.gates[{g}]: a hard gate applies to every project (no sizes/industries)")

    for p, phase in enumerate(pb.phases):
        for g, gate in enumerate(phase.gates):
            clock = gate.acceptance_clock
            if clock is not None and (clock.starts not in gate_keys or clock.starts == gate.key):
                problems.append(f"phases[{p}].gates[{g}].acceptance_clock.starts: unknown gate {clock.starts!r}")

    pay_total = sum((m.percent for m in pb.payment_milestones), Decimal(0))
    if pay_total != 100:
        problems.append(f"payment_milestones: percent must sum to 100 % (it sums to {pay_total} %)")
    for m, milestone in enumerate(pb.payment_milestones):
        if milestone.gate is not None and milestone.gate not in gate_keys:
            problems.append(f"payment_milestones[{m}].gate: unknown gate {milestone.gate!r}")
    return problems


def slug(text: str) -> str:
    """A key-safe form of free text (for project codes and file names)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"
