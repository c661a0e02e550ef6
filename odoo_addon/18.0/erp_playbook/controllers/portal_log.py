# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer's side of the implementation log: every visit of their projects, confirmed one visit at a time."""

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .portal import JSON_ROUTE


class ErpImplementationLogPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "erp_log_count" in counters:
            values["erp_log_count"] = len(self._erp_log_visits(only_open=True)) if request.env.user._is_portal() else 0
        return values

    def _erp_log_visits(self, only_open=False):
        """Visits (project, date, employee) of the signed-in contact's projects, newest first.

        Read with sudo only after the contact rule chose the projects: a portal user has no timesheet access."""
        user = request.env.user
        projects = request.env["project.project"]._erp_portal_log_projects(user.partner_id)
        domain = [("project_id", "in", projects.ids)]
        if only_open:
            domain.append(("erp_customer_confirmed", "=", False))
        lines = request.env["account.analytic.line"].sudo().search(domain, order="date desc, id")
        visits = {}
        for line in lines:
            key = (line.project_id.id, line.date, line.employee_id.id)
            visits.setdefault(key, request.env["account.analytic.line"].sudo())
            visits[key] |= line
        return [self._erp_visit_values(lines) for lines in visits.values()]

    @staticmethod
    def _erp_visit_values(lines):
        project = lines[0].project_id
        hours = sum(lines.mapped("unit_amount"))
        return {
            "project": project,
            "date": lines[0].date,
            "employee": lines[0].employee_id,
            "lines": lines,
            "hours": hours,
            "man_days": hours / (project.erp_hours_per_day or 8.0),
            "confirmed": all(lines.mapped("erp_customer_confirmed")),
            "url": f"/my/implementation-log/{project.id}/{lines[0].date}/{lines[0].employee_id.id}",
        }

    def _erp_refuse_internal(self):
        """The log is the customer's to confirm: internal users use the back office, not this page."""
        return not request.env.user._is_portal()

    @http.route(["/my/implementation-log"], type="http", auth="user", website=True)
    def portal_my_implementation_log(self, **kw):
        if self._erp_refuse_internal():
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update({"visits": self._erp_log_visits(), "page_name": "erp_implementation_log"})
        return request.render("erp_playbook.portal_my_implementation_log", values)

    def _erp_visit_or_404(self, project_id, visit_date, employee_id):
        project = request.env["project.project"].sudo().browse(project_id).exists()
        if self._erp_refuse_internal() or not project:
            raise MissingError(request.env._("This visit does not exist."))
        if not project._erp_is_customer_contact(request.env.user.partner_id):
            raise MissingError(request.env._("This visit does not exist."))  # says nothing of other customers
        employee = request.env["hr.employee"].sudo().browse(employee_id)
        lines = request.env["account.analytic.line"]._erp_visit_lines(project, visit_date, employee).sudo()
        if not lines:
            raise MissingError(request.env._("This visit does not exist."))
        return self._erp_visit_values(lines)

    @http.route(
        ["/my/implementation-log/<int:project_id>/<string:visit_date>/<int:employee_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_implementation_log_visit(self, project_id, visit_date, employee_id, **kw):
        try:
            visit = self._erp_visit_or_404(project_id, fields.Date.to_date(visit_date), employee_id)
        except (MissingError, ValueError):
            raise request.not_found() from None
        values = self._prepare_portal_layout_values()
        values.update({"visit": visit, "page_name": "erp_implementation_log"})
        return request.render("erp_playbook.portal_implementation_log_visit", values)

    @http.route(
        ["/my/implementation-log/<int:project_id>/<string:visit_date>/<int:employee_id>/confirm"],
        type=JSON_ROUTE,
        auth="user",
    )
    def portal_implementation_log_confirm(self, project_id, visit_date, employee_id, name=None, signature=None, **kw):
        try:
            visit = self._erp_visit_or_404(project_id, fields.Date.to_date(visit_date), employee_id)
            request.env["account.analytic.line"].erp_portal_confirm_visit(
                project_id, visit["date"], employee_id, name, signature
            )
        except (AccessError, MissingError, UserError, ValueError) as error:
            return {"error": str(error)}
        return {"force_refresh": True, "redirect_url": visit["url"]}
