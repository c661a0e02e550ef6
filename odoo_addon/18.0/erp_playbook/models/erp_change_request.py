# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lesson 12: a requirement raised after the requirements report is signed is a change request.

Its man-day estimate joins the project's budget only once a contact of the customer has signed it; until
then, time logged on its tasks is unfunded scope.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Change requests whose logged time is unfunded scope: not (or not yet) signed by the customer.
UNFUNDED_STATES = ("draft", "refused")


class ErpChangeRequest(models.Model):
    _name = "erp.change.request"
    _inherit = ["mail.thread"]
    _description = "Change Request"
    _order = "project_id, id"

    name = fields.Char(required=True, tracking=True)
    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    partner_id = fields.Many2one(related="project_id.partner_id", string="Customer")
    phase_id = fields.Many2one(
        "erp.project.phase", ondelete="set null", domain="[('project_id', '=', project_id)]", index=True
    )
    description = fields.Text()
    man_days = fields.Float(string="Estimate (man-days)", tracking=True, required=True)
    state = fields.Selection(
        [("draft", "Waiting for Signature"), ("signed", "Signed"), ("refused", "Refused")],
        string="Status",
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    signer_id = fields.Many2one(
        "res.partner", string="Signed By", tracking=True, copy=False, help="The customer contact who signed."
    )
    date_signed = fields.Date(tracking=True, copy=False)
    task_ids = fields.One2many("project.task", "erp_change_request_id", string="Tasks")
    spent_man_days = fields.Float(string="Logged (man-days)", compute="_compute_spent_man_days")

    def _compute_spent_man_days(self):
        groups = self.env["account.analytic.line"].sudo()._read_group(
            [("erp_change_request_id", "in", self.ids)], ["erp_change_request_id"], ["unit_amount:sum"]
        )
        hours = {cr.id: total for cr, total in groups}
        for request in self:
            request.spent_man_days = hours.get(request.id, 0.0) / (request.project_id.erp_hours_per_day or 8.0)

    @api.constrains("man_days")
    def _check_man_days(self):
        for request in self:
            if request.man_days <= 0:
                raise ValidationError(
                    self.env._("Change request '%s' needs a man-day estimate above 0.", request.name)
                )

    def write(self, vals):
        if {"man_days", "project_id"} & set(vals) and self.filtered(lambda r: r.state == "signed"):
            raise UserError(self.env._("A signed change request keeps the estimate the customer signed."))
        return super().write(vals)

    def action_sign(self, signer_id=None, date_signed=None):
        """The customer's signature: only then do the days join the budget."""
        for request in self:
            if request.state != "draft":
                raise UserError(self.env._("Only a change request waiting for signature can be signed."))
            signer = self.env["res.partner"].browse(signer_id) if signer_id else request.signer_id
            customer = request.project_id.partner_id.commercial_partner_id
            if not signer or not customer or signer.commercial_partner_id != customer:
                raise UserError(
                    self.env._(
                        "Change request '%(name)s' must be signed by a contact of the customer %(customer)s.",
                        name=request.name,
                        customer=customer.display_name or "-",
                    )
                )
            request.write(
                {
                    "state": "signed",
                    "signer_id": signer.id,
                    "date_signed": date_signed or fields.Date.context_today(self),
                }
            )
        return True

    def action_refuse(self):
        if self.filtered(lambda r: r.state != "draft"):
            raise UserError(self.env._("Only a change request waiting for signature can be refused."))
        self.write({"state": "refused"})
        return True

