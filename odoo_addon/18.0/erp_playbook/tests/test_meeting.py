# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ErpPlaybookCase


class TestMeeting(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project.erp_customer_pm_id = cls.customer_contact

    def meeting(self, **values):
        return self.env["erp.meeting"].create(
            dict(
                {
                    "project_id": self.project.id,
                    "date": date(2026, 11, 5),
                    "minutes": "<p>Reviewed the survey.</p>",
                    "decisions": "<p>Go with standard costing.</p>",
                    "action_ids": [
                        (0, 0, {"name": "Send the item list", "user_id": self.consultant.id,
                                "date_deadline": date(2026, 11, 10)}),
                        (0, 0, {"name": "Book the training room", "user_id": self.manager.id,
                                "date_deadline": date(2026, 11, 12)}),
                    ],
                },
                **values,
            )
        )

    def test_customer_pm_chairs_by_default(self):
        self.assertEqual(self.meeting().chair_id, self.customer_contact)

    def test_action_items_become_tasks_once(self):
        meeting = self.meeting()
        tasks = meeting.action_ids.task_id
        self.assertEqual(len(tasks), 2)
        send = meeting.action_ids.filtered(lambda a: a.name == "Send the item list").task_id
        self.assertEqual(send.project_id, self.project)
        self.assertEqual(send.user_ids, self.consultant)
        self.assertEqual(send.date_deadline.date(), date(2026, 11, 10))
        meeting.write({"minutes": "<p>Corrected minutes.</p>"})
        meeting.write({"action_ids": [(0, 0, {"name": "Sign the plan", "user_id": self.manager.id,
                                              "date_deadline": date(2026, 11, 13)})]})
        self.assertEqual(len(meeting.action_ids.task_id), 3)
        self.assertEqual(self.env["project.task"].search_count([("id", "in", tasks.ids)]), 2)
        self.assertEqual(
            self.env["project.task"].search_count([("project_id", "=", self.project.id),
                                                   ("name", "in", ["Send the item list", "Book the training room"])]),
            2,
        )
        # Moving the deadline on the item moves the task's.
        meeting.action_ids[0].date_deadline = date(2026, 11, 11)
        self.assertEqual(meeting.action_ids[0].task_id.date_deadline.date(), date(2026, 11, 11))

    def test_holding_the_meeting_keeps_the_week(self):
        meeting = self.meeting()
        cadence = self.project.erp_cadence_ids.filtered(lambda c: c.key == "weekly_meeting")
        cadence.date_start = date(2026, 11, 2)
        self.assertEqual(cadence.event_ids.mapped("period_key"), ["2026-W45"])
        meeting.write({"date": date(2026, 11, 12)})  # the same meeting, moved: one record, now in W46
        self.assertEqual(cadence.event_ids.mapped("period_key"), ["2026-W46"])
        meeting.unlink()
        self.assertFalse(cadence.event_ids)


class TestMeetingAccess(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acme_portal = new_test_user(cls.env, "acme_meeting", groups="base.group_portal",
                                        partner_id=cls.customer_contact.id)
        other_corp = cls.env["res.partner"].create({"name": "Other Corp", "is_company": True})
        other_contact = cls.env["res.partner"].create({"name": "Otto Other", "parent_id": other_corp.id})
        cls.other_portal = new_test_user(cls.env, "other_meeting", groups="base.group_portal",
                                         partner_id=other_contact.id)
        other_project = cls.env["project.project"].create({"name": "Other ERP", "partner_id": other_corp.id})
        cls.project.erp_customer_pm_id = cls.customer_contact  # chairs Acme's meetings
        cls.mine = cls.env["erp.meeting"].create(
            {"project_id": cls.project.id, "date": date(2026, 11, 5), "minutes": "<p>Acme minutes</p>",
             "decisions": "<p>Acme decision</p>",
             "action_ids": [(0, 0, {"name": "Acme action", "user_id": cls.consultant.id,
                                    "date_deadline": date(2026, 11, 9)})]}
        )
        cls.foreign = cls.env["erp.meeting"].create(
            {"project_id": other_project.id, "date": date(2026, 11, 6), "minutes": "<p>Secret minutes</p>"}
        )

    def test_portal_user_reads_only_own_projects_meetings(self):
        Meeting = self.env["erp.meeting"].with_user(self.acme_portal)
        self.assertEqual(Meeting.search([]), self.mine)
        self.assertEqual(self.env["erp.meeting.action"].with_user(self.acme_portal).search([]), self.mine.action_ids)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.acme_portal).read(["minutes"])
        self.assertEqual(self.env["erp.meeting"].with_user(self.other_portal).search([]), self.foreign)
        with self.assertRaises(AccessError):
            self.mine.with_user(self.acme_portal).write({"minutes": "<p>changed</p>"})


@tagged("post_install", "-at_install")
class TestMeetingPortal(TestMeetingAccess, HttpCase):
    def test_customer_sees_own_meeting_pages_only(self):
        self.authenticate("acme_meeting", "acme_meeting")
        listing = self.url_open("/my/meetings")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Acme ERP", listing.text)
        self.assertNotIn("Other ERP", listing.text)
        page = self.url_open(f"/my/meetings/{self.mine.id}")
        self.assertIn("Acme minutes", page.text)
        self.assertIn("Acme decision", page.text)
        self.assertIn("Acme action", page.text)
        # The chair: the customer's PM (whose contact the portal user's creation renamed).
        self.assertEqual(self.mine.chair_id, self.customer_contact)
        self.assertIn(f'erp_meeting_chair">{self.customer_contact.name}<', page.text)
        foreign = self.url_open(f"/my/meetings/{self.foreign.id}", allow_redirects=False)
        self.assertIn(foreign.status_code, (302, 303))
        self.assertNotIn("Secret minutes", foreign.text)

    def test_another_customer_gets_nothing_of_ours(self):
        self.authenticate("other_meeting", "other_meeting")
        listing = self.url_open("/my/meetings")
        self.assertNotIn("Acme ERP", listing.text)
        page = self.url_open(f"/my/meetings/{self.mine.id}", allow_redirects=False)
        self.assertIn(page.status_code, (302, 303))
