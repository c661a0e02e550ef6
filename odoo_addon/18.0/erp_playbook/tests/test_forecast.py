# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from ..models.erp_forecast import phase_forecast
from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestForecast(ErpPlaybookCase):
    """Forecast at completion (docs/forecast.md) on hand-computed cases. The mini playbook's medium project:
    budget 100 man-days = requirements 40 (3 items: interviews, plan, summary) + solution 40 + acceptance 20."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = cls.env["hr.employee"].create({"name": "Consultant Chen"})

    def log(self, task, hours, **extra):
        values = {"name": "work", "project_id": self.project.id, "task_id": task.id if task else False,
                  "employee_id": self.employee.id, "unit_amount": hours}
        return self.env["account.analytic.line"].create(dict(values, **extra))

    def close(self, task):
        task.state = "1_done"

    def test_rule_per_phase_state(self):
        self.assertEqual(phase_forecast("done", 10.0, 12.5, 1, 4), 12.5)  # done: what it cost
        self.assertEqual(phase_forecast("in_progress", 10.0, 3.0, 1, 4), 12.0)  # 3 days for a quarter: 12
        self.assertEqual(phase_forecast("in_progress", 10.0, 3.0, 0, 4), 10.0)  # nothing closed: the budget
        self.assertEqual(phase_forecast("in_progress", 10.0, 14.0, 0, 4), 14.0)  # ... unless already spent more
        self.assertEqual(phase_forecast("in_progress", 10.0, 6.0, 0, 0), 10.0)  # no items to measure by
        self.assertEqual(phase_forecast("draft", 10.0, 0.0, 0, 3), 10.0)
        self.assertEqual(phase_forecast("draft", 10.0, 11.0, 2, 3), 11.0)

    def test_in_progress_phase_extrapolates_its_burn(self):
        requirements = self.phases["requirements"]
        requirements.action_start()
        self.assertEqual(requirements.item_count, 3)
        self.close(requirements.item_task_ids[0])
        self.log(requirements.item_task_ids[1], 24)  # 3 man-days for a third of the items: 9 at completion
        self.sign(self.signoffs["requirements_signed"])
        self.log(self.phases["solution"].item_task_ids[0], 8)  # solution not started: still its budget, 40
        self.log(False, 8)  # 1 man-day outside any phase
        self.env.invalidate_all()

        self.assertAlmostEqual(requirements.forecast_man_days, 9.0)
        self.assertAlmostEqual(requirements.forecast_variance, -31.0)
        self.assertAlmostEqual(self.phases["solution"].forecast_man_days, 40.0)
        self.assertAlmostEqual(self.phases["acceptance"].forecast_man_days, 20.0)
        self.assertAlmostEqual(self.project.erp_man_days_forecast, 70.0)  # 9 + 40 + 20 + 1
        self.assertAlmostEqual(self.project.erp_forecast_variance, -30.0)

    def test_burn_ahead_of_progress_forecasts_an_overrun(self):
        requirements = self.phases["requirements"]
        requirements.action_start()
        self.close(requirements.item_task_ids[0])
        self.log(requirements.task_id, 8 * 16)  # 16 man-days for a third: 48, 8 over the phase's 40
        self.env.invalidate_all()
        self.assertAlmostEqual(requirements.forecast_man_days, 48.0)
        self.assertAlmostEqual(requirements.forecast_variance, 8.0)
        self.assertAlmostEqual(self.project.erp_man_days_forecast, 108.0)  # 48 + 40 + 20
        self.assertAlmostEqual(self.project.erp_forecast_variance, 8.0)

    def test_done_phase_costs_what_it_spent(self):
        requirements = self.phases["requirements"]
        requirements.action_start()
        self.log(requirements.task_id, 24)
        requirements.action_done()
        self.env.invalidate_all()
        self.assertAlmostEqual(requirements.forecast_man_days, 3.0)
        self.assertAlmostEqual(self.project.erp_man_days_forecast, 63.0)  # 3 + 40 + 20

    def test_forecast_as_of_a_date_counts_lines_up_to_it(self):
        requirements = self.phases["requirements"]
        requirements.action_start()
        self.close(requirements.item_task_ids[0])
        self.log(requirements.task_id, 8, date="2026-01-10")
        self.log(requirements.task_id, 16, date="2026-03-01")
        self.env.invalidate_all()
        self.assertAlmostEqual(requirements.forecast_man_days, 9.0)  # 3 days, a third closed
        dated = requirements.with_context(today="2026-02-01")
        self.assertAlmostEqual(dated.forecast_man_days, 3.0)  # 1 day then
        self.assertAlmostEqual(self.project.with_context(today="2026-02-01").erp_man_days_forecast, 63.0)
