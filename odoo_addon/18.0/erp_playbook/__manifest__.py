# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "ERP Implementation Playbook",
    "summary": "Run ERP implementation projects by a playbook: phases, "
    "sign-off gates, man-day budgets and payment milestones",
    "version": "18.0.1.4.0",
    "category": "Services/Project",
    "website": "https://github.com/erp-playbook/erp-playbook",
    "author": "erp-playbook contributors",
    "license": "LGPL-3",
    "application": True,
    "depends": ["project", "hr_timesheet", "account", "portal"],
    "data": [
        "security/erp_playbook_security.xml",
        "security/ir.model.access.csv",
        "security/erp_playbook_rules.xml",
        "data/ir_config_parameter.xml",
        "views/erp_playbook_views.xml",
        "views/erp_project_phase_views.xml",
        "views/erp_signoff_views.xml",
        "views/erp_signoff_gate_views.xml",
        "views/erp_payment_milestone_views.xml",
        "views/project_project_views.xml",
        "views/project_task_views.xml",
        "views/account_analytic_line_views.xml",
        "views/res_config_settings_views.xml",
        "views/erp_playbook_menus.xml",
        "views/portal_templates.xml",
        "views/erp_money_views.xml",
        "views/erp_portfolio_views.xml",
    ],
}
