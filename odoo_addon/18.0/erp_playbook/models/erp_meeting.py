# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The weekly project meeting (lessons 14, 24): chaired by the customer's PM, minutes, decisions, action items.

Holding a meeting keeps the project's ``weekly_meeting`` cadence for the week of its date
(``project._erp_cadence_kept``). Each action item becomes one project task for its owner and deadline; saving
the meeting again never makes a second task for the same item.
"""

from odoo import api, fields, models

MEETING_CADENCE = "weekly_meeting"


class ErpMeeting(models.Model):
    _name = "erp.meeting"
    _inherit = ["mail.thread"]
    _description = "Project Meeting"
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True, tracking=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    partner_id = fields.Many2one(related="project_id.partner_id", string="Customer", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    chair_id = fields.Many2one(
        "res.partner",
        compute="_compute_chair_id",
        store=True,
        readonly=False,
        help="The customer's PM chairs the weekly meeting (lesson 14), so the consultant is not set against "
        "the customer.",
    )
    attendee_ids = fields.Many2many("res.partner", string="Attendees")
    minutes = fields.Html()
    decisions = fields.Html()
    action_ids = fields.One2many("erp.meeting.action", "meeting_id", string="Action Items", copy=True)

    @api.depends("project_id", "date")
    def _compute_name(self):
        for meeting in self:
            meeting.name = self.env._(
                "%(project)s: meeting of %(date)s", project=meeting.project_id.name or "", date=meeting.date or ""
            )

    @api.depends("project_id.erp_customer_pm_id")
    def _compute_chair_id(self):
        for meeting in self:
            meeting.chair_id = meeting.chair_id or meeting.project_id.erp_customer_pm_id

    @api.model_create_multi
    def create(self, vals_list):
        meetings = super().create(vals_list)
        meetings._erp_after_save()
        return meetings

    def write(self, vals):
        result = super().write(vals)
        self._erp_after_save()
        return result

    def unlink(self):
        self.env["erp.cadence.event"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).unlink()
        return super().unlink()

    def _erp_after_save(self):
        for meeting in self:
            meeting.action_ids._erp_make_task()
            meeting.project_id._erp_cadence_kept(MEETING_CADENCE, meeting.date, meeting)


class ErpMeetingAction(models.Model):
    _name = "erp.meeting.action"
    _description = "Meeting Action Item"
    _order = "meeting_id, sequence, id"

    meeting_id = fields.Many2one("erp.meeting", required=True, ondelete="cascade", index=True)
    project_id = fields.Many2one(related="meeting_id.project_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Action", required=True)
    user_id = fields.Many2one("res.users", string="Owner", required=True)
    date_deadline = fields.Date(string="Deadline", required=True)
    task_id = fields.Many2one("project.task", readonly=True, copy=False, ondelete="set null")
    task_state = fields.Selection(related="task_id.state", string="Task Status")

    def write(self, vals):
        result = super().write(vals)
        # The task follows its item's text, owner and deadline.
        synced = {"name": "name", "date_deadline": "date_deadline"}
        task_vals = {synced[k]: vals[k] for k in synced if k in vals}
        if "user_id" in vals:
            task_vals["user_ids"] = [fields.Command.set([vals["user_id"]] if vals["user_id"] else [])]
        if task_vals:
            self.task_id.sudo().write(task_vals)
        return result

    def _erp_make_task(self):
        """One task per action item: created once, linked back (saving the meeting again makes no other)."""
        for action in self.filtered(lambda a: not a.task_id):
            task = (
                self.env["project.task"]
                .sudo()
                .create(
                    {
                        "name": action.name,
                        "project_id": action.meeting_id.project_id.id,
                        "user_ids": [fields.Command.set(action.user_id.ids)],
                        "date_deadline": action.date_deadline,
                        "description": self.env._("Action item of %s", action.meeting_id.name),
                    }
                )
            )
            action.task_id = task
