# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The issue and requirement register (lessons 19 and 27): what the customer raised, who owns it, and for an unmet
requirement one of the playbook's dispositions with its reason, never a flat refusal.

Kinds and dispositions are the playbook's (``register.kinds`` / ``register.dispositions`` of the JSON
``playbook odoo install`` pushes), loaded as ``erp.playbook.register.option``: there is no second list here.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

STATES = [("new", "New"), ("in_progress", "In Progress"), ("resolved", "Resolved"), ("closed", "Closed")]
DONE_STATES = ("resolved", "closed")


class ErpPlaybookRegisterOption(models.Model):
    _name = "erp.playbook.register.option"
    _inherit = "erp.playbook.item.mixin"
    _description = "Playbook Register Kind or Disposition"
    _order = "playbook_id, option_type, sequence, id"

    option_type = fields.Selection(
        [("kind", "Kind"), ("disposition", "Disposition")], string="Type", required=True, default="kind"
    )

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (playbook_id, key)", "Keys must be unique within a playbook.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(playbook_id, key)", "Keys must be unique within a playbook.")]


class ErpPlaybook(models.Model):
    _inherit = "erp.playbook"

    register_option_ids = fields.One2many(
        "erp.playbook.register.option", "playbook_id", string="Register Kinds and Dispositions"
    )


class ProjectProject(models.Model):
    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    erp_register_item_ids = fields.One2many("erp.register.item", "project_id", string="Register")
    erp_register_open_count = fields.Integer(string="Open Register Items", compute="_compute_erp_register_count")

    def _compute_erp_register_count(self):
        groups = self.env["erp.register.item"]._read_group(
            [("project_id", "in", self.ids), ("state", "not in", DONE_STATES)], ["project_id"], ["__count"]
        )
        counts = {project.id: count for project, count in groups}
        for project in self:
            project.erp_register_open_count = counts.get(project.id, 0)

    def action_erp_open_register(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("erp_playbook.erp_register_item_action")
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id, "search_default_open": 1}
        return action


class ErpRegisterItem(models.Model):
    _name = "erp.register.item"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Register Item (Issue or Requirement)"
    _order = "project_id, id desc"

    name = fields.Char(string="Title", required=True, tracking=True)
    description = fields.Text()
    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True, tracking=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    partner_id = fields.Many2one(related="project_id.partner_id", string="Customer", store=True)
    playbook_id = fields.Many2one(related="project_id.erp_playbook_id")
    kind_id = fields.Many2one(
        "erp.playbook.register.option",
        required=True,
        tracking=True,
        domain="[('option_type', '=', 'kind'), ('playbook_id', '=', playbook_id)]",
    )
    kind = fields.Char(related="kind_id.key", store=True, string="Kind Key", index=True)
    disposition_id = fields.Many2one(
        "erp.playbook.register.option",
        tracking=True,
        domain="[('option_type', '=', 'disposition'), ('playbook_id', '=', playbook_id)]",
        help="How a requirement the product cannot meet is handled (lesson 27): never a flat refusal.",
    )
    disposition = fields.Char(related="disposition_id.key", store=True, string="Disposition Key", index=True)
    disposition_reason = fields.Text(tracking=True, help="Why this disposition: what the customer is told.")
    outcome = fields.Selection(
        [("met", "Met"), ("unmet", "Not Met")],
        tracking=True,
        help="For a requirement: whether the product meets it. One not met is closed with a disposition and reason.",
    )
    user_id = fields.Many2one("res.users", string="Owner", tracking=True, default=lambda self: self.env.user)
    phase_id = fields.Many2one(
        "erp.project.phase", tracking=True, domain="[('project_id', '=', project_id)]"
    )
    state = fields.Selection(STATES, default="new", required=True, tracking=True, index=True, copy=False)
    raised_by_id = fields.Many2one(
        "res.partner", tracking=True, help="The customer's contact who raised it."
    )
    date_raised = fields.Date(default=fields.Date.context_today, required=True)
    date_deadline = fields.Date(string="Deadline", tracking=True)
    date_closed = fields.Date(copy=False, readonly=True)
    source_ref = fields.Char(
        string="Source",
        copy=False,
        readonly=True,
        index=True,
        help="Where it was brought over from: odoo-task:<id> or jira:<issue key>. One item per source and project.",
    )
    task_id = fields.Many2one("project.task", ondelete="set null", copy=False)

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _source_uniq = models.Constraint(
            "UNIQUE (project_id, source_ref)", "This source is already in the project's register."
        )
    else:  # Odoo 18
        _sql_constraints = [
            ("source_uniq", "unique(project_id, source_ref)", "This source is already in the project's register.")
        ]

    @api.constrains("kind_id", "disposition_id", "project_id")
    def _check_options_of_the_playbook(self):
        for item in self:
            playbook = item.project_id.erp_playbook_id
            options = item.kind_id | item.disposition_id
            if playbook and options.filtered(lambda o, p=playbook: o.playbook_id != p):
                raise ValidationError(
                    self.env._(
                        "Register item '%(name)s': its kind and disposition must come from the project's playbook "
                        "(%(playbook)s).",
                        name=item.name,
                        playbook=playbook.display_name,
                    )
                )
            wrong_disposition = item.disposition_id and item.disposition_id.option_type != "disposition"
            if item.kind_id.option_type != "kind" or wrong_disposition:
                raise ValidationError(
                    self.env._("Register item '%s': the kind must be a kind, the disposition a disposition.", item.name)
                )

    @api.constrains("state", "outcome", "disposition_id", "disposition_reason", "kind")
    def _check_unmet_requirement_has_disposition(self):
        """Lesson 27: a requirement the product does not meet is closed only with a disposition and its reason."""
        for item in self.filtered(lambda i: i.kind == "requirement" and i.state in DONE_STATES):
            if not item.outcome:
                raise ValidationError(
                    self.env._(
                        "Requirement '%(name)s' cannot be %(state)s before you say whether it is met (Outcome).",
                        name=item.name,
                        state=dict(STATES)[item.state].lower(),
                    )
                )
            if item.outcome == "unmet" and not (item.disposition_id and (item.disposition_reason or "").strip()):
                dispositions = self.env["erp.playbook.register.option"].search(
                    [("playbook_id", "=", item.project_id.erp_playbook_id.id), ("option_type", "=", "disposition")]
                )
                raise ValidationError(
                    self.env._(
                        "Requirement '%(name)s' cannot be closed as not met without a disposition and its reason "
                        "(lesson 27: never a flat refusal). Choose one of: %(dispositions)s, and write why.",
                        name=item.name,
                        dispositions=", ".join(dispositions.mapped("name")) or "-",
                    )
                )

    def write(self, vals):
        if vals.get("state") in DONE_STATES and "date_closed" not in vals:
            vals = dict(vals, date_closed=fields.Date.context_today(self))
        elif vals.get("state") in ("new", "in_progress"):
            vals = dict(vals, date_closed=False)
        return super().write(vals)

    # -- workflow --------------------------------------------------------------------------------------
    def action_start(self):
        self.write({"state": "in_progress"})
        return True

    def action_resolve(self):
        self.write({"state": "resolved"})
        return True

    def action_close(self):
        self.write({"state": "closed"})
        return True

    def action_reopen(self):
        self.write({"state": "in_progress"})
        return True

    # -- portal ----------------------------------------------------------------------------------------
    def _compute_access_url(self):
        result = super()._compute_access_url()
        for item in self:
            item.access_url = f"/my/register/{item.id}"
        return result

    @api.model
    def _erp_portal_projects(self, partner):
        """The playbook projects whose register this customer contact may see and add to."""
        return self.env["project.project"].sudo().search(
            [
                ("partner_id", "child_of", [partner.commercial_partner_id.id]),
                ("erp_playbook_id", "!=", False),
            ]
        )

    @api.model
    def portal_raise(self, project_id, kind_key, name, description=None):
        """A customer contact raises an item on one of their company's projects (checked, then created sudo)."""
        partner = self.env.user.partner_id
        project = self._erp_portal_projects(partner).filtered(lambda p: p.id == int(project_id or 0))
        if not project:
            raise AccessError(self.env._("You can raise items only on your own company's projects."))
        kind = project.erp_playbook_id.register_option_ids.filtered(
            lambda o: o.option_type == "kind" and o.key == kind_key
        )
        if not kind:
            raise ValidationError(self.env._("Choose whether it is an issue or a requirement."))
        if not (name or "").strip():
            raise ValidationError(self.env._("Give the item a title."))
        item = self.sudo().create(
            {
                "project_id": project.id,
                "kind_id": kind.id,
                "name": name.strip(),
                "description": (description or "").strip() or False,
                "raised_by_id": partner.id,
                "user_id": project.user_id.id or False,
            }
        )
        item.message_subscribe(partner_ids=partner.ids)
        return item
