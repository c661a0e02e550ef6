# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_menus_and_fields_read_in_both_chinese_languages(self):
        module = self.env["ir.module.module"].search([("name", "=", "erp_playbook")])
        expected = {"zh_TW": ("實施", "人天預算"), "zh_CN": ("实施", "人天预算")}
        for lang, (menu_name, field_label) in expected.items():
            self.env["res.lang"]._activate_lang(lang)
            module._update_translations([lang])
            menu = self.env.ref("erp_playbook.menu_erp_root").with_context(lang=lang)
            self.assertEqual(menu.name, menu_name)
            field = self.env["ir.model.fields"].with_context(lang=lang)._get("project.project", "erp_man_day_budget")
            self.assertEqual(field.field_description, field_label)
            # Where the groups are chosen on a user: the category on 18, the privilege on 19.
            access = self.env.ref("erp_playbook.module_category_erp_playbook").with_context(lang=lang)
            if "res.groups.privilege" in self.env:
                access = self.env.ref("erp_playbook.res_groups_privilege_erp_playbook").with_context(lang=lang)
            self.assertEqual(access.name, {"zh_TW": "實施手冊", "zh_CN": "实施手册"}[lang])
