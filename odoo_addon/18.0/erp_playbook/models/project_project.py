# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .erp_change_request import UNFUNDED_STATES
from .erp_project_phase import man_days_by
from .plan_split import MAN_DAY_STEP, MONEY_STEP, cents, is_multiple, split

INTERNAL = "erp_playbook.group_erp_user"


class ProjectProject(models.Model):
    _inherit = "project.project"

    erp_playbook_id = fields.Many2one("erp.playbook", string="Playbook", tracking=True, index=True)
    erp_size = fields.Selection(
        [("small", "Small"), ("medium", "Medium"), ("large", "Large")], string="Project Size", tracking=True
    )
    erp_industry = fields.Char(string="Industry", help="Industry key of the playbook (e.g. distribution).")
    erp_man_day_budget = fields.Float(string="Man-day Budget", tracking=True, groups=INTERNAL)
    erp_hours_per_day = fields.Float(string="Hours per Man-day", default=8.0, groups=INTERNAL)
    erp_contract_amount = fields.Monetary(
        string="Contract Amount", currency_field="currency_id", tracking=True, groups=INTERNAL
    )
    erp_phase_ids = fields.One2many("erp.project.phase", "project_id", string="Phases", groups=INTERNAL)
    erp_signoff_ids = fields.One2many("erp.signoff", "project_id", string="Sign-offs")
    erp_payment_ids = fields.One2many(
        "erp.payment.milestone", "project_id", string="Payment Milestones", groups=INTERNAL
    )
    erp_man_days_spent = fields.Float(string="Man-days Spent", compute="_compute_erp_man_days", groups=INTERNAL)
    erp_man_days_remaining = fields.Float(string="Man-days Remaining", compute="_compute_erp_man_days", groups=INTERNAL)
    erp_man_days_signed = fields.Float(string="Man-days Signed", compute="_compute_erp_man_days", groups=INTERNAL)
    erp_burn_percent = fields.Float(string="Budget Used (%)", compute="_compute_erp_man_days", groups=INTERNAL)
    erp_current_phase_id = fields.Many2one(
        "erp.project.phase", string="Current Phase", compute="_compute_erp_dashboard", groups=INTERNAL
    )
    erp_phase_progress = fields.Float(string="Phases Done (%)", compute="_compute_erp_dashboard", groups=INTERNAL)
    erp_gate_count = fields.Integer(string="Gates", compute="_compute_erp_dashboard", groups=INTERNAL)
    erp_gate_signed_count = fields.Integer(string="Gates Signed", compute="_compute_erp_dashboard", groups=INTERNAL)
    erp_overdue_count = fields.Integer(string="Overdue Payments", compute="_compute_erp_dashboard", groups=INTERNAL)
    erp_overdue_amount = fields.Monetary(
        string="Overdue Amount", compute="_compute_erp_dashboard", currency_field="currency_id", groups=INTERNAL
    )

    def _compute_erp_man_days(self):
        hours = man_days_by(self.env, "project_id", self.ids)
        signed = man_days_by(self.env, "project_id", self.ids, [("erp_customer_confirmed", "=", True)])
        for project in self:
            per_day = project.erp_hours_per_day or 8.0
            project.erp_man_days_spent = hours.get(project.id, 0.0) / per_day
            project.erp_man_days_signed = signed.get(project.id, 0.0) / per_day
            project.erp_man_days_remaining = project.erp_man_day_budget - project.erp_man_days_spent
            project.erp_burn_percent = (
                100.0 * project.erp_man_days_spent / project.erp_man_day_budget if project.erp_man_day_budget else 0.0
            )

    def _compute_erp_dashboard(self):
        Phase = self.env["erp.project.phase"]
        Signoff = self.env["erp.signoff"]
        phase_total = dict(Phase._read_group([("project_id", "in", self.ids)], ["project_id"], ["__count"]))
        phase_done = dict(
            Phase._read_group([("project_id", "in", self.ids), ("state", "=", "done")], ["project_id"], ["__count"])
        )
        live = [("project_id", "in", self.ids), ("state", "!=", "superseded")]
        gates = dict(Signoff._read_group(live, ["project_id"], ["__count"]))
        signed = dict(Signoff._read_group(live + [("state", "=", "signed")], ["project_id"], ["__count"]))
        overdue = self.env["erp.payment.milestone"].search([("project_id", "in", self.ids), ("is_overdue", "=", True)])
        for project in self:
            project.erp_current_phase_id = Phase.search(
                [("project_id", "=", project.id), ("state", "=", "in_progress")], order="sequence desc", limit=1
            )
            total = phase_total.get(project, 0)
            project.erp_phase_progress = 100.0 * phase_done.get(project, 0) / total if total else 0.0
            project.erp_gate_count = gates.get(project, 0)
            project.erp_gate_signed_count = signed.get(project, 0)
            mine = overdue.filtered(lambda m, p=project: m.project_id == p)
            project.erp_overdue_count = len(mine)
            project.erp_overdue_amount = sum(m.amount_residual or m.amount for m in mine)

    @api.onchange("erp_playbook_id")
    def _onchange_erp_playbook_id(self):
        if self.erp_playbook_id and self.erp_playbook_id.hours_per_day:
            self.erp_hours_per_day = self.erp_playbook_id.hours_per_day

    # -- planning from the playbook ----------------------------------------------------------------------
    def action_erp_apply_playbook(self):
        """Add what the playbook prescribes and the project lacks; never changes or removes what exists."""
        for project in self:
            if not project.erp_playbook_id:
                raise UserError(self.env._("Choose a playbook on project '%s' first.", project.name))
            counts = project._erp_apply_playbook()
            project.message_post(
                body=self.env._(
                    "Playbook '%(playbook)s' applied: %(phases)s phases, %(items)s items, %(gates)s sign-offs "
                    "and %(payments)s payment milestones added.",
                    playbook=project.erp_playbook_id.name,
                    **counts,
                )
            )
        return True

    def _erp_apply_playbook(self):
        """The records the connector's ``build_plan`` + provisioner create, by the same rules (plan_split)."""
        self.ensure_one()
        playbook = self.erp_playbook_id
        size, industry = self.erp_size or "medium", self.erp_industry or False
        if not is_multiple(self.erp_man_day_budget, MAN_DAY_STEP):
            raise UserError(
                self.env._(
                    "The man-day budget of project '%(project)s' is %(budget)s: budgets are planned in half days, "
                    "so enter a multiple of 0.5.",
                    project=self.name,
                    budget=self.erp_man_day_budget,
                )
            )
        budgets = split(self.erp_man_day_budget, playbook.phase_ids.mapped("budget_share"), MAN_DAY_STEP)
        amounts = split(cents(self.erp_contract_amount), playbook.payment_ids.mapped("percent"), MONEY_STEP)
        counts = {"phases": 0, "items": 0, "gates": 0, "payments": 0}
        phases = {p.key: p for p in self.with_context(active_test=False).erp_phase_ids}
        task_keys = set(
            self.env["project.task"]
            .with_context(active_test=False)
            .search([("project_id", "=", self.id), ("erp_item_key", "!=", False)])
            .mapped("erp_item_key")
        )
        for template, budget in zip(playbook.phase_ids, budgets, strict=True):
            if template.key not in phases:
                phases[template.key] = self._erp_create_phase(template, float(budget))
                task_keys.add(template.key)
                counts["phases"] += 1
            phase = phases[template.key]
            for item in template.checklist_ids:
                if item.key in task_keys or not item.applies_to(size, industry):
                    continue
                self.env["project.task"].create(
                    {
                        "name": item.name,
                        "project_id": self.id,
                        "parent_id": phase.task_id.id or False,
                        "stage_id": phase.stage_id.id or False,
                        "erp_phase_id": phase.id,
                        "erp_item_key": item.key,
                        "erp_item_type": item.item_type,
                        "erp_deliverable_kind": item.deliverable_kind or False,
                        "description": item.description or False,
                    }
                )
                task_keys.add(item.key)
                counts["items"] += 1
        signoffs = {s.key: s for s in self.erp_signoff_ids}
        # A gate's sequence counts only the gates of its phase this project has (as the connector does).
        position = Counter()
        for gate in playbook.gate_ids.filtered(lambda g: g.applies_to(size, industry)):
            position[gate.phase_id.id] += 1
            if gate.key in signoffs:
                continue
            blocks = phases.get(gate.blocks_phase_id.key) if gate.blocks_phase_id else None
            signoffs[gate.key] = self.env["erp.signoff"].create(
                {
                    "project_id": self.id,
                    "key": gate.key,
                    "name": gate.name,
                    "sequence": gate.phase_id.sequence * 100 + position[gate.phase_id.id],
                    "template_id": gate.id,
                    "document": gate.document or False,
                    "hard": gate.is_hard_for(size),
                    "evidence_required": gate.evidence_required,
                    "is_certificate": gate.certificate,
                    "phase_id": phases[gate.phase_id.key].id if gate.phase_id.key in phases else False,
                    "blocks_phase_id": blocks.id if blocks else False,
                }
            )
            counts["gates"] += 1
        existing_payments = set(self.erp_payment_ids.mapped("key"))
        for payment, amount in zip(playbook.payment_ids, amounts, strict=True):
            if payment.key in existing_payments:
                continue
            # A payment whose gate this project does not have falls due on the contract instead.
            gate = signoffs.get(payment.gate_id.key) if payment.gate_id else None
            self.env["erp.payment.milestone"].create(
                {
                    "project_id": self.id,
                    "key": payment.key,
                    "name": payment.name,
                    "sequence": payment.sequence,
                    "template_id": payment.id,
                    "percent": payment.percent,
                    "amount": float(amount),
                    "signoff_id": gate.id if gate else False,
                    "grace_days": payment.grace_days,
                    "delay_days": payment.delay_days,
                }
            )
            counts["payments"] += 1
        return counts

    def _erp_create_phase(self, template, budget):
        stage = self.env["project.task.type"].create(
            {"name": template.name, "sequence": template.sequence, "project_ids": [fields.Command.link(self.id)]}
        )
        task = self.env["project.task"].create(
            {
                "name": template.name,
                "project_id": self.id,
                "stage_id": stage.id,
                "allocated_hours": budget * self.erp_hours_per_day,
                "erp_item_key": template.key,
                "erp_item_type": "phase",
                "description": template.description or False,
            }
        )
        phase = self.env["erp.project.phase"].create(
            {
                "project_id": self.id,
                "key": template.key,
                "name": template.name,
                "sequence": template.sequence,
                "template_id": template.id,
                "stage_id": stage.id,
                "task_id": task.id,
                "budget_man_days": budget,
            }
        )
        task.erp_phase_id = phase
        return phase

    def action_erp_dashboard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Implementation Dashboard"),
            "res_model": "project.project",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("erp_playbook.project_project_view_form_erp_dashboard").id, "form")],
            "target": "current",
        }

    # -- a good citizen: Odoo's own rights still work ----------------------------------------------------
    def copy_data(self, default=None):
        """Duplicating a project stays a Project Administrator's right with the addon installed.

        Odoo's copy reads every copyable field, and reading one restricted to the playbook's groups (the
        man-day budget, the contract amount) raises AccessError for anyone outside them: the whole copy
        would fail. Those fields are left out of such a user's copy (they get their defaults), exactly what
        the user could have typed; a playbook user's copy keeps them.
        """
        default = dict(default or {})
        hidden = [
            name
            for name, field in self._fields.items()
            if field.copy and field.groups and name not in default and not self._erp_can_read(field)
        ]
        if not hidden:
            return super().copy_data(default=default)
        # A value in ``default`` stops Odoo from reading the field; it is then dropped so the default applies.
        vals_list = super().copy_data(default=dict(default, **dict.fromkeys(hidden, False)))
        for vals in vals_list:
            for name in hidden:
                if vals:
                    vals.pop(name, None)
        return vals_list

    def _erp_can_read(self, field):
        return self.env.su or self.env.user.has_groups(field.groups)

    # -- the customer's side: contract date, acceptance criteria, key users, customer PM, change requests --
    erp_contract_date = fields.Date(
        string="Contract Date", tracking=True, help="The contract-signing payment falls due on this date."
    )
    erp_acceptance_criteria = fields.Text(
        string="Acceptance Criteria",
        help="Agreed at kickoff (lesson 2); printed on the acceptance certificate.",
    )
    erp_key_user_ids = fields.Many2many(
        "res.partner",
        "erp_project_key_user_rel",
        "project_id",
        "partner_id",
        string="Key Users",
        help="The customer's key users (lesson 18): handover cannot be confirmed without at least one.",
    )
    erp_customer_pm_id = fields.Many2one(
        "res.partner", string="Customer PM", tracking=True, help="The customer's project manager (lesson 34)."
    )
    erp_change_request_ids = fields.One2many(
        "erp.change.request", "project_id", string="Change Requests", groups=INTERNAL
    )
    erp_change_man_days = fields.Float(
        string="Signed Change Requests (man-days)", compute="_compute_erp_changes", groups=INTERNAL
    )
    erp_man_day_budget_total = fields.Float(
        string="Budget with Changes",
        compute="_compute_erp_changes",
        groups=INTERNAL,
        help="Contracted man-days plus the days of change requests the customer signed.",
    )
    erp_unfunded_man_days = fields.Float(
        string="Unfunded Scope (man-days)",
        compute="_compute_erp_changes",
        groups=INTERNAL,
        help="Time logged on change requests the customer has not signed.",
    )

    @api.constrains("erp_key_user_ids", "erp_customer_pm_id", "partner_id")
    def _check_erp_customer_contacts(self):
        for project in self:
            customer = project.partner_id.commercial_partner_id
            people = project.erp_key_user_ids | project.erp_customer_pm_id
            strangers = people.filtered(lambda p, c=customer: p.commercial_partner_id != c)
            if strangers:
                raise ValidationError(
                    self.env._(
                        "Key users and the customer PM of '%(project)s' must be contacts of its customer "
                        "(%(customer)s): %(names)s.",
                        project=project.name,
                        customer=customer.display_name or "-",
                        names=", ".join(strangers.mapped("display_name")),
                    )
                )

    @api.depends("erp_change_request_ids.state", "erp_change_request_ids.man_days")
    def _compute_erp_changes(self):
        CR = self.env["erp.change.request"].sudo()
        unfunded = man_days_by(
            self.env, "project_id", self.ids, [("erp_change_request_id.state", "in", UNFUNDED_STATES)]
        )
        for project in self:
            signed = CR.search([("project_id", "=", project.id), ("state", "=", "signed")])
            project.erp_change_man_days = sum(signed.mapped("man_days"))
            project.erp_man_day_budget_total = project.erp_man_day_budget + project.erp_change_man_days
            project.erp_unfunded_man_days = unfunded.get(project.id, 0.0) / (project.erp_hours_per_day or 8.0)
