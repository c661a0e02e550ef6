# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ErpPlaybookCase

MONDAY, TUESDAY = "2025-03-03", "2025-03-04"


@tagged("post_install", "-at_install")
class TestPortalImplementationLog(ErpPlaybookCase, HttpCase):
    """Lesson 16: the customer's contact confirms the implementation log, one visit (a consultant's day) at a time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(cls.env, "acme_log", groups="base.group_portal", partner_id=cls.customer_contact.id)
        other_corp = cls.env["res.partner"].create({"name": "Other Corp", "is_company": True})
        other_contact = cls.env["res.partner"].create({"name": "Otto Other", "parent_id": other_corp.id})
        new_test_user(cls.env, "other_log", groups="base.group_portal", partner_id=other_contact.id)
        cls.chen = cls.env["hr.employee"].create({"name": "Consultant Chen"})
        cls.wang = cls.env["hr.employee"].create({"name": "Consultant Wang"})
        cls.visit = cls.log(cls.chen, MONDAY, 3) | cls.log(cls.chen, MONDAY, 5)
        cls.other_day = cls.log(cls.chen, TUESDAY, 8)
        cls.other_consultant = cls.log(cls.wang, MONDAY, 4)

    @classmethod
    def log(cls, employee, date, hours):
        return cls.env["account.analytic.line"].create(
            {"name": f"work {hours}h", "project_id": cls.project.id, "employee_id": employee.id,
             "date": date, "unit_amount": hours}
        )

    def url(self, employee=None, date=MONDAY):
        return f"/my/implementation-log/{self.project.id}/{date}/{(employee or self.chen).id}"

    def confirm(self, employee=None, date=MONDAY, name="Ann Acme"):
        result = self.make_jsonrpc_request(self.url(employee, date) + "/confirm", {"name": name})
        self.env.invalidate_all()
        return result

    def test_customer_confirms_one_visit_and_only_that_visit(self):
        self.authenticate("acme_log", "acme_log")
        listing = self.url_open("/my/implementation-log")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Consultant Chen", listing.text)
        self.assertIn("Consultant Wang", listing.text)
        self.assertIn("To confirm", listing.text)
        page = self.url_open(self.url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("portal.signature_form", page.text)
        self.assertIn("1.00", page.text)  # 8 hours = 1 man-day at 8 hours a day

        result = self.confirm()
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual(self.visit.mapped("erp_customer_confirmed"), [True, True])
        self.assertEqual(set(self.visit.mapped("erp_confirmed_by_name")), {"Ann Acme"})
        self.assertEqual(self.visit.erp_confirmed_partner_id, self.customer_contact)
        self.assertEqual(set(self.visit.mapped("erp_confirmed_date")), {fields.Date.context_today(self.visit)})
        for untouched in self.other_day | self.other_consultant:
            self.assertFalse(untouched.erp_customer_confirmed)
            self.assertFalse(untouched.erp_confirmed_by_name)
        self.assertIn("Ann Acme", self.project.message_ids[0].body)
        self.assertIn("Consultant Chen", self.project.message_ids[0].body)

    def test_internal_user_is_refused(self):
        self.authenticate("erp_manager", "erp_manager")
        listing = self.url_open("/my/implementation-log", allow_redirects=False)
        self.assertIn(listing.status_code, (302, 303))
        self.assertEqual(self.url_open(self.url()).status_code, 404)
        self.assertIn("error", self.confirm(name="Manager Ma"))
        self.assertFalse(any(self.visit.mapped("erp_customer_confirmed")))

    def test_contact_of_another_customer_sees_and_confirms_nothing(self):
        self.authenticate("other_log", "other_log")
        listing = self.url_open("/my/implementation-log")
        self.assertEqual(listing.status_code, 200)
        self.assertNotIn("Consultant Chen", listing.text)
        self.assertNotIn("Acme ERP", listing.text)
        self.assertEqual(self.url_open(self.url()).status_code, 404)
        self.assertIn("error", self.confirm(name="Otto Other"))
        self.authenticate("acme_log", "acme_log")  # the customer's own contact, on a visit that does not exist
        self.assertEqual(self.url_open(self.url(self.env["hr.employee"].browse(999999))).status_code, 404)
        self.assertFalse(any(self.visit.mapped("erp_customer_confirmed")))

    def test_confirmed_visit_stays_as_it_was(self):
        self.visit.write(  # e.g. a manager recorded the paper the customer signed
            {"erp_customer_confirmed": True, "erp_confirmed_date": "2025-03-05", "erp_confirmed_by_name": "On paper"}
        )
        messages = len(self.project.message_ids)
        self.authenticate("acme_log", "acme_log")
        self.assertIn("This visit is confirmed.", self.url_open(self.url()).text)
        self.confirm(name="Ann Again")
        self.assertEqual(set(self.visit.mapped("erp_confirmed_by_name")), {"On paper"})
        self.assertEqual(set(map(str, self.visit.mapped("erp_confirmed_date"))), {"2025-03-05"})
        self.assertEqual(len(self.project.message_ids), messages)
