/** @odoo-module **/
/* Copyright 2025 erp-playbook contributors
   License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0). */

import { registry } from "@web/core/registry";

// Lesson 15 as a user does it: Send Status Report on the project, check who gets which language, send, and find
// the sending recorded on the project's Implementation tab.
registry.category("web_tour.tours").add("erp_status_report_send", {
    steps: () => [
        {
            content: "Open the sending dialog",
            trigger: ".o_form_view button[name=action_erp_send_status_report]",
            run: "click",
        },
        {
            content: "One mail per language, with its recipients",
            trigger: ".modal .o_field_widget[name=mail_summary]:contains(Tour Executive)",
        },
        {
            content: "Send",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the Implementation tab",
            trigger: ".o_notebook a.nav-link[name=erp_playbook]",
            run: "click",
        },
        {
            content: "The sending is recorded on the project",
            trigger: ".o_field_widget[name=erp_status_report_sent_ids] .o_data_row:contains(W)",
        },
    ],
});
