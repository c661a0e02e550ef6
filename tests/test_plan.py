"""The plan is exactly what provisioning creates: filtered by size and industry, budgets and amounts add up."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from connector.errors import ConnectorError
from connector.plan import build_plan, split
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.playbook.model import SIZES


@pytest.fixture
def mini(mini_playbook_path: Path):
    return load_playbook(mini_playbook_path)


def test_small_project_without_industry_leaves_out_large_and_industry_items(mini) -> None:
    plan = build_plan(mini, size="small", industry=None, man_days=Decimal(20), contract_amount=Decimal(1000))
    keys = {r.key for r in plan.records}
    assert "steering_set_up" not in keys and "gmp_review" not in keys
    assert plan.counts() == {"project": 1, "phase": 3, "deliverable": 1, "checklist_item": 2, "gate": 2,
                             "payment_milestone": 2, "cadence": 0}


def test_large_pharma_project_gets_its_extra_items(mini) -> None:
    plan = build_plan(mini, size="large", industry="pharma", man_days=Decimal(20), contract_amount=Decimal(1000))
    by_key = {r.key: r for r in plan.records}
    assert by_key["steering_set_up"].parent == "kickoff"
    assert by_key["gmp_review"].parent == "requirements_report"
    assert by_key["gmp_review"].values["industry_specific"] is True


def test_budget_split_adds_up_to_the_contracted_days(mini) -> None:
    plan = build_plan(mini, size="medium", industry=None, man_days=Decimal(33), contract_amount=Decimal(1000))
    budgets = [r.values["budget_man_days"] for r in plan.by_kind("phase")]
    # exact shares 3.3 / 9.9 / 19.8; in half days 6.6 / 19.8 / 39.6: the two leftover half days go to the
    # largest remainders (.8, then the tie .6/.6 to the earlier phase)
    assert budgets == [Decimal("3.5"), Decimal(10), Decimal("19.5")]
    assert sum(budgets) == 33
    assert all(b % Decimal("0.5") == 0 for b in budgets)


def test_payment_amounts_add_up_to_the_cent(mini) -> None:
    plan = build_plan(mini, size="medium", industry=None, man_days=Decimal(10),
                      contract_amount=Decimal("100000.01"))
    amounts = [r.values["amount"] for r in plan.by_kind("payment_milestone")]
    assert sum(amounts) == Decimal("100000.01")
    assert amounts[0] == Decimal(30000)
    assert plan.by_kind("payment_milestone")[1].values["gate"] == "requirements_signed"


@pytest.mark.parametrize(("total", "weights", "unit"), [
    (Decimal(100), [Decimal(1)] * 3, Decimal("0.5")),
    (Decimal("7.5"), [Decimal(5), Decimal(95)], Decimal("0.5")),
    (Decimal("999.99"), [Decimal(30), Decimal(30), Decimal(30), Decimal(10)], Decimal("0.01")),
    (Decimal(1), [Decimal(0), Decimal(1)], Decimal("0.5")),
])
def test_split_never_loses_or_invents_anything(total: Decimal, weights: list[Decimal], unit: Decimal) -> None:
    parts = split(total, weights, unit)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    assert parts[weights.index(Decimal(0))] == 0 if Decimal(0) in weights else True


def test_hard_gate_is_planned_with_what_it_blocks(mini) -> None:
    plan = build_plan(mini, size="small", industry=None, man_days=Decimal(5), contract_amount=Decimal(0))
    gate = next(r for r in plan.by_kind("gate") if r.values["hard"])
    assert gate.key == "requirements_signed" and gate.values["blocks"] == "solution_design"


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"size": "huge"}, "unknown project size 'huge'"),
    ({"industry": "mining"}, "unknown industry 'mining'"),
    ({"man_days": Decimal(0)}, "--man-days '0': the man-day budget must be more than 0"),
    ({"man_days": Decimal("100.3")}, "--man-days '100.3': man-days are counted in half days; use 100 or 100.5"),
    ({"man_days": Decimal("NaN")}, "--man-days 'NaN': not a finite number"),
    ({"contract_amount": Decimal(-1)}, "--contract-amount '-1': the amount must be 0 or more"),
    ({"contract_amount": Decimal("0.005")}, "money has 2 decimal places (cents); use 0.00 or 0.01"),
    ({"hours_per_day": Decimal(25)}, "--hours-per-day '25': a man-day has at most 24 hours"),
])
def test_bad_project_parameters_are_refused_with_a_fix(mini, kwargs: dict, needle: str) -> None:
    args = {"size": "small", "industry": None, "man_days": Decimal(10), "contract_amount": Decimal(10), **kwargs}
    with pytest.raises(ConnectorError) as info:
        build_plan(mini, **args)
    assert needle in info.value.message and "\n" not in info.value.message


def test_cadences_follow_the_size(mini) -> None:
    """The playbook's rhythm is planned per size: a small project owes no weekly meeting (lessons 14, 24)."""
    small = build_plan(mini, size="small", industry=None, man_days=Decimal(20), contract_amount=Decimal(1000))
    medium = build_plan(mini, size="medium", industry=None, man_days=Decimal(20), contract_amount=Decimal(1000))
    assert small.by_kind("cadence") == []
    [meeting] = medium.by_kind("cadence")
    assert (meeting.key, meeting.parent, meeting.values) == (
        "weekly_meeting", None, {"frequency": "weekly", "owner_role": "customer_pm"})


def test_default_playbook_cadences_per_size() -> None:
    pb = load_playbook(DEFAULT_PLAYBOOK)
    keys = {size: [r.key for r in build_plan(pb, size=size, industry=None, man_days=Decimal(100),
                                             contract_amount=Decimal(1)).by_kind("cadence")] for size in SIZES}
    assert keys["small"] == ["implementation_log", "man_day_review"]
    assert keys["medium"] == ["weekly_meeting", "weekly_status_report", "implementation_log", "man_day_review"]
    assert keys["large"] == keys["medium"] + ["phase_confirmation"]
