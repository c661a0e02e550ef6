# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import copy

from odoo.tests.common import TransactionCase, new_test_user


def text(en, tw=None, cn=None):
    return {"en": en, "zh_TW": tw or f"{en} (TW)", "zh_CN": cn or f"{en} (CN)"}


# The shape of the connector's ``Playbook.model_dump(mode="json")``, cut down to three phases.
PLAYBOOK_V1 = {
    "schema_version": 1,
    "key": "mini",
    "version": "1.0.0",
    "name": text("Mini playbook", "迷你手冊", "迷你手册"),
    "description": None,
    "hours_per_day": "8",
    "roles": [
        {"key": "customer_pm", "name": text("Customer PM"), "party": "customer", "sizes": [], "industries": []},
        {"key": "consultant", "name": text("Consultant"), "party": "implementer", "sizes": [], "industries": []},
    ],
    "cadences": [
        {
            "key": "weekly_meeting",
            "name": text("Weekly meeting"),
            "frequency": "weekly",
            "owner_role": "customer_pm",
            "sizes": ["medium", "large"],
            "industries": [],
            "lessons": [],
        }
    ],
    "phases": [
        {
            "key": "requirements",
            "sequence": 1,
            "name": text("Requirements", "需求", "需求"),
            "description": None,
            "budget_share": "40",
            "entry_criteria": [],
            "deliverables": [
                {
                    "key": "req_plan",
                    "name": text("Requirements plan"),
                    "kind": "phase_plan",
                    "sizes": [],
                    "industries": [],
                },
                {
                    "key": "req_summary",
                    "name": text("Requirements summary"),
                    "kind": "phase_summary",
                    "sizes": [],
                    "industries": [],
                },
            ],
            "checklist": [
                {
                    "key": "req_interviews",
                    "name": text("Interview key users"),
                    "role": "consultant",
                    "sizes": [],
                    "industries": [],
                },
                {
                    "key": "req_large_only",
                    "name": text("Steering review"),
                    "role": "consultant",
                    "sizes": ["large"],
                    "industries": [],
                },
            ],
            "gates": [
                {
                    "key": "requirements_signed",
                    "name": text("Requirements report signed"),
                    "signed_by": "customer_pm",
                    "document": text("Requirements report"),
                    "hard": True,
                    "blocks": "solution",
                    "sizes": [],
                    "industries": [],
                }
            ],
        },
        {
            "key": "solution",
            "sequence": 2,
            "name": text("Solution design"),
            "budget_share": "40",
            "deliverables": [],
            "checklist": [{"key": "sol_design", "name": text("Design processes"), "role": "consultant"}],
            "gates": [
                {
                    "key": "solution_confirmed",
                    "name": text("Solution confirmed"),
                    "signed_by": "customer_pm",
                    "document": text("Solution"),
                    "hard": False,
                    "blocks": None,
                }
            ],
        },
        {
            "key": "acceptance",
            "sequence": 3,
            "name": text("Acceptance"),
            "budget_share": "20",
            "deliverables": [],
            "checklist": [{"key": "acc_check", "name": text("Check acceptance criteria"), "role": "customer_pm"}],
            "gates": [
                {
                    "key": "acceptance_signed",
                    "name": text("Acceptance certificate signed"),
                    "signed_by": "customer_pm",
                    "document": text("Acceptance certificate"),
                    "hard": False,
                }
            ],
        },
    ],
    "payment_milestones": [
        {
            "key": "pay_signing",
            "name": text("On signing"),
            "percent": "30",
            "gate": None,
            "grace_days": 30,
            "delay_days": 0,
        },
        {
            "key": "pay_requirements",
            "name": text("On requirements"),
            "percent": "40",
            "gate": "requirements_signed",
            "grace_days": 30,
            "delay_days": 0,
        },
        {
            "key": "pay_retention",
            "name": text("Retention"),
            "percent": "30",
            "gate": "acceptance_signed",
            "grace_days": 15,
            "delay_days": 180,
        },
    ],
}


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
        cls.phases = {p.key: p for p in cls.project.erp_phase_ids}
        cls.signoffs = {s.key: s for s in cls.project.erp_signoff_ids}
        cls.payments = {m.key: m for m in cls.project.erp_payment_ids}
        cls.consultant = new_test_user(cls.env, "erp_consultant", groups="erp_playbook.group_erp_user")
        cls.manager = new_test_user(cls.env, "erp_manager", groups="erp_playbook.group_erp_manager")

    def sign(self, signoff, signer=None, date=None):
        if signoff.state == "draft":
            signoff.action_request()
        signoff.action_sign(signer_id=(signer or self.customer_contact).id, date_signed=date)
        return signoff
