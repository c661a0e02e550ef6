"""Everything the sync reads from and writes to Odoo: batched, and idempotent through ``erp_jira_worklog_id``."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from connector.odoo.records import XMLID_MODULE, m2o_id, project_xmlid
from connector.settings import ProjectLink
from connector.sync.ports import OdooPort

log = logging.getLogger(__name__)

CREATE_BATCH = 500
LINE_FIELDS = ["erp_jira_worklog_id", "project_id", "task_id", "date", "unit_amount", "name", "employee_id",
               "erp_customer_confirmed", "erp_confirmed_date"]
SYNCED_FIELDS = ["erp_jira_worklog_id", "project_id", "name", "unit_amount", "erp_customer_confirmed",
                 "erp_confirmed_date"]
# What the customer signed for (odoo_addon/18.0/erp_playbook/models/account_analytic_line.py): Odoo refuses to change
# these on a confirmed line, and refuses to delete it.
SIGNED_FIELDS = ("unit_amount", "date", "project_id", "task_id", "employee_id", "user_id")
# hr.employee.public: readable by every internal user (hr.employee needs Employees rights); the nested spec
# brings the linked user's login and e-mail in the same call.
EMPLOYEE_SPEC = {"name": {}, "work_email": {}, "user_id": {"fields": {"login": {}, "email": {}}}}
PHASE_FIELDS = ["project_id", "key", "name", "sequence", "task_id", "budget_man_days", "spent_man_days",
                "remaining_man_days", "blocked_by"]
PROJECT_FIELDS = ["name", "erp_hours_per_day", "erp_man_day_budget", "erp_man_days_spent", "erp_man_days_remaining"]
# days_overdue and collection_status are the addon's payment rule, counted on the server's today.
MILESTONE_FIELDS = ["project_id", "key", "name", "amount", "invoice_id", "signoff_state", "date_due", "grace_days",
                    "days_overdue", "collection_status"]
INVOICE_FIELDS = ["name", "state", "payment_state", "amount_residual", "invoice_date_due"]
SIGNOFF_FIELDS = ["project_id", "key", "name", "state", "date_signed", "signer_id", "partner_id"]


class OdooSide:
    def __init__(self, odoo: OdooPort) -> None:
        self.odoo = odoo

    def projects(self, links: list[ProjectLink]) -> dict[str, dict[str, Any]]:
        """Odoo project record per project code: by external id ``<code>__project``, else by name."""
        xmlids = {project_xmlid(link.code): link.code for link in links}
        data = self.odoo.search_read("ir.model.data", [("module", "=", XMLID_MODULE), ("model", "=", "project.project"),
                                                       ("name", "in", list(xmlids))], ["name", "res_id"])
        ids = {xmlids[row["name"]]: int(row["res_id"]) for row in data}
        names = {link.odoo_project: link.code for link in links if link.code not in ids and link.odoo_project}
        domain: list[Any] = [("id", "in", list(ids.values()))]
        if names:
            domain = ["|", *domain, ("name", "in", list(names))]
        rows = self.odoo.search_read("project.project", domain, PROJECT_FIELDS)
        by_id = {row["id"]: row for row in rows}
        out = {code: by_id[pid] for code, pid in ids.items() if pid in by_id}
        for row in rows:
            code = names.get(row["name"])
            if code and code not in out:
                out[code] = row
        return out

    def project_figures(self, project_ids: list[int]) -> dict[int, dict[str, Any]]:
        return {row["id"]: row for row in self.odoo.search_read("project.project", [("id", "in", project_ids)],
                                                                  PROJECT_FIELDS)}

    def phases(self, project_ids: list[int]) -> list[dict[str, Any]]:
        return self.odoo.search_read("erp.project.phase", [("project_id", "in", project_ids)], PHASE_FIELDS,
                                     order="project_id, sequence, id")

    # -- timesheets ---------------------------------------------------------------------------------
    def lines_by_worklog(self, worklog_ids: Iterable[str],
                         project_ids: list[int] | None = None) -> list[dict[str, Any]]:
        domain: list[Any] = [("erp_jira_worklog_id", "in", list(worklog_ids))]
        if project_ids is not None:
            domain.append(("project_id", "in", project_ids))
        return self.odoo.search_read("account.analytic.line", domain, LINE_FIELDS)

    def synced_lines(self, project_ids: list[int]) -> list[dict[str, Any]]:
        domain = [("erp_jira_worklog_id", "!=", False), ("project_id", "in", project_ids)]
        return self.odoo.search_read("account.analytic.line", domain, SYNCED_FIELDS)

    def create_lines(self, values: list[dict[str, Any]]) -> int:
        for i in range(0, len(values), CREATE_BATCH):
            self.odoo.execute("account.analytic.line", "create", values[i:i + CREATE_BATCH])
        return len(values)

    def write_lines(self, line_ids: list[int], values: dict[str, Any]) -> None:
        self.odoo.execute("account.analytic.line", "write", line_ids, values)

    # -- people -------------------------------------------------------------------------------------
    def employees(self) -> list[dict[str, Any]]:
        """Active employees of the sync user's companies: id, name, work_email, user {id, login, email} or None."""
        data = self.odoo.execute("hr.employee.public", "web_search_read", domain=[], specification=EMPLOYEE_SPEC)
        out = []
        for row in (data or {}).get("records") or []:
            user = row.get("user_id") or None
            out.append({"id": int(row["id"]), "name": row.get("name") or "", "work_email": row.get("work_email") or "",
                        "user": user if isinstance(user, dict) else None})
        return out

    def unlink_lines(self, line_ids: list[int]) -> None:
        if line_ids:
            self.odoo.execute("account.analytic.line", "unlink", line_ids)

    # -- payments -----------------------------------------------------------------------------------
    def milestones(self, project_ids: list[int]) -> list[dict[str, Any]]:
        return self.odoo.search_read("erp.payment.milestone", [("project_id", "in", project_ids)], MILESTONE_FIELDS,
                                     order="project_id, sequence, id")

    def invoices(self, invoice_ids: list[int]) -> dict[int, dict[str, Any]]:
        if not invoice_ids:
            return {}
        rows = self.odoo.search_read("account.move", [("id", "in", invoice_ids)], INVOICE_FIELDS)
        return {row["id"]: row for row in rows}

    # -- sign-offs ----------------------------------------------------------------------------------
    def signoffs(self, project_ids: list[int]) -> list[dict[str, Any]]:
        """The live sign-offs (a superseded one is history: its successor carries the gate)."""
        if not project_ids:
            return []
        return self.odoo.search_read("erp.signoff", [("project_id", "in", project_ids), ("state", "!=", "superseded")],
                                     SIGNOFF_FIELDS)

    def customer_contacts(self, partner_id: int) -> list[dict[str, Any]]:
        """The customer's contacts (its commercial partner and everyone under it): id, name, email."""
        rows = self.odoo.search_read("res.partner", [("id", "=", partner_id)], ["commercial_partner_id"])
        commercial = m2o_id(rows[0].get("commercial_partner_id")) if rows else None
        return self.odoo.search_read("res.partner", [("commercial_partner_id", "=", commercial or partner_id)],
                                     ["name", "email"])

    def signoff_action(self, signoff_id: int, action: str, **kwargs: Any) -> None:
        """One of the addon's workflow actions (``action_request``, ``action_sign``, ``action_reject``)."""
        self.odoo.execute("erp.signoff", action, [signoff_id], **kwargs)

    def post_signoff_note(self, signoff_id: int, text: str) -> None:
        """An internal note (no e-mail to the customer following the sign-off)."""
        self.odoo.execute("erp.signoff", "message_post", [signoff_id], body=text, message_type="comment",
                          subtype_xmlid="mail.mt_note")

    def has_signoff_note(self, signoff_id: int, text: str) -> bool:
        domain = [("model", "=", "erp.signoff"), ("res_id", "=", signoff_id), ("body", "ilike", text)]
        return bool(self.odoo.execute("mail.message", "search_count", domain))
