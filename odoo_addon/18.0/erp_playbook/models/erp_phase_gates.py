# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lesson 12 enforced: an unsigned hard gate holds the phase it names and every later phase (they cannot start,
and no time can be booked on them: account_analytic_line.py), unless a manager overrode it; and on a large project a phase closes only with
its signed phase certificate, the PDF attached (lesson 16)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ErpProjectPhase(models.Model):
    _inherit = "erp.project.phase"

    blocked_by = fields.Char(
        compute="_compute_blocked_by", help="The unsigned hard gates holding this phase (and its time) back."
    )

    def _compute_blocked_by(self):
        for phase in self:
            phase.blocked_by = phase._erp_gate_names() or False

    @api.constrains("state")
    def _check_phase_certificate(self):
        """A large project's phase is done only once its certificate is signed with the PDF attached."""
        for phase in self.filtered(lambda p: p.state == "done" and p.project_id.erp_size == "large"):
            certificates = phase.signoff_ids.filtered(lambda s: s.is_certificate and s.state != "superseded")
            missing = certificates.filtered(
                lambda s: s.state != "signed"
                or not s.attachment_ids.filtered(lambda a: a.mimetype == "application/pdf")
            )
            if missing:
                raise ValidationError(
                    self.env._(
                        "Phase '%(phase)s' of a large project closes with its signed phase certificate: "
                        "%(certificates)s must be signed and its PDF attached.",
                        phase=phase.name,
                        certificates=", ".join(f"'{name}'" for name in missing.mapped("name")),
                    )
                )

