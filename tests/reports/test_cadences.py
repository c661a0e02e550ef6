"""Cadence adherence in the weekly report: read from the addon on the report date, shown per cadence, a risk."""

from __future__ import annotations

from typing import Any

import pytest

from connector.playbook.model import LANGUAGES, Playbook
from connector.reports.odoo_source import OdooReportSource
from connector.reports.render import render_markdown
from connector.reports.snapshot import ProjectSnapshot
from connector.reports.weekly import build_weekly, weekly_document
from tests.reports.conftest import AS_OF, WEEK
from tests.reports.fake_odoo import PROJECT, FakeOdoo, acme_records


def cadence(cid: int, key: str, frequency: str, this: str | bool, last: str | bool, on_time: int, late: int,
            missed: int, adherence: float, next_due: str | bool) -> dict[str, Any]:
    return {"id": cid, "project_id": PROJECT, "key": key, "name": key.replace("_", " "), "frequency": frequency,
            "period_status": this, "last_status": last, "on_time_count": on_time, "late_count": late,
            "missed_count": missed, "adherence": adherence, "date_next": next_due}


def with_cadences(count: int = 3) -> dict[str, list[dict[str, Any]]]:
    """Acme on Friday 2026-11-27 (W48), as the addon answers for that date."""
    records = acme_records()
    rows = [
        # W48's meeting held on time; 3 on time, 1 late, 1 missed so far.
        cadence(501, "weekly_meeting", "weekly", "on_time", "on_time", 3, 1, 1, 80.0, "2026-12-04"),
        # This week's report not sent yet (due today), last week's missed: 2 missed in all.
        cadence(502, "weekly_status_report", "weekly", "open", "missed", 1, 0, 2, 100.0 / 3, "2026-11-27"),
        cadence(503, "man_day_review", "per_phase", False, "late", 1, 1, 0, 100.0, False),
    ][:count]
    records["erp.cadence"] = rows
    project = records["project.project"][0]
    # The addon's project figure: 7 periods kept of 10 decided, 3 missed.
    project.update(erp_cadence_ids=[r["id"] for r in rows], erp_cadence_adherence=70.0, erp_cadence_missed=3)
    return records


@pytest.fixture
def snap(playbook: Playbook) -> ProjectSnapshot:
    return OdooReportSource(FakeOdoo(with_cadences()), playbook).snapshot(
        "acme_erp", AS_OF, lines_from=WEEK.start, lines_to=WEEK.end)


def test_cadences_are_read_as_the_addon_counts_them_on_the_report_date(snap: ProjectSnapshot) -> None:
    found = {c.key: (c.period_status, c.last_status, c.on_time, c.late, c.missed) for c in snap.cadences}
    assert found == {"weekly_meeting": ("on_time", "on_time", 3, 1, 1),
                     "weekly_status_report": ("open", "missed", 1, 0, 2),
                     "man_day_review": (None, "late", 1, 1, 0)}
    assert (snap.project.cadence_adherence, snap.project.cadence_missed) == (70.0, 3)


def test_cadences_cost_one_call_whatever_their_number(playbook: Playbook) -> None:
    calls = []
    for records in (acme_records(), with_cadences(1), with_cadences(3)):
        odoo = FakeOdoo(records)
        OdooReportSource(odoo, playbook).snapshot("acme_erp", AS_OF, lines_from=WEEK.start, lines_to=WEEK.end)
        calls.append(sum(odoo.calls.values()))
    assert calls[1] == calls[2] == calls[0] + 1


def test_a_cadence_missed_last_period_is_a_risk(snap: ProjectSnapshot, playbook: Playbook) -> None:
    report = build_weekly(snap, playbook, WEEK, "en")
    risks = [r for r in report.risks if r.code == "cadence_missed"]
    assert [(r.subject, r.severity) for r in risks] == [("weekly_status_report", "high")]
    assert "Weekly executive status report was missed in its last period (2 periods missed" in risks[0].message
    assert [c.key for c in report.cadences] == ["weekly_meeting", "weekly_status_report", "man_day_review"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_weekly_report_shows_adherence_per_cadence(snap: ProjectSnapshot, playbook: Playbook,
                                                        lang: str) -> None:
    text = render_markdown(weekly_document(build_weekly(snap, playbook, WEEK, lang), today=AS_OF, with_chart=False))
    expected = {
        "en": ["Cadence adherence", "70% (3 periods missed)", "Weekly project meeting", "On time", "Missed",
               "Open", "Per phase"],
        "zh_TW": ["例行節奏遵循率", "錯過 3 期", "專案週例會", "準時", "錯過", "未到期", "每階段"],
        "zh_CN": ["例行节奏遵循率", "错过 3 期", "项目周例会", "准时", "错过", "未到期", "每阶段"],
    }[lang]
    for word in expected:
        assert word in text, (word, lang)
    row = next(line for line in text.splitlines() if "weekly_status_report" in line or
               ("Weekly executive status report" in line and "|" in line) or ("高層狀態週報" in line and "|" in line)
               or ("高层状态周报" in line and "|" in line))
    assert "33" in row  # the addon's 33.3 % for the report


def test_no_cadence_no_section(playbook: Playbook) -> None:
    snap = OdooReportSource(FakeOdoo(acme_records()), playbook).snapshot(
        "acme_erp", AS_OF, lines_from=WEEK.start, lines_to=WEEK.end)
    text = render_markdown(weekly_document(build_weekly(snap, playbook, WEEK, "en"), today=AS_OF, with_chart=False))
    assert snap.project.cadence_adherence is None and "Cadence" not in text
