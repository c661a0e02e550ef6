"""Phase plan, phase summary and confirmation certificate: their numbers against the Acme data set."""

from __future__ import annotations

from datetime import date

import pytest

from connector.playbook.model import Playbook
from connector.reports.odoo_source import OdooReportSource, ReportDataError
from connector.reports.phase_docs import build_phase_report, phase_document
from connector.reports.render import render_markdown
from connector.reports.snapshot import ProjectSnapshot
from tests.reports.conftest import AS_OF
from tests.reports.fake_odoo import FakeOdoo


def phase_snapshot(odoo: FakeOdoo, playbook: Playbook, phase: str) -> ProjectSnapshot:
    return OdooReportSource(odoo, playbook).snapshot("acme_erp", AS_OF, phase_key=phase)


def test_plan_lists_items_with_roles_owners_and_lateness(acme: ProjectSnapshot, playbook: Playbook) -> None:
    rep = build_phase_report(acme, playbook, "business_survey", "phase_plan", "en")
    checklist = {i.name: (i.role, i.owners, i.done, i.late) for i in rep.items if i.item_type == "checklist"}
    assert checklist["Analyse and streamline each process with its owner"] == (
        "Implementation consultant", ["張經理"], False, True)
    assert len(rep.items) == 8 and sum(i.done for i in rep.items) == 2
    assert [g.key for g in rep.gates] == ["survey_phase_confirmed"]
    assert rep.purpose.startswith("Each department presents")  # the playbook's text for the phase
    assert rep.entry_criteria == ["Master plan confirmed by both sides"]


def test_plan_shows_the_hard_gate_in_front_of_a_phase(acme: ProjectSnapshot, playbook: Playbook) -> None:
    rep = build_phase_report(acme, playbook, "solution_design", "phase_plan", "en")
    assert [(g.key, g.hard, g.status) for g in rep.entry_gates] == [("requirements_report_signed", True, "not_due")]
    assert rep.phase.blocked_by == ["Requirements report signed"]


def test_plan_lists_the_payments_its_gates_trigger(acme: ProjectSnapshot, playbook: Playbook) -> None:
    rep = build_phase_report(acme, playbook, "acceptance", "phase_plan", "en")
    assert [(p.key, p.amount, p.delay_days) for p in rep.payments] == [
        ("payment_on_acceptance", 450_000, 0), ("payment_retention", 150_000, 180)]


def test_summary_man_days_and_next_phase(acme: ProjectSnapshot, playbook: Playbook) -> None:
    rep = build_phase_report(acme, playbook, "master_plan", "phase_summary", "zh_TW")
    assert (rep.phase_days.budget, rep.phase_days.logged, rep.phase_days.confirmed) == (3, 2.5, 2)
    assert rep.next_phase is not None and rep.next_phase.key == "business_survey"
    assert [r.code for r in rep.risks] == ["gate_waiting", "log_unconfirmed"]
    assert rep.phase.name == "實施主計畫"


def test_confirmation_counts_only_confirmed_lines(acme_odoo: FakeOdoo, playbook: Playbook) -> None:
    snap = phase_snapshot(acme_odoo, playbook, "business_survey")
    rep = build_phase_report(snap, playbook, "business_survey", "confirmation", "en")
    assert [(r.date, r.man_days, r.confirmed_date) for r in rep.log] == [(date(2026, 11, 24), 1, date(2026, 11, 26))]
    assert rep.log[0].work == "Analyse processes: Warehouse flow"
    ph, pr = rep.phase_days, rep.project_days
    assert (ph.budget, ph.logged, ph.confirmed, ph.remaining, ph.unconfirmed) == (12, 10, 1, 11, 9)
    assert (pr.budget, pr.confirmed, pr.remaining) == (45, 8, 37)
    # The certificate says what its remaining days are counted against: confirmed days, not all logged.
    text = render_markdown(phase_document(rep, today=AS_OF))
    assert "| Remaining after confirmed days | 11 | 37 |" in text


def test_confirmation_log_sums_to_the_phase_confirmed_days(acme_odoo: FakeOdoo, playbook: Playbook) -> None:
    snap = phase_snapshot(acme_odoo, playbook, "kickoff")
    rep = build_phase_report(snap, playbook, "kickoff", "confirmation", "en")
    assert sum(r.man_days for r in rep.log) == rep.phase_days.confirmed == 5
    assert sum(r.hours for r in rep.log) == 40


@pytest.mark.parametrize("ref", ["kickoff", "1", "Kickoff"])
def test_phase_by_key_sequence_or_odoo_name(acme: ProjectSnapshot, playbook: Playbook, ref: str) -> None:
    assert build_phase_report(acme, playbook, ref, "phase_plan", "en").phase.key == "kickoff"


def test_unknown_phase(acme: ProjectSnapshot, playbook: Playbook) -> None:
    with pytest.raises(ReportDataError, match="no phase 'golive'"):
        build_phase_report(acme, playbook, "golive", "phase_plan", "en")
