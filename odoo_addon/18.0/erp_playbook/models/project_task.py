# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ProjectTask(models.Model):
    _inherit = "project.task"

    erp_phase_id = fields.Many2one("erp.project.phase", string="Implementation Phase", index=True, ondelete="set null")
    erp_item_key = fields.Char(string="Playbook Item Key", index=True, copy=False)
    erp_item_type = fields.Selection(
        [("phase", "Phase"), ("checklist", "Checklist Item"), ("deliverable", "Deliverable")],
        string="Playbook Item Type",
    )
    erp_deliverable_kind = fields.Selection(
        [("phase_plan", "Phase Plan"), ("phase_summary", "Phase Summary"), ("document", "Document")],
        string="Deliverable Kind",
    )
    erp_change_request_id = fields.Many2one(
        "erp.change.request",
        string="Change Request",
        ondelete="set null",
        index=True,
        domain="[('project_id', '=', project_id)]",
        help="Work on a change request counts as unfunded until the customer signs it (lesson 12).",
    )

    def write(self, vals):
        if vals.get("stage_id"):
            # Only tasks that really move: re-provisioning the same stage must not start phases.
            self.filtered(lambda t: t.stage_id.id != vals["stage_id"])._start_phases_of_stage(vals["stage_id"])
        return super().write(vals)

    def _start_phases_of_stage(self, stage_id):
        """Moving work into a phase's stage starts that phase, so its hard gates are checked then."""
        projects = self.project_id
        if not projects:
            return
        phases = (
            self.env["erp.project.phase"]
            .sudo()
            .search([("stage_id", "=", stage_id), ("project_id", "in", projects.ids), ("state", "=", "draft")])
        )
        if phases:
            phases.action_start()
