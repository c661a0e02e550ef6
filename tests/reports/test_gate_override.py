"""A hard gate a manager overrode is a high risk with its reason, in the gates table too; an unsigned hard gate
holds every later phase (lesson 12)."""

from __future__ import annotations

from datetime import date

from connector.playbook.model import Playbook
from connector.reports.render import render_markdown
from connector.reports.snapshot import ProjectSnapshot
from connector.reports.weekly import build_weekly, weekly_document
from tests.reports.conftest import WEEK

REASON = "Signature promised for Monday; the CEO agreed"


def _overridden(acme: ProjectSnapshot) -> ProjectSnapshot:
    gates = [g.model_copy(update={"override_reason": REASON, "overridden_by": "Mia Manager",
                                  "date_overridden": date(2026, 11, 20)}) if g.key == "requirements_report_signed"
             else g for g in acme.gates]
    return acme.model_copy(update={"gates": gates})


def test_an_unsigned_hard_gate_holds_every_later_phase(acme: ProjectSnapshot, playbook: Playbook) -> None:
    rows = build_weekly(acme, playbook, WEEK, "en").phases
    gate = "Requirements report signed"
    requirements = next(r for r in rows if r.key == "requirements_report")
    assert all(gate in r.blocked_by for r in rows if r.sequence > requirements.sequence)
    assert all(gate not in r.blocked_by for r in rows if r.sequence <= requirements.sequence)


def test_an_overridden_hard_gate_is_a_high_risk_with_its_reason(acme: ProjectSnapshot, playbook: Playbook) -> None:
    report = build_weekly(_overridden(acme), playbook, WEEK, "en")
    [risk] = [r for r in report.risks if r.code == "hard_gate_overridden"]
    assert risk.severity == "high"
    assert REASON in risk.message and "Mia Manager, 2026-11-20" in risk.message
    assert all(r.code != "hard_gate_unsigned" or r.subject != "requirements_report_signed" for r in report.risks)
    assert not any("Requirements report signed" in r.blocked_by for r in report.phases), "work may go on"
    assert REASON in render_markdown(weekly_document(report, today=date(2026, 11, 27), with_chart=False))
    zh = build_weekly(_overridden(acme), playbook, WEEK, "zh_TW")
    assert any("經理已准許" in r.message for r in zh.risks)
