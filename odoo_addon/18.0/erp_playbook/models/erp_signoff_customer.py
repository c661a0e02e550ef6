# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Whose signature a sign-off carries, what it needs attached, and the manager's override of a hard gate.

A sign-off is the customer's: signed in the portal by a contact of the project's customer, or recorded by an
ERP Playbook manager with the signed paper attached (or, from the nightly sync, with the Jira issue a customer
contact moved to "Signed off" named as the evidence). The rules are checked whenever a sign-off becomes signed,
whatever the path, so a write with elevated rights cannot skip them.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

MANAGER = "erp_playbook.group_erp_manager"


# Who may sign stays apart from lesson 23's clock and invoicing (erp_acceptance.py): one concern per file.
class ErpSignoff(models.Model):
    _inherit = "erp.signoff"  # pylint: disable=consider-merging-classes-inherited

    evidence_required = fields.Boolean(
        string="Document Required", help="A document (e.g. the opening-balance reconciliation) must be attached first."
    )
    is_certificate = fields.Boolean(
        string="Phase Certificate", help="On a large project the phase cannot be closed before this is signed."
    )
    signed_via = fields.Selection(
        [("portal", "Customer Portal"), ("paper", "Signed Paper"), ("jira", "Jira (customer contact)")],
        copy=False,
        readonly=True,
        tracking=True,
    )
    override_reason = fields.Text(
        copy=False, tracking=True, help="Why a manager let work go past this unsigned hard gate."
    )
    overridden_by_id = fields.Many2one("res.users", copy=False, readonly=True)
    date_overridden = fields.Date(copy=False, readonly=True)

    def _erp_is_customer_contact(self, partner):
        self.ensure_one()
        return self.sudo().project_id._erp_is_customer_contact(partner)  # a portal user cannot read projects

    @api.constrains("state", "signer_id", "attachment_ids")
    def _check_customer_signature(self):
        self.filtered(lambda s: s.state == "signed")._erp_check_signature()

    def _erp_check_signature(self, signer=None):
        """Signed by a contact of the customer, with the document attached where the gate asks for one."""
        for signoff in self:
            if not signoff._erp_is_customer_contact(signer or signoff.signer_id):
                raise ValidationError(
                    self.env._(
                        "'%(name)s' must be signed by a contact of the customer %(customer)s, not %(signer)s.",
                        name=signoff.name,
                        customer=signoff.sudo().project_id.partner_id.display_name or "-",
                        signer=(signer or signoff.signer_id).display_name or "-",
                    )
                )
            if signoff.evidence_required and not signoff.attachment_ids:
                raise ValidationError(
                    self.env._(
                        "'%(name)s' can only be signed with its document attached (%(document)s).",
                        name=signoff.name,
                        document=signoff.document or "-",
                    )
                )

    def action_sign(self, signer_id=None, date_signed=None, jira_issue=None):
        """Record the customer's signature on paper (a manager, the signed paper attached) or from Jira (the sync,
        as a manager, naming the issue a customer contact signed)."""
        if not self._erp_is_manager():
            raise AccessError(
                self.env._(
                    "Only the customer signs: in the portal, or an ERP Playbook manager records the signed paper."
                )
            )
        for signoff in self:
            if not jira_issue and not signoff.attachment_ids and (signer_id or signoff.signer_id):
                raise UserError(
                    self.env._(
                        "Attach the paper the customer signed to '%s' before recording the signature.", signoff.name
                    )
                )
            signer = self.env["res.partner"].browse(signer_id) if signer_id else signoff.signer_id
            if signoff.state == "requested" and signer:  # checked before anything is written
                signoff._erp_check_signature(signer)
                signoff.signed_via = "jira" if jira_issue else "paper"
        return super().action_sign(signer_id=signer_id, date_signed=date_signed)

    def portal_sign(self, signed_by_name, signature=None):
        """Only the customer's own contacts sign in the portal; the implementation team does not."""
        self.ensure_one()
        user = self.env.user
        if not user._is_portal() or not self._erp_is_customer_contact(user.partner_id):
            raise AccessError(
                self.env._(
                    "Only a contact of the customer signs '%s' in the portal; a manager can record the signed paper.",
                    self.name,
                )
            )
        if self.state == "requested":  # checked before anything is written
            self.sudo()._erp_check_signature(user.partner_id)
            self.sudo().signed_via = "portal"
        return super().portal_sign(signed_by_name, signature)

    def write(self, vals):
        if {"override_reason", "overridden_by_id"} & set(vals) and not self._erp_is_manager():
            raise AccessError(self.env._("Only an ERP Playbook manager can override a hard gate."))
        return super().write(vals)

    def _erp_is_manager(self):
        return self.env.su or self.env.user.has_group(MANAGER)

    def action_override(self, reason=None):
        """Let work pass an unsigned hard gate: a manager's decision, with its reason logged and reported."""
        if not self._erp_is_manager():
            raise AccessError(self.env._("Only an ERP Playbook manager can override a hard gate."))
        reason = reason or (self[:1].override_reason if len(self) == 1 else "")
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for overriding the hard gate; the weekly report shows it."))
        for signoff in self:
            if not signoff.hard or signoff.state in ("signed", "superseded"):
                raise UserError(self.env._("Only an unsigned hard gate can be overridden ('%s').", signoff.name))
            signoff.write(
                {
                    "override_reason": reason.strip(),
                    "overridden_by_id": self.env.user.id,
                    "date_overridden": fields.Date.context_today(self),
                }
            )
            signoff.message_post(
                body=self.env._("Hard gate overridden by %(user)s: %(reason)s", user=self.env.user.name, reason=reason)
            )
        return True
