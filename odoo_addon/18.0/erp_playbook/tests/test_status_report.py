# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lesson 15: the weekly status report rendered in Odoo in the executives' languages, sent and recorded."""

from datetime import timedelta

from lxml import html

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..models.cadence_rule import week_key
from ..models.erp_status_report import REPORT_XMLID, iso_week
from .common import ErpPlaybookCase, playbook_v1

TITLE = {"en_US": "Weekly Status Report", "zh_TW": "每週狀態報告", "zh_CN": "每周状态报告"}
GREETING = {"en_US": "Attached is the weekly status report", "zh_TW": "附上", "zh_CN": "附上"}
OVERDUE = {"en_US": "Overdue", "zh_TW": "逾期", "zh_CN": "逾期"}
OVERDUE_RISK = {"en_US": "days overdue", "zh_TW": "已逾期", "zh_CN": "已逾期"}


@tagged("post_install", "-at_install")
class TestStatusReport(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "erp_playbook")])
        for lang in ("zh_TW", "zh_CN"):
            cls.env["res.lang"]._activate_lang(lang)
        module._update_translations(["zh_TW", "zh_CN"])
        if not cls.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", cls.env.company.id)]):
            cls.env["account.chart.template"].try_loading("generic_coa", company=cls.env.company, install_demo=False)
        cls.today = fields.Date.context_today(cls.project)
        cls.executives = {
            lang: cls.env["res.partner"].create(
                {"name": f"Exec {lang}", "parent_id": cls.customer.id, "email": f"exec.{lang}@acme.test", "lang": lang}
            )
            for lang in ("en_US", "zh_TW", "zh_CN")
        }
        cls.employee = cls.env["hr.employee"].create({"name": "Consultant Chen"})

    def log(self, task, hours):
        return self.env["account.analytic.line"].create(
            {"name": "work", "project_id": self.project.id, "task_id": task.id, "unit_amount": hours,
             "employee_id": self.employee.id}
        )

    def name_executives(self, *langs):
        self.project.erp_executive_ids = [fields.Command.set([self.executives[lang].id for lang in langs])]

    def make_a_week(self):
        """1.5 man-days on the requirements, its gate signed 40 days ago so its payment is 10 days overdue."""
        requirements = self.phases["requirements"]
        self.sign(self.signoffs["requirements_signed"], date=self.today - timedelta(days=40))
        self.log(requirements.item_task_ids[0], 12)
        return requirements

    def render(self, lang):
        content, kind = self.env["ir.actions.report"].with_context(lang=lang)._render_qweb_html(
            REPORT_XMLID, self.project.ids
        )
        self.assertEqual(kind, "html")
        return html.fromstring(content)

    @staticmethod
    def cells(page, table_class):
        return [
            [cell.text_content().strip() for cell in row.xpath("./td")]
            for row in page.xpath(f"//table[contains(@class, '{table_class}')]/tbody/tr")
        ]

    def test_report_shows_the_addons_figures_in_each_language(self):
        requirements = self.make_a_week()
        payment = self.payments["pay_requirements"]
        self.assertEqual((payment.collection_status, payment.days_overdue), ("overdue", 10))
        for lang in ("en_US", "zh_TW", "zh_CN"):
            page = self.render(lang)
            text = page.text_content()
            self.assertIn(TITLE[lang], text, lang)
            self.assertIn(iso_week(self.today), text)
            # Project man-days: contracted, with signed changes, used, left, confirmed, sign-offs signed.
            gates = f"{self.project.erp_gate_signed_count} / {self.project.erp_gate_count}"
            self.assertEqual(self.project.erp_gate_signed_count, 1)
            self.assertEqual(self.cells(page, "erp_man_days"), [["100.0", "100.0", "1.5", "98.5", "0.0", gates]])
            phases = self.cells(page, "erp_phases")
            self.assertEqual(len(phases), 3)
            self.assertEqual(phases[0][2:5], ["40.0", "1.5", "38.5"], lang)
            self.assertEqual(
                phases[0][2:5],
                [f"{requirements.budget_man_days:.1f}", f"{requirements.spent_man_days:.1f}",
                 f"{requirements.remaining_man_days:.1f}"],
            )
            rows = {row[0]: row for row in self.cells(page, "erp_payments")}
            overdue = rows[payment.name]
            self.assertEqual((overdue[3], overdue[4]), (OVERDUE[lang], "10"), lang)
            risks = [li.text_content() for li in page.xpath("//ul[contains(@class, 'erp_risks')]/li")]
            self.assertEqual(len(risks), 1, risks)
            self.assertIn(payment.name, risks[0])
            self.assertIn(OVERDUE_RISK[lang], risks[0], lang)

    def test_risks_the_addon_sees_hard_gate_and_unfunded_scope(self):
        requirements = self.phases["requirements"]
        requirements.action_done()  # the work is finished, the customer has not signed the requirements report
        solution = self.phases["solution"]
        request = self.env["erp.change.request"].create(
            {"name": "Extra report", "project_id": self.project.id, "phase_id": solution.id, "man_days": 5}
        )
        task = self.env["project.task"].create(
            {"name": "Build extra report", "project_id": self.project.id, "erp_phase_id": requirements.id,
             "erp_change_request_id": request.id}
        )
        self.log(task, 12)
        risks = {r["code"]: r["message"] for r in self.project._erp_status_report_values()["risks"]}
        self.assertEqual(set(risks), {"hard_gate_unsigned", "unfunded_scope"})
        self.assertIn(self.signoffs["requirements_signed"].name, risks["hard_gate_unsigned"])
        self.assertIn(solution.name, risks["hard_gate_unsigned"])
        self.assertIn("1.5", risks["unfunded_scope"])
        self.assertIn("Extra report", risks["unfunded_scope"])

    def test_sending_makes_one_mail_per_language_with_the_report_and_one_record(self):
        self.make_a_week()
        self.name_executives("en_US", "zh_TW", "zh_CN")
        wizard = self.env["erp.status.report.send"].with_user(self.consultant).create({"project_id": self.project.id})
        self.assertEqual(len(wizard.mail_summary.splitlines()), 3)
        self.assertEqual(wizard.sent_this_week, 0)
        wizard.action_send()
        sent = self.project.erp_status_report_sent_ids
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.week, iso_week(self.today))
        self.assertEqual(sent.partner_ids, self.project.erp_executive_ids)
        self.assertEqual(sent.languages, "en_US, zh_CN, zh_TW")
        self.assertEqual(sent.user_id, self.consultant)
        self.assertEqual(self.project.erp_status_report_count, 1)
        self.assertEqual(len(sent.message_ids), 3)
        for lang, executive in self.executives.items():
            message = sent.message_ids.filtered(lambda m, e=executive: m.partner_ids == e)
            self.assertEqual(len(message), 1, lang)
            self.assertIn(message, self.project.message_ids, "posted in the project's chatter")
            self.assertIn(GREETING[lang], str(message.body), lang)
            self.assertIn("<li>", str(message.body), "the risks are listed as HTML, not escaped text")
            self.assertIn(iso_week(self.today), message.subject)
            notified = message.notification_ids.filtered(lambda n, e=executive: n.res_partner_id == e)
            self.assertEqual(notified.notification_type, "email", lang)
            [report] = message.attachment_ids
            self.assertIn(report, sent.attachment_ids)
            self.assertIn(TITLE[lang], report.raw.decode(), lang)
            self.assertIn(f"({lang})", report.name)

    def test_sending_twice_in_a_week_is_allowed_and_shown(self):
        self.name_executives("en_US")
        first = self.project._erp_send_status_report()
        second = self.project._erp_send_status_report()
        self.assertEqual((first.sent_before_count, second.sent_before_count), (0, 1))
        wizard = self.env["erp.status.report.send"].create({"project_id": self.project.id})
        self.assertEqual(wizard.sent_this_week, 2)

    def test_sending_keeps_the_weeks_status_report_cadence(self):
        cadence = self.env["erp.cadence"].create(
            {"project_id": self.project.id, "key": "weekly_status_report", "name": "Weekly executive status report",
             "frequency": "weekly", "date_start": self.today - timedelta(days=14)}
        )
        self.name_executives("en_US")
        self.assertFalse(cadence.event_ids)
        sent = self.project._erp_send_status_report()
        self.assertEqual(cadence.event_ids.mapped("res_id"), sent.ids, "the sending is the week's report")
        self.assertEqual(cadence.event_ids.date, self.today)
        self.assertEqual(cadence.event_ids.period_key, week_key(self.today), "counted for the week it was sent in")

    def test_refused_without_executive_or_email_and_nothing_recorded(self):
        messages = len(self.project.message_ids)
        with self.assertRaisesRegex(UserError, "Customer Executives"):
            self.project.action_erp_send_status_report()
        self.name_executives("en_US", "zh_TW")
        self.executives["zh_TW"].email = False
        with self.assertRaisesRegex(UserError, "Exec zh_TW.*no e-mail address"):
            self.project._erp_send_status_report()
        self.assertEqual(self.project.erp_status_report_count, 0)
        self.assertEqual(len(self.project.message_ids), messages)

    def test_executives_are_contacts_of_the_customer(self):
        stranger = self.env["res.partner"].create({"name": "Someone Else", "email": "x@else.test"})
        with self.assertRaisesRegex(ValidationError, "Someone Else"):
            self.project.erp_executive_ids = stranger


@tagged("post_install", "-at_install")
class TestStatusReportTour(HttpCase):
    """The Send Status Report button as a user clicks it (skipped by Odoo where no Chromium is installed)."""

    def test_send_button_sends_and_records(self):
        self.env["erp.playbook"].load_playbook(playbook_v1())
        customer = self.env["res.partner"].create({"name": "Tour Customer", "is_company": True})
        executive = self.env["res.partner"].create(
            {"name": "Tour Executive", "parent_id": customer.id, "email": "exec@tour.test", "lang": "en_US"}
        )
        project = self.env["project.project"].create(
            {
                "name": "Tour ERP",
                "partner_id": customer.id,
                "erp_playbook_id": self.env["erp.playbook"].search([("key", "=", "mini")]).id,
                "erp_executive_ids": [fields.Command.set(executive.ids)],
            }
        )
        self.start_tour(f"/odoo/m-project.project/{project.id}", "erp_status_report_send", login="admin")
        self.assertEqual(project.erp_status_report_count, 1)
        self.assertEqual(project.erp_status_report_sent_ids.partner_ids, executive)
