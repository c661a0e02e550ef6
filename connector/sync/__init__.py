"""The nightly sync: Jira worklogs → Odoo timesheets, man-days and payment status → both sides (``playbook sync``)."""
