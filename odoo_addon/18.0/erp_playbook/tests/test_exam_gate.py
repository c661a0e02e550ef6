# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestExamGate(ErpPlaybookCase):
    """Lesson 11: the requirements report is signed only once every key user passed the exam (or a manager
    overrode the gate, with a logged reason)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.requirements = cls.signoffs["requirements_signed"]
        cls.bob = cls.env["res.partner"].create({"name": "Bob Acme", "parent_id": cls.customer.id})
        cls.project.erp_key_user_ids = cls.customer_contact | cls.bob

    def exam(self, partner, score):
        return self.env["erp.exam.result"].create(
            {"project_id": self.project.id, "partner_id": partner.id, "score": score}
        )

    def test_the_pass_mark_is_the_playbooks(self):
        self.assertEqual(self.playbook.exam_pass_mark, 70, "the mini playbook's exam.pass_mark")
        self.assertTrue(self.playbook.gate_ids.filtered(lambda g: g.key == "requirements_signed").exam_required)
        self.assertFalse(self.exam(self.bob, 69.5).passed)
        self.assertTrue(self.exam(self.bob, 70).passed)
        with self.assertRaises(ValidationError):
            self.exam(self.bob, 101)

    def test_refused_while_a_key_user_has_not_passed(self):
        self.assertTrue(self.requirements.exam_required)
        self.assertFalse(self.signoffs["solution_confirmed"].exam_required)
        self.exam(self.bob, 40)  # failed
        self.assertEqual(self.project.erp_key_users_not_passed_ids, self.bob)
        self.assertFalse(self.project.erp_exam_rule_met)
        with self.assertRaisesRegex(UserError, "Bob Acme have not passed the key-user exam \\(pass mark 70%\\)"):
            self.sign(self.requirements)
        self.assertEqual(self.requirements.state, "requested")
        self.assertTrue(self.phases["solution"].is_blocked)

    def test_signed_once_every_key_user_passed_a_retake(self):
        self.exam(self.bob, 40)
        self.exam(self.bob, 75)  # retrained and re-examined (checklist: training_retrain_failures)
        self.assertTrue(self.project.erp_exam_rule_met)
        self.sign(self.requirements)
        self.assertEqual(self.requirements.state, "signed")
        self.assertFalse(self.phases["solution"].is_blocked)

    def test_no_key_user_means_nobody_passed(self):
        self.project.erp_key_user_ids = False
        with self.assertRaisesRegex(UserError, "names no key user"):
            self.sign(self.requirements)

    def test_the_portal_signature_is_refused_too(self):
        from odoo.tests import new_test_user

        portal = new_test_user(self.env, "acme_exam_portal", groups="base.group_portal", partner_id=self.bob.id)
        self.requirements.action_request()
        with self.assertRaisesRegex(UserError, "have not passed the key-user exam"):
            self.requirements.with_user(portal).portal_sign("Bob Acme")
        self.assertEqual(self.requirements.state, "requested")

    def test_only_a_manager_overrides_and_the_reason_is_logged(self):
        with self.assertRaises(AccessError):
            self.requirements.with_user(self.consultant).action_override("exam next week")
        self.requirements.with_user(self.manager).action_override("Bob's exam is on Monday; the CEO agreed")
        self.sign(self.requirements)
        self.assertEqual(self.requirements.state, "signed")
        self.assertEqual(self.requirements.overridden_by_id, self.manager)
        bodies = " ".join(self.requirements.message_ids.mapped("body"))
        self.assertIn("Hard gate overridden by", bodies)
        self.assertIn("Signed without every key user passing the exam", bodies)
        self.assertIn("exam is on Monday", bodies)

    def test_training_session_lists_the_key_users(self):
        session = self.env["erp.training.session"].create(
            {"project_id": self.project.id, "name": "Purchasing", "phase_id": self.phases["requirements"].id}
        )
        session.action_add_key_users()
        session.action_add_key_users()  # again: nobody twice
        self.assertEqual(session.attendance_ids.mapped("partner_id"), self.customer_contact | self.bob)
        session.attendance_ids.filtered(lambda a: a.partner_id == self.bob).present = False
        self.assertEqual(session.attendee_count, 1)
