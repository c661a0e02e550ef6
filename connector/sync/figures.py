"""Figures and payments: man-days per project and phase as the addon computes them, and where each payment stands.

The addon decides where a milestone stands (``erp.payment.milestone.collection_status``, ``days_overdue``); the
sync only reads it and names it as Jira's "Payment status" option. ``payment()`` is pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connector.jira.templates import default_templates

# Keys of the "Payment status" options; jira_templates/fields.yaml gives each its name in Jira.
STATUS_NOT_DUE, STATUS_INVOICED, STATUS_PAID, STATUS_OVERDUE = "not_due", "invoiced", "paid", "overdue"
# erp.payment.milestone.collection_status → the option key.
STATUS_OPTIONS = {"not_due": STATUS_NOT_DUE, "invoiced": STATUS_INVOICED, "paid": STATUS_PAID,
                  "overdue": STATUS_OVERDUE}
NS_INVOICE = "invoice"  # state: "<code>:<milestone key>" → {"id", "name"} of the invoice last seen on it


@dataclass(frozen=True)
class PhaseFigures:
    key: str
    name: str
    budget: float
    spent: float
    remaining: float

    @classmethod
    def of_row(cls, row: dict[str, Any]) -> PhaseFigures:
        return cls(key=row["key"], name=row["name"], budget=num(row["budget_man_days"]),
                   spent=num(row["spent_man_days"]), remaining=num(row["remaining_man_days"]))


@dataclass(frozen=True)
class Payment:
    key: str
    name: str
    amount: float
    invoice: str | None
    payment_state: str | None
    amount_residual: float | None
    invoice_date_due: str | None
    date_due: str | None
    days_overdue: int
    overdue: bool
    status: str  # the Jira "Payment status" option name


def payment(m: dict[str, Any], invoice: dict[str, Any] | None) -> Payment:
    """A milestone row (and its invoice) as the summary and Jira show it."""
    status = STATUS_OPTIONS[m.get("collection_status") or "not_due"]
    return Payment(
        key=m["key"], name=m["name"], amount=num(m.get("amount")),
        invoice=invoice["name"] if invoice else None,
        payment_state=invoice.get("payment_state") if invoice else None,
        amount_residual=num(invoice.get("amount_residual")) if invoice else None,
        invoice_date_due=(invoice.get("invoice_date_due") or None) if invoice else None,
        date_due=m.get("date_due") or None,
        days_overdue=int(m.get("days_overdue") or 0),
        overdue=status == STATUS_OVERDUE,
        status=default_templates().payment_status[status],
    )


@dataclass(frozen=True)
class InvoiceMemory:
    """What to remember of each milestone's invoice, and the warning when an invoice seen before was deleted."""

    remember: dict[str, dict[str, Any]]
    forget: list[str]
    deleted: str | None  # the warning, or None


def invoice_memory(slot: str, milestone_name: str, invoice: dict[str, Any] | None,
                   before: dict[str, Any] | None) -> InvoiceMemory:
    """``slot``: ``<code>:<milestone key>``; ``before``: the invoice remembered from an earlier run. Pure."""
    if invoice is not None:
        return InvoiceMemory({slot: {"id": invoice["id"], "name": invoice["name"]}}, [], None)
    if before:
        return InvoiceMemory({}, [slot], f"the invoice {before['name']} of payment milestone {milestone_name!r} was "
                                         "deleted in Odoo: its payment status falls back to the milestone's due date")
    return InvoiceMemory({}, [], None)


def num(value: Any) -> float:
    return round(float(value or 0.0), 4)


def fmt(value: Any) -> str:
    return f"{float(value or 0):,.2f}"
