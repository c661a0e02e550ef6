# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The dialog behind *Send Status Report*: who gets which language, whether this week's report went out."""

from odoo import api, fields, models

from ..models.erp_acceptance import context_today
from ..models.erp_status_report import iso_week


class ErpStatusReportSend(models.TransientModel):
    _name = "erp.status.report.send"
    _description = "Send Weekly Status Report"

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade")
    partner_ids = fields.Many2many(
        "res.partner", string="Recipients", compute="_compute_recipients", help="The project's customer executives."
    )
    mail_summary = fields.Text(string="Mails", compute="_compute_recipients")
    sent_this_week = fields.Integer(string="Already Sent This Week", compute="_compute_recipients")
    note = fields.Html(help="A personal note added to every mail above the report's summary.")

    @api.depends("project_id")
    def _compute_recipients(self):
        for wizard in self:
            project = wizard.project_id
            wizard.partner_ids = project.erp_executive_ids
            langs = dict(self.env["res.lang"].get_installed())
            lines = []
            if project.erp_executive_ids and all(project.erp_executive_ids.mapped("email")):
                for lang, partners in sorted(project._erp_status_recipients_by_lang().items()):
                    lines.append(f"{langs.get(lang, lang)}: {', '.join(partners.mapped('display_name'))}")
            wizard.mail_summary = "\n".join(lines)
            week = iso_week(context_today(wizard))
            wizard.sent_this_week = self.env["erp.status.report.sent"].sudo().search_count(
                [("project_id", "=", project.id), ("week", "=", week)]
            )

    def action_send(self):
        self.ensure_one()
        self.project_id._erp_send_status_report(note=self.note)
        return {"type": "ir.actions.act_window_close"}
