# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# What may still change on a signed or superseded sign-off: the link to its successor, and
# bookkeeping written by mail/portal mixins (followers, messages, the portal access token).
LOCKED_STATES = ("signed", "superseded")
WRITABLE_WHEN_LOCKED = {"superseded_by_id", "access_token", "message_main_attachment_id"}
WRITABLE_PREFIXES = ("message_", "activity_", "website_message")


class ErpSignoff(models.Model):
    _name = "erp.signoff"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Sign-off"
    _order = "project_id, sequence, id"

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True, tracking=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    partner_id = fields.Many2one(related="project_id.partner_id", string="Customer")
    phase_id = fields.Many2one("erp.project.phase", ondelete="set null", index=True)
    template_id = fields.Many2one("erp.playbook.gate", string="Playbook Gate", ondelete="set null")
    key = fields.Char(required=True, index=True)
    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    document = fields.Char(help="The document the customer signs.")
    hard = fields.Boolean(
        string="Hard Gate",
        tracking=True,
        help="A hard gate blocks the phase it names, and every later one, until it is signed.",
    )
    blocks_phase_id = fields.Many2one("erp.project.phase", ondelete="set null", index=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("requested", "Requested"),
            ("signed", "Signed"),
            ("rejected", "Rejected"),
            ("superseded", "Superseded"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    date_requested = fields.Date(tracking=True, copy=False)
    signer_id = fields.Many2one(
        "res.partner", string="Signed By", tracking=True, copy=False, help="The customer contact who signed."
    )
    signed_by_name = fields.Char(string="Signer Name", copy=False, tracking=True)
    date_signed = fields.Date(tracking=True, copy=False)
    signature = fields.Image(max_width=1024, max_height=1024, copy=False, attachment=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", string="Signed Documents", copy=False, help="The signed document, scanned or as PDF."
    )
    rejection_reason = fields.Text(copy=False, tracking=True)
    supersedes_id = fields.Many2one("erp.signoff", copy=False, readonly=True)
    superseded_by_id = fields.Many2one("erp.signoff", copy=False, readonly=True)

    # -- immutability ----------------------------------------------------------------------------------
    def write(self, vals):
        locked = self.filtered(lambda s: s.state in LOCKED_STATES)
        if locked:
            forbidden = locked._changed_fields(vals)
            # The one state change a signed record allows is being superseded.
            if vals.get("state") == "superseded" and not locked.filtered(lambda s: s.state == "superseded"):
                forbidden.discard("state")
            if forbidden:
                raise UserError(
                    self.env._(
                        "Sign-off '%(name)s' is %(state)s and cannot be changed (%(fields)s). "
                        "Use 'Supersede' to request a new signature instead.",
                        name=locked[0].name,
                        state=dict(self._fields["state"]._description_selection(self.env))[locked[0].state],
                        fields=", ".join(sorted(forbidden)),
                    )
                )
        return super().write(vals)

    def _changed_fields(self, vals):
        """Fields in ``vals`` that would really change one of these records.

        Writing a value a signed record already has is allowed, so an idempotent re-provisioning
        (the connector writes what it planned) does not trip over signed sign-offs.
        """
        changed = set()
        for name, value in vals.items():
            if name in WRITABLE_WHEN_LOCKED or name.startswith(WRITABLE_PREFIXES):
                continue
            field = self._fields[name]
            if field.type in ("one2many", "many2many", "binary", "image"):
                changed.add(name)
                continue
            for record in self:
                new = field.convert_to_record(field.convert_to_cache(value, record), record)
                if (record[name] or False) != (new or False):
                    changed.add(name)
                    break
        return changed

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        if self.filtered(lambda s: s.state in LOCKED_STATES):
            raise UserError(
                self.env._("A signed or superseded sign-off cannot be deleted; it is the record of what was agreed.")
            )

    # -- workflow --------------------------------------------------------------------------------------
    def action_request(self):
        for signoff in self:
            if signoff.state not in ("draft", "rejected"):
                raise UserError(self.env._("Only a draft or rejected sign-off can be requested ('%s').", signoff.name))
        self.write({"state": "requested", "date_requested": fields.Date.context_today(self)})
        return True

    def action_sign(self, signer_id=None, date_signed=None):
        """Record the customer's signature (from the back office: upload the signed document first)."""
        for signoff in self:
            if signoff.state != "requested":
                raise UserError(
                    self.env._("Only a requested sign-off can be signed ('%s' is not requested).", signoff.name)
                )
            signer = self.env["res.partner"].browse(signer_id) if signer_id else signoff.signer_id
            if not signer:
                raise UserError(self.env._("Set who signed '%s' (Signed By) before marking it signed.", signoff.name))
            signoff.write(
                {
                    "state": "signed",
                    "signer_id": signer.id,
                    "signed_by_name": signoff.signed_by_name or signer.name,
                    "date_signed": date_signed or fields.Date.context_today(self),
                }
            )
        return True

    def action_reject(self, reason=None):
        for signoff in self:
            if signoff.state != "requested":
                raise UserError(self.env._("Only a requested sign-off can be rejected ('%s').", signoff.name))
        self.write({"state": "rejected", "rejection_reason": reason or False})
        return True

    def action_supersede(self):
        """Replace a signed sign-off by a new request; the signed one stays as it was."""
        new = self.browse()
        for signoff in self:
            if signoff.state != "signed":
                raise UserError(self.env._("Only a signed sign-off can be superseded ('%s').", signoff.name))
            successor = signoff.copy(
                {"state": "requested", "supersedes_id": signoff.id, "date_requested": fields.Date.context_today(self)}
            )
            signoff.write({"state": "superseded", "superseded_by_id": successor.id})
            signoff.message_post(body=self.env._("Superseded by a new request: %s", successor.display_name))
            new |= successor
        if len(new) == 1:
            return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": new.id, "view_mode": "form"}
        return True

    # -- portal ----------------------------------------------------------------------------------------
    def _compute_access_url(self):
        result = super()._compute_access_url()
        for signoff in self:
            signoff.access_url = f"/my/signoffs/{signoff.id}"
        return result

    def action_preview(self):
        """Open the sign-off as the customer sees it in the portal."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}

    def portal_sign(self, signed_by_name, signature=None):
        """Sign from the customer portal as the logged-in contact.

        The caller must be able to read the sign-off through the record rules (portal: only their own
        project's), which is checked before the write is done with elevated rights.
        """
        self.ensure_one()
        self.check_access("read")
        user = self.env.user
        if not user._is_portal() and not user.has_group("erp_playbook.group_erp_user"):
            raise AccessError(self.env._("Only the customer or the implementation team can sign '%s'.", self.name))
        if self.state != "requested":
            raise UserError(self.env._("This sign-off is not waiting for a signature."))
        if not (signed_by_name or "").strip():
            raise UserError(self.env._("Type your name to sign."))
        self.sudo().write(
            {
                "state": "signed",
                "signer_id": user.partner_id.id,
                "signed_by_name": signed_by_name.strip(),
                "signature": signature or False,
                "date_signed": fields.Date.context_today(self),
            }
        )
        return True
