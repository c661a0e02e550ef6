# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestAccess(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, "acme_portal", groups="base.group_portal", partner_id=cls.customer_contact.id
        )
        other_customer = cls.env["res.partner"].create({"name": "Other Corp", "is_company": True})
        cls.other_project = cls.env["project.project"].create(
            {"name": "Other ERP", "partner_id": other_customer.id, "erp_playbook_id": cls.playbook.id}
        )
        cls.other_project.action_erp_apply_playbook()
        cls.other_project.erp_signoff_ids.action_request()
        cls.signoffs["requirements_signed"].action_request()

    def test_portal_customer_sees_only_own_requested_signoffs(self):
        visible = self.env["erp.signoff"].with_user(self.portal_user).search([])
        self.assertEqual(visible, self.signoffs["requirements_signed"], "drafts and other customers' are hidden")
        with self.assertRaises(AccessError):
            self.other_project.erp_signoff_ids[0].with_user(self.portal_user).read(["name"])

    def test_portal_customer_signs_own_signoff(self):
        signoff = self.signoffs["requirements_signed"].with_user(self.portal_user)
        signoff.portal_sign("Ann Acme")
        self.assertEqual(signoff.state, "signed")
        self.assertEqual(signoff.signer_id, self.customer_contact)
        self.assertEqual(signoff.signed_by_name, "Ann Acme")

    def test_portal_customer_cannot_sign_or_edit_other_signoffs(self):
        other = self.other_project.erp_signoff_ids[0].with_user(self.portal_user)
        with self.assertRaises(AccessError):
            other.portal_sign("Ann Acme")
        with self.assertRaises(AccessError):
            self.signoffs["requirements_signed"].with_user(self.portal_user).write({"name": "changed"})

    def test_portal_customer_never_sees_costs_or_payments(self):
        with self.assertRaises(AccessError):
            self.env["erp.payment.milestone"].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.env["erp.project.phase"].with_user(self.portal_user).search([])
        for field in ("erp_man_day_budget", "erp_contract_amount", "erp_man_days_spent", "erp_payment_ids"):
            with self.assertRaises(AccessError, msg=field):
                self.project.with_user(self.portal_user).read([field])

    def test_consultant_reads_payments_but_only_managers_change_them(self):
        milestone = self.payments["pay_requirements"]
        self.assertEqual(milestone.with_user(self.consultant).read(["amount"])[0]["amount"], 80000.0)
        with self.assertRaises(AccessError):
            milestone.with_user(self.consultant).write({"amount": 1.0})
        milestone.with_user(self.manager).write({"amount": 1.0})
        self.assertEqual(milestone.amount, 1.0)

    def test_only_managers_change_playbooks(self):
        with self.assertRaises(AccessError):
            self.playbook.with_user(self.consultant).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.env["erp.playbook"].with_user(self.consultant).load_playbook({"key": "x", "phases": []})
        self.playbook.with_user(self.manager).write({"hours_per_day": 7.5})
        self.assertEqual(self.playbook.hours_per_day, 7.5)

    def test_consultant_runs_the_phase_workflow(self):
        self.sign(self.signoffs["requirements_signed"])  # the hard gate before it (lesson 12)
        phase = self.phases["acceptance"].with_user(self.consultant)
        phase.action_start()
        self.assertEqual(phase.state, "in_progress")
        with self.assertRaises(AccessError):
            phase.unlink()
