"""Everything the sync reads from and writes to Odoo: batched, and idempotent through ``erp_jira_worklog_id``."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from connector.odoo.erp_reads import PHASE_FIELDS, project_figures, project_ids_by_code
from connector.odoo.records import m2o_id
from connector.settings import ProjectLink
from connector.sync.ports import OdooPort

log = logging.getLogger(__name__)

CREATE_BATCH = 10_000  # lines per create: Odoo recomputes the stored man-days once per call
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
RESOLVE_FIELDS = ["name", "erp_hours_per_day"]
SIGNOFF_FIELDS = ["project_id", "key", "name", "state", "date_signed", "signer_id", "partner_id"]


class OdooSide:
    def __init__(self, odoo: OdooPort) -> None:
        self.odoo = odoo

    def projects(self, links: list[ProjectLink], known: dict[str, int]) -> tuple[dict[str, dict[str, Any]],
                                                                               dict[str, int]]:
        """(Odoo project record per code, project id per code found by external id).

        ``known``: the ids found by external id in an earlier run (the ``project`` namespace of the sync state): one
        read when every project is known and still there. Others by external id ``<code>__project``, else by name.
        """
        codes = [link.code for link in links]
        ids = {code: known[code] for code in codes if code in known}
        rows = self._read(list(ids.values())) if ids else {}
        missing = [code for code in codes if ids.get(code) not in rows]
        if missing:  # not known yet, or gone (deleted, archived): by external id again
            ids = {code: pid for code, pid in ids.items() if pid in rows}
            found = project_ids_by_code(self.odoo, missing)
            ids.update(found)
            rows.update(self._read([pid for pid in found.values() if pid not in rows]))
        out = {code: rows[pid] for code, pid in ids.items() if pid in rows}
        names = {link.odoo_project: link.code for link in links if link.code not in out and link.odoo_project}
        if names:
            for row in self.odoo.search_read("project.project", [("name", "in", list(names))], RESOLVE_FIELDS):
                code = names[row["name"]]
                out.setdefault(code, row)
        return out, {code: pid for code, pid in ids.items() if pid in rows}

    def _read(self, project_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Active projects among ``project_ids`` (an archived project is not synced)."""
        if not project_ids:
            return {}
        return {row["id"]: row for row in self.odoo.search_read("project.project", [("id", "in", project_ids)],
                                                                  RESOLVE_FIELDS)}

    def figures(self, project_ids: list[int]) -> list[dict[str, Any]]:
        """Projects with their phases and payment milestones (and invoices): one call (``erp_reads``)."""
        return project_figures(self.odoo, project_ids)

    def phases(self, project_ids: list[int]) -> list[dict[str, Any]]:
        return self.odoo.search_read("erp.project.phase", [("project_id", "in", project_ids)],
                                     ["project_id", *PHASE_FIELDS, "blocked_by"], order="project_id, sequence, id")

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
    def set_grace_days(self, milestone_ids: list[int], days: int) -> None:
        self.odoo.execute("erp.payment.milestone", "write", milestone_ids, {"grace_days": days})

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
