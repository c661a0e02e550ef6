# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, timedelta

from odoo import fields
from odoo.tests import tagged

from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestPortfolio(ErpPlaybookCase):
    """The portfolio view's figures are the project's own (forecast, spent, overdue) and the payment rule's
    stored dates; every expected value is worked out by hand in the comments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.project)
        cls.employee = cls.env["hr.employee"].create({"name": "Consultant Chen"})
        cls.plain = cls.env["project.project"].create({"name": "Internal IT", "partner_id": cls.customer.id})

    def log(self, task, hours, project=None):
        return self.env["account.analytic.line"].create(
            {"name": "work", "project_id": (project or self.project).id, "task_id": task.id if task else False,
             "employee_id": self.employee.id, "unit_amount": hours}
        )

    def row(self, project=None):
        return self.env["erp.portfolio"].search([("project_id", "=", (project or self.project).id)])

    def setup_figures(self):
        requirements = self.phases["requirements"]
        requirements.action_start()
        requirements.item_task_ids[0].state = "1_done"
        self.log(requirements.item_task_ids[1], 24)  # 3 man-days, a third closed: forecast 9
        self.sign(self.signoffs["requirements_signed"])  # pay_requirements (40% = 80,000) falls due today
        self.log(self.phases["solution"].item_task_ids[0], 8)  # solution not started: forecast 40
        self.log(False, 8)  # outside phases: 1
        gate = self.signoffs["solution_confirmed"]
        gate.action_request()
        gate.date_requested = self.today - timedelta(days=5)
        # pay_signing (30% = 60,000) is due on the contract, 40 days ago: 10 days past its 30 days of grace.
        self.project.erp_contract_date = self.today - timedelta(days=40)
        self.payments["pay_retention"].date_due = self.today + timedelta(days=45)  # 60,000 in 60 and 90 days
        self.log(False, 8, project=self.plain)

    def test_a_project_without_a_playbook_is_not_in_the_portfolio(self):
        self.assertTrue(self.row())
        self.assertFalse(self.row(self.plain))

    def test_figures_equal_the_project_computed_fields(self):
        self.setup_figures()
        self.env.invalidate_all()
        row, project = self.row(), self.project
        self.assertEqual(row.partner_id, self.customer)
        self.assertEqual(row.size, "medium")
        self.assertEqual(row.current_phase_id, self.phases["requirements"])
        self.assertAlmostEqual(row.budget_man_days, 100.0)
        self.assertAlmostEqual(row.spent_man_days, 5.0)
        self.assertAlmostEqual(row.spent_man_days, project.erp_man_days_spent)
        self.assertAlmostEqual(row.forecast_man_days, 70.0)  # 9 + 40 + 20 + 1
        self.assertAlmostEqual(row.forecast_man_days, project.erp_man_days_forecast)
        self.assertAlmostEqual(row.forecast_variance, project.erp_forecast_variance)
        self.assertEqual(row.gates_waiting, 1)
        self.assertEqual(row.gate_wait_days, 5)
        self.assertAlmostEqual(row.overdue_amount, 60000.0)
        self.assertAlmostEqual(row.overdue_amount, project.erp_overdue_amount)
        # What is still owed on pay_requirements: its draft invoice's residual (taxes included), as the rule says.
        requirements_pay = self.payments["pay_requirements"]
        self.assertEqual(requirements_pay.date_due, self.today)
        owed = requirements_pay.amount_residual or requirements_pay.amount
        self.assertAlmostEqual(row.due_amount, 60000.0 + owed)
        self.assertAlmostEqual(row.cash_30, owed)
        self.assertAlmostEqual(row.cash_60, owed + 60000.0)
        self.assertAlmostEqual(row.cash_90, owed + 60000.0)

    def assert_same_man_days(self):
        self.env.invalidate_all()
        row, project = self.row(), self.project
        self.assertAlmostEqual(row.spent_man_days, project.erp_man_days_spent)
        self.assertAlmostEqual(row.forecast_man_days, project.erp_man_days_forecast)
        return row

    def test_stored_hours_follow_lines_edited_moved_and_deleted(self):
        self.setup_figures()
        line = self.log(self.phases["requirements"].item_task_ids[1], 8)
        self.assertAlmostEqual(self.assert_same_man_days().forecast_man_days, 73.0)  # requirements 4 x 3 = 12
        line.unit_amount = 16
        self.assertAlmostEqual(self.assert_same_man_days().forecast_man_days, 76.0)  # 5 x 3 = 15
        line.task_id = self.phases["solution"].item_task_ids[0]  # solution not started: its budget still
        self.assertAlmostEqual(self.assert_same_man_days().forecast_man_days, 70.0)
        self.assertAlmostEqual(self.row().spent_man_days, 7.0)
        line.unlink()
        self.assertAlmostEqual(self.assert_same_man_days().spent_man_days, 5.0)

    def test_a_paid_milestone_leaves_the_cash_forecast(self):
        self.setup_figures()
        invoice = self.payments["pay_requirements"].invoice_id
        invoice.flush_recordset()
        self.env.cr.execute("UPDATE account_move SET payment_state = 'paid' WHERE id = %s", [invoice.id])
        self.env.invalidate_all()
        self.assertEqual(self.payments["pay_requirements"].collection_status, "paid")
        self.assertAlmostEqual(self.row().cash_30, 0.0)
        self.assertAlmostEqual(self.row().due_amount, 60000.0)

    def test_pivot_groups_by_customer_and_size(self):
        self.setup_figures()
        other = self.env["project.project"].create(
            {"name": "Beta ERP", "partner_id": self.customer.id, "erp_playbook_id": self.playbook.id,
             "erp_size": "small", "erp_man_day_budget": 20.0}
        )
        other.action_erp_apply_playbook()
        # What the pivot asks (read_group on 18, formatted_read_group on 19: both run _read_group in SQL).
        Portfolio = self.env["erp.portfolio"]
        by_customer = {
            partner: (budget, forecast)
            for partner, budget, forecast in Portfolio._read_group(
                [], ["partner_id"], ["budget_man_days:sum", "forecast_man_days:sum"]
            )
        }
        self.assertAlmostEqual(by_customer[self.customer][0], 120.0)
        self.assertAlmostEqual(by_customer[self.customer][1], 70.0 + 20.0)  # Beta: nothing spent, its budget
        mine = [("partner_id", "=", self.customer.id)]
        by_size = dict(Portfolio._read_group(mine, ["size"], ["forecast_man_days:sum"]))
        self.assertEqual(set(by_size), {"medium", "small"})
        self.assertAlmostEqual(by_size["medium"], 70.0)
        self.assertAlmostEqual(by_size["small"], 20.0)

    def test_adherence_and_risk_level_are_the_projects(self):
        meeting = self.project.erp_cadence_ids.filtered(lambda c: c.key == "weekly_meeting")
        meeting.date_start = date(2026, 11, 9)  # W46 due Friday 13th, missed from Monday 16th (2 days of grace)

        def row_on(day):
            return self.env["erp.portfolio"].with_context(today=day).search([("project_id", "=", self.project.id)])

        # Wednesday of W46: nothing decided yet, nothing at risk.
        row = row_on(date(2026, 11, 11))
        self.assertEqual((row.risk_level, row.risk_count, row.cadence_missed), ("none", 0, 0))
        # Wednesday of W47: W46 missed, once: medium.
        row = row_on(date(2026, 11, 18))
        project = self.project.with_context(today=date(2026, 11, 18))
        self.assertEqual((row.cadence_adherence, row.cadence_missed), (project.erp_cadence_adherence, 1))
        self.assertEqual((row.risk_level, row.risk_count), ("medium", 1))
        # Wednesday of W48: W46 and W47 missed: high.
        self.assertEqual(row_on(date(2026, 11, 25)).risk_level, "high")
        # A meeting in W48 keeps it, but two periods stay missed; then an overdue payment (a status report risk).
        self.env["erp.meeting"].create({"project_id": self.project.id, "date": date(2026, 11, 23)})
        row = row_on(date(2026, 12, 2))
        self.assertEqual((row.risk_level, row.cadence_missed), ("none", 2), "the last period was kept")
        self.project.erp_contract_date = date(2026, 10, 1)  # pay_signing: due then, overdue after 30 days
        self.env.invalidate_all()  # the view's row has no field to depend on: a new request reads it afresh
        row = row_on(date(2026, 12, 2))
        self.assertEqual((row.risk_level, row.risk_count), ("high", 1))

    def test_consultants_cannot_open_the_portfolio(self):
        self.assertTrue(self.env["erp.portfolio"].with_user(self.manager).search([]))
        with self.assertRaises(Exception):
            self.env["erp.portfolio"].with_user(self.consultant).search([])
