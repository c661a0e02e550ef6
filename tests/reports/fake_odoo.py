"""The Acme data set for the reports, served by the one Odoo fake (``tests.fakes.odoo``).

Records are dicts as Odoo's RPC returns them: many2one as ``[id, name]`` or ``False``, many2many as id lists,
dates as ISO strings; computed fields (payment rule, acceptance clock, item counts) as the addon answered them on
``PAYMENTS_AS_OF``. ``FakeOdoo(records)`` is kept for the report tests: the one fake over a data set as of that
date, with its calls counted per ``model.method``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.fakes.odoo import OdooFake

# The report date the milestones' computed status below is valid for (tests/reports/conftest.py AS_OF).
PAYMENTS_AS_OF = "2026-11-27"


class FakeOdoo(OdooFake):
    """The Odoo fake over a data set as of ``PAYMENTS_AS_OF``; ``calls`` counts ``model.method``."""

    def __init__(self, records: dict[str, list[dict[str, Any]]]) -> None:
        super().__init__(records, as_of=PAYMENTS_AS_OF)

    @property
    def calls(self) -> Any:
        return Counter(f"{model}.{method}" for model, method in self.called)


# --- the Acme data set ------------------------------------------------------------------------------------
PROJECT = [1, "Acme ERP"]
CHEN = [11, "陳顧問 Chen"]
LIN = [12, "林顧問 Lin"]
PHASES = {  # key: (id, sequence, state, budget, date_start, date_done)
    "kickoff": (101, 1, "done", 4.0, "2026-09-07", "2026-10-09"),
    "master_plan": (102, 2, "done", 3.0, "2026-10-12", "2026-10-30"),
    "business_survey": (103, 3, "in_progress", 12.0, "2026-11-02", False),
    "requirements_report": (104, 4, "draft", 6.0, False, False),
    "solution_design": (105, 5, "draft", 14.0, False, False),
    "acceptance": (106, 6, "draft", 6.0, False, False),
}


def _phase(key: str) -> list[Any]:
    return [PHASES[key][0], key.replace("_", " ").title()]


def acme_records() -> dict[str, list[dict[str, Any]]]:
    """Budget 45 man-days at 8 h/day, contract 1,500,000 TWD; see tests/reports/test_weekly.py for the sums."""
    tasks: list[dict[str, Any]] = []
    task_id = 1000

    def task(name: str, phase: str | None, item_type: str | None = "checklist", state: str = "01_in_progress",
             deadline: Any = False, users: list[int] | None = None, tags: list[int] | None = None,
             key: str | bool = False, kind: str | bool = False) -> int:
        nonlocal task_id
        task_id += 1
        tasks.append({"id": task_id, "name": name, "project_id": PROJECT,
                      "erp_phase_id": _phase(phase) if phase else False, "erp_item_key": key,
                      "erp_item_type": item_type or False, "erp_deliverable_kind": kind, "state": state,
                      "stage_id": False, "date_deadline": deadline, "user_ids": users or [], "tag_ids": tags or []})
        return task_id

    phase_task = {key: task(key, key, "phase", key=key) for key in PHASES}
    k1 = task("Know the customer", "kickoff", state="1_done", key="kickoff_know_customer")
    task("Hold the kickoff", "kickoff", state="1_done", key="kickoff_hold_meeting")
    task("Kickoff minutes", "kickoff", "deliverable", state="1_done", key="kickoff_minutes", kind="document")
    m1 = task("Collect key-user input", "master_plan", state="1_done", key="plan_collect_key_user_input")
    task("Master plan", "master_plan", "deliverable", state="1_done", key="master_plan_document", kind="document")
    s1 = task("Departments present", "business_survey", state="1_done", key="survey_departments_present",
              users=[21])
    s2 = task("Analyse processes", "business_survey", deadline="2026-11-20", users=[21],
              key="survey_analyse_processes")
    task("List out-of-system processes", "business_survey", deadline="2026-12-02", users=[22],
         key="survey_list_out_of_system")
    task("Survey plan", "business_survey", "deliverable", state="1_done", key="business_survey_plan",
         kind="phase_plan")
    task("Process map", "business_survey", "deliverable", deadline="2026-12-20", key="process_map", kind="document")
    task("Out-of-system list", "business_survey", "deliverable", key="out_of_system_processes", kind="document")
    task("Survey summary", "business_survey", "deliverable", key="business_survey_summary", kind="phase_summary")
    task("Extra survey visit", "business_survey", state="1_canceled")
    task("Consolidate requirements", "requirements_report", key="req_consolidate_sources")
    task("Requirements report", "requirements_report", "deliverable", key="requirements_analysis_report",
         kind="document")
    task("Write by process", "solution_design", key="solution_write_by_process")
    task("Run one month", "acceptance", key="accept_run_one_month")
    # The register: tags name a kind and (once decided) a disposition, in any language.
    task("Batch costing by lot", None, None, tags=[1, 3])
    task("Custom label print", None, None, tags=[5, 6])
    task("Intercompany auto-posting", None, None, tags=[7])
    task("Report export crashes", None, None, state="1_done", tags=[2, 4])
    task("Slow MRP run", None, None, tags=[8, 9])
    task("EDI with a customer", None, None, state="1_done", tags=[1, 10])

    lines: list[dict[str, Any]] = []
    names = {t["id"]: t["name"] for t in tasks}

    def line(day: str, hours: float, task_ref: int | bool, phase: str | None, who: list[Any], text: str,
             confirmed: str | bool = False) -> None:
        lines.append({"id": 5000 + len(lines), "date": day, "project_id": PROJECT, "unit_amount": hours,
                      "task_id": [task_ref, names[task_ref]] if task_ref else False,
                      "erp_phase_id": _phase(phase) if phase else False, "employee_id": who, "name": text,
                      "erp_customer_confirmed": bool(confirmed), "erp_confirmed_date": confirmed})

    line("2026-09-08", 16, k1, "kickoff", CHEN, "Visit the customer", "2026-09-30")
    line("2026-09-15", 24, phase_task["kickoff"], "kickoff", LIN, "Kickoff meeting", "2026-09-30")
    line("2026-10-13", 16, m1, "master_plan", CHEN, "Key-user interviews", "2026-10-30")
    line("2026-10-20", 4, m1, "master_plan", LIN, "Plan review")
    line("2026-11-03", 24, s1, "business_survey", CHEN, "Sales and purchasing")
    line("2026-11-10", 24, s2, "business_survey", LIN, "Production flow")
    line("2026-11-17", 16, s2, "business_survey", CHEN, "Finance flow")
    line("2026-11-24", 8, s2, "business_survey", CHEN, "Warehouse flow", "2026-11-26")
    line("2026-11-25", 8, s1, "business_survey", LIN, "Quality flow")
    line("2026-11-26", 8, False, None, CHEN, "Steering meeting preparation")
    line("2026-12-01", 8, s2, "business_survey", CHEN, "After the report date: never counted")

    # The addon's forecast at completion on the report date (docs/forecast.md), worked out by hand: done phases
    # cost what they spent (kickoff 40 h = 5, master plan 20 h = 2.5); the survey spent 80 h = 10 man-days with
    # 2 of its 8 items closed, so 10 x 8 / 2 = 40; phases not started cost their budget.
    forecast = {"kickoff": 5.0, "master_plan": 2.5, "business_survey": 40.0, "requirements_report": 6.0,
                "solution_design": 14.0, "acceptance": 6.0}
    phases = []
    for key, (pid, seq, state, budget, start, done) in PHASES.items():
        items = [t for t in tasks if t["erp_phase_id"] and t["erp_phase_id"][0] == pid
                 and t["erp_item_type"] in ("checklist", "deliverable")]
        phases.append({"id": pid, "project_id": PROJECT, "key": key, "name": key.replace("_", " ").title(),
                       "sequence": seq, "state": state, "date_start": start, "date_done": done,
                       "budget_man_days": budget, "item_count": len(items),
                       "item_done_count": sum(1 for t in items if t["state"] == "1_done"),
                       "forecast_man_days": forecast[key]})

    def gate(gid: int, key: str, phase: str, state: str, hard: bool = False, blocks: str | None = None,
             requested: Any = False, signed: Any = False, signer: Any = False) -> dict[str, Any]:
        return {"id": gid, "project_id": PROJECT, "key": key, "name": key.replace("_", " ").capitalize(),
                "phase_id": _phase(phase), "hard": hard, "blocks_phase_id": _phase(blocks) if blocks else False,
                "state": state, "document": False, "date_requested": requested, "date_signed": signed,
                "signer_id": [31, "王經理"] if signer else False, "signed_by_name": signer}

    gates = [
        gate(201, "kickoff_minutes_confirmed", "kickoff", "signed", requested="2026-10-05", signed="2026-10-10",
             signer="王經理"),
        gate(202, "master_plan_confirmed", "master_plan", "requested", requested="2026-11-02"),
        gate(203, "survey_phase_confirmed", "business_survey", "draft"),
        gate(204, "requirements_report_signed", "requirements_report", "draft", hard=True,
             blocks="solution_design"),
        gate(205, "acceptance_certificate_signed", "acceptance", "draft", hard=True),
        gate(206, "old_minutes", "kickoff", "superseded", requested="2026-10-01", signed="2026-10-02", signer="王經理"),
    ]

    def payment(mid: int, key: str, percent: float, gate_id: int | None, invoice: str | None = None,
                state: str | bool = False, residual: float = 0.0, due: Any = False, grace: int = 30,
                delay: int = 0, status: str = "not_due", overdue: int = 0) -> dict[str, Any]:
        return {"id": mid, "project_id": PROJECT, "key": key, "name": key.replace("_", " ").capitalize(),
                "percent": percent, "amount": 1_500_000 * percent / 100,
                "signoff_id": [gate_id, "gate"] if gate_id else False,
                "invoice_id": [900 + mid, invoice] if invoice else False, "payment_state": state,
                "amount_residual": residual, "date_due": due, "grace_days": grace, "delay_days": delay,
                "collection_status": status, "days_overdue": overdue}

    # collection_status and days_overdue as the addon answers on PAYMENTS_AS_OF.
    payments = [
        payment(301, "payment_on_signing", 30, None, "INV/2026/0001", "paid", 0.0, "2026-09-01", status="paid"),
        # Gate signed 2026-10-10, 30 days of grace: overdue since 2026-11-09, 18 days on 2026-11-27.
        payment(302, "payment_on_kickoff", 20, 201, "INV/2026/0007", "not_paid", 300_000.0, "2026-10-10",
                status="overdue", overdue=18),
        payment(303, "payment_on_master_plan", 10, 202),
        payment(304, "payment_on_acceptance", 30, 205, grace=15),
        payment(305, "payment_retention", 10, 205, delay=180),
    ]
    return {
        "ir.model": [{"id": 1, "model": "erp.project.phase"}],
        "ir.model.data": [{"id": 1, "module": "erp_playbook_rpc", "model": "project.project",
                           "name": "acme_erp__project", "res_id": 1}],
        "project.project": [
            {"id": 1, "name": "Acme ERP", "partner_id": [41, "宏達精密工業"], "company_id": [1, "頂尖顧問"],
             "user_id": [21, "張經理"], "erp_playbook_id": [1, "ERP standard"], "erp_size": "medium",
             "erp_industry": "distribution", "erp_man_day_budget": 45.0, "erp_hours_per_day": 8.0,
             "erp_contract_amount": 1_500_000.0, "currency_id": [1, "TWD"], "date_start": "2026-09-01",
             "date": "2027-06-30",
             # The phases' 73.5 plus 8 h (1 man-day) booked outside any phase.
             "erp_man_days_forecast": 74.5},
            {"id": 2, "name": "Acme ERP phase 2", "partner_id": False, "company_id": [1, "頂尖顧問"],
             "user_id": False, "erp_playbook_id": False, "erp_size": False, "erp_industry": False,
             "erp_man_day_budget": 0.0, "erp_hours_per_day": 8.0, "erp_contract_amount": 0.0,
             "currency_id": [1, "TWD"], "date_start": False, "date": False},
        ],
        "erp.project.phase": phases,
        "erp.signoff": gates,
        "erp.payment.milestone": payments,
        "project.task": tasks,
        "project.tags": [{"id": i, "name": n} for i, n in enumerate(
            ["requirement", "issue", "workaround", "record_for_rnd", "需求", "先上線再客製", "Requirement", "Issue",
             "Disposition: Record for R&D", "explain_not_possible"], start=1)],
        "res.users": [{"id": 21, "name": "張經理"}, {"id": 22, "name": "Lin"}],
        "account.analytic.line": lines,
    }
