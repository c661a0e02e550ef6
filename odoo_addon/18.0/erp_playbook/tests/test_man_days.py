# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestManDays(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = cls.env["hr.employee"].create({"name": "Consultant Chen"})

    def log(self, task, hours, confirmed=False, **extra):
        return self.env["account.analytic.line"].create(
            dict(
                {
                    "name": "work",
                    "project_id": self.project.id,
                    "task_id": task.id if task else False,
                    "employee_id": self.employee.id,
                    "unit_amount": hours,
                    "erp_customer_confirmed": confirmed,
                },
                **extra,
            )
        )

    def test_spent_remaining_and_signed_per_phase_and_project(self):
        requirements, solution = self.phases["requirements"], self.phases["solution"]
        self.sign(self.signoffs["requirements_signed"])  # time on solution design waits for it (lesson 12)
        self.log(requirements.item_task_ids[0], 12)
        self.log(requirements.task_id, 4, confirmed=True)
        self.log(solution.item_task_ids[0], 8)
        self.log(False, 8)  # on the project, outside any phase
        self.env.invalidate_all()

        self.assertAlmostEqual(requirements.spent_man_days, 2.0)
        self.assertAlmostEqual(requirements.signed_man_days, 0.5)
        self.assertAlmostEqual(requirements.remaining_man_days, 38.0)
        self.assertAlmostEqual(requirements.burn_percent, 5.0)
        self.assertAlmostEqual(solution.spent_man_days, 1.0)
        self.assertAlmostEqual(self.phases["acceptance"].spent_man_days, 0.0)
        self.assertAlmostEqual(self.project.erp_man_days_spent, 4.0)
        self.assertAlmostEqual(self.project.erp_man_days_signed, 0.5)
        self.assertAlmostEqual(self.project.erp_man_days_remaining, 96.0)

    def test_hours_per_day_changes_the_man_days(self):
        self.log(self.phases["requirements"].task_id, 12)
        self.project.erp_hours_per_day = 6.0
        self.env.invalidate_all()
        self.assertAlmostEqual(self.phases["requirements"].spent_man_days, 2.0)
        self.assertAlmostEqual(self.project.erp_man_days_spent, 2.0)

    def test_line_follows_its_task_to_another_phase(self):
        self.sign(self.signoffs["requirements_signed"])
        line = self.log(self.phases["requirements"].item_task_ids[0], 8)
        self.assertEqual(line.erp_phase_id, self.phases["requirements"])
        line.task_id = self.phases["solution"].task_id
        self.env.invalidate_all()
        self.assertEqual(line.erp_phase_id, self.phases["solution"])
        self.assertAlmostEqual(self.phases["requirements"].spent_man_days, 0.0)
        self.assertAlmostEqual(self.phases["solution"].spent_man_days, 1.0)

    def test_customer_confirmation_action(self):
        line = self.log(self.phases["requirements"].task_id, 8)
        line.action_erp_customer_confirm()
        self.assertTrue(line.erp_customer_confirmed)
        self.assertTrue(line.erp_confirmed_date)
        self.env.invalidate_all()
        self.assertAlmostEqual(self.phases["requirements"].signed_man_days, 1.0)

    def test_a_jira_worklog_is_recorded_once(self):
        self.log(self.phases["requirements"].task_id, 1, erp_jira_worklog_id="10001")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.log(self.phases["requirements"].task_id, 1, erp_jira_worklog_id="10001")

    def test_signed_log_lines_cannot_be_changed_or_deleted(self):
        line = self.log(self.phases["requirements"].task_id, 8)
        line.action_erp_customer_confirm()
        with self.assertRaisesRegex(UserError, "signed"):
            line.unit_amount = 4
        with self.assertRaisesRegex(UserError, "signed"):
            line.unlink()
        line.name = "typo fixed"  # the description is not what the customer signed for
        self.env.invalidate_all()
        self.assertAlmostEqual(self.phases["requirements"].signed_man_days, 1.0)

    def test_only_a_manager_reopens_a_signed_log(self):
        line = self.log(self.phases["requirements"].task_id, 8, confirmed=True)
        # new_test_user names the groups field the way the running series does (18 and 19 differ).
        user = new_test_user(
            self.env, "erp_pm_plain", "erp_playbook.group_erp_user,hr_timesheet.group_hr_timesheet_approver",
            name="PM without manager rights",
        )
        with self.assertRaises(AccessError):
            line.with_user(user).action_erp_customer_unconfirm()
        manager = new_test_user(
            self.env, "erp_manager_reopen", "erp_playbook.group_erp_manager,hr_timesheet.group_timesheet_manager",
            name="ERP manager",
        )
        line.with_user(manager).action_erp_customer_unconfirm()
        line.unit_amount = 6
        self.assertFalse(line.erp_customer_confirmed)

