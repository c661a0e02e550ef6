# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class ErpMeetingPortal(CustomerPortal):
    """The customer's weekly meetings: date, chair, minutes, decisions and action items, read-only."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "erp_meeting_count" in counters:
            Meeting = request.env["erp.meeting"]
            values["erp_meeting_count"] = Meeting.search_count([]) if Meeting.has_access("read") else 0
        return values

    @http.route(["/my/meetings"], type="http", auth="user", website=True)
    def portal_my_meetings(self, **kw):
        values = self._prepare_portal_layout_values()
        # The record rules keep a portal user to their own company's projects; the search runs as that user.
        meetings = request.env["erp.meeting"].search([], order="date desc, id desc")
        values.update({"meetings": meetings.sudo(), "page_name": "erp_meeting"})
        return request.render("erp_playbook.portal_my_meetings", values)

    @http.route(["/my/meetings/<int:meeting_id>"], type="http", auth="user", website=True)
    def portal_meeting_page(self, meeting_id, **kw):
        meeting = request.env["erp.meeting"].search([("id", "=", meeting_id)])
        if not meeting:
            return request.redirect("/my/meetings")
        values = self._prepare_portal_layout_values()
        values.update({"meeting": meeting.sudo(), "page_name": "erp_meeting"})
        return request.render("erp_playbook.portal_meeting_page", values)
