# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


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

    _sql_constraints = [
        (
            "erp_jira_worklog_uniq",
            "unique(erp_jira_worklog_id)",
            "This Jira worklog is already recorded on another timesheet line.",
        ),
    ]

    def action_erp_customer_confirm(self):
        self.filtered(lambda line: not line.erp_customer_confirmed).write(
            {"erp_customer_confirmed": True, "erp_confirmed_date": fields.Date.context_today(self)}
        )
        return True
