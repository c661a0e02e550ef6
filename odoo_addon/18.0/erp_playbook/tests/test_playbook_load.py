# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ErpPlaybookCase, playbook_v1


def count_items(data):
    phases = data["phases"]
    return (
        1
        + len(phases)
        + sum(
            len(p.get("deliverables") or []) + len(p.get("checklist") or []) + len(p.get("gates") or []) for p in phases
        )
        + len(data["payment_milestones"])
        + len(data["roles"])
        + len(data["cadences"])
        + len(data["register"]["kinds"])
        + len(data["register"]["dispositions"])
    )


@tagged("post_install", "-at_install")
class TestPlaybookLoad(ErpPlaybookCase):
    def test_first_load_creates_every_item(self):
        self.assertEqual(self.playbook_counts, {"created": count_items(playbook_v1()), "updated": 0, "archived": 0})
        self.assertEqual(self.playbook.phase_ids.mapped("key"), ["requirements", "solution", "acceptance"])
        gate = self.playbook.gate_ids.filtered(lambda g: g.key == "requirements_signed")
        self.assertTrue(gate.hard)
        self.assertEqual(gate.blocks_phase_id.key, "solution")
        self.assertEqual(self.playbook.payment_ids.filtered(lambda p: p.key == "pay_retention").delay_days, 180)

    def test_a_key_is_unique_within_a_playbook_for_every_item_model(self):
        phase = self.playbook.phase_ids[0]
        copies = {
            "erp.playbook.phase": {"key": phase.key},
            "erp.playbook.checklist": {"key": self.playbook.checklist_ids[0].key, "phase_id": phase.id},
            "erp.playbook.gate": {"key": self.playbook.gate_ids[0].key, "phase_id": phase.id},
            "erp.playbook.payment": {"key": self.playbook.payment_ids[0].key},
            "erp.playbook.role": {"key": self.playbook.role_ids[0].key},
            "erp.playbook.cadence": {"key": self.playbook.cadence_ids[0].key},
        }
        for model, values in copies.items():
            with self.subTest(model=model), mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
                with self.env.cr.savepoint():
                    self.env[model].create(dict(values, playbook_id=self.playbook.id, name="copy"))
                    self.env.flush_all()

    def test_every_unique_check_exists_in_the_database(self):
        # Odoo 19 silently ignores _sql_constraints: a key check declared the old way would simply vanish.
        expected = {f"{table}_key_uniq" for table in (
            "erp_playbook", "erp_playbook_phase", "erp_playbook_checklist", "erp_playbook_gate",
            "erp_playbook_payment", "erp_playbook_role", "erp_playbook_cadence",
            "erp_project_phase", "erp_payment_milestone",
        )} | {"account_analytic_line_erp_jira_worklog_uniq"}
        self.env.cr.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'u' AND conname = ANY(%s)", [sorted(expected)]
        )
        self.assertEqual({name for (name,) in self.env.cr.fetchall()}, expected)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["erp.playbook"].create({"key": self.playbook.key, "name": "Same key"})
            self.env.flush_all()

    def test_same_data_again_changes_nothing(self):
        counts = self.env["erp.playbook"].load_playbook(playbook_v1())
        self.assertEqual(counts, {"created": 0, "updated": 0, "archived": 0})

    def test_upgrade_adds_updates_archives_and_keeps_project_data(self):
        # What users did on the project before the upgrade.
        self.phases["solution"].budget_man_days = 55.0
        self.sign(self.signoffs["requirements_signed"])
        acc_task = self.env["project.task"].search(
            [("project_id", "=", self.project.id), ("erp_item_key", "=", "acc_check")]
        )
        acc_task.name = "Check acceptance criteria with Ann"

        data = playbook_v1()
        data["version"] = "1.1.0"
        solution = data["phases"][1]
        solution["name"]["en"] = "Solution design and prototype"
        solution["checklist"].append(
            {"key": "sol_prototype", "name": {"en": "Prototype", "zh_TW": "原型", "zh_CN": "原型"}}
        )
        data["phases"][2]["checklist"] = []  # acc_check dropped from the playbook
        counts = self.env["erp.playbook"].load_playbook(data)

        # playbook (version) and the solution phase changed; one item added, one archived.
        self.assertEqual(counts, {"created": 1, "updated": 2, "archived": 1})
        self.assertEqual(self.playbook.version, "1.1.0")
        Checklist = self.env["erp.playbook.checklist"].with_context(active_test=False)
        archived = Checklist.search([("playbook_id", "=", self.playbook.id), ("key", "=", "acc_check")])
        self.assertTrue(archived.exists(), "dropped items are archived, never deleted")
        self.assertFalse(archived.active)

        self.assertEqual(self.phases["solution"].budget_man_days, 55.0)
        self.assertEqual(self.phases["solution"].name, "Solution design")
        self.assertEqual(self.signoffs["requirements_signed"].state, "signed")
        self.assertEqual(acc_task.name, "Check acceptance criteria with Ann")

        # Applying the newer playbook adds only what the project lacks.
        task_count = self.env["project.task"].search_count([("project_id", "=", self.project.id)])
        self.project.action_erp_apply_playbook()
        new_tasks = self.env["project.task"].search([("project_id", "=", self.project.id)])
        self.assertEqual(len(new_tasks), task_count + 1)
        self.assertIn("sol_prototype", new_tasks.mapped("erp_item_key"))
        self.assertEqual(len(self.project.erp_signoff_ids), 3)

    def test_names_are_stored_per_language(self):
        self.env["res.lang"]._activate_lang("zh_TW")
        counts = self.env["erp.playbook"].load_playbook(playbook_v1())
        self.assertEqual(counts["created"], 0)
        self.assertGreater(counts["updated"], 0, "the zh_TW names were not there before the language was active")
        self.assertEqual(self.playbook.with_context(lang="zh_TW").name, "迷你手冊")
        self.assertEqual(self.playbook.with_context(lang="en_US").name, "Mini playbook")
        again = self.env["erp.playbook"].load_playbook(playbook_v1())
        self.assertEqual(again, {"created": 0, "updated": 0, "archived": 0})

    def test_malformed_data_is_refused_with_a_message(self):
        with self.assertRaisesRegex(UserError, "key"):
            self.env["erp.playbook"].load_playbook({"name": "no key"})

    def test_applied_plan_follows_size_and_gates(self):
        keys = self.env["project.task"].search([("project_id", "=", self.project.id)]).mapped("erp_item_key")
        self.assertIn("req_interviews", keys)
        self.assertNotIn("req_large_only", keys, "a large-only item does not belong in a medium project")
        requirements = self.phases["requirements"]
        self.assertEqual(requirements.budget_man_days, 40.0)
        self.assertEqual(requirements.plan_task_id.erp_item_key, "req_plan")
        self.assertEqual(requirements.summary_task_id.erp_item_key, "req_summary")
        self.assertEqual(requirements.task_id.stage_id, requirements.stage_id)
        self.assertEqual(self.signoffs["requirements_signed"].blocks_phase_id, self.phases["solution"])
        self.assertEqual(self.payments["pay_requirements"].signoff_id, self.signoffs["requirements_signed"])

    def test_applying_twice_adds_nothing(self):
        before = self.env["project.task"].search_count([("project_id", "=", self.project.id)])
        self.project.action_erp_apply_playbook()
        self.assertEqual(self.env["project.task"].search_count([("project_id", "=", self.project.id)]), before)
        self.assertEqual(len(self.project.erp_phase_ids), 3)
        self.assertEqual(len(self.project.erp_payment_ids), 3)
