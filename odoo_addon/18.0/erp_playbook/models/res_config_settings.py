# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    erp_payment_grace_days = fields.Integer(
        string="Payment Grace Days",
        config_parameter="erp_playbook.payment_grace_days",
        default=30,
        help="Default days after a payment milestone falls due before it shows as overdue.",
    )
