# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Cadences as records (lessons 14, 15, 16, 24): one per project and playbook cadence, scheduled as activities.

Each cadence the playbook prescribes for the project's size becomes an ``erp.cadence`` of the project (planned
by *Apply Playbook* and by ``playbook odoo provision`` alike). Scheduling uses Odoo's own activities: the cadence
keeps one open to-do activity on the project, for its owner, due on the next period's due date; once that period
is kept the activity is marked done and the next one is scheduled. Marking the activity done by hand keeps the
period it was due in. What keeps a cadence is recorded as an ``erp.cadence.event`` (a meeting held, a status
report sent, ...), through ``project._erp_cadence_kept``. The adherence rule is in ``cadence_rule``.
"""

from datetime import timedelta

from odoo import api, fields, models

from . import cadence_rule as rule
from .erp_acceptance import context_today

FREQUENCIES = [("weekly", "Weekly"), ("per_phase", "Per Phase"), ("per_visit", "Per Visit"), ("monthly", "Monthly")]
STATUS_SELECTION = [
    (rule.ON_TIME, "On Time"),
    (rule.LATE, "Late"),
    (rule.MISSED, "Missed"),
    (rule.OPEN, "Open"),
]
INTERNAL = "erp_playbook.group_erp_user"


class ErpPlaybookCadence(models.Model):
    """The template cadence carries the sizes and industries it applies to, like checklist items and gates."""

    _name = "erp.playbook.cadence"
    _inherit = ["erp.playbook.cadence", "erp.playbook.scope.mixin"]  # pylint: disable=consider-merging-classes-inherited


class ErpCadence(models.Model):
    _name = "erp.cadence"
    _description = "Project Cadence"
    _order = "project_id, sequence, id"

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    key = fields.Char(required=True, index=True)
    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    template_id = fields.Many2one("erp.playbook.cadence", string="Playbook Cadence", ondelete="set null")
    frequency = fields.Selection(FREQUENCIES, required=True, default="weekly")
    owner_role_key = fields.Char(string="Owner Role", help="Key of the playbook role that owns the cadence.")
    owner_party = fields.Selection(
        [("customer", "Customer"), ("implementer", "Implementer")], compute="_compute_owner_party"
    )
    owner_user_id = fields.Many2one(
        "res.users",
        string="Owner",
        compute="_compute_owners",
        store=True,
        readonly=False,
        help="Who is reminded (the activity's user). For a customer role: the project manager, who follows up "
        "with the customer's contact named below.",
    )
    owner_partner_id = fields.Many2one(
        "res.partner",
        string="Customer Owner",
        compute="_compute_owners",
        store=True,
        readonly=False,
        help="For a cadence a customer role owns (the weekly meeting: the customer's PM chairs it).",
    )
    date_start = fields.Date(
        string="Counted From", default=fields.Date.context_today, help="Periods due before this date are not owed."
    )
    grace_days = fields.Integer(help="Days after a period's due date before an unrecorded period is missed.")
    date_next = fields.Date(string="Next Due", readonly=True, copy=False)
    activity_id = fields.Many2one("mail.activity", string="Open Activity", ondelete="set null", copy=False)
    activity_period_key = fields.Char(copy=False, help="The period the open activity is for.")
    event_ids = fields.One2many("erp.cadence.event", "cadence_id", string="Kept")
    # As of the context date ``today`` (see cadence_rule).
    period_status = fields.Selection(
        STATUS_SELECTION, string="This Period", compute="_compute_adherence", help="The current period's status."
    )
    last_status = fields.Selection(
        STATUS_SELECTION, string="Last Period", compute="_compute_adherence", help="The last decided period."
    )
    on_time_count = fields.Integer(string="On Time", compute="_compute_adherence")
    late_count = fields.Integer(string="Late", compute="_compute_adherence")
    missed_count = fields.Integer(string="Missed", compute="_compute_adherence")
    adherence = fields.Float(string="Adherence (%)", compute="_compute_adherence")

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _key_uniq = models.Constraint("UNIQUE (project_id, key)", "A cadence key must be unique within a project.")
    else:  # Odoo 18
        _sql_constraints = [("key_uniq", "unique(project_id, key)", "A cadence key must be unique within a project.")]

    # -- owners ----------------------------------------------------------------------------------------------
    @api.depends("owner_role_key", "project_id.erp_playbook_id")
    def _compute_owner_party(self):
        for cadence in self:
            role = cadence.project_id.erp_playbook_id.role_ids.filtered(lambda r, c=cadence: r.key == c.owner_role_key)
            party = role[:1].party or ("customer" if (cadence.owner_role_key or "").startswith("customer") else "")
            cadence.owner_party = "customer" if party == "customer" else "implementer"

    @api.depends("owner_role_key", "project_id.user_id", "project_id.erp_customer_pm_id")
    def _compute_owners(self):
        for cadence in self:
            project = cadence.project_id
            # Customer contacts are not users: the project manager holds the reminder for them.
            cadence.owner_user_id = project.user_id or cadence.owner_user_id
            cadence.owner_partner_id = project.erp_customer_pm_id if cadence.owner_party == "customer" else False

    # -- periods and adherence -----------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("grace_days"):
                vals["grace_days"] = rule.DEFAULT_GRACE.get(vals.get("frequency") or "weekly", 0)
        cadences = super().create(vals_list)
        cadences._erp_schedule()
        return cadences

    def _erp_periods(self, today):
        """``[(key, due)]`` of the periods owed up to ``today`` (due None: a phase not done yet)."""
        self.ensure_one()
        start = self.date_start or today
        if self.frequency == "weekly":
            return rule.weekly_periods(start, today)
        if self.frequency == "monthly":
            return rule.monthly_periods(start, today)
        if self.frequency == "per_phase":
            phases = self.project_id.sudo().erp_phase_ids.sorted("sequence")
            return [(p.key, p.date_done or None) for p in phases if p.state != "draft" or p.date_done]
        return []

    def _erp_kept_dates(self):
        kept = {}
        for event in self.event_ids:
            if event.period_key and (event.period_key not in kept or event.date < kept[event.period_key]):
                kept[event.period_key] = event.date
        return kept

    def _erp_statuses(self, today):
        """``[(period key, due, first record date, status)]`` in period order."""
        self.ensure_one()
        kept = self._erp_kept_dates()
        return [
            (key, due, kept.get(key), rule.status(due, kept.get(key), today, self.grace_days))
            for key, due in self._erp_periods(today)
        ]

    @api.depends_context("today")
    def _compute_adherence(self):
        today = context_today(self)
        for cadence in self:
            statuses = cadence._erp_statuses(today)
            values = [s for _k, _d, _kept, s in statuses]
            cadence.adherence, cadence.missed_count = rule.adherence(values)
            cadence.on_time_count = values.count(rule.ON_TIME)
            cadence.late_count = values.count(rule.LATE)
            current = rule.period_key(cadence.frequency, today)
            by_key = {k: s for k, _d, _kept, s in statuses}
            cadence.period_status = by_key.get(current, rule.OPEN) if current else False
            decided = [s for s in values if s in rule.DECIDED]
            cadence.last_status = decided[-1] if decided else False

    # -- recording -------------------------------------------------------------------------------------------
    def _erp_period_for(self, when, source=None):
        """The period a record dated ``when`` counts for (see cadence_rule); False when there is none."""
        self.ensure_one()
        if self.frequency in ("weekly", "monthly"):
            return rule.period_key(self.frequency, when)
        if self.frequency != "per_phase":
            return False
        phase = source and ("erp_phase_id" in source._fields and source.erp_phase_id)
        if phase:
            return phase.key
        kept = self._erp_kept_dates()
        phases = self.project_id.sudo().erp_phase_ids.sorted("sequence")
        # The earliest finished phase not yet reviewed, else the phase in progress.
        done = phases.filtered(lambda p: p.state == "done" and p.key not in kept)
        current = phases.filtered(lambda p: p.state == "in_progress")
        return (done[:1] or current[-1:]).key or False

    def _erp_record(self, when, source=None, period_key=None):
        """Record that the cadence was kept on ``when``; one event per source record (saved again: moved)."""
        self.ensure_one()
        when = fields.Date.to_date(when)
        Event = self.env["erp.cadence.event"].sudo()
        event = Event
        if source:
            event = Event.search(
                [("cadence_id", "=", self.id), ("res_model", "=", source._name), ("res_id", "=", source.id)], limit=1
            )
        values = {"date": when, "period_key": period_key or self._erp_period_for(when, source)}
        if event:
            event.write(values)
        else:
            event = Event.create(
                dict(
                    values,
                    cadence_id=self.id,
                    res_model=source._name if source else False,
                    res_id=source.id if source else False,
                    name=source.display_name if source else False,
                )
            )
        self._erp_schedule()
        return event

    # -- scheduling ------------------------------------------------------------------------------------------
    def _erp_next_period(self, today):
        """``(key, due)`` of the period the owner should be reminded of next, or ``(False, False)``."""
        self.ensure_one()
        kept = self._erp_kept_dates()
        if self.frequency in ("weekly", "monthly"):
            day = max(today, self.date_start or today)
            for _attempt in range(3):
                periods = (rule.weekly_periods if self.frequency == "weekly" else rule.monthly_periods)(day, day)
                if periods and periods[0][0] not in kept:
                    return periods[0]
                day = (periods[0][1] if periods else day) + timedelta(days=7 if self.frequency == "weekly" else 1)
                if self.frequency == "weekly":
                    day -= timedelta(days=day.weekday())
            return False, False
        if self.frequency == "per_phase":
            for key, due in self._erp_periods(today):
                if due and key not in kept:
                    return key, due
        return False, False

    def _erp_schedule(self):
        """Keep one open activity on the project for the next period due; close it once its period is kept."""
        today = context_today(self)
        for cadence in self.sudo():
            key, due = cadence._erp_next_period(today)
            activity = cadence.activity_id.exists().filtered("active")  # a kept-done activity is archived
            if activity and cadence.activity_period_key == key:
                if activity.date_deadline != due:
                    activity.date_deadline = due
                cadence.date_next = due
                continue
            if activity:
                if cadence.activity_period_key in cadence._erp_kept_dates():
                    activity.with_context(erp_cadence_closing=True).action_feedback(
                        feedback=self.env._("Kept: %s", cadence.name)
                    )
                elif key:  # not kept, and its period is over: the reminder moves on (the rule counts the miss)
                    activity.date_deadline = due
                    cadence.write({"activity_period_key": key, "date_next": due})
                    continue
            values = {"activity_id": False, "activity_period_key": key, "date_next": due or False}
            if key and cadence.project_id.active:
                user = cadence.owner_user_id or cadence.project_id.user_id or self.env.user
                note = cadence.owner_partner_id and self.env._("Owner: %s", cadence.owner_partner_id.display_name)
                activity = cadence.project_id.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=due,
                    summary=cadence.name,
                    note=note or "",
                    user_id=user.id,
                )
                values["activity_id"] = activity.id if activity else False
            cadence.write(values)


class ErpCadenceEvent(models.Model):
    """One record that a cadence was kept: a meeting held, a report sent, an activity marked done."""

    _name = "erp.cadence.event"
    _description = "Cadence Kept"
    _order = "date desc, id desc"

    cadence_id = fields.Many2one("erp.cadence", required=True, ondelete="cascade", index=True)
    project_id = fields.Many2one(related="cadence_id.project_id", store=True, index=True)
    date = fields.Date(required=True)
    period_key = fields.Char(string="Period", index=True)
    name = fields.Char(string="Record")
    res_model = fields.Char(string="Source Model")
    res_id = fields.Many2oneReference(string="Source", model_field="res_model")


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, *args, **kwargs):
        """Marking a cadence's activity done by hand keeps the period it was due in."""
        if self.env.context.get("erp_cadence_closing"):
            return super()._action_done(*args, **kwargs)
        cadences = self.env["erp.cadence"].sudo().search([("activity_id", "in", self.ids)])
        periods = {c.id: (c.activity_period_key, c.activity_id) for c in cadences}
        result = super()._action_done(*args, **kwargs)
        today = context_today(self)
        for cadence in cadences:
            key, _activity = periods[cadence.id]  # the activity itself is gone once done
            cadence.with_context(erp_cadence_closing=True)._erp_record(today, period_key=key)
        return result


class ErpProjectPhase(models.Model):
    _inherit = "erp.project.phase"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        result = super().write(vals)
        if {"state", "date_done"} & set(vals):
            self.project_id.sudo().erp_cadence_ids.filtered(lambda c: c.frequency == "per_phase")._erp_schedule()
        return result


class ProjectProject(models.Model):
    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    erp_cadence_ids = fields.One2many("erp.cadence", "project_id", string="Cadences", groups=INTERNAL)
    erp_cadence_adherence = fields.Float(
        string="Cadence Adherence (%)",
        compute="_compute_erp_cadence_adherence",
        groups=INTERNAL,
        help="Periods kept (on time or late) / periods due, over every cadence of the project (100 when none is due).",
    )
    erp_cadence_missed = fields.Integer(
        string="Cadence Periods Missed", compute="_compute_erp_cadence_adherence", groups=INTERNAL
    )

    @api.depends_context("today")
    def _compute_erp_cadence_adherence(self):
        today = context_today(self)
        for project in self:
            statuses = []
            for cadence in project.sudo().erp_cadence_ids:
                statuses += [s for _k, _d, _kept, s in cadence._erp_statuses(today)]
            project.erp_cadence_adherence, project.erp_cadence_missed = rule.adherence(statuses)

    def _erp_cadence_kept(self, cadence_key, when, source_record=None):
        """Record that the project's cadence ``cadence_key`` was kept on ``when`` (a date or ISO string).

        The one entry point for whatever keeps a cadence: a weekly meeting held (``erp.meeting``), a status
        report sent (``weekly_status_report``), a man-day review. ``source_record`` is the record that kept it:
        recording the same record again (saved with a new date) moves its entry instead of adding one. A weekly
        or monthly cadence counts it for the period ``when`` falls in; a per-phase cadence for the source's
        ``erp_phase_id`` if it has one, else the earliest finished phase not yet reviewed, else the phase in
        progress. Closes the cadence's activity when its period is kept and schedules the next one.

        Returns the ``erp.cadence.event``, or False when the project has no such cadence (e.g. no weekly meeting
        on a small project): keeping a cadence the playbook does not require is not an error.
        """
        self.ensure_one()
        cadence = self.env["erp.cadence"].sudo().search([("project_id", "=", self.id), ("key", "=", cadence_key)])
        if not cadence:
            return False
        return cadence._erp_record(when, source_record)

    def _erp_apply_playbook(self):
        counts = super()._erp_apply_playbook()
        counts["cadences"] = self._erp_plan_cadences()
        return counts

    def _erp_plan_cadences(self):
        """The playbook's cadences for this project's size and industry (as the connector's ``build_plan``)."""
        self.ensure_one()
        size, industry = self.erp_size or "medium", self.erp_industry or False
        existing = set(self.env["erp.cadence"].with_context(active_test=False).search(
            [("project_id", "=", self.id)]).mapped("key"))
        vals_list = [
            {
                "project_id": self.id,
                "key": template.key,
                "name": template.name,
                "sequence": template.sequence,
                "template_id": template.id,
                "frequency": template.frequency or "weekly",
                "owner_role_key": template.owner_role_key or False,
            }
            for template in self.erp_playbook_id.cadence_ids
            if template.key not in existing and template.applies_to(size, industry)
        ]
        self.env["erp.cadence"].create(vals_list)
        return len(vals_list)
