# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lesson 15: the weekly status report, sent from Odoo to the customer's executives in their language.

The report reads the addon's own fields (man-days of phases and project, sign-off states, each payment's
``collection_status`` / ``days_overdue``, unfunded change-request days): it decides no rule itself, so the
report in Odoo and ``playbook report weekly`` (which reads the same fields) cannot disagree. Each sending is
recorded on the project (``erp.status.report.sent``) besides the chatter message Odoo posts.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

from . import cadence_rule as rule
from .erp_acceptance import context_today
from .erp_change_request import UNFUNDED_STATES
from .erp_project_phase import RELEASED_SIGNOFF_STATES

REPORT_XMLID = "erp_playbook.action_report_erp_status"
TEMPLATE_XMLID = "erp_playbook.mail_template_erp_status_report"
# Man-day differences below this are rounding, not a risk (a quarter of an hour at 8 h/day; as the connector).
EPSILON_DAYS = 0.03
INTERNAL = "erp_playbook.group_erp_user"


def label(record):
    """A phase's, gate's or payment's name in the report's language: its playbook item's (translated), else its own
    (the connector's weekly report names them the same way)."""
    return record.template_id.name or record.name or ""


def iso_week(day):
    """``2026-W50``: the week a report is about (the connector's ``IsoWeek`` label)."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


class ProjectProject(models.Model):
    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    erp_executive_ids = fields.Many2many(
        "res.partner",
        "erp_project_executive_rel",
        "project_id",
        "partner_id",
        string="Customer Executives",
        help="The customer's executives who receive the weekly status report (lesson 15), each in their language.",
    )
    erp_status_report_sent_ids = fields.One2many(
        "erp.status.report.sent", "project_id", string="Status Reports Sent", groups=INTERNAL
    )
    erp_status_report_count = fields.Integer(
        string="Status Reports", compute="_compute_erp_status_report_count", groups=INTERNAL
    )

    def _compute_erp_status_report_count(self):
        counts = dict(
            self.env["erp.status.report.sent"]._read_group(
                [("project_id", "in", self.ids)], ["project_id"], ["__count"]
            )
        )
        for project in self:
            project.erp_status_report_count = counts.get(project, 0)

    @api.constrains("erp_executive_ids", "partner_id")
    def _check_erp_executives(self):
        """Executives are people of the customer, like its key users and PM (the report is the customer's)."""
        for project in self:
            customer = project.partner_id.commercial_partner_id
            strangers = project.erp_executive_ids.filtered(lambda p, c=customer: p.commercial_partner_id != c)
            if strangers:
                raise ValidationError(
                    self.env._(
                        "The executives of '%(project)s' must be contacts of its customer (%(customer)s): %(names)s.",
                        project=project.name,
                        customer=customer.display_name or "-",
                        names=", ".join(strangers.mapped("display_name")),
                    )
                )

    # -- what the report says ------------------------------------------------------------------------------
    def _erp_status_report_values(self):
        """The report's figures, read from the addon's fields on the context date ``today``."""
        self.ensure_one()
        today = context_today(self)
        Phase, Payment = self.env["erp.project.phase"], self.env["erp.payment.milestone"]
        phase_states = dict(Phase._fields["state"]._description_selection(self.env))
        collection = dict(Payment._fields["collection_status"]._description_selection(self.env))
        phases = [
            {
                "name": label(phase),
                "state": phase.state,
                "state_label": phase_states[phase.state],
                "budget": phase.budget_man_days,
                "spent": phase.spent_man_days,
                "remaining": phase.remaining_man_days,
                "progress": phase.progress,
                "blocked_by": phase.blocked_by or "",
            }
            for phase in self.erp_phase_ids
        ]
        live = self.erp_signoff_ids.filtered(lambda s: s.state != "superseded")
        waiting = [
            {
                "name": label(gate),
                "phase": label(gate.phase_id),
                "hard": gate.hard,
                "date_requested": gate.date_requested,
                "days": (today - gate.date_requested).days if gate.date_requested else 0,
            }
            for gate in live.filtered(lambda s: s.state == "requested")
        ]
        payments = [
            {
                "name": label(pay),
                "amount": pay.amount,
                "date_due": pay.date_due,
                "status": pay.collection_status,
                "status_label": collection[pay.collection_status],
                "days_overdue": pay.days_overdue,
                "invoice": pay.invoice_id.name or "",
            }
            for pay in self.erp_payment_ids.with_context(today=today)
        ]
        return {
            "project": self,
            "today": today,
            "week": iso_week(today),
            "currency": self.currency_id,
            "budget": self.erp_man_day_budget,
            "budget_total": self.erp_man_day_budget_total,
            "spent": self.erp_man_days_spent,
            "remaining": self.erp_man_days_remaining,
            "signed": self.erp_man_days_signed,
            "gates_signed": self.erp_gate_signed_count,
            "gates_total": self.erp_gate_count,
            "phases": phases,
            "gates_waiting": waiting,
            "payments": payments,
            "risks": self._erp_status_risks(today),
        }

    def _erp_status_risks(self, today):
        """The risks the addon itself can see, most severe first: each one a field the addon computes."""
        risks = []

        def add(code, message):
            risks.append({"code": code, "severity": "high", "message": message})

        payments = self.erp_payment_ids.with_context(today=today)
        for pay in payments.filtered(lambda m: m.collection_status == "overdue"):
            amount = format_amount(self.env, pay.amount_residual or pay.amount, self.currency_id)
            message = self.env._(
                "Payment '%(payment)s' is %(days)s days overdue (%(amount)s).",
                payment=label(pay),
                days=pay.days_overdue,
                amount=amount,
            )
            add("payment_overdue", message)
        live = self.erp_signoff_ids.with_context(today=today).filtered(lambda s: s.state != "superseded")
        for gate in live.filtered(lambda s: s.hard and s.state not in RELEASED_SIGNOFF_STATES):
            if gate.overridden_by_id:
                message = self.env._(
                    "Hard gate '%(gate)s' was passed unsigned by %(manager)s: %(reason)s",
                    gate=label(gate),
                    manager=gate.overridden_by_id.name,
                    reason=gate.override_reason or "",
                )
                add("hard_gate_overridden", message)
            elif gate.blocks_phase_id.state == "draft" and (
                gate.state == "rejected" or gate.phase_id.state == "done" or gate.phase_id.progress >= 100.0
            ):
                # The work before it is finished: only the customer's signature holds the next phase now.
                message = self.env._(
                    "Hard gate '%(gate)s' is not signed: phase '%(phase)s' and every later phase cannot start.",
                    gate=label(gate),
                    phase=label(gate.blocks_phase_id),
                )
                add("hard_gate_unsigned", message)
        for gate in live.filtered(lambda s: s.days_late > 0):
            message = self.env._(
                "'%(gate)s' is %(days)s days past its acceptance date.", gate=label(gate), days=gate.days_late
            )
            add("acceptance_late", message)
        for phase in self.erp_phase_ids.filtered(lambda p: p.budget_man_days > 0):
            if phase.remaining_man_days < -EPSILON_DAYS:
                message = self.env._(
                    "Phase '%(phase)s': %(spent)s of %(budget)s man-days spent.",
                    phase=label(phase),
                    spent=f"{phase.spent_man_days:.1f}",
                    budget=f"{phase.budget_man_days:.1f}",
                )
                add("over_budget", message)
        if self.erp_unfunded_man_days > EPSILON_DAYS:
            unfunded = self.erp_change_request_ids.filtered(lambda c: c.state in UNFUNDED_STATES and c.spent_man_days)
            message = self.env._(
                "%(days)s man-days logged on change requests the customer has not signed: %(requests)s.",
                days=f"{self.erp_unfunded_man_days:.1f}",
                requests=", ".join(unfunded.mapped("name")),
            )
            add("unfunded_scope", message)
        return risks

    def _erp_risk_level(self, today):
        """The project's risk level as Odoo sees it, and how many risks make it: ``high`` when the status report
        lists a risk (every one it lists is high) or a cadence whose last period was missed has missed
        ``MISSED_HIGH`` periods in all; ``medium`` when a cadence's last period was missed; else ``none``. The
        weekly report ranks these risks the same way; its risks from the register and the sync come on top."""
        self.ensure_one()
        risks = len(self._erp_status_risks(today))
        cadences = self.sudo().erp_cadence_ids.with_context(today=today)
        slipping = cadences.filtered(lambda c: c.last_status == rule.MISSED)
        if risks or any(c.missed_count >= rule.MISSED_HIGH for c in slipping):
            level = "high"
        else:
            level = "medium" if slipping else "none"
        return level, risks + len(slipping)

    # -- sending ---------------------------------------------------------------------------------------------
    def _erp_status_recipients_by_lang(self):
        """``{lang: executives}``, refusing with the fix when nobody can receive the report."""
        self.ensure_one()
        if not self.erp_executive_ids:
            raise UserError(
                self.env._(
                    "Project '%s' names no customer executive to send the status report to. Add them under "
                    "Customer Executives on the project's Implementation tab first.",
                    self.name,
                )
            )
        no_email = self.erp_executive_ids.filtered(lambda p: not p.email)
        if no_email:
            raise UserError(
                self.env._(
                    "The status report cannot be sent: %(names)s of project '%(project)s' has no e-mail address. "
                    "Add it on the contact first.",
                    names=", ".join(no_email.mapped("display_name")),
                    project=self.name,
                )
            )
        groups = {}
        for partner in self.erp_executive_ids:
            lang = partner.lang or self.env.lang or "en_US"
            groups.setdefault(lang, self.env["res.partner"])
            groups[lang] |= partner
        return groups

    def _erp_status_report_attachment(self, lang, week):
        """The report in ``lang``: a PDF where wkhtmltopdf works, else the same report as an HTML file."""
        report = self.env["ir.actions.report"].with_context(lang=lang)
        if report.get_wkhtmltopdf_state() in ("ok", "upgrade"):
            content, kind = report._render_qweb_pdf(REPORT_XMLID, self.ids)
        else:
            content, kind = report._render_qweb_html(REPORT_XMLID, self.ids)
        extension = "pdf" if kind == "pdf" else "html"
        if isinstance(content, str):
            content = content.encode()
        return self.env["ir.attachment"].create(
            {
                "name": f"{self.name} {week} ({lang}).{extension}",
                "raw": content,
                "mimetype": "application/pdf" if extension == "pdf" else "text/html",
                "res_model": self._name,
                "res_id": self.id,
            }
        )

    def _erp_send_status_report(self, note=None):
        """One mail per language of the executives, the report attached; the sending recorded once.

        A consultant may send it without write access to the project (which Odoo's chatter and attachments
        ask for): the recipients are fixed to the customer's executives, so the mail is posted as superuser
        with the consultant as author.
        """
        self.ensure_one()
        if not self.env.user.has_group(INTERNAL):
            raise AccessError(self.env._("Only the implementation team can send the weekly status report."))
        groups = self._erp_status_recipients_by_lang()
        template = self.env.ref(TEMPLATE_XMLID).sudo()
        now = fields.Datetime.now()
        week = iso_week(context_today(self))
        messages, attachments = self.env["mail.message"], self.env["ir.attachment"]
        for lang, partners in sorted(groups.items()):
            project = self.sudo().with_context(lang=lang)
            values = project._erp_status_report_values()
            attachment = project._erp_status_report_attachment(lang, week)
            render = template.with_context(erp_status=values, erp_week=week, erp_note=note or "")
            subject = render._render_field("subject", self.ids, set_lang=lang)[self.id]
            body = render._render_field("body_html", self.ids, set_lang=lang)[self.id]
            messages |= project.message_post(
                author_id=self.env.user.partner_id.id,
                body=body,
                subject=subject,
                partner_ids=partners.ids,
                attachment_ids=attachment.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )
            attachments |= attachment
        return self._erp_record_status_report_sent(
            {
                "project_id": self.id,
                "date_sent": now,
                "week": week,
                "user_id": self.env.user.id,
                "partner_ids": [fields.Command.set(self.erp_executive_ids.ids)],
                "languages": ", ".join(sorted(groups)),
                "message_ids": [fields.Command.set(messages.ids)],
                "attachment_ids": [fields.Command.set(attachments.ids)],
            }
        )

    def _erp_record_status_report_sent(self, vals):
        """The one place a sending of the weekly status report is recorded on the project (lesson 15); it keeps
        the project's ``weekly_status_report`` cadence for the week it was sent in (none on a small project)."""
        sent = self.env["erp.status.report.sent"].sudo().create(vals)
        self._erp_cadence_kept("weekly_status_report", sent.date_sent, sent)
        return sent

    def action_erp_send_status_report(self):
        """Open the sending dialog; refuses at once when an executive is missing or has no e-mail."""
        self.ensure_one()
        self._erp_status_recipients_by_lang()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Status Report"),
            "res_model": "erp.status.report.send",
            "view_mode": "form",
            "target": "new",
            "context": {"default_project_id": self.id},
        }

    def action_erp_status_report_preview(self):
        """The report in the browser (its HTML form), in the user's language."""
        self.ensure_one()
        action = self.env.ref(REPORT_XMLID).report_action(self)
        return dict(action, report_type="qweb-html")

    def action_erp_status_reports_sent(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Status Reports Sent"),
            "res_model": "erp.status.report.sent",
            "view_mode": "list,form",
            "domain": [("project_id", "=", self.id)],
            "context": {"default_project_id": self.id},
        }


class ErpStatusReportSent(models.Model):
    _name = "erp.status.report.sent"
    _description = "Weekly Status Report Sent"
    _order = "date_sent desc, id desc"
    _rec_name = "week"

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    date_sent = fields.Datetime(string="Sent On", required=True, readonly=True, default=fields.Datetime.now)
    week = fields.Char(required=True, readonly=True, index=True, help="The ISO week the report is about.")
    user_id = fields.Many2one("res.users", string="Sent By", readonly=True)
    partner_ids = fields.Many2many("res.partner", string="Recipients", readonly=True)
    languages = fields.Char(readonly=True, help="One mail was sent per language.")
    message_ids = fields.Many2many("mail.message", string="Mails", readonly=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Reports", readonly=True)
    sent_before_count = fields.Integer(
        string="Already Sent This Week",
        compute="_compute_sent_before_count",
        help="How many times the report of this week had already been sent before this one.",
    )

    @api.depends("project_id", "week", "date_sent")
    def _compute_sent_before_count(self):
        for sent in self:
            sent.sent_before_count = self.search_count(
                [
                    ("project_id", "=", sent.project_id.id),
                    ("week", "=", sent.week),
                    "|",
                    ("date_sent", "<", sent.date_sent),
                    "&",
                    ("date_sent", "=", sent.date_sent),
                    ("id", "<", sent.id),
                ]
            )


class ReportErpStatus(models.AbstractModel):
    _name = "report.erp_playbook.report_erp_status"
    _description = "Weekly Status Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        projects = self.env["project.project"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "project.project",
            "docs": projects,
            "status": {project.id: project._erp_status_report_values() for project in projects},
        }

