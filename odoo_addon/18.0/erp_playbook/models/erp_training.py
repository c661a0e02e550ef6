# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Key-user training and exam (lesson 11: training, then an exam; lesson 18: key users).

Sessions record who trained whom on what; an exam result per key user passes at the playbook's pass mark
(``exam.pass_mark`` of the playbook JSON). A gate with ``exam_required`` (the requirements report in the default
playbook) cannot be signed while a key user of the project has no passing result: a hard gate like the others,
which only an Implementation Manager passes, with the logged reason of the existing override (``action_override``).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class ErpPlaybook(models.Model):
    _inherit = "erp.playbook"  # pylint: disable=consider-merging-classes-inherited

    exam_pass_mark = fields.Integer(
        string="Exam Pass Mark (%)", default=60, help="A key user passes the exam with at least this score."
    )


class ErpPlaybookGate(models.Model):
    _inherit = "erp.playbook.gate"  # pylint: disable=consider-merging-classes-inherited

    exam_required = fields.Boolean(help="Cannot be signed before every key user of the project passed the exam.")


class ErpTrainingSession(models.Model):
    _name = "erp.training.session"
    _inherit = ["mail.thread"]
    _description = "Key-User Training Session"
    _order = "date desc, id desc"

    name = fields.Char(string="Topic", required=True, tracking=True)
    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    phase_id = fields.Many2one("erp.project.phase", domain="[('project_id', '=', project_id)]")
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    duration = fields.Float(string="Hours")
    trainer_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True)
    attendance_ids = fields.One2many("erp.training.attendance", "session_id")
    attendee_count = fields.Integer(compute="_compute_attendee_count", string="Present")
    exam_result_ids = fields.One2many("erp.exam.result", "session_id", string="Exam Results")
    notes = fields.Text()

    @api.depends("attendance_ids.present")
    def _compute_attendee_count(self):
        for session in self:
            session.attendee_count = len(session.attendance_ids.filtered("present"))

    def action_add_key_users(self):
        """One attendance line per key user of the project not yet listed."""
        for session in self:
            listed = session.attendance_ids.mapped("partner_id")
            missing = session.project_id.erp_key_user_ids - listed
            session.attendance_ids = [fields.Command.create({"partner_id": p.id}) for p in missing]
        return True


class ErpTrainingAttendance(models.Model):
    _name = "erp.training.attendance"
    _description = "Training Attendance"
    _order = "session_id, id"

    session_id = fields.Many2one("erp.training.session", required=True, ondelete="cascade", index=True)
    project_id = fields.Many2one(related="session_id.project_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Key User", required=True)
    present = fields.Boolean(default=True)

    if hasattr(models, "Constraint"):  # Odoo 19+ ignores _sql_constraints
        _attendee_uniq = models.Constraint("UNIQUE (session_id, partner_id)", "This person is already listed.")
    else:  # Odoo 18
        _sql_constraints = [("attendee_uniq", "unique(session_id, partner_id)", "This person is already listed.")]


class ErpExamResult(models.Model):
    _name = "erp.exam.result"
    _inherit = ["mail.thread"]
    _description = "Key-User Exam Result"
    _order = "date desc, id desc"

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    session_id = fields.Many2one("erp.training.session", domain="[('project_id', '=', project_id)]")
    partner_id = fields.Many2one("res.partner", string="Key User", required=True, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    score = fields.Float(required=True, tracking=True, help="Percent, 0 to 100.")
    pass_mark = fields.Integer(
        compute="_compute_passed", store=True, help="The pass mark of the project's playbook."
    )
    passed = fields.Boolean(compute="_compute_passed", store=True)

    @api.depends("score", "project_id.erp_playbook_id.exam_pass_mark")
    def _compute_passed(self):
        for result in self:
            playbook = result.project_id.erp_playbook_id
            result.pass_mark = playbook.exam_pass_mark if playbook else 60
            result.passed = result.score >= result.pass_mark

    @api.constrains("score")
    def _check_score(self):
        for result in self:
            if not 0 <= result.score <= 100:
                raise ValidationError(self.env._("An exam score is a percentage between 0 and 100."))


class ProjectProject(models.Model):
    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    erp_training_session_ids = fields.One2many("erp.training.session", "project_id", string="Training Sessions")
    erp_exam_result_ids = fields.One2many("erp.exam.result", "project_id", string="Exam Results")
    erp_key_users_not_passed_ids = fields.Many2many(
        "res.partner",
        compute="_compute_erp_exam_rule",
        string="Key Users Without a Pass",
        help="Key users of the project with no passing exam result (lesson 11).",
    )
    erp_exam_rule_met = fields.Boolean(compute="_compute_erp_exam_rule", string="Key Users Examined")

    @api.depends("erp_key_user_ids", "erp_exam_result_ids.passed", "erp_exam_result_ids.partner_id")
    def _compute_erp_exam_rule(self):
        for project in self:
            passed = project.erp_exam_result_ids.filtered("passed").mapped("partner_id")
            missing = project.erp_key_user_ids - passed
            project.erp_key_users_not_passed_ids = missing
            project.erp_exam_rule_met = bool(project.erp_key_user_ids) and not missing

    def action_erp_open_exams(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("erp_playbook.erp_exam_result_action")
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id}
        return action


# The exam rule joins the sign-off's other signing rules (erp_signoff_customer.py, erp_acceptance.py).
class ErpSignoff(models.Model):
    _inherit = "erp.signoff"  # pylint: disable=consider-merging-classes-inherited

    exam_required = fields.Boolean(
        compute="_compute_exam_required", help="Every key user of the project must pass the exam before signing."
    )

    def _compute_exam_required(self):
        for signoff in self:
            signoff.exam_required = bool(signoff.project_id and signoff._erp_gate_template().exam_required)

    def write(self, vals):
        if vals.get("state") == "signed":
            for signoff in self.filtered(lambda s: s.state != "signed"):
                signoff._erp_check_exam_rule()
        return super().write(vals)

    def _erp_check_exam_rule(self):
        """Refuse the signature while a key user has not passed, unless a manager overrode the gate (logged)."""
        self.ensure_one()
        if not self.exam_required:
            return
        project = self.sudo().project_id  # a portal signer cannot read projects
        if project.erp_exam_rule_met:
            return
        if self.override_reason:
            self.message_post(
                body=self.env._(
                    "Signed without every key user passing the exam, as overridden by %(user)s: %(reason)s",
                    user=self.overridden_by_id.name or "-",
                    reason=self.override_reason,
                )
            )
            return
        missing = project.erp_key_users_not_passed_ids
        if not missing:
            raise UserError(
                self.env._(
                    "'%(gate)s' cannot be signed: project '%(project)s' names no key user, so nobody has passed the "
                    "key-user exam. Add the customer's key users and record their exam results, or ask an "
                    "Implementation Manager to override the gate with a reason.",
                    gate=self.name,
                    project=project.name,
                )
            )
        raise UserError(
            self.env._(
                "'%(gate)s' cannot be signed: %(names)s have not passed the key-user exam (pass mark %(mark)s%%). "
                "Record their exam results under Implementation › Training, or ask an Implementation Manager to "
                "override the gate with a reason.",
                gate=self.name,
                names=", ".join(missing.mapped("name")),
                mark=project.erp_playbook_id.exam_pass_mark or 60,
            )
        )
