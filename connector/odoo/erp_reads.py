"""Reads of the ``erp_playbook`` records shared by the sync and the reports: which Odoo project a connector code
names, and a project's figures (man-days per phase, payment milestones with their invoices) in one call.

``odoo`` is anything with ``execute`` (``connector.odoo.client.OdooClient``, the test harness's database, the test
fake). Only read methods are used.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connector.errors import ConnectorError
from connector.odoo.records import XMLID_MODULE, OdooExecutor, project_xmlid

PROJECT_FIELDS = ["name", "erp_hours_per_day", "erp_man_day_budget", "erp_man_days_spent", "erp_man_days_remaining"]
PHASE_FIELDS = ["key", "name", "sequence", "task_id", "budget_man_days", "spent_man_days", "remaining_man_days"]
# days_overdue and collection_status are the addon's payment rule, counted on the server's today (or context today).
MILESTONE_FIELDS = ["key", "name", "amount", "signoff_state", "date_due", "grace_days", "days_overdue",
                    "collection_status"]
INVOICE_FIELDS = ["name", "state", "payment_state", "amount_residual", "invoice_date_due"]
# The forecast at completion is the addon's rule (docs/forecast.md), read with the context date ``today``: the
# connector never recomputes it.
PHASE_FORECAST_FIELD = "forecast_man_days"
PROJECT_FORECAST_FIELD = "erp_man_days_forecast"


def project_ids_by_code(odoo: OdooExecutor, codes: Iterable[str]) -> dict[str, int]:
    """Project id per connector code, by the external id provisioning gives it (``<code>__project``): one read."""
    xmlids = {project_xmlid(code): code for code in codes}
    if not xmlids:
        return {}
    rows = odoo.execute("ir.model.data", "search_read",
                        [("module", "=", XMLID_MODULE), ("model", "=", "project.project"),
                         ("name", "in", list(xmlids))], fields=["name", "res_id"])
    return {xmlids[row["name"]]: int(row["res_id"]) for row in rows if row["name"] in xmlids}


def _spec(fields: list[str]) -> dict[str, Any]:
    return {name: {} for name in fields}


FIGURES_SPEC: dict[str, Any] = {
    **_spec(PROJECT_FIELDS),
    "erp_phase_ids": {"fields": _spec(PHASE_FIELDS)},
    "erp_payment_ids": {"fields": {**_spec(MILESTONE_FIELDS), "invoice_id": {"fields": _spec(INVOICE_FIELDS)}}},
}


def project_figures(odoo: OdooExecutor, project_ids: list[int]) -> list[dict[str, Any]]:
    """Each project with its phases (``erp_phase_ids``) and payment milestones (``erp_payment_ids``, each
    ``invoice_id`` a dict or False), in the addon's order; one ``web_read`` for every project. Many2ones the spec
    does not open are plain ids."""
    if not project_ids:
        return []
    return list(odoo.execute("project.project", "web_read", project_ids, specification=FIGURES_SPEC))


# The portfolio: the addon's ``erp.portfolio`` view, one row per project with a playbook (docs/odoo.md).
PORTFOLIO_MODEL = "erp.portfolio"
PORTFOLIO_FIELDS = ["project_id", "partner_id", "user_id", "currency_id", "size", "industry", "current_phase_id",
                    "budget_man_days", "spent_man_days", "forecast_man_days", "forecast_variance", "gates_waiting",
                    "gate_wait_days", "contract_amount", "due_amount", "overdue_amount", "cash_30", "cash_60",
                    "cash_90", "cadence_adherence", "cadence_missed", "risk_level", "risk_count"]


def portfolio_rows(odoo: OdooExecutor, domain: list[Any] | None = None) -> list[dict[str, Any]]:
    """Every implementation project's figures as the addon computes them, in two calls whatever their number:
    one to check the addon has the portfolio, one ``search_read`` of the view (summed in SQL on the server)."""
    if not odoo.execute("ir.model", "search_count", [["model", "=", PORTFOLIO_MODEL]]):
        raise ConnectorError("this Odoo's erp_playbook addon has no portfolio (erp.portfolio)",
                             "upgrade the addon to 1.4 or later: odoo-bin -u erp_playbook")
    return list(odoo.execute(PORTFOLIO_MODEL, "search_read", domain or [], fields=PORTFOLIO_FIELDS,
                             order="partner_id, project_id"))
