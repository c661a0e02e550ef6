# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class ErpRegisterPortal(CustomerPortal):
    """The customer's side of the register: their projects' items, one page per item, and raising a new one."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "erp_register_count" in counters:
            Item = request.env["erp.register.item"]
            values["erp_register_count"] = Item.search_count([]) if Item.has_access("read") else 0
        return values

    @http.route(["/my/register"], type="http", auth="user", website=True)
    def portal_my_register(self, **kw):
        Item = request.env["erp.register.item"]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # Record rules limit a portal user to their own company's projects.
                "items": Item.search([], order="date_raised desc, id desc") if Item.has_access("read") else Item,
                "projects": Item._erp_portal_projects(request.env.user.partner_id),
                "page_name": "erp_register",
            }
        )
        return request.render("erp_playbook.portal_my_register", values)

    @http.route(["/my/register/<int:item_id>"], type="http", auth="public", website=True)
    def portal_register_item(self, item_id, access_token=None, **kw):
        try:
            item_sudo = self._document_check_access("erp.register.item", item_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update({"item": item_sudo, "page_name": "erp_register", "access_token": access_token})
        return request.render("erp_playbook.portal_register_item_page", values)

    @http.route(["/my/register/new"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_register_new(self, project_id=None, kind=None, name=None, description=None, **kw):
        Item = request.env["erp.register.item"]
        projects = Item._erp_portal_projects(request.env.user.partner_id)
        if not projects:
            return request.redirect("/my")
        error = None
        if request.httprequest.method == "POST":
            try:
                item = Item.portal_raise(project_id, kind, name, description)
            except AccessError as exc:
                raise request.not_found() from exc
            except ValidationError as exc:
                error = str(exc)
            else:
                return request.redirect(item.get_portal_url())
        kinds = projects.erp_playbook_id.register_option_ids.filtered(lambda o: o.option_type == "kind")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "projects": projects,
                # One entry per kind key (projects may follow different playbooks with the same kinds).
                "kinds": list({k.key: (k.key, k.name) for k in kinds}.values()),
                "error": error,
                "page_name": "erp_register",
            }
        )
        return request.render("erp_playbook.portal_register_new", values)
