"""Reports against a live Odoo (18 or 19) with the addon: the snapshot's numbers are the ones Odoo shows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.reports.odoo_source import OdooReportSource, ReportDataError
from connector.reports.render import render_markdown
from connector.reports.weekly import build_weekly, weekly_document
from connector.reports.weeks import IsoWeek
from tests.odoo.harness import OdooDatabase

TODAY = date.today()


def _day(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


@pytest.fixture(scope="module")
def live(odoo_addon_db: OdooDatabase) -> dict[str, Any]:
    """A project with two phases, timesheets (some confirmed), a signed hard gate, an overdue payment, a register
    item — all created through RPC as the connector and the consultants would."""
    ex = odoo_addon_db.execute
    customer = ex("res.partner", "create", {"name": "宏達精密工業", "is_company": True})
    contact = ex("res.partner", "create", {"name": "王經理", "parent_id": customer})
    project = ex("project.project", "create", {
        "name": "Live report project", "partner_id": customer, "erp_man_day_budget": 40.0,
        "erp_hours_per_day": 8.0, "erp_contract_amount": 1_000_000.0})
    kickoff = ex("erp.project.phase", "create", {"project_id": project, "key": "kickoff", "name": "Kickoff",
                                                 "sequence": 1, "budget_man_days": 10.0})
    survey = ex("erp.project.phase", "create", {"project_id": project, "key": "business_survey", "name": "Survey",
                                                "sequence": 2, "budget_man_days": 20.0})

    def task(name: str, phase: int, **extra: Any) -> int:
        return ex("project.task", "create", {"name": name, "project_id": project, "erp_phase_id": phase,
                                              "erp_item_type": "checklist", **extra})

    t_kick = task("Hold the kickoff", kickoff, state="1_done")
    t_kick2 = task("Team roster", kickoff)
    t_survey = task("Analyse processes", survey)
    employee = ex("hr.employee", "create", {"name": "Consultant Chen"})

    def log(task_id: int | bool, hours: float, days_ago: int, confirmed: bool = False) -> None:
        ex("account.analytic.line", "create", {
            "name": "work", "project_id": project, "task_id": task_id, "employee_id": employee,
            "unit_amount": hours, "date": _day(days_ago), "erp_customer_confirmed": confirmed})

    log(t_kick, 12, 40, confirmed=True)
    log(t_kick2, 20, 35)
    log(t_survey, 30, 3, confirmed=True)
    log(False, 4, 2)  # on the project, outside any phase

    gate = ex("erp.signoff", "create", {"project_id": project, "phase_id": kickoff, "key": "kickoff_minutes",
                                        "name": "Kickoff minutes", "hard": True, "blocks_phase_id": survey})
    ex("erp.signoff", "action_request", [gate])
    paper = ex("ir.attachment", "create", {"name": "minutes.pdf", "datas": "JVBERi0xLjQ=",
                                           "mimetype": "application/pdf"})
    ex("erp.signoff", "write", [gate], {"attachment_ids": [(4, paper)]})  # the signed paper a manager records
    ex("erp.signoff", "action_sign", [gate], signer_id=contact, date_signed=_day(30))
    ex("erp.payment.milestone", "create", {"project_id": project, "key": "pay_kickoff", "name": "On kickoff",
                                           "percent": 30.0, "signoff_id": gate, "grace_days": 10})
    tags = [ex("project.tags", "create", {"name": name}) for name in ("requirement", "workaround")]
    ex("project.task", "create", {"name": "Batch costing", "project_id": project, "tag_ids": [(6, 0, tags)]})
    ex("erp.project.phase", "write", [kickoff], {"state": "done"})
    return {"project": project, "phases": [kickoff, survey]}


def test_snapshot_numbers_match_odoo(odoo_addon_db: OdooDatabase, live: dict[str, Any]) -> None:
    ex = odoo_addon_db.execute
    snap = OdooReportSource(odoo_addon_db, load_playbook(DEFAULT_PLAYBOOK)).snapshot("Live report project", TODAY)
    odoo_phases = ex("erp.project.phase", "read", live["phases"],
                     fields=["spent_man_days", "signed_man_days", "remaining_man_days", "item_count",
                             "item_done_count", "state"])
    for theirs, ours in zip(odoo_phases, snap.phases, strict=True):
        assert ours.spent_man_days == pytest.approx(theirs["spent_man_days"])
        assert ours.signed_man_days == pytest.approx(theirs["signed_man_days"])
        assert ours.remaining_man_days == pytest.approx(theirs["remaining_man_days"])
        assert (ours.item_count, ours.item_done_count, ours.state) == (
            theirs["item_count"], theirs["item_done_count"], theirs["state"])
    assert [p.spent_man_days for p in snap.phases] == [4.0, 3.75]

    project = ex("project.project", "read", [live["project"]],
                 fields=["erp_man_days_spent", "erp_man_days_signed", "erp_man_days_remaining"])[0]
    assert snap.spent_man_days == pytest.approx(project["erp_man_days_spent"]) == 8.25
    assert snap.signed_man_days == pytest.approx(project["erp_man_days_signed"])
    assert snap.remaining_man_days == pytest.approx(project["erp_man_days_remaining"])

    milestone = ex("erp.payment.milestone", "search_read", [["project_id", "=", live["project"]]],
                   fields=["amount", "days_overdue", "is_overdue", "date_due"],
                   context={"today": TODAY.isoformat()})[0]
    pay = snap.payments[0]
    assert pay.amount == pytest.approx(milestone["amount"]) == 300_000
    assert pay.days_overdue == milestone["days_overdue"] == 20  # signed 30 days ago, 10 days of grace
    assert milestone["is_overdue"] and pay.collection_status == "overdue"
    # The addon counts on the report's date, not the server's today: 25 days ago it was within its grace.
    earlier = OdooReportSource(odoo_addon_db, load_playbook(DEFAULT_PLAYBOOK)).snapshot(
        "Live report project", TODAY - timedelta(days=25))
    assert (earlier.payments[0].collection_status, earlier.payments[0].days_overdue) == ("not_due", 0)

    gate = snap.gates[0]
    signed_on = date.fromisoformat(_day(30))
    assert (gate.state, gate.hard, gate.signer, gate.date_signed) == ("signed", True, "王經理", signed_on)
    assert [(i.kind, i.disposition) for i in snap.register_items] == [("requirement", "workaround")]


def test_weekly_report_from_live_odoo(odoo_addon_db: OdooDatabase, live: dict[str, Any]) -> None:
    week = IsoWeek.of(TODAY)
    playbook = load_playbook(DEFAULT_PLAYBOOK)
    snap = OdooReportSource(odoo_addon_db, playbook).snapshot(str(live["project"]), TODAY, lines_from=week.start,
                                                             lines_to=week.end)
    rep = build_weekly(snap, playbook, week, "zh_TW")
    assert "payment_overdue" in {r.code for r in rep.risks}
    md = render_markdown(weekly_document(rep, today=TODAY, with_chart=False))
    assert md.startswith("# 高層狀態週報") and "逾期 20 天" in md


def test_unknown_project_on_live_odoo(odoo_addon_db: OdooDatabase, live: dict[str, Any]) -> None:
    with pytest.raises(ReportDataError, match="no Odoo project"):
        OdooReportSource(odoo_addon_db).snapshot("No such project", TODAY)
