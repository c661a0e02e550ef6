# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# payment_state values of account.move that mean the customer has paid (or owes nothing any more).
SETTLED_PAYMENT_STATES = ("paid", "in_payment", "reversed")
GRACE_DAYS_PARAM = "erp_playbook.payment_grace_days"
DEFAULT_GRACE_DAYS = 30
# Where a milestone stands in collection; the sync and the reports read it instead of deciding it themselves.
COLLECTION_STATUSES = [("not_due", "Not Due"), ("invoiced", "Invoiced"), ("paid", "Paid"), ("overdue", "Overdue")]


class ErpPaymentMilestone(models.Model):
    _name = "erp.payment.milestone"
    _inherit = ["mail.thread"]
    _description = "Payment Milestone"
    _order = "project_id, sequence, id"

    def _default_grace_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(GRACE_DAYS_PARAM, DEFAULT_GRACE_DAYS)
        try:
            return int(value)
        except (TypeError, ValueError):
            return DEFAULT_GRACE_DAYS

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    currency_id = fields.Many2one(related="project_id.currency_id")
    template_id = fields.Many2one("erp.playbook.payment", string="Playbook Milestone", ondelete="set null")
    key = fields.Char(required=True, index=True)
    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    percent = fields.Float(string="Percent of Contract", tracking=True)
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        tracking=True,
        help="Percent of the project's contract amount; may be typed in instead.",
    )
    signoff_id = fields.Many2one(
        "erp.signoff",
        string="Triggering Sign-off",
        ondelete="set null",
        domain="[('project_id', '=', project_id)]",
        help="The payment falls due when this sign-off is signed; empty: on contract signing.",
    )
    signoff_state = fields.Selection(related="signoff_id.state", string="Sign-off Status")
    date_trigger = fields.Date(
        compute="_compute_dates",
        store=True,
        help="When the gate was signed; without a gate, the project's contract date (else the invoice date).",
    )
    invoice_id = fields.Many2one(
        "account.move",
        ondelete="set null",
        tracking=True,
        domain="[('move_type', '=', 'out_invoice'), ('partner_id', 'child_of', partner_id)]",
    )
    partner_id = fields.Many2one(related="project_id.partner_id")
    payment_state = fields.Selection(related="invoice_id.payment_state", string="Payment Status")
    amount_residual = fields.Monetary(related="invoice_id.amount_residual", string="Amount Due")
    delay_days = fields.Integer(help="Days after the gate before the payment falls due (retention).")
    grace_days = fields.Integer(
        default=lambda self: self._default_grace_days(),
        help="Days after the due date before an unpaid milestone is overdue.",
    )
    date_due = fields.Date(compute="_compute_dates", store=True, readonly=False, tracking=True)
    days_overdue = fields.Integer(compute="_compute_overdue")
    is_overdue = fields.Boolean(string="Overdue", compute="_compute_overdue", search="_search_is_overdue")
    acceptance_late = fields.Boolean(
        compute="_compute_overdue",
        help="Its sign-off is past its acceptance clock (one month live plus grace) and not signed: the payment "
        "counts as overdue from the day it would have fallen due.",
    )
    collection_status = fields.Selection(
        COLLECTION_STATUSES,
        compute="_compute_overdue",
        help="Overdue: unpaid past its due date and grace days; Paid: its invoice is paid (or reversed); "
        "Invoiced: an invoice exists; Not Due: no invoice yet. Counted on the context date 'today'.",
    )

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (project_id, key)", "A payment milestone key must be unique within a project.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(project_id, key)", "A payment milestone key must be unique within a project.")]

    @api.depends("percent", "project_id.erp_contract_amount")
    def _compute_amount(self):
        for milestone in self:
            if milestone.percent:
                milestone.amount = milestone.project_id.erp_contract_amount * milestone.percent / 100.0

    @api.depends(
        "signoff_id",
        "signoff_id.state",
        "signoff_id.date_signed",
        "invoice_id.invoice_date",
        "delay_days",
        "project_id.erp_contract_date",
    )
    def _compute_dates(self):
        for milestone in self:
            if milestone.signoff_id:
                signed = milestone.signoff_id.state == "signed"
                trigger = milestone.signoff_id.date_signed if signed else False
            else:
                # Lesson 23: the contract payment is due on the contract, not on an invoice nobody issued.
                trigger = milestone.project_id.erp_contract_date or milestone.invoice_id.invoice_date
            milestone.date_trigger = trigger
            milestone.date_due = trigger + timedelta(days=milestone.delay_days) if trigger else False

    def _is_settled(self):
        return bool(self.invoice_id) and self.invoice_id.payment_state in SETTLED_PAYMENT_STATES

    def _acceptance_late_days(self, today):
        """Days past the date this payment would have fallen due had its gate been signed on its clock (lesson 23)."""
        signoff = self.signoff_id
        if not signoff or signoff.state in ("signed", "superseded") or self._is_settled():
            return 0
        due = signoff._erp_acceptance_due()
        return (today - (due + timedelta(days=self.delay_days))).days if due else 0

    @api.depends("date_due", "grace_days", "invoice_id.payment_state", "signoff_id.state")
    @api.depends_context("today")
    def _compute_overdue(self):
        today = fields.Date.to_date(self.env.context.get("today")) or fields.Date.context_today(self)
        for milestone in self:
            days = 0
            if milestone.date_due and not milestone._is_settled():
                days = (today - (milestone.date_due + timedelta(days=milestone.grace_days))).days
            late = milestone._acceptance_late_days(today)
            milestone.acceptance_late = late > 0
            days = max(days, late)
            milestone.days_overdue = max(days, 0)
            milestone.is_overdue = days > 0
            if days > 0:
                milestone.collection_status = "overdue"
            elif milestone._is_settled():
                milestone.collection_status = "paid"
            else:
                milestone.collection_status = "invoiced" if milestone.invoice_id else "not_due"

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Filter 'Overdue' supports only = True/False."))
        # Candidates are cut down in SQL (a due date, not settled); the date arithmetic is per record.
        candidates = self.search(
            [
                "|",
                ("date_due", "!=", False),
                ("signoff_id.state", "not in", ("signed", "superseded")),
                "|",
                ("invoice_id", "=", False),
                ("invoice_id.payment_state", "not in", SETTLED_PAYMENT_STATES),
            ]
        )
        overdue_ids = candidates.filtered("is_overdue").ids
        wanted = value if operator == "=" else not value
        return [("id", "in" if wanted else "not in", overdue_ids)]

    def _erp_invoice_problem(self):
        """Why no invoice can be made for this milestone, or None."""
        if self.invoice_id:
            return self.env._("'%s' already has an invoice.", self.name)
        if not self.project_id.partner_id:
            return self.env._("Set the customer on project '%s' first.", self.project_id.name)
        if not self.amount:
            return self.env._("'%s' has no amount: set the contract amount or the amount.", self.name)
        return None

    def _erp_prepare_draft_invoice(self):
        """Prepared when its gate is signed, so collection never waits for someone to remember (lesson 23).

        Never a second invoice: a milestone that has one is left alone. What stops it is posted on the milestone
        instead of refusing the customer's signature.
        """
        self.ensure_one()
        if self.invoice_id:
            return self.invoice_id
        problem = self._erp_invoice_problem()
        if problem:
            self.message_post(body=self.env._("No draft invoice was prepared: %s", problem))
            return self.env["account.move"]
        invoice = self._erp_create_invoice()
        self.message_post(body=self.env._("Draft invoice prepared on signing: %s", invoice.display_name))
        return invoice

    def action_create_invoice(self):
        """A draft customer invoice for this milestone's amount, linked back to it."""
        self.ensure_one()
        problem = self._erp_invoice_problem()
        if problem:
            raise UserError(problem)
        invoice = self._erp_create_invoice()
        return {"type": "ir.actions.act_window", "res_model": "account.move", "res_id": invoice.id, "view_mode": "form"}

    def _erp_create_invoice(self):
        invoice = self.env["account.move"].with_company(self.project_id.company_id).create(
            {
                "move_type": "out_invoice",
                "partner_id": self.project_id.partner_id.id,
                "invoice_origin": self.project_id.name,
                "invoice_line_ids": [
                    fields.Command.create(
                        {"name": f"{self.project_id.name}: {self.name}", "quantity": 1, "price_unit": self.amount}
                    )
                ],
            }
        )
        self.invoice_id = invoice
        return invoice
