# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import http, release
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

# Odoo 19 renamed the JSON-RPC route type (type="json" still works there but is deprecated).
JSON_ROUTE = "jsonrpc" if release.version_info[0] >= 19 else "json"


class ErpSignoffPortal(CustomerPortal):
    """The customer's side of sign-offs: a list, one page per sign-off, and signing with a signature."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "erp_signoff_count" in counters:
            Signoff = request.env["erp.signoff"]
            values["erp_signoff_count"] = Signoff.search_count([]) if Signoff.has_access("read") else 0
        return values

    @http.route(["/my/signoffs"], type="http", auth="user", website=True)
    def portal_my_signoffs(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # Record rules limit a portal user to their own projects' sign-offs.
                "signoffs": request.env["erp.signoff"].search([], order="state desc, date_requested desc, id desc"),
                "page_name": "erp_signoff",
            }
        )
        return request.render("erp_playbook.portal_my_signoffs", values)

    @http.route(["/my/signoffs/<int:signoff_id>"], type="http", auth="public", website=True)
    def portal_signoff_page(self, signoff_id, access_token=None, **kw):
        try:
            signoff_sudo = self._document_check_access("erp.signoff", signoff_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update({"signoff": signoff_sudo, "page_name": "erp_signoff", "access_token": access_token})
        return request.render("erp_playbook.portal_signoff_page", values)

    @http.route(["/my/signoffs/<int:signoff_id>/sign"], type=JSON_ROUTE, auth="user")
    def portal_signoff_sign(self, signoff_id, name=None, signature=None, **kw):
        signoff = request.env["erp.signoff"].browse(signoff_id)
        try:
            signoff.portal_sign(name, signature)
        except (AccessError, MissingError, UserError) as error:
            return {"error": str(error)}
        return {"force_refresh": True, "redirect_url": f"/my/signoffs/{signoff_id}"}
