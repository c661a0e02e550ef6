# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# What the customer signed for: a confirmed line keeps these as they were.
SIGNED_FIELDS = ("unit_amount", "date", "project_id", "task_id", "employee_id", "user_id")


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    erp_phase_id = fields.Many2one(
        "erp.project.phase", related="task_id.erp_phase_id", store=True, index=True, string="Implementation Phase"
    )
    erp_customer_confirmed = fields.Boolean(
        string="Confirmed by Customer", copy=False, help="Part of the implementation log the customer signed."
    )
    erp_confirmed_date = fields.Date(string="Confirmation Date", copy=False)
    erp_jira_worklog_id = fields.Char(string="Jira Worklog", copy=False, index=True, help="Set by the nightly sync.")
    erp_change_request_id = fields.Many2one(
        related="task_id.erp_change_request_id", store=True, index=True, string="Change Request"
    )

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _erp_jira_worklog_uniq = models.Constraint("UNIQUE (erp_jira_worklog_id)", "This Jira worklog is already recorded on another timesheet line.")
    else:  # Odoo 18
        _sql_constraints = [("erp_jira_worklog_uniq", "unique(erp_jira_worklog_id)", "This Jira worklog is already recorded on another timesheet line.")]

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("erp_customer_confirmed") for vals in vals_list):
            self._erp_check_may_record_confirmation()
        lines = super().create(vals_list)
        lines._erp_check_phase_open()
        return lines

    def write(self, vals):
        if vals.get("erp_customer_confirmed"):
            self._erp_check_may_record_confirmation()
        if set(vals) & set(SIGNED_FIELDS) and not self.env.context.get("erp_reopen_signed_log"):
            self._erp_check_not_signed()
        result = super().write(vals)
        if {"task_id", "project_id"} & set(vals):  # moved onto a phase; hours already booked stay editable
            self._erp_check_phase_open()
        return result

    def _erp_check_phase_open(self):
        """No time on a phase that an unsigned hard gate holds (lesson 12; the sync holds such worklogs instead)."""
        for phase in self.sudo().mapped("erp_phase_id"):  # a plain timesheet user cannot read phases
            gates = phase._erp_gate_names()
            if gates:
                raise UserError(
                    self.env._(
                        "No time can be booked on phase '%(phase)s' yet: the hard gate %(gates)s is not signed. "
                        "Have the customer sign it, or ask an ERP Playbook manager to override it with a reason.",
                        phase=phase.name,
                        gates=gates,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        self._erp_check_not_signed()

    def _erp_check_not_signed(self):
        signed = self.filtered("erp_customer_confirmed")
        if signed:
            raise UserError(
                self.env._(
                    "%(count)s timesheet line(s) are part of the implementation log the customer signed "
                    "(first: %(line)s, confirmed on %(date)s) and cannot be changed or deleted. Record a "
                    "correcting line instead, or ask an ERP Playbook manager to reopen the confirmation.",
                    count=len(signed),
                    line=signed[0].display_name,
                    date=signed[0].erp_confirmed_date or "-",
                )
            )

    def action_erp_customer_unconfirm(self):
        """Reopen lines the customer confirmed: a manager's decision, e.g. after a disputed log."""
        if not self.env.user.has_group("erp_playbook.group_erp_manager"):
            raise AccessError(self.env._("Only an ERP Playbook manager can reopen a signed implementation log."))
        self.write({"erp_customer_confirmed": False, "erp_confirmed_date": False})
        return True

    def _erp_check_may_record_confirmation(self):
        """The implementation log is the customer's to sign: the team cannot tick it for them (lesson 16)."""
        if not self.env.su and not self.env.user.has_group("erp_playbook.group_erp_manager"):
            raise AccessError(
                self.env._(
                    "Only the customer confirms the implementation log; an ERP Playbook manager records a "
                    "confirmation the customer signed on paper."
                )
            )

    def action_erp_customer_confirm(self):
        self.filtered(lambda line: not line.erp_customer_confirmed).write(
            {"erp_customer_confirmed": True, "erp_confirmed_date": fields.Date.context_today(self)}
        )
        return True
