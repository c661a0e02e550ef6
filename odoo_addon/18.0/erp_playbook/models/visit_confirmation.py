# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer confirms the implementation log in the portal, one visit at a time (lesson 16).

A visit is one consultant's (employee's) day on the project. Only a contact of the project's customer confirms
it; the implementation team cannot tick the log for them (account_analytic_line.py).
"""

import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class ProjectProject(models.Model):
    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    def _erp_is_customer_contact(self, partner):
        """The one rule for "this partner speaks for the customer": sign-offs and the log both ask it."""
        self.ensure_one()
        customer = self.sudo().partner_id.commercial_partner_id  # a portal user cannot read projects
        return bool(partner and customer and partner.commercial_partner_id == customer)

    @api.model
    def _erp_portal_log_projects(self, partner):
        """The projects whose implementation log this portal contact may read and confirm."""
        commercial = partner.commercial_partner_id
        projects = self.sudo().search([("partner_id", "child_of", commercial.id)], order="name, id")
        return projects.filtered(lambda project: project._erp_is_customer_contact(partner))


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"  # pylint: disable=consider-merging-classes-inherited

    erp_confirmed_by_name = fields.Char(string="Confirmed By", copy=False, readonly=True)
    erp_confirmed_partner_id = fields.Many2one(
        "res.partner", string="Confirmed By Contact", copy=False, readonly=True, index="btree_not_null"
    )

    @api.model
    def _erp_visit_lines(self, project, visit_date, employee):
        if not employee.exists():  # an unknown id must not match the project's lines without an employee
            return self.browse()
        return (
            self.sudo()
            .search(
                [("project_id", "=", project.id), ("date", "=", visit_date), ("employee_id", "=", employee.id)],
                order="id",
            )
            .with_env(self.env)
        )

    @api.model
    def erp_portal_confirm_visit(self, project_id, visit_date, employee_id, name, signature=None):
        """Confirm every line of one visit for the portal contact signed in; returns how many lines it confirmed.

        Already confirmed lines stay as they were (who confirmed them, and when)."""
        user = self.env.user
        project = self.env["project.project"].sudo().browse(project_id).exists()
        if not user._is_portal() or not project or not project._erp_is_customer_contact(user.partner_id):
            raise AccessError(
                self.env._("Only a contact of the project's customer confirms its implementation log in the portal.")
            )
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("Type your name to confirm the visit."))
        employee = self.env["hr.employee"].sudo().browse(employee_id)
        lines = self._erp_visit_lines(project, fields.Date.to_date(visit_date), employee).sudo()
        todo = lines.filtered(lambda line: not line.erp_customer_confirmed)
        if not todo:
            return 0
        # Checked above: the user is the customer's contact; sudo only writes what the rule allows.
        todo.write(
            {
                "erp_customer_confirmed": True,
                "erp_confirmed_date": fields.Date.context_today(self),
                "erp_confirmed_by_name": name,
                "erp_confirmed_partner_id": user.partner_id.id,
            }
        )
        attachments = [("signature.png", base64.b64decode(signature))] if signature else []
        project.message_post(
            body=self.env._(
                "%(name)s (%(contact)s) confirmed the visit of %(employee)s on %(date)s: %(count)s line(s), "
                "%(hours).2f hour(s).",
                name=name,
                contact=user.partner_id.display_name,
                employee=employee.name,
                date=visit_date,
                count=len(todo),
                hours=sum(todo.mapped("unit_amount")),
            ),
            attachments=attachments,
        )
        return len(todo)
