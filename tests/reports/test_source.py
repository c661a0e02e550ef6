"""The Odoo reader: the snapshot's numbers are Odoo's, in few calls, and bad references fail clearly."""

from __future__ import annotations

from datetime import date

import pytest

from connector.playbook.model import Playbook
from connector.reports.odoo_source import OdooReportSource, ReportDataError
from connector.reports.snapshot import ProjectSnapshot
from tests.reports.conftest import AS_OF, WEEK
from tests.reports.fake_odoo import FakeOdoo, acme_records


def test_man_days_per_phase_are_hours_over_hours_per_day(acme: ProjectSnapshot) -> None:
    spent = {p.key: (p.budget_man_days, p.spent_man_days, p.remaining_man_days, p.signed_man_days)
             for p in acme.phases}
    assert spent["kickoff"] == (4, 5, -1, 5)  # 40 h, all confirmed
    assert spent["master_plan"] == (3, 2.5, 0.5, 2)  # 20 h, 16 h confirmed
    # 80 h up to the report date; the 8 h line of 2026-12-01 is after it and not counted.
    assert spent["business_survey"] == (12, 10, 2, 1)
    assert spent["solution_design"] == (14, 0, 14, 0)
    assert acme.unphased_spent_man_days == 1
    assert (acme.spent_man_days, acme.signed_man_days, acme.remaining_man_days) == (18.5, 8, 26.5)


def test_lines_of_the_week_and_their_man_days(acme: ProjectSnapshot) -> None:
    assert [(line.date.isoformat(), line.man_days, line.confirmed) for line in acme.lines] == [
        ("2026-11-24", 1, True), ("2026-11-25", 1, False), ("2026-11-26", 1, False)]
    assert acme.lines[0].task == "Analyse processes"
    assert acme.lines[2].phase_id is None


def test_tasks_carry_names_of_tags_and_users(acme: ProjectSnapshot) -> None:
    survey = acme.phase_by_key("business_survey")
    assert survey is not None and (survey.item_count, survey.item_done_count) == (8, 2)
    analyse = next(t for t in acme.tasks if t.name == "Analyse processes")
    assert analyse.assignees == ["張經理"] and analyse.deadline == date(2026, 11, 20)


def test_register_items_by_tags_in_any_language(acme: ProjectSnapshot) -> None:
    found = {i.name: (i.kind, i.disposition, i.closed) for i in acme.register_items}
    assert found == {
        "Batch costing by lot": ("requirement", "workaround", False),
        "Custom label print": ("requirement", "go_live_then_customize", False),  # tags 需求, 先上線再客製
        "Intercompany auto-posting": ("requirement", None, False),
        "Report export crashes": ("issue", "record_for_rnd", True),
        "Slow MRP run": ("issue", "record_for_rnd", False),  # "Disposition: Record for R&D"
        "EDI with a customer": ("requirement", "explain_not_possible", True),
    }


def test_gates_payments_and_project_info(acme: ProjectSnapshot) -> None:
    assert acme.project.code == "acme_erp" and acme.project.currency == "TWD"
    assert [g.key for g in acme.live_gates()][:2] == ["kickoff_minutes_confirmed", "master_plan_confirmed"]
    assert "old_minutes" not in {g.key for g in acme.live_gates()}  # superseded
    kickoff_pay = next(p for p in acme.payments if p.key == "payment_on_kickoff")
    assert (kickoff_pay.amount, kickoff_pay.invoice, kickoff_pay.days_overdue) == (300_000, "INV/2026/0007", 18)


def test_the_whole_snapshot_takes_a_dozen_calls_at_most(acme_odoo: FakeOdoo, playbook: Playbook) -> None:
    OdooReportSource(acme_odoo, playbook).snapshot("acme_erp", AS_OF, lines_from=WEEK.start, lines_to=WEEK.end)
    assert sum(acme_odoo.calls.values()) <= 12


@pytest.mark.parametrize("ref", ["acme_erp", "Acme ERP", "1"])
def test_project_by_code_name_or_id(acme_odoo: FakeOdoo, ref: str) -> None:
    assert OdooReportSource(acme_odoo).resolve_project(ref)[0] == 1


def test_unknown_project_names_the_likely_ones(acme_odoo: FakeOdoo) -> None:
    with pytest.raises(ReportDataError) as err:
        OdooReportSource(acme_odoo).snapshot("Acme", AS_OF)
    assert "no Odoo project 'Acme'" in err.value.message
    assert "'Acme ERP'" in (err.value.hint or "")


def test_ambiguous_name_asks_for_the_code() -> None:
    records = acme_records()
    records["project.project"][1]["name"] = "Acme ERP"
    with pytest.raises(ReportDataError, match="more than one"):
        OdooReportSource(FakeOdoo(records)).resolve_project("Acme ERP")


def test_missing_addon_says_how_to_install_it() -> None:
    records = acme_records()
    records["ir.model"] = []
    with pytest.raises(ReportDataError) as err:
        OdooReportSource(FakeOdoo(records)).snapshot("acme_erp", AS_OF)
    assert "playbook odoo install" in (err.value.hint or "")


def test_unknown_phase_lists_the_keys(acme_odoo: FakeOdoo) -> None:
    with pytest.raises(ReportDataError) as err:
        OdooReportSource(acme_odoo).snapshot("acme_erp", AS_OF, phase_key="golive")
    assert "kickoff, master_plan" in (err.value.hint or "")
