"""The status report Odoo sends (the addon's QWeb report) and `playbook report weekly` show the same figures."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import requests

from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.reports.odoo_source import OdooReportSource
from connector.reports.weekly import build_weekly
from connector.reports.weeks import IsoWeek
from tests.odoo.harness import OdooDatabase
from tests.odoo.test_live_reports import live  # noqa: F401  (the same live project as the CLI report's tests)

TODAY = date.today()


def _rows(page: str, table_class: str) -> list[tuple[dict[str, str], list[str]]]:
    """(attributes of the row, text of its cells) for each body row of the report table with that class."""
    table = re.search(rf'<table class="[^"]*\b{table_class}\b[^"]*">(.*?)</table>', page, re.S)
    assert table, f"no table {table_class} in the report"
    body = re.search(r"<tbody>(.*?)</tbody>", table[1], re.S)
    rows = []
    for attrs, row in re.findall(r"<tr([^>]*)>(.*?)</tr>", body[1] if body else "", re.S):
        found = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        cells = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in found]
        rows.append((dict(re.findall(r'([\w-]+)="([^"]*)"', attrs)), cells))
    return rows


def _odoo_report(db: OdooDatabase, project: int) -> str:
    """The report as the project's *Status Report* button shows it (its HTML form), logged in as admin."""
    session = requests.Session()
    login = session.post(
        f"{db.url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db.name, "login": "admin", "password": db.server.web_password}},
        timeout=60,
    )
    assert login.ok and "error" not in login.json(), login.text[:300]
    page = session.get(f"{db.url}/report/html/erp_playbook.report_erp_status/{project}", timeout=120)
    assert page.status_code == 200, page.text[:300]
    return page.text


def test_odoo_status_report_and_cli_weekly_report_agree(odoo_addon_db: OdooDatabase, live: dict[str, Any]) -> None:  # noqa: F811
    playbook = load_playbook(DEFAULT_PLAYBOOK)
    snap = OdooReportSource(odoo_addon_db, playbook).snapshot(str(live["project"]), TODAY)
    cli = build_weekly(snap, playbook, IsoWeek.of(TODAY), "en")
    page = _odoo_report(odoo_addon_db, live["project"])

    [(_, totals)] = _rows(page, "erp_man_days")
    fig = cli.figures
    assert [totals[0], totals[2], totals[3]] == [f"{fig.budget:.1f}", f"{fig.spent:.1f}", f"{fig.remaining:.1f}"]
    assert totals[5] == f"{fig.gates_signed} / {fig.gates_total}"

    odoo_phases = [cells[2:5] for _, cells in _rows(page, "erp_phases")]
    assert odoo_phases == [[f"{p.budget:.1f}", f"{p.spent:.1f}", f"{p.remaining:.1f}"] for p in cli.phases]

    odoo_payments = [(attrs["data-status"] == "overdue", cells[4]) for attrs, cells in _rows(page, "erp_payments")]
    cli_payments = [(p.status == "overdue", str(p.days_overdue)) for p in cli.payments]
    assert odoo_payments == cli_payments
    assert (True, "20") in odoo_payments, "the fixture's payment is 20 days overdue on both sides"

    odoo_risks = set(re.findall(r'<li data-code="([a-z_]+)"', page))
    cli_risks = {r.code for r in cli.risks}
    # Each risk the addon's report can see is one the CLI report raises too (the CLI sees more: burn, sync, ...).
    assert "payment_overdue" in odoo_risks
    assert odoo_risks <= cli_risks, (odoo_risks, cli_risks)
