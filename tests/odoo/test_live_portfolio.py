"""The forecast at completion and the portfolio against a live Odoo (18 or 19) with the addon: what the weekly
report and `playbook report portfolio` show is what Odoo computes, on the report's date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.reports.odoo_source import OdooReportSource
from connector.reports.portfolio import read_portfolio
from tests.odoo.harness import OdooDatabase

TODAY = date.today()


@pytest.fixture(scope="module")
def live(odoo_addon_db: OdooDatabase) -> dict[str, Any]:
    """A playbook project: kickoff done (12 h), survey in progress (1 of 2 items closed, 16 h + 8 h ten days ago),
    design not started; 8 h outside phases. Budget 40 = 10 + 20 + 10."""
    ex = odoo_addon_db.execute
    playbook = load_playbook(DEFAULT_PLAYBOOK)
    ex("erp.playbook", "load_playbook", playbook.model_dump(mode="json"))
    [pb] = ex("erp.playbook", "search", [["key", "=", playbook.key]])  # type: ignore[misc]
    customer = ex("res.partner", "create", {"name": "Forecast Ltd", "is_company": True})
    project = ex("project.project", "create", {
        "name": "Live forecast project", "partner_id": customer, "erp_playbook_id": pb, "erp_size": "medium",
        "erp_man_day_budget": 40.0, "erp_hours_per_day": 8.0})
    phases = [ex("erp.project.phase", "create", {"project_id": project, "key": key, "name": key, "sequence": seq,
                                                 "budget_man_days": budget})
              for key, seq, budget in (("kickoff", 1, 10.0), ("business_survey", 2, 20.0), ("design", 3, 10.0))]
    kickoff, survey, _design = phases

    def task(phase: int, **extra: Any) -> int:
        return ex("project.task", "create", {"name": "item", "project_id": project, "erp_phase_id": phase,
                                              "erp_item_type": "checklist", **extra})

    t_kick, t_survey = task(kickoff, state="1_done"), task(survey, state="1_done")
    task(survey)
    employee = ex("hr.employee", "create", {"name": "Consultant Lin"})
    for task_id, hours, days_ago in ((t_kick, 12, 30), (t_survey, 16, 2), (t_survey, 8, 10), (False, 8, 1)):
        ex("account.analytic.line", "create", {"name": "work", "project_id": project, "task_id": task_id,
                                               "employee_id": employee, "unit_amount": hours,
                                               "date": (TODAY - timedelta(days=days_ago)).isoformat()})
    ex("erp.project.phase", "write", [kickoff], {"state": "done"})
    ex("erp.project.phase", "write", [survey], {"state": "in_progress"})
    return {"project": project, "phases": phases}


def test_weekly_snapshot_reads_the_addon_forecast_on_its_date(odoo_addon_db: OdooDatabase,
                                                              live: dict[str, Any]) -> None:
    source = OdooReportSource(odoo_addon_db, load_playbook(DEFAULT_PLAYBOOK))
    snap = source.snapshot("Live forecast project", TODAY)
    # kickoff 1.5 (done); survey 3 man-days for half its items: 6; design 10; 1 outside phases.
    assert [p.forecast_man_days for p in snap.phases] == pytest.approx([1.5, 6.0, 10.0])
    assert snap.forecast_man_days == pytest.approx(18.5)
    # A week ago the survey had 1 man-day: 2 at completion.
    earlier = source.snapshot("Live forecast project", TODAY - timedelta(days=7))
    assert [p.forecast_man_days for p in earlier.phases] == pytest.approx([1.5, 2.0, 10.0])
    assert earlier.forecast_man_days == pytest.approx(13.5)


def test_portfolio_row_equals_the_project_figures(odoo_addon_db: OdooDatabase, live: dict[str, Any]) -> None:
    [row] = [p for p in read_portfolio(odoo_addon_db) if p.id == live["project"]]
    [project] = odoo_addon_db.execute(  # type: ignore[misc]
        "project.project", "read", [live["project"]],
        fields=["erp_man_days_forecast", "erp_man_days_spent", "erp_forecast_variance", "erp_overdue_amount"])
    assert row.forecast == pytest.approx(project["erp_man_days_forecast"]) == pytest.approx(18.5)
    assert row.spent == pytest.approx(project["erp_man_days_spent"]) == pytest.approx(5.5)
    assert row.variance == pytest.approx(project["erp_forecast_variance"]) == pytest.approx(-21.5)
    assert row.phase == "business_survey" and row.customer == "Forecast Ltd"
