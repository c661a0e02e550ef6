# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lesson 23 and the handover (lesson 18) on sign-offs: the acceptance clock, the key-user rule, and the
draft invoice prepared as soon as a gate a payment waits on is signed."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


def context_today(record):
    """The date the rules count on: the context's ``today`` (reports ask for their date), else the user's today."""
    return fields.Date.to_date(record.env.context.get("today")) or fields.Date.context_today(record)


class ErpPlaybookGate(models.Model):
    _inherit = "erp.playbook.gate"

    clock_starts_key = fields.Char(
        string="Clock Starts At", help="Key of the gate whose signature starts this gate's acceptance clock."
    )
    clock_live_days = fields.Integer(string="Live Running Days", help="Days of live running before acceptance.")
    clock_grace_days = fields.Integer(string="Acceptance Grace Days", help="Days after the live month to sign.")
    needs_key_user = fields.Boolean(help="Cannot be signed before the project names a customer key user.")


class ErpSignoff(models.Model):
    _inherit = "erp.signoff"

    date_acceptance_due = fields.Date(
        string="Acceptance Due",
        compute="_compute_acceptance_clock",
        help="Signature of the starting gate (go-live) plus the live running and grace days of the playbook.",
    )
    days_late = fields.Integer(
        compute="_compute_acceptance_clock", help="Days past the acceptance due date without a signature."
    )

    def _erp_gate_template(self):
        """The playbook gate this sign-off was planned from (by link, or by key in the project's playbook)."""
        self.ensure_one()
        if self.template_id:
            return self.template_id
        playbook = self.project_id.erp_playbook_id
        if not playbook:
            return self.env["erp.playbook.gate"]
        gates = self.env["erp.playbook.gate"].with_context(active_test=False).search(
            [("playbook_id", "=", playbook.id), ("key", "=", self.key)], limit=1
        )
        return gates

    def _erp_acceptance_due(self):
        """The date this gate is due by its acceptance clock, or False (no clock, or the clock has not started)."""
        self.ensure_one()
        template = self._erp_gate_template()
        if not template.clock_starts_key:
            return False
        start = self.project_id.erp_signoff_ids.filtered(
            lambda s: s.key == template.clock_starts_key and s.state == "signed" and s.date_signed
        )
        if not start:
            return False
        started = max(start.mapped("date_signed"))
        return started + timedelta(days=template.clock_live_days + template.clock_grace_days)

    @api.depends("state", "date_signed")
    @api.depends_context("today")
    def _compute_acceptance_clock(self):
        today = context_today(self)
        for signoff in self:
            due = signoff._erp_acceptance_due() if signoff.project_id else False
            signoff.date_acceptance_due = due
            late = (today - due).days if due and signoff.state not in ("signed", "superseded") else 0
            signoff.days_late = max(late, 0)

    def write(self, vals):
        signing = self.filtered(lambda s: s.state != "signed") if vals.get("state") == "signed" else self.browse()
        for signoff in signing:
            signoff._erp_check_key_user()
        result = super().write(vals)
        if signing:
            signing._erp_prepare_invoices()
        return result

    def _erp_check_key_user(self):
        """Handover is refused until the customer has someone to hand over to (lesson 18: at least one)."""
        if self._erp_gate_template().needs_key_user and not self.project_id.erp_key_user_ids:
            raise UserError(
                self.env._(
                    "'%(gate)s' cannot be signed: project '%(project)s' names no key user. "
                    "Add at least one of the customer's key users on the project first.",
                    gate=self.name,
                    project=self.project_id.name,
                )
            )

    def _erp_prepare_invoices(self):
        """Draft invoices for the payments that fall due now that these gates are signed (never a second one)."""
        milestones = self.env["erp.payment.milestone"].sudo().search(
            [("signoff_id", "in", self.ids), ("invoice_id", "=", False), ("delay_days", "=", 0)]
        )
        for milestone in milestones:
            milestone._erp_prepare_draft_invoice()
