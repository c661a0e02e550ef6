"""What a report knows about one project at one date: read once from Odoo, then only computed on.

The snapshot holds Odoo's own figures (budget, hours, sign-off states, invoices, each payment's collection
status and overdue days as the addon counts them on the report date) and nothing derived except man-days
(hours / the project's hours per day, as the addon computes them). Everything a report concludes from it —
gate status, risks — lives in ``connector.reports.analysis`` so it can be tested on hand-made snapshots
without a server.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from connector.reports.sync_status import SyncStatus

# project.task states that count as finished (Odoo 18 CLOSED_STATES).
CLOSED_TASK_STATES = ("1_done", "1_canceled")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectInfo(_Model):
    id: int
    name: str
    code: str | None = None
    customer: str | None = None
    company: str | None = None
    manager: str | None = None
    playbook_key: str | None = None
    size: str | None = None
    industry: str | None = None
    man_day_budget: float = 0.0
    hours_per_day: float = 8.0
    contract_amount: float = 0.0
    currency: str | None = None
    date_start: date | None = None
    date_end: date | None = None
    contract_date: date | None = None
    acceptance_criteria: str | None = Field(default=None, description="printed on the acceptance certificate")
    # The addon's project figures over every period of every cadence, on the report date.
    cadence_adherence: float | None = Field(default=None, description="percent; None: the project has no cadence")
    cadence_missed: int = 0


class PhaseSnap(_Model):
    id: int
    key: str
    name: str
    sequence: int = 10
    state: str = "draft"  # draft / in_progress / done
    date_start: date | None = None
    date_done: date | None = None
    budget_man_days: float = 0.0
    spent_man_days: float = 0.0
    signed_man_days: float = Field(default=0.0, description="customer-confirmed lines (the signed implementation log)")
    item_count: int = 0
    item_done_count: int = 0
    forecast_man_days: float | None = Field(
        default=None, description="the addon's forecast at completion on the report date (docs/forecast.md)")

    @property
    def remaining_man_days(self) -> float:
        return self.budget_man_days - self.spent_man_days

    @property
    def progress(self) -> float:
        """Share of checklist items and deliverables done, 0..1 (a done phase counts as complete)."""
        if self.state == "done":
            return 1.0
        return self.item_done_count / self.item_count if self.item_count else 0.0


class TaskSnap(_Model):
    id: int
    name: str
    phase_id: int | None = None
    item_key: str | None = None
    item_type: str | None = None  # phase / checklist / deliverable / None (any other task)
    deliverable_kind: str | None = None
    state: str = "01_in_progress"
    stage: str | None = None
    deadline: date | None = None
    assignees: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.state in CLOSED_TASK_STATES


class GateSnap(_Model):
    id: int
    key: str
    name: str
    phase_id: int | None = None
    hard: bool = False
    blocks_phase_id: int | None = None
    state: str = "draft"  # draft / requested / signed / rejected / superseded
    document: str | None = None
    date_requested: date | None = None
    date_signed: date | None = None
    signer: str | None = None
    # Lesson 23, the addon's acceptance clock on the report date: due one month live + grace after go-live.
    acceptance_due: date | None = None
    days_late: int = 0
    override_reason: str | None = None  # a manager let work pass this unsigned hard gate (addon's action_override)
    overridden_by: str | None = None
    date_overridden: date | None = None


class PaymentSnap(_Model):
    id: int
    key: str
    name: str
    percent: float = 0.0
    amount: float = 0.0
    signoff_id: int | None = None
    invoice: str | None = None
    payment_state: str | None = None
    amount_residual: float | None = None
    date_due: date | None = None
    grace_days: int = 30
    delay_days: int = 0
    # The addon's payment rule (erp.payment.milestone), read with the report date as Odoo's context date.
    collection_status: Literal["not_due", "invoiced", "paid", "overdue"] = "not_due"
    days_overdue: int = 0
    acceptance_late: bool = Field(default=False, description="overdue because its gate is past its acceptance clock")

    @property
    def settled(self) -> bool:
        return self.collection_status == "paid"


class TimesheetLine(_Model):
    id: int
    date: date
    phase_id: int | None = None
    task: str | None = None
    employee: str | None = None
    description: str = ""
    hours: float = 0.0
    man_days: float = 0.0
    confirmed: bool = False
    confirmed_date: date | None = None


class RegisterItem(_Model):
    """A requirement or issue from the register, with the disposition chosen for it (None: undecided)."""

    id: int
    kind: str  # a register kind key of the playbook: requirement / issue
    name: str
    disposition: str | None = None
    closed: bool = False
    phase_id: int | None = None
    deadline: date | None = None
    assignees: list[str] = Field(default_factory=list)
    ref: str | None = Field(default=None, description="where it lives outside Odoo, e.g. the Jira issue key")
    created: date | None = None


class ChangeRequestSnap(_Model):
    """Lesson 12: scope raised after the requirements report; its days count only once the customer signed."""

    id: int
    name: str
    state: str = "draft"  # draft (waiting for the customer's signature) / signed / refused
    man_days: float = 0.0
    phase_id: int | None = None
    spent_man_days: float = Field(default=0.0, description="logged on its tasks up to the report date")

    @property
    def funded(self) -> bool:
        return self.state == "signed"


class CadenceSnap(_Model):
    """A cadence of the project (weekly meeting, status report, ...) with the addon's adherence on the report date.

    Statuses are the addon's (``erp.cadence``, rule in its ``models/cadence_rule.py``): on_time / late / missed /
    open; the connector reads them and never recounts.
    """

    id: int
    key: str
    name: str
    frequency: str = "weekly"
    period_status: str | None = Field(default=None, description="the period holding the report date")
    last_status: str | None = Field(default=None, description="the last decided period")
    on_time: int = 0
    late: int = 0
    missed: int = 0
    adherence: float = 100.0
    date_next: date | None = None


class ProjectSnapshot(_Model):
    """One project as of ``as_of``. Man-days count timesheet lines dated on or before ``as_of``."""

    project: ProjectInfo
    as_of: date
    phases: list[PhaseSnap] = Field(default_factory=list)
    gates: list[GateSnap] = Field(default_factory=list)
    payments: list[PaymentSnap] = Field(default_factory=list)
    tasks: list[TaskSnap] = Field(default_factory=list)
    register_items: list[RegisterItem] = Field(default_factory=list)
    change_requests: list[ChangeRequestSnap] = Field(default_factory=list)
    cadences: list[CadenceSnap] = Field(default_factory=list)
    lines: list[TimesheetLine] = Field(default_factory=list, description="the lines the report lists, see lines_*")
    lines_from: date | None = None
    lines_to: date | None = None
    lines_phase_id: int | None = None
    unphased_spent_man_days: float = Field(default=0.0, description="logged on the project outside any phase")
    unphased_signed_man_days: float = 0.0
    forecast_man_days: float | None = Field(
        default=None, description="the addon's project forecast at completion on the report date")
    register_source: str = Field(default="odoo", description="odoo (task tags), odoo:register (the addon's register "
                                 "records) or jira:<project key>")
    sync: SyncStatus | None = Field(default=None, description="when the figures were last synchronised from Jira")

    # --- look-ups ------------------------------------------------------------------------------
    @property
    def spent_man_days(self) -> float:
        return sum(p.spent_man_days for p in self.phases) + self.unphased_spent_man_days

    @property
    def signed_man_days(self) -> float:
        return sum(p.signed_man_days for p in self.phases) + self.unphased_signed_man_days

    @property
    def budget_man_days(self) -> float:
        """The contracted man-days plus the change requests the customer signed (lesson 12)."""
        return self.project.man_day_budget + sum(c.man_days for c in self.change_requests if c.funded)

    @property
    def remaining_man_days(self) -> float:
        return self.budget_man_days - self.spent_man_days

    def unfunded(self, phase_id: int | None = None) -> list[ChangeRequestSnap]:
        """Change requests not signed (yet) with time logged on them, of one phase or of the whole project."""
        return [c for c in self.change_requests if not c.funded and c.spent_man_days > 0
                and (phase_id is None or c.phase_id == phase_id)]

    def phase_by_id(self, phase_id: int | None) -> PhaseSnap | None:
        return next((p for p in self.phases if p.id == phase_id), None)

    def phase_by_key(self, key: str) -> PhaseSnap | None:
        return next((p for p in self.phases if p.key == key), None)

    def gate_by_id(self, gate_id: int | None) -> GateSnap | None:
        return next((g for g in self.gates if g.id == gate_id), None)

    def live_gates(self) -> list[GateSnap]:
        """Gates that still count: a superseded sign-off is replaced by its successor."""
        return [g for g in self.gates if g.state != "superseded"]

    def items_of(self, phase_id: int) -> list[TaskSnap]:
        return [t for t in self.tasks if t.phase_id == phase_id and t.item_type in ("checklist", "deliverable")]
