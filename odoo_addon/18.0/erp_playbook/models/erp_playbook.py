# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Playbook templates: what a methodology prescribes, independent of any project."""

from odoo import api, fields, models

from .playbook_loader import PlaybookLoader

SIZES = [("small", "Small"), ("medium", "Medium"), ("large", "Large")]


class ErpPlaybook(models.Model):
    _name = "erp.playbook"
    _description = "Implementation Playbook"
    _order = "name, id"

    key = fields.Char(required=True, index=True)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    version = fields.Char(help="Version of the playbook data last loaded, e.g. 1.2.0.")
    hours_per_day = fields.Float(default=8.0, help="Hours that make one man-day.")
    active = fields.Boolean(default=True)
    phase_ids = fields.One2many("erp.playbook.phase", "playbook_id", string="Phases")
    checklist_ids = fields.One2many("erp.playbook.checklist", "playbook_id", string="Checklist Items")
    gate_ids = fields.One2many("erp.playbook.gate", "playbook_id", string="Gates")
    payment_ids = fields.One2many("erp.playbook.payment", "playbook_id", string="Payment Milestones")
    role_ids = fields.One2many("erp.playbook.role", "playbook_id", string="Roles")
    cadence_ids = fields.One2many("erp.playbook.cadence", "playbook_id", string="Cadences")
    project_ids = fields.One2many("project.project", "erp_playbook_id", string="Projects")
    phase_count = fields.Integer(compute="_compute_counts")
    project_count = fields.Integer(compute="_compute_counts")

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (key)", "A playbook with this key already exists.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(key)", "A playbook with this key already exists.")]

    @api.depends("phase_ids", "project_ids")
    def _compute_counts(self):
        for playbook in self:
            playbook.phase_count = len(playbook.phase_ids)
            playbook.project_count = len(playbook.project_ids)

    @api.model
    def load_playbook(self, data):
        """Create or upgrade a playbook from the connector's JSON (``Playbook.model_dump(mode="json")``).

        Returns ``{"created": n, "updated": n, "archived": n}``. See ``playbook_loader``.
        """
        return PlaybookLoader(self.env).load(data)


class ErpPlaybookItemMixin(models.AbstractModel):
    """Key, names and archiving shared by every template item."""

    _name = "erp.playbook.item.mixin"
    _description = "Playbook Template Item"

    playbook_id = fields.Many2one("erp.playbook", required=True, ondelete="cascade", index=True)
    key = fields.Char(required=True, index=True)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)


class ErpPlaybookPhase(models.Model):
    _name = "erp.playbook.phase"
    _inherit = "erp.playbook.item.mixin"
    _description = "Playbook Phase"
    _order = "playbook_id, sequence, id"

    budget_share = fields.Float(
        string="Budget Share (%)", help="Percent of the project's man-day budget planned for this phase."
    )
    checklist_ids = fields.One2many("erp.playbook.checklist", "phase_id", string="Items")
    gate_ids = fields.One2many("erp.playbook.gate", "phase_id", string="Gates")

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (playbook_id, key)", "Keys must be unique within a playbook.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(playbook_id, key)", "Keys must be unique within a playbook.")]


class ErpPlaybookScopeMixin(models.AbstractModel):
    """Sizes and industries an item is limited to (the connector's ``Scoped``): empty means every one."""

    _name = "erp.playbook.scope.mixin"
    _description = "Playbook Item Scope"

    sizes = fields.Char(help="Comma-separated project sizes this item applies to; empty means every size.")
    industries = fields.Char(help="Comma-separated industry keys this item applies to; empty means every industry.")

    def applies_to(self, size, industry):
        """Whether this item belongs in a project of this size and industry."""
        self.ensure_one()
        sizes = [s for s in (self.sizes or "").split(",") if s]
        industries = [i for i in (self.industries or "").split(",") if i]
        return (not sizes or size in sizes) and (not industries or industry in industries)


class ErpPlaybookChecklist(models.Model):
    _name = "erp.playbook.checklist"
    _inherit = ["erp.playbook.item.mixin", "erp.playbook.scope.mixin"]
    _description = "Playbook Checklist Item or Deliverable"
    _order = "playbook_id, phase_id, sequence, id"

    phase_id = fields.Many2one("erp.playbook.phase", required=True, ondelete="cascade", index=True)
    item_type = fields.Selection(
        [("checklist", "Checklist Item"), ("deliverable", "Deliverable")], required=True, default="checklist"
    )
    deliverable_kind = fields.Selection(
        [("phase_plan", "Phase Plan"), ("phase_summary", "Phase Summary"), ("document", "Document")]
    )
    role_key = fields.Char(string="Role", help="Key of the role that does this item.")

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (playbook_id, key)", "Keys must be unique within a playbook.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(playbook_id, key)", "Keys must be unique within a playbook.")]


class ErpPlaybookGate(models.Model):
    _name = "erp.playbook.gate"
    _inherit = ["erp.playbook.item.mixin", "erp.playbook.scope.mixin"]
    _description = "Playbook Sign-off Gate"
    _order = "playbook_id, phase_id, sequence, id"

    phase_id = fields.Many2one("erp.playbook.phase", required=True, ondelete="cascade", index=True)
    document = fields.Char(translate=True, help="The document the customer signs.")
    signed_by = fields.Char(help="Key of the role that signs.")
    hard = fields.Boolean(help="A hard gate blocks the phase it names, and every later one, until it is signed.")
    hard_sizes = fields.Char(help="Comma-separated project sizes on which the gate is hard (when not hard for all).")
    evidence_required = fields.Boolean(help="A document must be attached before the sign-off can be signed.")
    certificate = fields.Boolean(
        string="Phase Certificate", help="The phase confirmation certificate a large project signs to close a phase."
    )
    blocks_phase_id = fields.Many2one("erp.playbook.phase", ondelete="set null")

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (playbook_id, key)", "Keys must be unique within a playbook.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(playbook_id, key)", "Keys must be unique within a playbook.")]

    def is_hard_for(self, size):
        """Whether the gate blocks in a project of this size (the connector's ``Gate.is_hard``)."""
        self.ensure_one()
        return self.hard or size in (self.hard_sizes or "").split(",")


class ErpPlaybookPayment(models.Model):
    _name = "erp.playbook.payment"
    _inherit = "erp.playbook.item.mixin"
    _description = "Playbook Payment Milestone"
    _order = "playbook_id, sequence, id"

    percent = fields.Float(string="Percent of Contract")
    gate_id = fields.Many2one("erp.playbook.gate", string="Triggering Gate", ondelete="set null")
    grace_days = fields.Integer(default=30, help="Days after the due date before an unpaid invoice is overdue.")
    delay_days = fields.Integer(help="Days after the gate before the payment falls due (retention).")

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (playbook_id, key)", "Keys must be unique within a playbook.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(playbook_id, key)", "Keys must be unique within a playbook.")]


class ErpPlaybookRole(models.Model):
    _name = "erp.playbook.role"
    _inherit = "erp.playbook.item.mixin"
    _description = "Playbook Role"
    _order = "playbook_id, sequence, id"

    party = fields.Selection([("customer", "Customer"), ("implementer", "Implementer"), ("both", "Both")])

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (playbook_id, key)", "Keys must be unique within a playbook.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(playbook_id, key)", "Keys must be unique within a playbook.")]


class ErpPlaybookCadence(models.Model):
    _name = "erp.playbook.cadence"
    _inherit = "erp.playbook.item.mixin"
    _description = "Playbook Cadence"
    _order = "playbook_id, sequence, id"

    frequency = fields.Selection(
        [("weekly", "Weekly"), ("per_phase", "Per Phase"), ("per_visit", "Per Visit"), ("monthly", "Monthly")]
    )
    owner_role_key = fields.Char(string="Owner Role")

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (playbook_id, key)", "Keys must be unique within a playbook.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(playbook_id, key)", "Keys must be unique within a playbook.")]
