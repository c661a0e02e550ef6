# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestPortalPages(ErpPlaybookCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(cls.env, "acme_portal", groups="base.group_portal", partner_id=cls.customer_contact.id)
        cls.signoff = cls.signoffs["requirements_signed"]
        cls.signoff.action_request()
        other = cls.env["project.project"].create(
            {"name": "Other ERP", "partner_id": cls.env["res.partner"].create({"name": "Other Corp"}).id}
        )
        cls.foreign = cls.env["erp.signoff"].create(
            {"project_id": other.id, "key": "foreign", "name": "Foreign sign-off", "state": "requested"}
        )

    def test_customer_lists_opens_and_signs_own_signoff(self):
        self.authenticate("acme_portal", "acme_portal")
        listing = self.url_open("/my/signoffs")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Requirements report signed", listing.text)
        self.assertNotIn("Foreign sign-off", listing.text)

        page = self.url_open(f"/my/signoffs/{self.signoff.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("portal.signature_form", page.text)

        result = self.make_jsonrpc_request(f"/my/signoffs/{self.signoff.id}/sign", {"name": "Ann Acme"})
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual(self.signoff.state, "signed")
        self.assertEqual(self.signoff.signed_by_name, "Ann Acme")

    def test_customer_cannot_open_or_sign_another_customers_signoff(self):
        self.authenticate("acme_portal", "acme_portal")
        page = self.url_open(f"/my/signoffs/{self.foreign.id}", allow_redirects=False)
        self.assertIn(page.status_code, (302, 303))
        result = self.make_jsonrpc_request(f"/my/signoffs/{self.foreign.id}/sign", {"name": "Ann Acme"})
        self.assertIn("error", result)
        self.assertEqual(self.foreign.state, "requested")
