"""The weekly report's numbers against the Acme data set, and each risk raised exactly when its condition holds."""

from __future__ import annotations

from datetime import date

from connector.playbook.model import Playbook
from connector.reports import analysis as an
from connector.reports.snapshot import GateSnap, PhaseSnap, ProjectSnapshot
from connector.reports.weekly import WeeklyReport, build_weekly
from tests.reports.conftest import WEEK


def weekly(snap: ProjectSnapshot, playbook: Playbook, lang: str = "en") -> WeeklyReport:
    return build_weekly(snap, playbook, WEEK, lang)


def test_figures(acme: ProjectSnapshot, playbook: Playbook) -> None:
    fig = weekly(acme, playbook).figures
    assert (fig.budget, fig.spent, fig.remaining, fig.signed) == (45, 18.5, 26.5, 8)
    assert round(fig.burn_percent, 1) == 41.1
    assert (fig.contract, fig.paid, fig.outstanding, fig.overdue_amount) == (1_500_000, 450_000, 1_050_000, 300_000)
    assert (fig.gates_signed, fig.gates_total) == (1, 5)


def test_phase_burn_and_progress(acme: ProjectSnapshot, playbook: Playbook) -> None:
    rows = {r.key: r for r in weekly(acme, playbook).phases}
    survey = rows["business_survey"]
    assert (survey.budget, survey.spent, survey.remaining, survey.progress, survey.work_left) == (12, 10, 2, 25, 9)
    assert rows["kickoff"].work_left == 0 and rows["kickoff"].remaining == -1
    assert rows["solution_design"].blocked_by == ["Requirements report signed"]
    assert rows["business_survey"].name == "Business survey and process analysis"  # the playbook's text


def test_gate_status(acme: ProjectSnapshot, playbook: Playbook) -> None:
    gates = {g.key: (g.status, g.waiting_days) for g in weekly(acme, playbook).gates}
    assert gates == {
        "kickoff_minutes_confirmed": ("signed", None),
        "master_plan_confirmed": ("overdue", 25),  # requested 2026-11-02, its phase is done
        "survey_phase_confirmed": ("not_due", None),
        "requirements_report_signed": ("not_due", None),
        "acceptance_certificate_signed": ("not_due", None),
    }


def test_payments(acme: ProjectSnapshot, playbook: Playbook) -> None:
    pays = {p.key: (p.status, p.amount, p.paid, p.days_overdue) for p in weekly(acme, playbook).payments}
    assert pays["payment_on_signing"] == ("paid", 450_000, 450_000, 0)
    # Gate signed 2026-10-10, 30 days of grace: overdue since 2026-11-09, 18 days on 2026-11-27.
    assert pays["payment_on_kickoff"] == ("overdue", 300_000, 0, 18)
    assert pays["payment_on_master_plan"][0] == "not_due"
    assert pays["payment_retention"][:2] == ("not_due", 150_000)


def test_register_counts_by_disposition(acme: ProjectSnapshot, playbook: Playbook) -> None:
    rows = {r.disposition: (r.open, r.total) for r in weekly(acme, playbook).register_rows}
    assert rows["workaround"] == ({"requirement": 1}, {"requirement": 1})
    assert rows["go_live_then_customize"] == ({"requirement": 1}, {"requirement": 1})
    assert rows["record_for_rnd"] == ({"issue": 1}, {"issue": 2})
    assert rows["explain_not_possible"] == ({}, {"requirement": 1})
    assert rows[None] == ({"requirement": 1}, {"requirement": 1})
    assert list(rows)[:4] == ["workaround", "go_live_then_customize", "record_for_rnd", "explain_not_possible"]


def test_this_and_next_week(acme: ProjectSnapshot, playbook: Playbook) -> None:
    rep = weekly(acme, playbook)
    assert (rep.this_week_man_days, rep.this_week_confirmed_man_days) == (3, 1)
    assert {r.task for r in rep.this_week} == {"Analyse processes", "Departments present",
                                               "Steering meeting preparation"}
    # Due by the end of next week (2026-12-06), late one first; 2026-12-20 is later.
    assert [(r.deadline, r.late) for r in rep.next_week] == [(date(2026, 11, 20), True), (date(2026, 12, 2), False)]


def test_risks_of_the_acme_project(acme: ProjectSnapshot, playbook: Playbook) -> None:
    risks = weekly(acme, playbook).risks
    assert [(r.code, r.subject) for r in risks] == [
        ("over_budget", "kickoff"), ("project_short", None), ("payment_overdue", "payment_on_kickoff"),
        ("burn_ahead", "business_survey"), ("gate_waiting", "master_plan_confirmed"),
        ("log_unconfirmed", "master_plan"), ("requirements_undecided", None)]
    assert "300,000 TWD overdue by 18 days" in risks[2].message
    assert "26.5 man-days left" in risks[1].message and "35 man-days" in risks[1].message


def _with(snap: ProjectSnapshot, **changes: object) -> ProjectSnapshot:
    return snap.model_copy(update=changes)


def _codes(snap: ProjectSnapshot, playbook: Playbook) -> set[str]:
    return {r.code for r in weekly(snap, playbook).risks}


def test_hard_gate_risk_when_its_phase_is_done(acme: ProjectSnapshot, playbook: Playbook) -> None:
    assert "hard_gate_unsigned" not in _codes(acme, playbook)
    phases = [p.model_copy(update={"state": "done"}) if p.key == "requirements_report" else p for p in acme.phases]
    risks = weekly(_with(acme, phases=phases), playbook).risks
    hard = [r for r in risks if r.code == "hard_gate_unsigned"]
    assert [r.subject for r in hard] == ["requirements_report_signed"]
    assert "Solution design and walkthrough" in hard[0].message


def test_payment_due_without_invoice_or_within_grace(acme: ProjectSnapshot, playbook: Playbook) -> None:
    def due(invoiced: bool) -> ProjectSnapshot:
        pays = [p.model_copy(update={"date_due": date(2026, 11, 20), "invoice": "INV/9" if invoiced else None,
                                     "payment_state": "not_paid" if invoiced else None})
                if p.key == "payment_on_master_plan" else p for p in acme.payments]
        return _with(acme, payments=pays)

    assert "invoice_missing" in _codes(due(False), playbook)
    waiting = [r for r in weekly(due(True), playbook).risks if r.code == "payment_waiting"]
    assert len(waiting) == 1 and "23 days of grace left" in waiting[0].message  # 30 - 7 days since 2026-11-20
    assert {"invoice_missing", "payment_waiting"}.isdisjoint(_codes(acme, playbook))


def test_a_healthy_project_raises_no_risk(acme: ProjectSnapshot, playbook: Playbook) -> None:
    healthy = _with(
        acme,
        phases=[p.model_copy(update={"spent_man_days": min(p.spent_man_days, p.budget_man_days / 4),
                                     "signed_man_days": min(p.spent_man_days, p.budget_man_days / 4)})
                for p in acme.phases],
        gates=[g for g in acme.gates if g.key != "master_plan_confirmed"],
        payments=[p for p in acme.payments if p.key != "payment_on_kickoff"],
        register_items=[i for i in acme.register_items if i.disposition], unphased_spent_man_days=0.0,
    )
    assert weekly(healthy, playbook).risks == []


def test_gate_waiting_threshold() -> None:
    phase = PhaseSnap(id=1, key="p", name="P", state="in_progress", item_count=4, item_done_count=1)
    asked = GateSnap(id=1, key="g", name="G", phase_id=1, state="requested", date_requested=date(2026, 11, 1))
    assert an.gate_status(asked, phase, date(2026, 11, 1 + an.GATE_WAIT_DAYS)) == "waiting"
    assert an.gate_status(asked, phase, date(2026, 11, 2 + an.GATE_WAIT_DAYS)) == "overdue"


def test_a_small_shortfall_is_a_watch_item_a_tenth_of_the_budget_is_high(acme: ProjectSnapshot,
                                                                          playbook: Playbook) -> None:
    def severity(budget: float) -> str:
        project = acme.project.model_copy(update={"man_day_budget": budget})
        risk = next(r for r in weekly(_with(acme, project=project), playbook).risks if r.code == "project_short")
        return risk.severity

    # 18.5 man-days spent, 35 of open work: a budget of 45 leaves 26.5 (8.5 short), 50 leaves 31.5 (3.5 short)
    assert severity(45) == "high"  # 8.5 is more than a tenth of 45
    assert severity(50) == "medium"  # 3.5 is less than a tenth of 50
