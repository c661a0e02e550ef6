# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ErpPlaybookCase


def csrf_of(html):
    """The form's CSRF token, as a browser would send it back."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class RegisterCase(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        options = cls.playbook.register_option_ids
        cls.kind = {o.key: o for o in options if o.option_type == "kind"}
        cls.disposition = {o.key: o for o in options if o.option_type == "disposition"}
        cls.Item = cls.env["erp.register.item"]
        # Another customer with its own playbook project and item.
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Corp", "is_company": True})
        cls.other_contact = cls.env["res.partner"].create({"name": "Olga Other", "parent_id": cls.other_customer.id})
        cls.other_project = cls.env["project.project"].create(
            {"name": "Other ERP", "partner_id": cls.other_customer.id, "erp_playbook_id": cls.playbook.id}
        )
        cls.foreign = cls.Item.create(
            {"project_id": cls.other_project.id, "kind_id": cls.kind["issue"].id, "name": "Other's secret issue"}
        )
        cls.mine = cls.Item.create(
            {"project_id": cls.project.id, "kind_id": cls.kind["requirement"].id, "name": "Print batch numbers",
             "raised_by_id": cls.customer_contact.id}
        )

    def requirement(self, **values):
        return self.Item.create(
            dict(
                {"project_id": self.project.id, "kind_id": self.kind["requirement"].id, "name": "Landed costs"},
                **values,
            )
        )


@tagged("post_install", "-at_install")
class TestRegisterDispositions(RegisterCase):
    def test_kinds_and_dispositions_are_the_playbooks(self):
        self.assertEqual(sorted(self.kind), ["issue", "requirement"])
        self.assertEqual(sorted(self.disposition), ["customize", "workaround"])
        self.assertEqual(self.disposition["workaround"].with_context(lang="en_US").name, "Workaround")

    def test_an_unmet_requirement_is_not_closed_without_disposition_and_reason(self):
        item = self.requirement()
        item.action_start()
        workaround = self.disposition["workaround"].id
        refused = [
            ({"state": "closed"}, "before you say whether it is met"),
            ({"state": "closed", "outcome": "unmet"}, "without a disposition and its reason.*Workaround"),
            ({"state": "closed", "outcome": "unmet", "disposition_id": workaround}, "without a disposition"),
            ({"state": "resolved", "outcome": "unmet", "disposition_reason": "Not possible"}, "without a disposition"),
            ({"state": "closed", "outcome": "unmet", "disposition_id": workaround, "disposition_reason": "  "},
             "without a disposition"),
        ]
        for values, message in refused:
            with self.subTest(values=values), self.assertRaisesRegex(ValidationError, message), self.cr.savepoint():
                item.write(values)
            item.invalidate_recordset()
            self.assertEqual(item.state, "in_progress")
        item.write(
            {
                "outcome": "unmet",
                "disposition_id": workaround,
                "disposition_reason": "Use a manual journal entry for the freight until R&D delivers",
            }
        )
        item.action_close()
        self.assertEqual(item.state, "closed")
        self.assertTrue(item.date_closed)
        item.action_reopen()
        self.assertFalse(item.date_closed)

    def test_a_met_requirement_and_an_issue_close_without_disposition(self):
        item = self.requirement(outcome="met")
        item.action_close()
        self.assertEqual(item.state, "closed")
        issue = self.Item.create({"project_id": self.project.id, "kind_id": self.kind["issue"].id, "name": "Slow"})
        issue.action_resolve()
        self.assertEqual(issue.state, "resolved")

    def test_options_of_another_playbook_are_refused(self):
        other = self.env["erp.playbook"].create({"key": "other", "name": "Other"})
        stranger = self.env["erp.playbook.register.option"].create(
            {"playbook_id": other.id, "key": "workaround", "name": "Workaround", "option_type": "disposition"}
        )
        with self.assertRaisesRegex(ValidationError, "project's playbook"):
            self.requirement(disposition_id=stranger.id)
        with self.assertRaisesRegex(ValidationError, "must be a kind"):
            self.requirement(kind_id=self.disposition["workaround"].id)

    def test_a_source_is_brought_over_once(self):
        self.requirement(source_ref="odoo-task:7")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.requirement(source_ref="odoo-task:7")
        self.assertTrue(self.Item.create(
            {"project_id": self.other_project.id, "kind_id": self.kind["issue"].id, "name": "x",
             "source_ref": "odoo-task:7"}), "the same source on another project is another item")

    def test_the_project_counts_open_items(self):
        self.assertEqual(self.project.erp_register_open_count, 1)
        self.mine.write({"outcome": "met", "state": "resolved"})
        self.project.invalidate_recordset(["erp_register_open_count"])
        self.assertEqual(self.project.erp_register_open_count, 0)
        action = self.project.action_erp_open_register()
        self.assertEqual(action["domain"], [("project_id", "=", self.project.id)])


@tagged("post_install", "-at_install")
class TestRegisterPortalAccess(RegisterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acme_portal = new_test_user(
            cls.env, "acme_reg_portal", groups="base.group_portal", partner_id=cls.customer_contact.id
        )
        cls.other_portal = new_test_user(
            cls.env, "other_reg_portal", groups="base.group_portal", partner_id=cls.other_contact.id
        )

    def test_a_customer_sees_only_its_own_projects_items(self):
        Item = self.Item.with_user(self.acme_portal)
        self.assertEqual(Item.search([]), self.mine)
        self.assertEqual(self.Item.with_user(self.other_portal).search([]), self.foreign)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.acme_portal).read(["name"])
        with self.assertRaises(AccessError):
            self.mine.with_user(self.acme_portal).write({"state": "closed"})

    def test_a_customer_raises_items_only_on_its_own_projects(self):
        item = self.Item.with_user(self.acme_portal).portal_raise(self.project.id, "issue", "Label printer jams")
        self.assertEqual(
            (item.project_id, item.kind, item.raised_by_id), (self.project, "issue", self.customer_contact)
        )
        self.assertIn(self.customer_contact, item.message_partner_ids, "the customer follows what they raised")
        with self.assertRaises(AccessError):
            self.Item.with_user(self.other_portal).portal_raise(self.project.id, "issue", "Sneaky")
        self.assertFalse(self.Item.search([("name", "=", "Sneaky")]))


@tagged("post_install", "-at_install")
class TestRegisterPortalPages(RegisterCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(cls.env, "acme_reg_web", groups="base.group_portal", partner_id=cls.customer_contact.id)
        new_test_user(cls.env, "other_reg_web", groups="base.group_portal", partner_id=cls.other_contact.id)

    def test_the_customer_lists_opens_and_raises(self):
        self.authenticate("acme_reg_web", "acme_reg_web")
        listing = self.url_open("/my/register")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Print batch numbers", listing.text)
        self.assertNotIn("Other&#39;s secret issue", listing.text)
        self.assertNotIn("secret issue", listing.text)
        page = self.url_open(f"/my/register/{self.mine.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Print batch numbers", page.text)
        form = self.url_open("/my/register/new")
        self.assertEqual(form.status_code, 200)
        self.assertIn("Acme ERP", form.text)
        self.assertNotIn("Other ERP", form.text)
        raised = self.url_open(
            "/my/register/new",
            data={"project_id": self.project.id, "kind": "requirement", "name": "Consignment stock",
                  "csrf_token": csrf_of(form.text)},
        )
        self.assertEqual(raised.status_code, 200)
        item = self.Item.search([("name", "=", "Consignment stock")])
        self.assertEqual((item.project_id, item.raised_by_id), (self.project, self.customer_contact))

    def test_another_customer_gets_nothing(self):
        self.authenticate("other_reg_web", "other_reg_web")
        page = self.url_open(f"/my/register/{self.mine.id}", allow_redirects=False)
        self.assertIn(page.status_code, (302, 303), "redirected to /my, the item is not shown")
        self.assertNotIn("Print batch numbers", page.text)
        form = self.url_open("/my/register/new")
        self.assertNotIn("Acme ERP", form.text, "only the user's own company's projects are offered")
        posted = self.url_open(
            "/my/register/new",
            data={
                "project_id": self.project.id,
                "kind": "issue",
                "name": "Sneaky web",
                "csrf_token": csrf_of(form.text),
            },
        )
        self.assertEqual(posted.status_code, 404)
        self.assertFalse(self.Item.search([("name", "=", "Sneaky web")]))
