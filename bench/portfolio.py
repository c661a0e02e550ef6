"""Open the portfolio with 200 projects and 1,000,000 timesheet lines: the calls the web client makes, and the CLI.

Starts a private Odoo (tests/odoo/harness.py; ODOO_SRC / ODOO_PYTHON as in docs/odoo.md) with the addon, loads
the default playbook, creates PROJECTS projects through the ORM (Apply Playbook: phases, checklist tasks, gates,
payment milestones), then writes the timesheet lines straight into PostgreSQL with ``generate_series`` (the ORM
would take hours for a million lines) and moves the projects along (phases done / in progress, items closed,
gates requested, payments falling due) so every column of the portfolio has figures. Lines written in SQL
bypass the ORM, so the seeding also stores what the ORM would have: the hours per phase and per project.
Then it times, over RPC:

- the list view as the web client opens it (``web_search_read`` of the list's fields, 80 rows, with the count),
- the list grouped by customer (``web_read_group``), the pivot and the graph (``read_group``),
- one project's form figures (forecast at completion, spent, overdue),
- ``playbook report portfolio``'s read (``connector.reports.portfolio.read_portfolio``): its RPC calls and time.

    ODOO_SRC=/work/odoo/18.0 ODOO_PYTHON=/work/odoo/venv18.0/bin/python .venv/bin/python bench/portfolio.py

Target (docs/benchmarks.md): every screen under 2 s; the CLI in a fixed number of calls.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connector.odoo.client import OdooClient
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.reports.portfolio import read_portfolio
from tests.odoo.harness import OdooServer, OdooSource, running_odoo

PROJECTS = int(os.environ.get("BENCH_PROJECTS", "200"))
LINES = int(os.environ.get("BENCH_LINES", "1000000"))
TARGET_SECONDS = 2.0
LIST_FIELDS = ["project_id", "partner_id", "user_id", "size", "industry", "current_phase_id", "currency_id",
               "budget_man_days", "spent_man_days", "forecast_man_days", "forecast_variance", "gates_waiting",
               "gate_wait_days", "due_amount", "overdue_amount", "cash_30", "cash_60", "cash_90", "cadence_adherence",
               "risk_level"]
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
MEASURES = ["budget_man_days:sum", "spent_man_days:sum", "forecast_man_days:sum", "cash_90:sum"]


def seed_projects(client: OdooClient) -> list[int]:
    playbook = load_playbook(DEFAULT_PLAYBOOK)
    client.execute("erp.playbook", "load_playbook", playbook.model_dump(mode="json"))
    [pb] = client.execute("erp.playbook", "search", [["key", "=", playbook.key]])
    customers = client.execute("res.partner", "create", [{"name": f"Customer {i:02d}", "is_company": True}
                                                         for i in range(40)])
    sizes = ("small", "medium", "large")
    industries = ("distribution", "manufacturing", "")
    ids: list[int] = []
    for start in range(0, PROJECTS, 20):
        batch = client.execute("project.project", "create", [
            {"name": f"ERP {i:03d}", "partner_id": customers[i % len(customers)], "erp_playbook_id": pb,
             "erp_size": sizes[i % 3], "erp_industry": industries[i % 3] or False,
             "erp_man_day_budget": 60 + 10 * (i % 9), "erp_contract_amount": 1_000_000 + 50_000 * (i % 7),
             "erp_contract_date": "2026-01-15"}
            for i in range(start, min(start + 20, PROJECTS))], context=QUIET)
        # Chatter and tracking are not what is measured: leave them out of the seeding.
        client.execute("project.project", "action_erp_apply_playbook", batch, context=QUIET)
        ids += batch
        print(f"  {len(ids)} projects planned", flush=True)
    return ids


def seed_sql(server: OdooServer, db: str) -> None:
    """A million lines spread over every phase task, and each project moved to a different point of its plan."""
    cluster = server.cluster

    def psql(sql: str, db: str) -> None:
        # The harness's psql gives up after 2 minutes; a million rows on a shared machine may take longer.
        cluster._run([str(cluster.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(cluster.sockdir),
                      "-p", str(cluster.port), "-U", "postgres", "-d", db, "-c", sql], "psql", timeout=1800)

    # Foreign keys are not checked row by row (replica role): every id below is read from the tables it refers to.
    psql(f"""
        SET session_replication_role = replica;
        INSERT INTO account_analytic_line (name, date, unit_amount, amount, account_id, company_id, project_id,
                                           task_id, erp_phase_id, employee_id, user_id, create_uid, write_uid,
                                           create_date, write_date)
        SELECT 'bench', DATE '2026-01-05' + (g % 300), 1 + (g % 8), 0, t.account_id, t.company_id, t.project_id,
               t.task_id, t.phase_id, e.id, 2, 2, 2, now(), now()
          FROM generate_series(0, {LINES - 1}) AS g
          JOIN (SELECT row_number() OVER (ORDER BY ph.id) - 1 AS n, ph.project_id, ph.task_id, ph.id AS phase_id,
                       p.account_id, COALESCE(p.company_id, (SELECT MIN(id) FROM res_company)) AS company_id
                  FROM erp_project_phase ph JOIN project_project p ON p.id = ph.project_id) AS t
            ON t.n = g % (SELECT COUNT(*) FROM erp_project_phase)
          CROSS JOIN (SELECT id FROM hr_employee ORDER BY id LIMIT 1) AS e;
        ANALYZE account_analytic_line;
    """, db=db)
    # What the ORM would have stored had it written the lines: the hours per phase and per project.
    psql("""
        UPDATE erp_project_phase ph SET hours_logged = s.hours
          FROM (SELECT erp_phase_id, SUM(unit_amount) AS hours FROM account_analytic_line
                 WHERE project_id IS NOT NULL GROUP BY erp_phase_id) s
         WHERE s.erp_phase_id = ph.id;
        UPDATE project_project p SET erp_hours_logged = s.hours
          FROM (SELECT project_id, SUM(unit_amount) AS hours FROM account_analytic_line GROUP BY project_id) s
         WHERE s.project_id = p.id;
    """, db=db)
    # Phases before the project's current one are done, the current one in progress (up to the 5th phase).
    psql("""
        UPDATE erp_project_phase ph SET state = CASE WHEN ph.sequence < 1 + (ph.project_id % 5) THEN 'done'
                                                    WHEN ph.sequence = 1 + (ph.project_id % 5) THEN 'in_progress'
                                                    ELSE 'draft' END
          FROM (SELECT project_id, MIN(sequence) AS first FROM erp_project_phase GROUP BY project_id) f
         WHERE f.project_id = ph.project_id;
        UPDATE project_task t SET state = '1_done'
          FROM erp_project_phase ph
         WHERE t.erp_phase_id = ph.id AND t.erp_item_type IN ('checklist', 'deliverable')
           AND (ph.state = 'done' OR (ph.state = 'in_progress' AND t.id % 3 = 0));
        UPDATE erp_signoff s SET state = 'requested', date_requested = CURRENT_DATE - (s.id % 40)
          FROM erp_project_phase ph WHERE s.phase_id = ph.id AND ph.state = 'in_progress';
        UPDATE erp_payment_milestone SET date_due = CURRENT_DATE - 60 + (id * 7) % 150;
        ANALYZE;
    """, db=db)


def timed(fn: Callable[[], Any], runs: int = 5) -> tuple[float, Any]:
    """Median wall time of ``runs`` calls (the first one included: a manager opens the screen once)."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(client: OdooClient, project_id: int) -> list[tuple[str, int, float]]:
    rows: list[tuple[str, int, float]] = []

    def add(label: str, fn: Callable[[], Any]) -> Any:
        before = client.rpc_calls
        seconds, result = timed(fn)
        rows.append((label, (client.rpc_calls - before) // 5, seconds))
        return result

    spec = {name: {} for name in LIST_FIELDS}
    for name in ("project_id", "partner_id", "user_id", "current_phase_id", "currency_id"):
        spec[name] = {"fields": {"display_name": {}}}
    add("list view: web_search_read, 80 rows + count", lambda: client.execute(
        "erp.portfolio", "web_search_read", [], specification=spec, limit=80, count_limit=10001))
    add("list grouped by customer: web_read_group", lambda: client.execute(
        "erp.portfolio", "web_read_group", [], fields=MEASURES, groupby=["partner_id"], limit=80, lazy=True))
    add("pivot: read_group customer x size", lambda: client.execute(
        "erp.portfolio", "read_group", [], MEASURES, ["partner_id", "size"], lazy=False))
    add("pivot: read_group total", lambda: client.execute(
        "erp.portfolio", "read_group", [], MEASURES, [], lazy=False))
    add("graph: read_group by project manager", lambda: client.execute(
        "erp.portfolio", "read_group", [], ["forecast_variance:sum"], ["user_id"], lazy=True))
    add("project form figures (forecast, spent, overdue)", lambda: client.execute(
        "project.project", "read", [project_id],
        fields=["erp_man_days_forecast", "erp_man_days_spent", "erp_overdue_amount"]))
    projects = add("playbook report portfolio: read", lambda: read_portfolio(client))
    assert len(projects) == PROJECTS, len(projects)
    return rows


def main() -> None:
    source = OdooSource.from_env()
    if source is None:
        sys.exit("set ODOO_SRC (and ODOO_PYTHON) to an Odoo 18 or 19 source tree; see docs/odoo.md")
    with running_odoo(source) as server:
        db = server.new_database(with_addon=True)
        client = OdooClient(server.url, db, server.login, server.password).connect()
        started = time.perf_counter()
        ids = seed_projects(client)
        planned = time.perf_counter() - started
        started = time.perf_counter()
        seed_sql(server, db)
        seeded = time.perf_counter() - started
        count = server.cluster.psql("SELECT COUNT(*) FROM account_analytic_line", db=db)
        print(f"Odoo {server.version}: {len(ids)} projects planned in {planned:.0f} s; {count} timesheet lines "
              f"written in SQL in {seeded:.0f} s")
        rows = measure(client, ids[0])
        print("\n| what | RPC calls | seconds (median of 5) |\n|---|---:|---:|")
        for label, calls, seconds in rows:
            flag = "" if seconds < TARGET_SECONDS else " **over 2 s**"
            print(f"| {label} | {calls} | {seconds:.2f}{flag} |")


if __name__ == "__main__":
    main()
