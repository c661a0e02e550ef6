# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestPayment(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["erp.payment.milestone"])
        if not cls.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", cls.env.company.id)]):
            cls.env["account.chart.template"].try_loading("generic_coa", company=cls.env.company, install_demo=False)

    def days_ago(self, days):
        return self.today - timedelta(days=days)

    def invoice_for(self, milestone):
        if not milestone.invoice_id:  # signing its gate may have prepared the draft already
            milestone.action_create_invoice()
        milestone.invoice_id.action_post()
        return milestone.invoice_id

    def pay(self, invoice):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        wizard._create_payments()

    def test_amount_is_the_percent_of_the_contract(self):
        self.assertAlmostEqual(self.payments["pay_requirements"].amount, 80000.0)
        self.project.erp_contract_amount = 100000.0
        self.assertAlmostEqual(self.payments["pay_requirements"].amount, 40000.0)

    def test_signed_gate_unpaid_after_grace_is_overdue(self):
        milestone = self.payments["pay_requirements"]
        self.assertFalse(milestone.date_due, "nothing is due before the gate is signed")
        self.sign(self.signoffs["requirements_signed"], date=self.days_ago(40))
        self.assertEqual(milestone.date_due, self.days_ago(40))
        self.assertEqual(milestone.days_overdue, 10)
        self.assertTrue(milestone.is_overdue)
        overdue = self.env["erp.payment.milestone"].search([("is_overdue", "=", True)])
        self.assertIn(milestone, overdue)
        self.assertNotIn(self.payments["pay_signing"], overdue)
        not_overdue = self.env["erp.payment.milestone"].search([("is_overdue", "=", False)])
        self.assertNotIn(milestone, not_overdue)
        self.assertEqual(self.project.erp_overdue_count, 1)

    def test_within_grace_days_is_not_overdue(self):
        milestone = self.payments["pay_requirements"]
        self.sign(self.signoffs["requirements_signed"], date=self.days_ago(29))
        self.assertEqual(milestone.days_overdue, 0)
        self.assertFalse(milestone.is_overdue)

    def test_paid_invoice_is_never_overdue(self):
        milestone = self.payments["pay_requirements"]
        self.sign(self.signoffs["requirements_signed"], date=self.days_ago(60))
        invoice = self.invoice_for(milestone)
        self.assertEqual(invoice.amount_total, milestone.amount)
        self.assertEqual(milestone.payment_state, "not_paid")
        self.assertTrue(milestone.is_overdue, "posted but unpaid")
        self.pay(invoice)
        self.assertIn(milestone.payment_state, ("paid", "in_payment"))
        self.assertFalse(milestone.is_overdue)
        self.assertEqual(milestone.days_overdue, 0)
        self.assertNotIn(milestone, self.env["erp.payment.milestone"].search([("is_overdue", "=", True)]))

    def test_collection_status_on_the_context_date(self):
        milestone = self.payments["pay_requirements"]
        self.assertEqual(milestone.collection_status, "not_due")
        self.sign(self.signoffs["requirements_signed"], date=self.days_ago(60))
        invoice = self.invoice_for(milestone)
        # Asked as of a date within the grace days (what the reports do), then as of today.
        earlier = milestone.with_context(today=fields.Date.to_string(self.days_ago(40)))
        self.assertEqual((earlier.collection_status, earlier.days_overdue), ("invoiced", 0))
        self.assertEqual((milestone.collection_status, milestone.days_overdue), ("overdue", 30))
        self.pay(invoice)
        self.assertEqual((milestone.collection_status, milestone.days_overdue), ("paid", 0))

    def test_retention_falls_due_after_its_delay(self):
        retention = self.payments["pay_retention"]
        self.sign(self.signoffs["acceptance_signed"], date=self.days_ago(200))
        self.assertEqual(retention.date_due, self.days_ago(20))
        self.assertEqual(retention.days_overdue, 5)  # grace 15 days
        self.sign(self.signoffs["solution_confirmed"])  # unrelated gate: nothing changes
        self.assertEqual(retention.days_overdue, 5)

    def test_default_grace_days_come_from_settings(self):
        self.env["res.config.settings"].create({"erp_payment_grace_days": 7}).execute()
        milestone = self.env["erp.payment.milestone"].create(
            {"project_id": self.project.id, "key": "extra", "name": "Extra work", "amount": 1000.0}
        )
        self.assertEqual(milestone.grace_days, 7)
