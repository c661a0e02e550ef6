# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import copy
import json

from odoo.tests.common import TransactionCase, new_test_user
from odoo.tools.misc import file_open


# The connector's ``Playbook.model_dump(mode="json")`` of a three-phase playbook: exactly what
# ``playbook odoo install`` pushes (tests/test_addon_contract.py validates it against the connector's model).
with file_open("erp_playbook/tests/data/mini_playbook.json") as fixture:
    PLAYBOOK_V1 = json.load(fixture)


def playbook_v1():
    return copy.deepcopy(PLAYBOOK_V1)


class ErpPlaybookCase(TransactionCase):
    """A customer, a medium project planned from the mini playbook, and one user per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.playbook_counts = cls.env["erp.playbook"].load_playbook(playbook_v1())
        cls.playbook = cls.env["erp.playbook"].search([("key", "=", "mini")])
        cls.customer = cls.env["res.partner"].create({"name": "Acme Ltd", "is_company": True})
        cls.customer_contact = cls.env["res.partner"].create({"name": "Ann Acme", "parent_id": cls.customer.id})
        cls.project = cls.env["project.project"].create(
            {
                "name": "Acme ERP",
                "partner_id": cls.customer.id,
                "erp_playbook_id": cls.playbook.id,
                "erp_size": "medium",
                "erp_man_day_budget": 100.0,
                "erp_hours_per_day": 8.0,
                "erp_contract_amount": 200000.0,
            }
        )
        cls.project.action_erp_apply_playbook()
        # Lesson 18: the customer names a key user (the handover gate refuses without one).
        cls.project.erp_key_user_ids = cls.customer_contact
        # Lesson 11: the requirements gate waits for every key user's passing exam (tests/test_exam_gate.py).
        cls.env["erp.exam.result"].create(
            {"project_id": cls.project.id, "partner_id": cls.customer_contact.id, "score": 85}
        )
        cls.phases = {p.key: p for p in cls.project.erp_phase_ids}
        cls.signoffs = {s.key: s for s in cls.project.erp_signoff_ids}
        cls.payments = {m.key: m for m in cls.project.erp_payment_ids}
        cls.consultant = new_test_user(cls.env, "erp_consultant", groups="erp_playbook.group_erp_user")
        cls.manager = new_test_user(cls.env, "erp_manager", groups="erp_playbook.group_erp_manager")

    def attach_paper(self, signoff, mimetype="application/pdf"):
        """The signed paper a manager attaches before recording a signature."""
        paper = self.env["ir.attachment"].create(
            {"name": f"{signoff.key}.pdf", "raw": b"%PDF-1.4 signed", "mimetype": mimetype}
        )
        signoff.attachment_ids = [(4, paper.id)]
        return paper

    def sign(self, signoff, signer=None, date=None):
        if signoff.state == "draft":
            signoff.action_request()
        if not signoff.attachment_ids:
            self.attach_paper(signoff)
        signoff.action_sign(signer_id=(signer or self.customer_contact).id, date_signed=date)
        return signoff
