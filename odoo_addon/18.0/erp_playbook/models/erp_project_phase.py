# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Sign-offs in these states no longer hold a phase back: signed, or replaced by a newer request.
RELEASED_SIGNOFF_STATES = ("signed", "superseded")


def man_days_by(env, group_field, ids, extra_domain=None):
    """Timesheet hours summed in SQL per ``group_field`` value: ``{id: hours}``."""
    if not ids:
        return {}
    domain = [(group_field, "in", list(ids)), ("project_id", "!=", False)] + (extra_domain or [])
    groups = env["account.analytic.line"].sudo()._read_group(domain, [group_field], ["unit_amount:sum"])
    return {record.id: hours for record, hours in groups}


class ErpProjectPhase(models.Model):
    _name = "erp.project.phase"
    _inherit = ["mail.thread"]
    _description = "Implementation Phase"
    _order = "project_id, sequence, id"

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    key = fields.Char(required=True, index=True)
    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    template_id = fields.Many2one("erp.playbook.phase", string="Playbook Phase", ondelete="set null")
    stage_id = fields.Many2one("project.task.type", string="Task Stage", ondelete="set null")
    task_id = fields.Many2one("project.task", string="Phase Task", ondelete="set null")
    state = fields.Selection(
        [("draft", "Not Started"), ("in_progress", "In Progress"), ("done", "Done")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        group_expand="_expand_states",
    )
    date_start = fields.Date(tracking=True, copy=False)
    date_done = fields.Date(tracking=True, copy=False)
    hours_per_day = fields.Float(related="project_id.erp_hours_per_day")
    budget_man_days = fields.Float(string="Budget (man-days)", tracking=True)
    spent_man_days = fields.Float(
        string="Spent (man-days)",
        compute="_compute_man_days",
        help="Timesheet hours on the phase's tasks / hours per day.",
    )
    remaining_man_days = fields.Float(string="Remaining (man-days)", compute="_compute_man_days")
    signed_man_days = fields.Float(
        string="Signed (man-days)",
        compute="_compute_man_days",
        help="Man-days in timesheet lines the customer confirmed (the signed implementation log).",
    )
    burn_percent = fields.Float(string="Budget Used (%)", compute="_compute_man_days")
    item_task_ids = fields.One2many(
        "project.task", "erp_phase_id", string="Checklist and Deliverables", domain=[("erp_item_type", "!=", "phase")]
    )
    plan_task_id = fields.Many2one("project.task", string="Phase Plan", compute="_compute_deliverables")
    summary_task_id = fields.Many2one("project.task", string="Phase Summary", compute="_compute_deliverables")
    item_count = fields.Integer(compute="_compute_progress")
    item_done_count = fields.Integer(compute="_compute_progress")
    progress = fields.Float(string="Checklist Progress (%)", compute="_compute_progress")
    signoff_ids = fields.One2many("erp.signoff", "phase_id", string="Sign-offs")
    blocking_signoff_ids = fields.One2many(
        "erp.signoff", "blocks_phase_id", string="Blocking Sign-offs", domain=[("hard", "=", True)]
    )
    is_blocked = fields.Boolean(compute="_compute_is_blocked", help="A hard gate before this phase is not signed yet.")

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (project_id, key)", "A phase key must be unique within a project.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(project_id, key)", "A phase key must be unique within a project.")]

    def _compute_man_days(self):
        hours = man_days_by(self.env, "erp_phase_id", self.ids)
        signed = man_days_by(self.env, "erp_phase_id", self.ids, [("erp_customer_confirmed", "=", True)])
        for phase in self:
            per_day = phase.project_id.erp_hours_per_day or 8.0
            phase.spent_man_days = hours.get(phase.id, 0.0) / per_day
            phase.signed_man_days = signed.get(phase.id, 0.0) / per_day
            phase.remaining_man_days = phase.budget_man_days - phase.spent_man_days
            phase.burn_percent = 100.0 * phase.spent_man_days / phase.budget_man_days if phase.budget_man_days else 0.0

    def _expand_states(self, states, domain):
        # Kanban shows every state as a column, in workflow order, even when empty.
        return [key for key, _label in self._fields["state"].selection]

    @api.depends("item_task_ids.erp_deliverable_kind")
    def _compute_deliverables(self):
        for phase in self:
            items = phase.item_task_ids
            phase.plan_task_id = items.filtered(lambda t: t.erp_deliverable_kind == "phase_plan")[:1]
            phase.summary_task_id = items.filtered(lambda t: t.erp_deliverable_kind == "phase_summary")[:1]

    def _compute_progress(self):
        Task = self.env["project.task"]
        domain = [("erp_phase_id", "in", self.ids), ("erp_item_type", "in", ("checklist", "deliverable"))]
        totals = dict(Task._read_group(domain, ["erp_phase_id"], ["__count"]))
        done = dict(Task._read_group(domain + [("state", "=", "1_done")], ["erp_phase_id"], ["__count"]))
        for phase in self:
            phase.item_count = totals.get(phase, 0)
            phase.item_done_count = done.get(phase, 0)
            phase.progress = 100.0 * phase.item_done_count / phase.item_count if phase.item_count else 0.0

    @api.depends("blocking_signoff_ids.state")
    def _compute_is_blocked(self):
        for phase in self:
            phase.is_blocked = bool(phase._unsigned_hard_gates())

    def _unsigned_hard_gates(self):
        """Hard gates not signed (nor overridden by a manager) that name this phase or an earlier one of the
        project: lesson 12, nothing proceeds before them (erp_phase_gates.py, account_analytic_line.py)."""
        self.ensure_one()
        return (
            self.env["erp.signoff"]
            .sudo()
            .search(
                [
                    ("project_id", "=", self.project_id.id),
                    ("hard", "=", True),
                    ("blocks_phase_id", "!=", False),
                    ("blocks_phase_id.sequence", "<=", self.sequence),
                    ("state", "not in", RELEASED_SIGNOFF_STATES),
                    ("overridden_by_id", "=", False),
                ]
            )
        )

    def _erp_gate_names(self):
        """The unsigned hard gates holding this phase, quoted for messages ('' when none)."""
        return ", ".join(f"'{name}'" for name in self._unsigned_hard_gates().mapped("name"))

    @api.constrains("state")
    def _check_hard_gates(self):
        """The server, not the UI, refuses to start a phase whose hard gates are not signed."""
        for phase in self.filtered(lambda p: p.state != "draft"):
            gates = phase._erp_gate_names()
            if gates:
                raise ValidationError(
                    self.env._(
                        "Phase '%(phase)s' cannot start: the hard sign-off %(gates)s is not signed yet. "
                        "Have the customer sign it first.",
                        phase=phase.name,
                        gates=gates,
                    )
                )

    def action_start(self):
        self.write({"state": "in_progress", "date_start": fields.Date.context_today(self)})
        return True

    def action_done(self):
        self.write({"state": "done", "date_done": fields.Date.context_today(self)})
        return True

    def action_reset(self):
        self.write({"state": "draft", "date_done": False})
        return True

    def action_open_timesheets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("hr_timesheet.timesheet_action_all")
        action["domain"] = [("erp_phase_id", "=", self.id)]
        action["context"] = {"default_project_id": self.project_id.id, "search_default_groupby_employee": 1}
        return action
