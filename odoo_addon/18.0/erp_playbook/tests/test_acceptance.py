# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lesson 23 (accept after one month live, collect promptly) and lesson 18 (a key user to hand over to)."""

from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ErpPlaybookCase

GO_LIVE = date(2026, 3, 2)
# The mini playbook's acceptance clock: 30 days of live running + 7 days of grace after its "go-live" gate.
ACCEPTANCE_DUE = GO_LIVE + timedelta(days=37)


def on(record, day):
    return record.with_context(today=fields.Date.to_string(day))


@tagged("post_install", "-at_install")
class TestAcceptanceClock(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", cls.env.company.id)]):
            cls.env["account.chart.template"].try_loading("generic_coa", company=cls.env.company, install_demo=False)

    def test_the_clock_starts_when_go_live_is_signed_and_the_acceptance_is_late_after_it(self):
        acceptance = self.signoffs["acceptance_signed"]
        self.assertFalse(on(acceptance, date(2027, 1, 1)).date_acceptance_due, "no clock before go-live")
        self.sign(self.signoffs["solution_confirmed"], date=GO_LIVE)
        self.assertEqual(on(acceptance, ACCEPTANCE_DUE).date_acceptance_due, ACCEPTANCE_DUE)
        self.assertEqual(on(acceptance, ACCEPTANCE_DUE).days_late, 0)
        self.assertEqual(on(acceptance, ACCEPTANCE_DUE + timedelta(days=12)).days_late, 12)
        self.sign(acceptance, date=ACCEPTANCE_DUE + timedelta(days=12))
        self.assertEqual(on(acceptance, ACCEPTANCE_DUE + timedelta(days=40)).days_late, 0, "signed: no longer late")

    def test_a_payment_waiting_on_a_late_acceptance_is_overdue_not_not_due(self):
        # The retention waits on the acceptance plus its 180 days: late acceptance makes it late too.
        retention = self.payments["pay_retention"]
        self.sign(self.signoffs["solution_confirmed"], date=GO_LIVE)
        before = on(retention, ACCEPTANCE_DUE + timedelta(days=10))
        self.assertEqual((before.collection_status, before.acceptance_late), ("not_due", False))
        late_day = ACCEPTANCE_DUE + timedelta(days=180 + 9)
        late = on(retention, late_day)
        self.assertEqual((late.collection_status, late.days_overdue, late.acceptance_late), ("overdue", 9, True))
        self.assertTrue(late.is_overdue)
        overdue = on(self.env["erp.payment.milestone"], late_day).search([("is_overdue", "=", True)])
        self.assertIn(retention, overdue)

    def test_the_contract_payment_falls_due_on_the_contract_date_without_an_invoice(self):
        signing = self.payments["pay_signing"]
        self.assertFalse(signing.date_due)
        self.project.erp_contract_date = date(2026, 1, 5)
        self.assertEqual(signing.date_due, date(2026, 1, 5))
        self.assertFalse(signing.invoice_id)
        within = on(signing, date(2026, 2, 4))  # 30 grace days
        self.assertEqual((within.collection_status, within.days_overdue), ("not_due", 0))
        late = on(signing, date(2026, 2, 14))
        self.assertEqual((late.collection_status, late.days_overdue), ("overdue", 10))

    def test_signing_a_gate_prepares_its_payments_draft_invoice_once(self):
        milestone = self.payments["pay_requirements"]
        self.assertFalse(milestone.invoice_id)
        self.sign(self.signoffs["requirements_signed"])
        invoice = milestone.invoice_id
        self.assertTrue(invoice, "signing the gate prepared the invoice")
        self.assertEqual((invoice.state, invoice.move_type), ("draft", "out_invoice"))
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertAlmostEqual(invoice.amount_untaxed, milestone.amount)
        self.assertAlmostEqual(milestone.amount, 80000.0)
        # Re-running the preparation (a re-played signature, a retried sync) makes no second invoice.
        self.signoffs["requirements_signed"]._erp_prepare_invoices()
        self.assertEqual(milestone.invoice_id, invoice)
        moves = self.env["account.move"].search([("invoice_origin", "=", self.project.name)])
        self.assertEqual(moves, invoice)
        # The retention is not invoiced at acceptance: it falls due 180 days later.
        self.sign(self.signoffs["solution_confirmed"])
        self.sign(self.signoffs["acceptance_signed"])
        self.assertFalse(self.payments["pay_retention"].invoice_id)

    def test_a_gate_signed_for_a_payment_without_amount_is_signed_and_says_why_no_invoice(self):
        # (A project without a customer cannot be signed at all: the signer must be the customer's contact.)
        milestone = self.payments["pay_requirements"]
        milestone.amount = 0
        self.sign(self.signoffs["requirements_signed"])
        self.assertEqual(self.signoffs["requirements_signed"].state, "signed")
        self.assertFalse(milestone.invoice_id)
        self.assertIn("No draft invoice", milestone.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestKeyUsers(ErpPlaybookCase):
    def test_handover_is_refused_without_a_key_user(self):
        self.project.erp_key_user_ids = False
        gate = self.signoffs["acceptance_signed"]
        gate.action_request()
        self.attach_paper(gate)  # the acceptance needs its signed paper: the key-user rule is what must refuse
        with self.assertRaisesRegex(UserError, "names no key user"):
            gate.action_sign(signer_id=self.customer_contact.id)
        self.assertEqual(gate.state, "requested")
        self.project.erp_key_user_ids = self.customer_contact
        gate.action_sign(signer_id=self.customer_contact.id)
        self.assertEqual(gate.state, "signed")

    def test_key_users_and_the_customer_pm_are_the_customers_contacts(self):
        stranger = self.env["res.partner"].create({"name": "Someone Else"})
        with self.assertRaises(ValidationError):
            self.project.erp_key_user_ids = stranger
        with self.assertRaises(ValidationError):
            self.project.erp_customer_pm_id = stranger
        self.project.erp_customer_pm_id = self.customer_contact
        self.assertEqual(self.project.erp_customer_pm_id, self.customer_contact)


@tagged("post_install", "-at_install")
class TestChangeRequests(ErpPlaybookCase):
    def log(self, task, hours):
        employee = self.env["hr.employee"].create({"name": "Consultant"})
        return self.env["account.analytic.line"].create(
            {"name": "work", "project_id": self.project.id, "task_id": task.id, "unit_amount": hours,
             "employee_id": employee.id}
        )

    def test_signed_change_requests_join_the_budget_and_unsigned_work_is_unfunded(self):
        self.sign(self.signoffs["requirements_signed"])  # time on solution design waits for the requirements report
        phase = self.phases["solution"]
        request = self.env["erp.change.request"].create(
            {"name": "Extra report", "project_id": self.project.id, "phase_id": phase.id, "man_days": 5}
        )
        task = self.env["project.task"].create(
            {"name": "Build extra report", "project_id": self.project.id, "erp_phase_id": phase.id,
             "erp_change_request_id": request.id}
        )
        self.log(task, 12)
        self.assertEqual(self.project.erp_man_day_budget_total, 100.0, "not signed: not in the budget")
        self.assertAlmostEqual(self.project.erp_unfunded_man_days, 1.5)
        self.assertAlmostEqual(request.spent_man_days, 1.5)
        with self.assertRaisesRegex(UserError, "contact of the customer"):
            request.action_sign(signer_id=self.env["res.partner"].create({"name": "Our consultant"}).id)
        request.action_sign(signer_id=self.customer_contact.id)
        self.project.invalidate_recordset()
        self.assertEqual(self.project.erp_man_day_budget_total, 105.0)
        self.assertEqual(self.project.erp_unfunded_man_days, 0.0)
        with self.assertRaises(UserError):
            request.man_days = 8

    def test_a_change_request_needs_an_estimate(self):
        with self.assertRaises(ValidationError):
            self.env["erp.change.request"].create({"name": "Vague", "project_id": self.project.id, "man_days": 0})
