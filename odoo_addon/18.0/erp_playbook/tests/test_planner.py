# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ErpPlaybookCase, playbook_v1


@tagged("post_install", "-at_install")
class TestPlanner(ErpPlaybookCase):
    """Apply Playbook plans what the connector's build_plan plans (tests/odoo/test_live_planners.py compares them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A payment tied to the large-only gate: smaller projects owe it on the contract.
        data = playbook_v1()
        data["key"] = "mini_steering"
        data["payment_milestones"][0]["percent"] = "20"
        data["payment_milestones"].insert(
            1,
            {
                "key": "pay_steering",
                "name": {"en": "On steering approval", "zh_TW": "指導委員會核准", "zh_CN": "指导委员会核准"},
                "percent": "10",
                "gate": "solution_steering",
                "grace_days": 30,
                "delay_days": 0,
            },
        )
        cls.env["erp.playbook"].load_playbook(data)
        cls.steering_playbook = cls.env["erp.playbook"].search([("key", "=", "mini_steering")])

    def plan(self, size, budget=100.0, amount=200000.0, playbook=None):
        project = self.env["project.project"].create(
            {
                "name": f"Planned {size}",
                "erp_playbook_id": (playbook or self.playbook).id,
                "erp_size": size,
                "erp_man_day_budget": budget,
                "erp_contract_amount": amount,
            }
        )
        project.action_erp_apply_playbook()
        return project

    def test_a_gate_limited_to_large_projects_is_planned_only_for_them(self):
        self.assertEqual(
            self.plan("large").erp_signoff_ids.mapped("key"),
            ["requirements_signed", "solution_confirmed", "solution_steering", "acceptance_signed"],
        )
        medium = self.plan("medium")
        self.assertNotIn("solution_steering", medium.erp_signoff_ids.mapped("key"))
        self.assertEqual(medium.erp_signoff_ids.mapped("sequence"), [101, 201, 301])

    def test_a_payment_whose_gate_is_absent_falls_due_on_the_contract(self):
        large = self.plan("large", playbook=self.steering_playbook)
        steering = large.erp_payment_ids.filtered(lambda m: m.key == "pay_steering")
        self.assertEqual(steering.signoff_id.key, "solution_steering")
        medium = self.plan("medium", playbook=self.steering_playbook)
        steering = medium.erp_payment_ids.filtered(lambda m: m.key == "pay_steering")
        self.assertTrue(steering, "the payment is still owed")
        self.assertFalse(steering.signoff_id, "no gate to wait for: it falls due on the contract")
        self.assertAlmostEqual(steering.amount, 20000.0)

    def test_budget_splits_in_half_days_ties_to_the_earlier_phase(self):
        # 33 days at 40/40/20 %: 13.2/13.2/6.6 exactly; half days by largest remainder, tie to requirements.
        project = self.plan("medium", budget=33.0)
        budgets = {p.key: p.budget_man_days for p in project.erp_phase_ids}
        self.assertEqual(budgets, {"requirements": 13.5, "solution": 13.0, "acceptance": 6.5})
        self.assertEqual(project.erp_phase_ids[0].task_id.allocated_hours, 13.5 * 8)

    def test_amounts_split_in_cents_and_add_up_to_the_contract(self):
        project = self.plan("medium", amount=100000.01)
        amounts = {m.key: m.amount for m in project.erp_payment_ids}
        self.assertEqual(amounts, {"pay_signing": 30000.0, "pay_requirements": 40000.01, "pay_retention": 30000.0})
        self.assertAlmostEqual(sum(amounts.values()), 100000.01)

    def test_a_budget_that_is_not_in_half_days_is_refused(self):
        project = self.env["project.project"].create(
            {"name": "Odd budget", "erp_playbook_id": self.playbook.id, "erp_man_day_budget": 100.3}
        )
        with self.assertRaisesRegex(UserError, "multiple of 0.5"):
            project.action_erp_apply_playbook()
        self.assertFalse(project.erp_phase_ids, "nothing is half-planned")
