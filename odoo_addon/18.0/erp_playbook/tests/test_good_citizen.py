# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Installing the addon takes nothing away from Odoo users outside the playbook's groups."""

from odoo.tests import new_test_user, tagged

from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestGoodCitizen(ErpPlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's own roles, none of the playbook's.
        cls.project_admin = new_test_user(
            cls.env, "plain_project_admin", groups="project.group_project_manager,base.group_allow_export"
        )
        cls.implementation_admin = new_test_user(
            cls.env, "playbook_project_admin", groups="project.group_project_manager,erp_playbook.group_erp_manager"
        )
        cls.project_user = new_test_user(
            cls.env, "plain_project_user", groups="project.group_project_user,hr_timesheet.group_hr_timesheet_user"
        )
        cls.env["hr.employee"].create({"name": "Plain User", "user_id": cls.project_user.id})
        cls.plain_project = cls.env["project.project"].create({"name": "Not an implementation"})

    def test_project_administrator_outside_the_playbook_duplicates_any_project(self):
        for project in (self.plain_project, self.project):
            with self.subTest(project=project.name):
                copy = project.with_user(self.project_admin).copy()
                self.assertTrue(copy.exists())
                self.assertEqual(copy.sudo().erp_man_day_budget, 0.0, "what they cannot see is not copied")
                self.assertEqual(copy.sudo().erp_contract_amount, 0.0)
                self.assertEqual(copy.sudo().erp_hours_per_day, 8.0, "the field's default, as if typed anew")

    def test_a_playbook_manager_duplicate_keeps_the_budget(self):
        copy = self.project.with_user(self.implementation_admin).copy()
        self.assertEqual(copy.erp_man_day_budget, 100.0)
        self.assertEqual(copy.erp_contract_amount, 200000.0)

    def test_project_administrator_archives_and_restores_a_playbook_project(self):
        project = self.project.with_user(self.project_admin)
        project.action_archive()
        self.assertFalse(project.active)
        project.action_unarchive()
        self.assertTrue(project.active)

    def test_project_administrator_exports_and_imports_projects(self):
        projects = self.env["project.project"].with_user(self.project_admin)
        rows = projects.search([("id", "in", (self.project | self.plain_project).ids)]).export_data(
            ["name", "erp_playbook_id", "erp_size"]
        )["datas"]
        self.assertEqual(len(rows), 2)
        self.assertEqual(sorted(row[1] for row in rows), sorted(["", self.playbook.name]))
        # The playbook a project follows is named, read and found by name like any other many2one.
        result = projects.load(["name", "erp_size", "erp_playbook_id"], [["Imported", "small", self.playbook.name]])
        self.assertFalse(result["messages"], result["messages"])
        imported = projects.browse(result["ids"])
        self.assertEqual((imported.erp_size, imported.erp_playbook_id), ("small", self.playbook))

    def test_project_user_outside_the_playbook_works_on_playbook_tasks(self):
        self.sign(self.signoffs["requirements_signed"])  # no time on a phase a hard gate holds (lesson 12)
        task = self.project.task_ids.filtered(lambda t: t.erp_item_type == "checklist")[:1].with_user(self.project_user)
        data = task.web_read({"name": {}, "stage_id": {"fields": {"display_name": {}}}, "erp_item_type": {}})
        self.assertEqual(data[0]["name"], task.name)
        task.name = "Renamed by a plain project user"
        copy = task.copy()
        self.assertFalse(copy.erp_item_key, "a copy is not the playbook's item")
        line = self.env["account.analytic.line"].with_user(self.project_user).create(
            {"name": "work", "project_id": self.project.id, "task_id": task.id, "unit_amount": 2}
        )
        self.assertEqual(line.sudo().erp_phase_id, task.sudo().erp_phase_id)
        line.unit_amount = 3
        line.unlink()
