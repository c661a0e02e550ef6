"""Lessons 23 and 12 in the reports: a late acceptance is a high risk (not a healthy "not due"), work on change
requests the customer has not signed is unfunded scope, and the acceptance certificate quotes the criteria."""

from __future__ import annotations

from typing import Any

from connector.playbook.model import Playbook
from connector.reports.odoo_source import OdooReportSource
from connector.reports.phase_docs import build_phase_report, phase_document
from connector.reports.render import render_markdown
from connector.reports.snapshot import ProjectSnapshot
from connector.reports.weekly import build_weekly
from tests.reports.conftest import AS_OF, WEEK
from tests.reports.fake_odoo import PROJECT, FakeOdoo, acme_records

SURVEY = [103, "Business Survey"]
CRITERIA = "Twelve month-end closes run in the new system without manual correction."


def snapshot(records: dict[str, list[dict[str, Any]]], playbook: Playbook, phase: str | None = None) -> ProjectSnapshot:
    return OdooReportSource(FakeOdoo(records), playbook).snapshot(
        "acme_erp", AS_OF, lines_from=WEEK.start, lines_to=WEEK.end, phase_key=phase)


def risks(snap: ProjectSnapshot, playbook: Playbook) -> dict[str, tuple[str, str]]:
    return {r.code: (r.severity, r.message) for r in build_weekly(snap, playbook, WEEK, "en").risks}


def late_acceptance(records: dict[str, list[dict[str, Any]]]) -> None:
    """As the addon answers on 2026-11-27: go-live signed 2026-09-25, due 2026-11-01, 26 days late."""
    gate = next(g for g in records["erp.signoff"] if g["key"] == "acceptance_certificate_signed")
    gate.update(date_acceptance_due="2026-11-01", days_late=26)
    pay = next(p for p in records["erp.payment.milestone"] if p["key"] == "payment_on_acceptance")
    pay.update(collection_status="overdue", days_overdue=26, acceptance_late=True)


def test_a_late_acceptance_and_its_payment_are_high_risks(playbook: Playbook) -> None:
    healthy = risks(snapshot(acme_records(), playbook), playbook)
    assert "acceptance_late" not in healthy and "payment_acceptance_late" not in healthy
    records = acme_records()
    late_acceptance(records)
    snap = snapshot(records, playbook)
    found = risks(snap, playbook)
    assert found["acceptance_late"][0] == "high"
    assert "26 days late" in found["acceptance_late"][1] and "2026-11-01" in found["acceptance_late"][1]
    assert found["payment_acceptance_late"][0] == "high"
    assert "450,000" in found["payment_acceptance_late"][1] and "Acceptance certificate signed" in (
        found["payment_acceptance_late"][1])
    pays = {p.key: (p.status, p.days_overdue) for p in build_weekly(snap, playbook, WEEK, "en").payments}
    assert pays["payment_on_acceptance"] == ("overdue", 26)
    assert "payment_overdue" not in found or "Payment on acceptance" not in found["payment_overdue"][1]


def test_the_late_acceptance_risk_reads_in_chinese(playbook: Playbook) -> None:
    records = acme_records()
    late_acceptance(records)
    found = {r.code: r.message for r in build_weekly(snapshot(records, playbook), playbook, WEEK, "zh_TW").risks}
    assert "已延遲 26 天" in found["acceptance_late"]


def _change_request(records: dict[str, list[dict[str, Any]]], state: str) -> None:
    records["erp.change.request"] = [{"id": 71, "project_id": PROJECT, "name": "Lot label report", "state": state,
                                      "man_days": 3.0, "phase_id": SURVEY}]
    lines = records["account.analytic.line"]
    lines.append({"id": 5900, "date": "2026-11-20", "project_id": PROJECT, "unit_amount": 16.0, "task_id": False,
                  "erp_phase_id": SURVEY, "employee_id": [11, "Chen"], "name": "Label report draft",
                  "erp_customer_confirmed": False, "erp_confirmed_date": False,
                  "erp_change_request_id": [71, "Lot label report"]})


def test_time_on_an_unsigned_change_request_is_unfunded_scope(playbook: Playbook) -> None:
    records = acme_records()
    _change_request(records, "draft")
    snap = snapshot(records, playbook)
    assert snap.budget_man_days == 45  # not signed: not in the budget
    severity, message = risks(snap, playbook)["unfunded_scope"]
    assert severity == "high" and message.startswith("2 man-days") and "Lot label report" in message
    certificate = snapshot(records, playbook, phase="business_survey")
    rep = build_phase_report(certificate, playbook, "business_survey", "confirmation", "en")
    text = render_markdown(phase_document(rep, today=AS_OF))
    assert "2 man-days of this phase were logged on change requests the customer has not signed" in text


def test_a_signed_change_request_joins_the_budget_and_is_not_unfunded(playbook: Playbook) -> None:
    records = acme_records()
    _change_request(records, "signed")
    snap = snapshot(records, playbook)
    assert snap.budget_man_days == 48
    assert "unfunded_scope" not in risks(snap, playbook)
    rep = build_phase_report(snapshot(records, playbook, phase="business_survey"), playbook, "business_survey",
                             "confirmation", "en")
    assert rep.project_days.budget == 48 and rep.unfunded == []


def test_the_acceptance_certificate_quotes_the_criteria_agreed_at_kickoff(playbook: Playbook) -> None:
    records = acme_records()
    records["project.project"][0]["erp_acceptance_criteria"] = CRITERIA
    acceptance = build_phase_report(snapshot(records, playbook, phase="acceptance"), playbook, "acceptance",
                                    "confirmation", "zh_TW")
    text = render_markdown(phase_document(acceptance, today=AS_OF))
    assert "啟動會議定的驗收標準" in text and CRITERIA in text
    survey = build_phase_report(snapshot(records, playbook, phase="business_survey"), playbook, "business_survey",
                                "confirmation", "en")
    assert CRITERIA not in render_markdown(phase_document(survey, today=AS_OF))
