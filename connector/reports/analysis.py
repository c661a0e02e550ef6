"""What the numbers mean: gate and payment status, man-day burn and the risks a report raises.

Pure functions of a ``ProjectSnapshot`` (and the playbook, for names in the report's language), so every
rule here is tested on hand-made data. Thresholds are named constants; the methodology's reasons are in
the comments.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from connector.playbook.model import Playbook, Text
from connector.reports.fmt import fmt_datetime, fmt_days, fmt_money
from connector.reports.i18n import t
from connector.reports.snapshot import GateSnap, PaymentSnap, PhaseSnap, ProjectSnapshot
from connector.reports.sync_status import SyncStatus

# A requested signature that waits longer than this is chased as overdue (lessons 10, 23: do not let it slip).
GATE_WAIT_DAYS = 14
# Man-day comparisons ignore differences below this (quarter of an hour at 8 h/day).
SHORTFALL_HIGH = 0.10  # share of the man-day budget
EPSILON_DAYS = 0.03
CADENCE_MISSED_HIGH = 2  # periods missed in all before a slipping cadence is an executive's problem

GateStatus = Literal["signed", "waiting", "overdue", "rejected", "not_due"]
PaymentStatus = Literal["paid", "partial", "overdue", "due", "not_due"]
Severity = Literal["high", "medium"]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names:
    """Names in the report's language: the playbook's text for a known key, else Odoo's name."""

    def __init__(self, playbook: Playbook | None, lang: str) -> None:
        self.lang = lang
        self._texts: dict[str, Text] = {}
        if playbook is not None:
            pb = playbook
            items: list[tuple[str, Text]] = [(r.key, r.name) for r in pb.roles]
            items += [(m.key, m.name) for m in pb.payment_milestones]
            items += [(c.key, c.name) for c in pb.cadences]
            items += [(k.key, k.name) for k in pb.issue_register.kinds]
            items += [(d.key, d.name) for d in pb.issue_register.dispositions]
            for phase in pb.phases:
                items.append((phase.key, phase.name))
                items += [(i.key, i.name) for i in (*phase.checklist, *phase.deliverables, *phase.gates)]
            self._texts = dict(items)

    def __call__(self, key: str | None, fallback: str) -> str:
        text = self._texts.get(key or "")
        return text.get(self.lang) if text else fallback

    def text(self, value: Text | None) -> str:
        return value.get(self.lang) if value else ""


class PhaseRow(_Row):
    id: int
    key: str
    name: str
    sequence: int
    state: str
    budget: float
    spent: float
    remaining: float
    signed: float
    progress: float = Field(description="percent of checklist items and deliverables done")
    items_done: int
    items_total: int
    work_left: float = Field(description="man-days of planned work still open: budget x open share of items")
    forecast: float | None = Field(default=None, description="the addon's forecast at completion (docs/forecast.md)")
    blocked_by: list[str] = Field(default_factory=list, description="unsigned hard gates holding the phase")


class GateRow(_Row):
    key: str
    name: str
    phase_key: str | None
    phase_name: str
    hard: bool
    blocks_phase_name: str | None
    state: str
    status: GateStatus
    date_requested: date | None
    date_signed: date | None
    signer: str | None
    waiting_days: int | None
    override: str | None = None  # "<reason> (<manager>, <date>)" when a manager overrode this hard gate


class PaymentRow(_Row):
    key: str
    name: str
    percent: float
    amount: float
    paid: float
    outstanding: float
    status: PaymentStatus
    date_due: date | None
    days_overdue: int
    grace_left: int | None
    invoice: str | None
    gate_name: str | None
    delay_days: int = 0


class Risk(_Row):
    code: str
    severity: Severity
    message: str
    phase_key: str | None = None
    subject: str | None = Field(default=None, description="key of the gate, payment or phase it is about")


class CadenceRow(_Row):
    """One cadence's adherence as the addon counted it (statuses: on_time / late / missed / open)."""

    key: str
    name: str
    frequency: str
    this_period: str | None
    last_period: str | None
    on_time: int
    late: int
    missed: int
    adherence: float
    date_next: date | None


class Figures(_Row):
    budget: float
    spent: float
    remaining: float
    signed: float
    burn_percent: float
    forecast: float | None = Field(default=None, description="the addon's forecast at completion")
    forecast_variance: float | None = Field(default=None, description="forecast minus budget")
    contract: float
    paid: float
    outstanding: float
    overdue_amount: float
    gates_signed: int
    gates_total: int


# --- rows ---------------------------------------------------------------------------------------------
def phase_rows(snap: ProjectSnapshot, names: Names) -> list[PhaseRow]:
    rows = []
    for phase in snap.phases:
        # An unsigned hard gate holds the phase it names and every later one (lesson 12), unless overridden.
        blocked_by = [names(g.key, g.name) for g in snap.live_gates()
                      if g.hard and g.state != "signed" and not g.override_reason
                      and (blocks := snap.phase_by_id(g.blocks_phase_id)) is not None
                      and blocks.sequence <= phase.sequence]
        rows.append(PhaseRow(
            id=phase.id, key=phase.key, name=names(phase.key, phase.name), sequence=phase.sequence,
            state=phase.state, budget=phase.budget_man_days, spent=phase.spent_man_days,
            remaining=phase.remaining_man_days, signed=phase.signed_man_days, progress=100.0 * phase.progress,
            items_done=phase.item_done_count, items_total=phase.item_count,
            work_left=0.0 if phase.state == "done" else phase.budget_man_days * (1.0 - phase.progress),
            blocked_by=blocked_by, forecast=phase.forecast_man_days,
        ))
    return rows


def gate_status(gate: GateSnap, phase: PhaseSnap | None, as_of: date) -> GateStatus:
    if gate.state == "signed":
        return "signed"
    if gate.state == "rejected":
        return "rejected"
    work_finished = phase is not None and (phase.state == "done" or phase.progress >= 1.0)
    if gate.state == "requested":
        waited = (as_of - gate.date_requested).days if gate.date_requested else 0
        return "overdue" if waited > GATE_WAIT_DAYS or work_finished else "waiting"
    # Not requested yet: due once the phase's work is finished.
    return "overdue" if work_finished else "not_due"


def gate_rows(snap: ProjectSnapshot, names: Names) -> list[GateRow]:
    rows = []
    for gate in snap.live_gates():
        phase = snap.phase_by_id(gate.phase_id)
        blocks = snap.phase_by_id(gate.blocks_phase_id)
        waiting = (snap.as_of - gate.date_requested).days if gate.state == "requested" and gate.date_requested else None
        rows.append(GateRow(
            key=gate.key, name=names(gate.key, gate.name), phase_key=phase.key if phase else None,
            phase_name=names(phase.key, phase.name) if phase else "", hard=gate.hard,
            blocks_phase_name=names(blocks.key, blocks.name) if blocks else None, state=gate.state,
            status=gate_status(gate, phase, snap.as_of), date_requested=gate.date_requested,
            date_signed=gate.date_signed, signer=gate.signer, waiting_days=waiting,
            override=_override(gate) if gate.state != "signed" else None,
        ))
    return rows


def payment_status(payment: PaymentSnap, as_of: date) -> PaymentStatus:
    if payment.settled:
        return "paid"
    if payment.collection_status == "overdue":
        return "overdue"
    if payment.payment_state == "partial":
        return "partial"
    if payment.date_due is not None and payment.date_due <= as_of:
        return "due"
    return "not_due"


def paid_amount(payment: PaymentSnap) -> float:
    if payment.settled:
        return payment.amount
    if payment.payment_state == "partial" and payment.amount_residual is not None:
        return max(payment.amount - payment.amount_residual, 0.0)
    return 0.0


def payment_rows(snap: ProjectSnapshot, names: Names) -> list[PaymentRow]:
    rows = []
    for pay in snap.payments:
        gate = snap.gate_by_id(pay.signoff_id)
        status = payment_status(pay, snap.as_of)
        paid = paid_amount(pay)
        grace_left = None
        if status == "due" and pay.date_due is not None:
            grace_left = pay.grace_days - (snap.as_of - pay.date_due).days
        rows.append(PaymentRow(
            key=pay.key, name=names(pay.key, pay.name), percent=pay.percent, amount=pay.amount, paid=paid,
            outstanding=max(pay.amount - paid, 0.0), status=status, date_due=pay.date_due,
            days_overdue=pay.days_overdue, grace_left=grace_left, invoice=pay.invoice,
            gate_name=names(gate.key, gate.name) if gate else None, delay_days=pay.delay_days,
        ))
    return rows


def cadence_rows(snap: ProjectSnapshot, names: Names) -> list[CadenceRow]:
    return [CadenceRow(key=c.key, name=names(c.key, c.name), frequency=c.frequency, this_period=c.period_status,
                       last_period=c.last_status, on_time=c.on_time, late=c.late, missed=c.missed,
                       adherence=c.adherence, date_next=c.date_next) for c in snap.cadences]


def figures(snap: ProjectSnapshot, gates: list[GateRow], payments: list[PaymentRow]) -> Figures:
    budget = snap.budget_man_days
    paid = sum(p.paid for p in payments)
    return Figures(
        budget=budget, spent=snap.spent_man_days, remaining=snap.remaining_man_days, signed=snap.signed_man_days,
        burn_percent=100.0 * snap.spent_man_days / budget if budget else 0.0,
        forecast=snap.forecast_man_days,
        forecast_variance=None if snap.forecast_man_days is None else snap.forecast_man_days - budget,
        contract=snap.project.contract_amount, paid=paid,
        outstanding=max(sum(p.amount for p in payments) - paid, 0.0),
        overdue_amount=sum(p.outstanding for p in payments if p.status == "overdue"),
        gates_signed=sum(1 for g in gates if g.status == "signed"), gates_total=len(gates),
    )


def _override(gate: GateSnap) -> str | None:
    if not gate.override_reason:
        return None
    who = ", ".join(part for part in (gate.overridden_by, gate.date_overridden and gate.date_overridden.isoformat())
                    if part)
    return f"{gate.override_reason} ({who})" if who else gate.override_reason


# --- risks --------------------------------------------------------------------------------------------
def risks(snap: ProjectSnapshot, phases: list[PhaseRow], gates: list[GateRow], payments: list[PaymentRow],
          lang: str, cadences: list[CadenceRow] | None = None) -> list[Risk]:
    """Every risk the data shows, most severe first."""
    cadence_names = {c.key: c.name for c in cadences or []}
    days = fmt_days

    def money(value: float) -> str:
        return fmt_money(value, snap.project.currency)

    out: list[Risk] = []

    def add(code: str, severity: Severity, subject: str | None = None, phase_key: str | None = None,
            **params: object) -> None:
        out.append(Risk(code=code, severity=severity, message=t(lang, f"risk.{code}", **params),
                        subject=subject, phase_key=phase_key))

    for row in phases:
        if row.budget > 0 and row.remaining < -EPSILON_DAYS:
            add("over_budget", "high", row.key, row.key, phase=row.name, spent=days(row.spent),
                budget=days(row.budget), over=days(-row.remaining))
        elif row.state == "in_progress" and row.items_total and row.remaining < row.work_left - EPSILON_DAYS:
            add("burn_ahead", "medium", row.key, row.key, phase=row.name, remaining=days(row.remaining),
                work_left=days(row.work_left), progress=f"{row.progress:.0f}")
    work_left = sum(r.work_left for r in phases)
    budget = snap.budget_man_days
    shortfall = work_left - snap.remaining_man_days
    if budget > 0 and shortfall > EPSILON_DAYS:
        # A few days short early on is a watch item; a tenth of the budget short is an executive's problem.
        severity: Severity = "high" if shortfall >= SHORTFALL_HIGH * budget else "medium"
        add("project_short", severity, None, None, remaining=days(snap.remaining_man_days), work_left=days(work_left))

    # Lesson 23: one month live, then accept and collect at once; "if we delay a month, they assume another".
    for gate_snap in snap.live_gates():
        if gate_snap.days_late > 0 and gate_snap.acceptance_due is not None:
            row = next((g for g in gates if g.key == gate_snap.key), None)
            add("acceptance_late", "high", gate_snap.key, row.phase_key if row else None,
                gate=row.name if row else gate_snap.name, days=gate_snap.days_late,
                date=gate_snap.acceptance_due.isoformat())

    for gate in gates:
        if gate.hard and gate.override:  # work goes on without the customer's signature: the executives must know
            add("hard_gate_overridden", "high", gate.key, gate.phase_key, gate=gate.name, override=gate.override)
        elif gate.hard and gate.status in ("overdue", "rejected") and gate.blocks_phase_name:
            add("hard_gate_unsigned", "high", gate.key, gate.phase_key, gate=gate.name,
                phase=gate.blocks_phase_name)
        elif gate.state == "requested" and gate.status == "overdue" and gate.waiting_days is not None:
            add("gate_waiting", "medium", gate.key, gate.phase_key, gate=gate.name, days=gate.waiting_days)

    late_keys = {p.key for p in snap.payments if p.acceptance_late}
    for pay in payments:
        if pay.status == "overdue" and pay.key in late_keys:
            add("payment_acceptance_late", "high", pay.key, None, payment=pay.name, amount=money(pay.outstanding),
                days=pay.days_overdue, gate=pay.gate_name or "")
        elif pay.status == "overdue":
            add("payment_overdue", "high", pay.key, None, payment=pay.name, amount=money(pay.outstanding),
                days=pay.days_overdue)
        elif pay.status in ("due", "partial") and not pay.invoice:
            add("invoice_missing", "high", pay.key, None, payment=pay.name, amount=money(pay.outstanding),
                date=pay.date_due.isoformat() if pay.date_due else "")
        elif pay.status in ("due", "partial"):
            add("payment_waiting", "medium", pay.key, None, payment=pay.name, amount=money(pay.outstanding),
                date=pay.date_due.isoformat() if pay.date_due else "", grace=pay.grace_left or 0)

    for row in phases:
        unconfirmed = row.spent - row.signed
        if row.state == "done" and unconfirmed > EPSILON_DAYS:
            add("log_unconfirmed", "medium", row.key, row.key, phase=row.name, days=days(unconfirmed))

    unfunded = snap.unfunded()
    if unfunded:
        # Lesson 12: work on scope the customer has not signed for is not paid for.
        add("unfunded_scope", "high", None, None, days=days(sum(c.spent_man_days for c in unfunded)),
            requests=", ".join(c.name for c in unfunded))

    undecided = [i for i in snap.register_items if not i.closed and i.disposition is None and i.kind == "requirement"]
    if undecided:
        add("requirements_undecided", "medium", None, None, count=len(undecided))

    # Lessons 14, 15, 24: the rhythm slipping is a risk as soon as its last due period passed unkept.
    for cadence in snap.cadences:
        if cadence.last_status == "missed":
            add("cadence_missed", "high" if cadence.missed >= CADENCE_MISSED_HIGH else "medium", cadence.key, None,
                cadence=cadence_names.get(cadence.key, cadence.name), missed=cadence.missed)

    if snap.sync is not None:
        out += sync_risks(snap.sync, lang)

    order = {"high": 0, "medium": 1}
    return sorted(out, key=lambda r: order[r.severity])


def sync_risks(sync: SyncStatus, lang: str) -> list[Risk]:
    """Figures that may miss Jira's worklogs: the last run failed, or the last sync is old or never happened."""
    jira = sync.jira_key or ""
    days = int(sync.age_days or 0)
    if sync.state == "failed":
        last = fmt_datetime(sync.last_sync) if sync.last_sync else t(lang, "sync.never_short")
        return [Risk(code="sync_failed", severity="high", message=t(
            lang, "risk.sync_failed", jira=jira, when=fmt_datetime(sync.last_attempt),
            error=sync.error or "?", last=last))]
    if sync.state == "never":
        return [Risk(code="sync_never", severity="high", message=t(lang, "risk.sync_never", jira=jira))]
    if sync.state == "stale":
        key = "risk.sync_stale" if sync.basis == "run" else "risk.sync_stale_cursor"
        return [Risk(code="sync_stale", severity="medium",
                     message=t(lang, key, jira=jira, days=days, when=fmt_datetime(sync.last_sync)))]
    if sync.state == "unknown":
        return [Risk(code="sync_unknown", severity="medium",
                     message=t(lang, "risk.sync_unknown", jira=jira, error=sync.error or "?"))]
    return []
