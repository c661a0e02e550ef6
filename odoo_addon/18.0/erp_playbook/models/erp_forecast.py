# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Forecast at completion (FAC) in man-days: the one rule (docs/forecast.md).

Per phase: a done phase costs what it spent; a phase in progress with closed checklist items / deliverables
costs what it spent divided by the share of items closed (burn so far extrapolated); any other phase costs its
budget, or what it already spent when that is more. A project's forecast is the sum of its phases' plus the
man-days booked outside any phase. The portfolio's SQL view (erp_portfolio.py) writes the same rule in SQL;
tests/test_portfolio.py pins the two together.
"""

from odoo import api, fields, models

from .erp_project_phase import man_days_by
from .project_project import INTERNAL


def phase_forecast(state, budget, spent, items_done, items_total):
    """FAC of one phase in man-days (pure: tests/test_forecast.py checks it against hand-computed cases)."""
    if state == "done":
        return spent
    if state == "in_progress" and items_done and items_total:
        return spent * items_total / items_done
    return max(budget, spent)


def _dated(env):
    """Lines dated on or before the context date 'today' when one is given (a report as of a date)."""
    today = env.context.get("today")
    return [("date", "<=", fields.Date.to_date(today))] if today else []


class ErpProjectPhase(models.Model):
    _inherit = "erp.project.phase"  # pylint: disable=consider-merging-classes-inherited

    forecast_man_days = fields.Float(
        string="Forecast at Completion (man-days)",
        compute="_compute_forecast",
        help="Done: spent. In progress: spent / share of checklist items and deliverables closed. "
        "Not started (or nothing closed yet): the budget, or what is already spent if more.",
    )
    forecast_variance = fields.Float(
        string="Forecast Variance (man-days)",
        compute="_compute_forecast",
        help="Forecast at completion minus budget: above zero, the phase is heading over its budget.",
    )

    timesheet_line_ids = fields.One2many("account.analytic.line", "erp_phase_id", string="Timesheet Lines")
    hours_logged = fields.Float(
        compute="_compute_hours_logged",
        store=True,
        help="Timesheet hours on the phase, kept stored so the portfolio never sums the timesheet lines.",
    )

    @api.depends("timesheet_line_ids.unit_amount", "timesheet_line_ids.project_id")
    def _compute_hours_logged(self):
        hours = man_days_by(self.env, "erp_phase_id", [i for i in self.ids if isinstance(i, int)])
        for phase in self:
            phase.hours_logged = hours.get(phase.id, 0.0)

    @api.depends_context("today")
    def _compute_forecast(self):
        hours = man_days_by(self.env, "erp_phase_id", self.ids, _dated(self.env))
        for phase in self:
            spent = hours.get(phase.id, 0.0) / (phase.project_id.erp_hours_per_day or 8.0)
            phase.forecast_man_days = phase_forecast(
                phase.state, phase.budget_man_days, spent, phase.item_done_count, phase.item_count
            )
            phase.forecast_variance = phase.forecast_man_days - phase.budget_man_days


class ProjectProject(models.Model):
    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    erp_man_days_forecast = fields.Float(
        string="Forecast at Completion",
        compute="_compute_erp_forecast",
        groups=INTERNAL,
        help="Sum of the phases' forecasts at completion plus the man-days booked outside any phase.",
    )
    erp_forecast_variance = fields.Float(
        string="Forecast Variance", compute="_compute_erp_forecast", groups=INTERNAL
    )
    erp_hours_logged = fields.Float(
        string="Hours Logged",
        compute="_compute_erp_hours_logged",
        store=True,
        groups=INTERNAL,
        help="Timesheet hours on the project, kept stored so the portfolio never sums the timesheet lines.",
    )

    @api.depends("timesheet_ids.unit_amount")
    def _compute_erp_hours_logged(self):
        hours = man_days_by(self.env, "project_id", [i for i in self.ids if isinstance(i, int)])
        for project in self:
            project.erp_hours_logged = hours.get(project.id, 0.0)

    @api.depends_context("today")
    def _compute_erp_forecast(self):
        dated = _dated(self.env)
        hours = man_days_by(self.env, "project_id", self.ids, dated)
        phases = self.env["erp.project.phase"].search([("project_id", "in", self.ids)])
        phased = man_days_by(self.env, "erp_phase_id", phases.ids, dated)
        for project in self:
            mine = phases.filtered(lambda p, project=project: p.project_id == project)
            outside = hours.get(project.id, 0.0) - sum(phased.get(p.id, 0.0) for p in mine)
            per_day = project.erp_hours_per_day or 8.0
            project.erp_man_days_forecast = sum(mine.mapped("forecast_man_days")) + outside / per_day
            project.erp_forecast_variance = project.erp_man_days_forecast - project.erp_man_day_budget
