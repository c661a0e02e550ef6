# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, timedelta

from odoo import fields

from ..models import cadence_rule as rule
from .common import ErpPlaybookCase, playbook_v1

# Hand-computed weeks (2026): ISO week 45 starts Monday 2 November; each week is due on its Friday.
W45_MON, W45_THU = date(2026, 11, 2), date(2026, 11, 5)  # Friday 6 Nov is W45's due date
W46_SAT = date(2026, 11, 14)  # after W46's Friday (13 Nov), within its two grace days: late
W49_SUN_BEFORE = date(2026, 11, 29)  # W48 (due 27 Nov) still in grace until Sunday 29 Nov
W49_MON = date(2026, 11, 30)


class TestCadences(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project.erp_customer_pm_id = cls.customer_contact
        cls.meeting_cadence = cls.project.erp_cadence_ids.filtered(lambda c: c.key == "weekly_meeting")

    def new_project(self, size, playbook=None):
        project = self.env["project.project"].create(
            {
                "name": f"{size} project",
                "partner_id": self.customer.id,
                "erp_playbook_id": (playbook or self.playbook).id,
                "erp_size": size,
                "erp_man_day_budget": 20.0,
                "erp_contract_amount": 1000.0,
            }
        )
        project.action_erp_apply_playbook()
        return project

    def cadence_activities(self, project):
        return self.env["mail.activity"].search(
            [("res_model", "=", "project.project"), ("res_id", "=", project.id)]
        ).filtered(lambda a: a.summary in project.erp_cadence_ids.mapped("name"))

    # -- scheduling by size ------------------------------------------------------------------------------
    def test_medium_project_gets_the_weekly_meeting_scheduled_as_an_activity(self):
        cadence = self.meeting_cadence
        self.assertEqual(len(cadence), 1)
        self.assertEqual(cadence.frequency, "weekly")
        self.assertEqual(cadence.owner_party, "customer")
        self.assertEqual(cadence.owner_partner_id, self.customer_contact, "the customer's PM owns the meeting")
        self.assertEqual(cadence.owner_user_id, self.project.user_id)
        today = fields.Date.context_today(self.env.user)
        friday = today + timedelta(days=4 - today.weekday())
        expected = friday if today <= friday else friday + timedelta(days=7)
        self.assertEqual(cadence.date_next, expected)
        [activity] = self.cadence_activities(self.project)
        self.assertEqual(activity, cadence.activity_id)
        self.assertEqual(activity.date_deadline, expected)
        self.assertEqual(activity.user_id, self.project.user_id)

    def test_small_project_gets_no_weekly_meeting(self):
        small = self.new_project("small")
        self.assertFalse(small.erp_cadence_ids)
        self.assertFalse(self.cadence_activities(small))
        self.assertFalse(small._erp_cadence_kept("weekly_meeting", W45_THU))

    def test_apply_playbook_again_creates_no_second_cadence_or_activity(self):
        project = self.new_project("large")
        project.action_erp_apply_playbook()
        self.assertEqual(project.erp_cadence_ids.mapped("key"), ["weekly_meeting"])
        self.assertEqual(len(self.cadence_activities(project)), 1)

    # -- adherence -------------------------------------------------------------------------------------------
    def keep_weeks(self):
        cadence = self.meeting_cadence
        cadence.date_start = W45_MON
        cadence._erp_record(W45_THU)
        cadence._erp_record(W46_SAT)
        return cadence

    def test_adherence_over_hand_computed_weeks(self):
        cadence = self.keep_weeks().with_context(today=W49_MON)
        # W45 on time, W46 late, W47 and W48 missed (due + 2 days passed), W49 open: 2 kept of 4 decided.
        statuses = [s for _k, _due, _kept, s in cadence._erp_statuses(W49_MON)]
        self.assertEqual(statuses, [rule.ON_TIME, rule.LATE, rule.MISSED, rule.MISSED, rule.OPEN])
        self.assertEqual((cadence.on_time_count, cadence.late_count, cadence.missed_count), (1, 1, 2))
        self.assertAlmostEqual(cadence.adherence, 50.0)
        self.assertEqual(cadence.period_status, rule.OPEN)
        self.assertEqual(cadence.last_status, rule.MISSED)
        project = self.project.with_context(today=W49_MON)
        self.assertAlmostEqual(project.erp_cadence_adherence, 50.0)
        self.assertEqual(project.erp_cadence_missed, 2)

    def test_a_week_in_its_grace_days_is_not_missed_yet(self):
        project = self.keep_weeks() and self.project.with_context(today=W49_SUN_BEFORE)
        # W47 missed; W48 (due Friday 27) is still open on Sunday 29: 2 kept of 3 decided.
        self.assertAlmostEqual(project.erp_cadence_adherence, 200.0 / 3)
        self.assertEqual(project.erp_cadence_missed, 1)

    def test_nothing_due_yet_is_full_adherence(self):
        self.meeting_cadence.date_start = W45_MON
        project = self.project.with_context(today=date(2026, 11, 4))
        self.assertEqual((project.erp_cadence_adherence, project.erp_cadence_missed), (100.0, 0))

    def test_per_phase_cadence_counts_each_finished_phase(self):
        data = playbook_v1()
        data["key"] = "mini_phases"
        data["cadences"].append(
            {"key": "man_day_review", "name": {"en": "Man-day review", "zh_TW": "x", "zh_CN": "x"},
             "description": None, "sizes": [], "industries": [], "frequency": "per_phase",
             "owner_role": "consultant", "lessons": [16]}
        )
        self.env["erp.playbook"].load_playbook(data)
        playbook = self.env["erp.playbook"].search([("key", "=", "mini_phases")])
        project = self.new_project("small", playbook)
        [review] = project.erp_cadence_ids
        self.assertEqual((review.key, review.owner_party, review.grace_days), ("man_day_review", "implementer", 7))
        project.erp_key_user_ids = self.customer_contact
        # Lesson 11: the requirements gate waits for the key user's passing exam.
        self.env["erp.exam.result"].create({"project_id": project.id, "partner_id": self.customer_contact.id, "score": 85})
        for signoff in project.erp_signoff_ids.filtered("hard"):  # the hard gates let the phases move on
            self.sign(signoff)
        phases = project.erp_phase_ids.sorted("sequence")
        phases[0].write({"state": "done", "date_done": date(2026, 11, 2)})
        phases[1].write({"state": "done", "date_done": date(2026, 11, 20)})
        phases[2].write({"state": "in_progress"})
        # The first phase's review is recorded three days after it was done: late.
        project._erp_cadence_kept("man_day_review", date(2026, 11, 5))
        review = review.with_context(today=date(2026, 11, 30))
        # Phase 2 done on 20 Nov, nothing recorded, 7 grace days passed: missed; phase 3 open.
        self.assertEqual((review.on_time_count, review.late_count, review.missed_count), (0, 1, 1))
        self.assertAlmostEqual(review.adherence, 50.0)
        # The reminder is for the phase whose review is still owed.
        self.assertEqual(review.activity_period_key, phases[1].key)
        self.assertEqual(review.activity_id.date_deadline, date(2026, 11, 20))

    # -- the activity ------------------------------------------------------------------------------------------
    def test_keeping_the_week_closes_its_activity_and_schedules_the_next(self):
        cadence = self.meeting_cadence.with_context(today=W45_MON)
        cadence.date_start = W45_MON
        cadence._erp_schedule()
        first = cadence.activity_id
        self.assertEqual(first.date_deadline, date(2026, 11, 6))
        self.project.with_context(today=W45_MON)._erp_cadence_kept("weekly_meeting", W45_THU)
        # Done: removed on 18, kept archived as done on 19.
        self.assertFalse(first.exists().filtered("active"), "the kept week's activity is done")
        self.assertEqual(cadence.activity_id.date_deadline, date(2026, 11, 13))
        self.assertEqual(cadence.date_next, date(2026, 11, 13))
        self.assertEqual(len(self.cadence_activities(self.project)), 1)

    def test_marking_the_activity_done_keeps_the_week_it_was_due(self):
        cadence = self.meeting_cadence.with_context(today=W45_MON)
        cadence.date_start = W45_MON
        cadence._erp_schedule()
        # Done by hand on Saturday: the week it was due in (W45) is kept, late.
        cadence.activity_id.with_context(today=date(2026, 11, 7)).action_feedback(feedback="held")
        self.assertEqual(cadence.event_ids.period_key, "2026-W45")
        self.assertEqual(cadence.activity_id.date_deadline, date(2026, 11, 13))
        statuses = cadence._erp_statuses(date(2026, 11, 9))
        self.assertEqual(statuses[0][3], rule.LATE)
