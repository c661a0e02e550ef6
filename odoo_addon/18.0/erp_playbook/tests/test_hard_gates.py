# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestHardGates(ErpPlaybookCase):
    def test_solution_cannot_start_before_requirements_signed(self):
        solution = self.phases["solution"]
        self.assertTrue(solution.is_blocked)
        with self.assertRaisesRegex(ValidationError, "Requirements report signed"):
            solution.action_start()
        with self.assertRaises(ValidationError):
            solution.write({"state": "in_progress"})
        self.signoffs["requirements_signed"].action_request()
        with self.assertRaises(ValidationError, msg="requested is not signed"):
            solution.action_start()

    def test_moving_work_into_a_blocked_phase_is_refused(self):
        item = self.phases["requirements"].item_task_ids[:1]
        with self.assertRaises(ValidationError):
            item.stage_id = self.phases["solution"].stage_id

    def test_signed_gate_releases_the_phase(self):
        self.sign(self.signoffs["requirements_signed"])
        solution = self.phases["solution"]
        self.assertFalse(solution.is_blocked)
        solution.action_start()
        self.assertEqual(solution.state, "in_progress")

    def test_rejected_gate_still_blocks(self):
        signoff = self.signoffs["requirements_signed"]
        signoff.action_request()
        signoff.action_reject("Scope unclear")
        with self.assertRaises(ValidationError):
            self.phases["solution"].action_start()

    def test_superseded_gate_blocks_again_until_the_new_request_is_signed(self):
        signoff = self.sign(self.signoffs["requirements_signed"])
        signoff.action_supersede()
        self.assertTrue(self.phases["solution"].is_blocked)
        with self.assertRaises(ValidationError):
            self.phases["solution"].action_start()
        self.sign(signoff.superseded_by_id)
        self.phases["solution"].action_start()
        self.assertEqual(self.phases["solution"].state, "in_progress")

    def test_soft_gates_do_not_block(self):
        self.sign(self.signoffs["requirements_signed"])
        self.assertFalse(self.signoffs["solution_confirmed"].hard, "hard only on large projects")
        self.phases["acceptance"].action_start()
        self.assertEqual(self.phases["acceptance"].state, "in_progress")
