# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The portfolio: every implementation project (one with a playbook) on one row, as a PostgreSQL view.

A view over stored figures: the hours of each phase and project are kept stored (``hours_logged``,
``erp_hours_logged``, recomputed by the ORM when a timesheet line changes), so opening the list, pivot or graph
never sums the timesheet lines and takes as long with a million lines as with a thousand (bench/portfolio.py). Its rules are the addon's: the forecast at completion is ``erp_forecast.phase_forecast``
written in SQL, the cash windows read the milestones' stored ``date_due`` and the settled invoice states of the
payment rule (``SETTLED_PAYMENT_STATES``); the overdue amount is the project's own ``erp_overdue_amount``
(the payment rule computed per milestone, the same figure as the project dashboard).
tests/test_portfolio.py pins every figure to the project's computed fields on one fixture.
"""

from odoo import api, fields, models, tools

from .erp_acceptance import context_today

from .erp_payment_milestone import SETTLED_PAYMENT_STATES

RISK_LEVELS = [("none", "None"), ("medium", "Medium"), ("high", "High")]
CASH_WINDOWS = (30, 60, 90)  # days ahead; each window counts from today (60 includes the first 30)
_SETTLED_SQL = ", ".join(f"'{state}'" for state in SETTLED_PAYMENT_STATES)


class ErpPortfolio(models.Model):
    _name = "erp.portfolio"
    _description = "Implementation Portfolio"
    _auto = False
    _order = "partner_id, project_id"
    _rec_name = "project_id"
    # Pending ORM writes to these are flushed before the view is read.
    _depends = {
        "project.project": [
            "erp_hours_logged",
            "partner_id", "user_id", "company_id", "erp_playbook_id", "erp_size", "erp_industry",
            "erp_man_day_budget", "erp_hours_per_day", "erp_contract_amount",
        ],
        "erp.project.phase": ["project_id", "state", "sequence", "budget_man_days", "hours_logged"],
        "project.task": ["state", "erp_phase_id", "erp_item_type"],
        "erp.signoff": ["project_id", "state", "date_requested"],
        "erp.payment.milestone": ["project_id", "amount", "date_due", "invoice_id"],
        "account.move": ["payment_state", "amount_residual"],
    }

    project_id = fields.Many2one("project.project", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Project Manager", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    playbook_id = fields.Many2one("erp.playbook", readonly=True)
    size = fields.Selection(
        [("small", "Small"), ("medium", "Medium"), ("large", "Large")], string="Project Size", readonly=True
    )
    industry = fields.Char(readonly=True)
    current_phase_id = fields.Many2one("erp.project.phase", readonly=True)
    budget_man_days = fields.Float(string="Budget (man-days)", readonly=True, aggregator="sum")
    spent_man_days = fields.Float(string="Spent (man-days)", readonly=True, aggregator="sum")
    forecast_man_days = fields.Float(string="Forecast at Completion", readonly=True, aggregator="sum")
    forecast_variance = fields.Float(readonly=True, aggregator="sum")
    gates_waiting = fields.Integer(
        readonly=True, aggregator="sum", help="Sign-offs requested and not signed yet."
    )
    gate_wait_days = fields.Integer(
        string="Oldest Wait (days)", readonly=True, aggregator="max", help="Days the oldest requested sign-off waits."
    )
    contract_amount = fields.Monetary(readonly=True, aggregator="sum")
    due_amount = fields.Monetary(
        string="Due", readonly=True, aggregator="sum", help="Unpaid milestones whose due date has come."
    )
    cash_30 = fields.Monetary(string="Cash in 30 Days", readonly=True, aggregator="sum")
    cash_60 = fields.Monetary(string="Cash in 60 Days", readonly=True, aggregator="sum")
    cash_90 = fields.Monetary(string="Cash in 90 Days", readonly=True, aggregator="sum")
    overdue_amount = fields.Monetary(
        string="Overdue", compute="_compute_overdue", help="The payment rule's overdue milestones (unpaid amounts)."
    )

    # On the context date ``today``, computed per row like the overdue amount (date-dependent: list only, no pivot).
    cadence_adherence = fields.Float(
        string="Cadence Adherence (%)", compute="_compute_rhythm_and_risk", digits=(16, 0),
        help="Periods kept (on time or late) of the periods decided so far, over every cadence of the project.",
    )
    cadence_missed = fields.Integer(string="Cadence Periods Missed", compute="_compute_rhythm_and_risk")
    risk_level = fields.Selection(RISK_LEVELS, compute="_compute_rhythm_and_risk")
    risk_count = fields.Integer(string="Risks", compute="_compute_rhythm_and_risk")

    @api.depends_context("today")
    def _compute_rhythm_and_risk(self):
        today = context_today(self)
        # One recordset for every row, so the projects' fields are read for all of them at once.
        projects = self.env["project.project"].sudo().with_context(today=today).browse(self.project_id.ids)
        by_id = {project.id: project for project in projects}
        for row in self:
            project = by_id[row.project_id.id]
            row.cadence_adherence = project.erp_cadence_adherence
            row.cadence_missed = project.erp_cadence_missed
            row.risk_level, row.risk_count = project._erp_risk_level(today)

    def _compute_overdue(self):
        # The view shows every implementation project to a manager: read the figure as the view does, unfiltered.
        projects = self.env["project.project"].sudo().browse(self.project_id.ids)
        amounts = {project.id: project.erp_overdue_amount for project in projects}
        for row in self:
            row.overdue_amount = amounts.get(row.project_id.id, 0.0)

    def _cash_column(self, days):
        return (
            f"COALESCE(SUM(m.outstanding) FILTER (WHERE m.date_due >= CURRENT_DATE "
            f"AND m.date_due <= CURRENT_DATE + {int(days)}), 0) AS cash_{int(days)}"
        )

    @property
    def _table_query(self):
        cash = ",\n".join(self._cash_column(days) for days in CASH_WINDOWS)
        return f"""
WITH project AS (
    SELECT p.id, p.erp_man_day_budget, COALESCE(p.erp_hours_logged, 0) AS hours,
           COALESCE(NULLIF(p.erp_hours_per_day, 0), 8.0) AS per_day
      FROM project_project p
     WHERE p.erp_playbook_id IS NOT NULL
), items AS (
    SELECT t.erp_phase_id,
           COUNT(*) AS total,
           COUNT(*) FILTER (WHERE t.state = '1_done') AS done
      FROM project_task t
     WHERE t.erp_phase_id IS NOT NULL AND t.erp_item_type IN ('checklist', 'deliverable')
     GROUP BY t.erp_phase_id
), phase AS (
    SELECT ph.project_id, ph.id, ph.state, ph.budget_man_days,
           COALESCE(ph.hours_logged, 0) / pr.per_day AS spent,
           COALESCE(i.total, 0) AS total, COALESCE(i.done, 0) AS done
      FROM erp_project_phase ph
      JOIN project pr ON pr.id = ph.project_id
      LEFT JOIN items i ON i.erp_phase_id = ph.id
), phase_fac AS (
    SELECT project_id, SUM(spent) AS spent,
           SUM(CASE WHEN state = 'done' THEN spent
                    WHEN state = 'in_progress' AND done > 0 AND total > 0 THEN spent * total / done
                    ELSE GREATEST(budget_man_days, spent) END) AS forecast
      FROM phase
     GROUP BY project_id
), current_phase AS (
    SELECT DISTINCT ON (project_id) project_id, id
      FROM erp_project_phase
     WHERE state = 'in_progress'
     ORDER BY project_id, sequence DESC, id DESC
), gates AS (
    SELECT s.project_id, COUNT(*) AS waiting, MAX(CURRENT_DATE - s.date_requested) AS wait_days
      FROM erp_signoff s JOIN project pr ON pr.id = s.project_id
     WHERE s.state = 'requested'
     GROUP BY s.project_id
), milestone AS (
    SELECT m.project_id, m.date_due,
           CASE WHEN mv.id IS NOT NULL AND mv.amount_residual > 0 THEN mv.amount_residual
                ELSE COALESCE(m.amount, 0) END AS outstanding
      FROM erp_payment_milestone m
      JOIN project pr ON pr.id = m.project_id
      LEFT JOIN account_move mv ON mv.id = m.invoice_id
     WHERE mv.id IS NULL OR mv.payment_state IS NULL OR mv.payment_state NOT IN ({_SETTLED_SQL})
), money AS (
    SELECT m.project_id,
           COALESCE(SUM(m.outstanding) FILTER (WHERE m.date_due <= CURRENT_DATE), 0) AS due_amount,
           {cash}
      FROM milestone m
     GROUP BY m.project_id
)
SELECT p.id AS id, p.id AS project_id, p.partner_id, p.user_id, p.company_id,
       c.currency_id, p.erp_playbook_id AS playbook_id, p.erp_size AS size, p.erp_industry AS industry,
       cp.id AS current_phase_id,
       pr.erp_man_day_budget AS budget_man_days,
       pr.hours / pr.per_day AS spent_man_days,
       COALESCE(f.forecast, 0) + (pr.hours / pr.per_day - COALESCE(f.spent, 0)) AS forecast_man_days,
       COALESCE(f.forecast, 0) + (pr.hours / pr.per_day - COALESCE(f.spent, 0))
           - pr.erp_man_day_budget AS forecast_variance,
       COALESCE(g.waiting, 0) AS gates_waiting, g.wait_days AS gate_wait_days,
       p.erp_contract_amount AS contract_amount,
       COALESCE(mo.due_amount, 0) AS due_amount,
       COALESCE(mo.cash_30, 0) AS cash_30, COALESCE(mo.cash_60, 0) AS cash_60, COALESCE(mo.cash_90, 0) AS cash_90
  FROM project pr
  JOIN project_project p ON p.id = pr.id
  LEFT JOIN res_company c ON c.id = p.company_id
  LEFT JOIN phase_fac f ON f.project_id = pr.id
  LEFT JOIN current_phase cp ON cp.project_id = pr.id
  LEFT JOIN gates g ON g.project_id = pr.id
  LEFT JOIN money mo ON mo.project_id = pr.id
"""

