# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Issue #16: the requirements gate holds every later phase and its time; signatures are the customer's; a large
project's phase closes with its signed certificate; the go-live document; a hard gate overridden by a manager."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestCustomerGates(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = cls.env["hr.employee"].create({"name": "Consultant Chen"})
        cls.requirements = cls.signoffs["requirements_signed"]
        cls.portal_user = new_test_user(
            cls.env, "acme_signer", groups="base.group_portal", partner_id=cls.customer_contact.id
        )

    def log(self, phase, hours=4):
        return self.env["account.analytic.line"].create(
            {
                "name": "work",
                "project_id": self.project.id,
                "task_id": phase.task_id.id,
                "employee_id": self.employee.id,
                "unit_amount": hours,
            }
        )

    # -- lesson 12: every later phase waits, and so does its time -------------------------------------
    def test_the_requirements_gate_holds_every_later_phase(self):
        acceptance = self.phases["acceptance"]
        self.assertTrue(acceptance.is_blocked, "not only the phase the gate names")
        with self.assertRaisesRegex(ValidationError, "Requirements report signed"):
            acceptance.action_start()
        self.assertFalse(self.phases["requirements"].is_blocked, "the gate's own phase goes on")
        self.sign(self.requirements)
        acceptance.action_start()
        self.assertEqual(acceptance.state, "in_progress")

    def test_no_time_is_booked_on_a_blocked_phase(self):
        self.log(self.phases["requirements"])  # the gate's own phase takes time
        with self.assertRaisesRegex(UserError, "hard gate 'Requirements report signed' is not signed"):
            self.log(self.phases["solution"])
        line = self.log(self.phases["requirements"])
        with self.assertRaisesRegex(UserError, "Requirements report signed"):
            line.task_id = self.phases["acceptance"].task_id
        self.sign(self.requirements)
        self.assertEqual(self.log(self.phases["solution"], 6).erp_phase_id, self.phases["solution"])

    # -- the manager's override ------------------------------------------------------------------------
    def test_only_a_manager_overrides_a_hard_gate_and_only_with_a_reason(self):
        with self.assertRaises(AccessError):
            self.requirements.with_user(self.consultant).action_override("The customer is on holiday")
        with self.assertRaises(AccessError):
            self.requirements.with_user(self.consultant).write({"override_reason": "sneaking past"})
        with self.assertRaisesRegex(UserError, "reason"):
            self.requirements.with_user(self.manager).action_override("  ")
        self.assertTrue(self.phases["solution"].is_blocked)
        self.requirements.with_user(self.manager).action_override("Signature promised for Monday; CEO agreed")
        self.assertEqual(self.requirements.overridden_by_id, self.manager)
        self.assertIn("Signature promised for Monday", self.requirements.message_ids[:1].body)
        self.env.invalidate_all()
        self.assertFalse(self.phases["solution"].is_blocked)
        self.log(self.phases["solution"])
        self.phases["solution"].action_start()

    # -- signatures are the customer's -----------------------------------------------------------------
    def test_a_consultant_cannot_sign_for_the_customer(self):
        self.requirements.action_request()
        self.attach_paper(self.requirements)
        with self.assertRaisesRegex(AccessError, "Only the customer signs"):
            self.requirements.with_user(self.consultant).action_sign(signer_id=self.customer_contact.id)
        self.assertEqual(self.requirements.state, "requested")

    def test_a_manager_records_the_paper_only_with_it_attached_and_signed_by_the_customer(self):
        self.requirements.action_request()
        as_manager = self.requirements.with_user(self.manager)
        with self.assertRaisesRegex(UserError, "Attach the paper"):
            as_manager.action_sign(signer_id=self.customer_contact.id)
        self.attach_paper(self.requirements)
        outsider = self.env["res.partner"].create({"name": "Our Own Consultant"})
        with self.assertRaisesRegex(ValidationError, "contact of the customer Acme Ltd"):
            as_manager.action_sign(signer_id=outsider.id)
        as_manager.action_sign(signer_id=self.customer_contact.id)
        self.assertEqual((self.requirements.state, self.requirements.signed_via), ("signed", "paper"))

    def test_a_consultant_cannot_confirm_the_implementation_log_for_the_customer(self):
        line = self.log(self.phases["requirements"])
        # Both may see everyone's timesheets (approvers): only the playbook's rule stops the consultant.
        consultant = new_test_user(
            self.env, "erp_pm_log", groups="erp_playbook.group_erp_user,hr_timesheet.group_hr_timesheet_approver"
        )
        manager = new_test_user(
            self.env, "erp_mgr_log", groups="erp_playbook.group_erp_manager,hr_timesheet.group_timesheet_manager"
        )
        with self.assertRaisesRegex(AccessError, "Only the customer confirms the implementation log"):
            line.with_user(consultant).action_erp_customer_confirm()
        self.assertFalse(line.erp_customer_confirmed)
        line.with_user(manager).action_erp_customer_confirm()  # the paper the customer signed
        self.assertTrue(line.erp_customer_confirmed)

    def test_the_customer_signs_in_the_portal_but_the_team_does_not(self):
        self.requirements.action_request()
        with self.assertRaisesRegex(AccessError, "Only a contact of the customer"):
            self.requirements.with_user(self.consultant).portal_sign("Chen")
        self.assertEqual(self.requirements.state, "requested")
        self.requirements.with_user(self.portal_user).portal_sign("Ann Acme")
        self.assertEqual(self.requirements.signer_id, self.customer_contact)
        self.assertEqual(self.requirements.signed_via, "portal")

    def test_a_signature_needing_a_document_waits_for_it(self):
        acceptance = self.signoffs["acceptance_signed"]
        self.assertTrue(acceptance.evidence_required)
        acceptance.action_request()
        with self.assertRaisesRegex(ValidationError, "document attached"):
            acceptance.with_user(self.portal_user).portal_sign("Ann Acme")
        self.attach_paper(acceptance)
        acceptance.with_user(self.portal_user).portal_sign("Ann Acme")
        self.assertEqual(acceptance.state, "signed")


@tagged("post_install", "-at_install")
class TestLargeProjectCertificates(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.large = cls.env["project.project"].create(
            {
                "name": "Acme Large ERP",
                "partner_id": cls.customer.id,
                "erp_playbook_id": cls.playbook.id,
                "erp_size": "large",
                "erp_man_day_budget": 100.0,
                "erp_contract_amount": 1000.0,
            }
        )
        cls.large.action_erp_apply_playbook()
        # Its key user passed the exam, so the requirements gate can be signed (tests/test_exam_gate.py).
        cls.large.erp_key_user_ids = cls.customer_contact
        cls.env["erp.exam.result"].create(
            {"project_id": cls.large.id, "partner_id": cls.customer_contact.id, "score": 90}
        )
        cls.large_phases = {p.key: p for p in cls.large.erp_phase_ids}
        cls.large_signoffs = {s.key: s for s in cls.large.erp_signoff_ids}

    def test_hard_per_size_is_planned(self):
        self.assertTrue(self.large_signoffs["solution_confirmed"].hard)
        self.assertFalse(self.signoffs["solution_confirmed"].hard, "the medium project: soft")
        self.assertTrue(self.large_signoffs["solution_steering"].is_certificate)

    def test_a_large_phase_closes_only_with_its_signed_certificate_pdf(self):
        self.sign(self.large_signoffs["requirements_signed"])
        solution = self.large_phases["solution"]
        solution.action_start()
        with self.assertRaisesRegex(ValidationError, "Steering committee approves the solution"):
            solution.action_done()
        certificate = self.large_signoffs["solution_steering"]
        certificate.action_request()
        self.attach_paper(certificate, mimetype="image/png")
        certificate.action_sign(signer_id=self.customer_contact.id)
        with self.assertRaisesRegex(ValidationError, "PDF attached"):
            solution.action_done()
        certificate.action_supersede()
        successor = certificate.superseded_by_id
        self.attach_paper(successor)
        successor.action_sign(signer_id=self.customer_contact.id)
        solution.action_done()
        self.assertEqual(solution.state, "done")


@tagged("post_install", "-at_install")
class TestPortalRouteRefusesTheTeam(ErpPlaybookCase, HttpCase):
    def test_an_internal_user_cannot_sign_through_the_portal_route(self):
        signoff = self.signoffs["requirements_signed"]
        signoff.action_request()
        self.authenticate("erp_consultant", "erp_consultant")
        result = self.make_jsonrpc_request(f"/my/signoffs/{signoff.id}/sign", {"name": "Chen"})
        self.assertIn("Only a contact of the customer", result.get("error", ""))
        self.assertEqual(signoff.state, "requested")
