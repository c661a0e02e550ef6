"""The addon's cadence adherence rule (models/cadence_rule.py, no Odoo import), as a truth table run without Odoo.

The addon's own tests check the same rule on a real Odoo (odoo_addon/18.0/erp_playbook/tests/test_cadence.py);
the connector never recounts it, it reads the addon's figures (tests/reports/test_cadences.py).
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

RULE = Path(__file__).resolve().parents[1] / "odoo_addon" / "18.0" / "erp_playbook" / "models" / "cadence_rule.py"


def load_rule() -> ModuleType:
    spec = importlib.util.spec_from_file_location("erp_playbook_cadence_rule", RULE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rule = load_rule()
FRI = date(2026, 11, 6)  # due date of ISO week 2026-W45


@pytest.mark.parametrize(("kept", "today", "grace", "expected"), [
    (date(2026, 11, 5), date(2026, 11, 30), 2, "on_time"),  # Thursday before the Friday
    (FRI, FRI, 2, "on_time"),  # on the due date itself
    (date(2026, 11, 7), date(2026, 11, 30), 2, "late"),  # Saturday, within grace
    (date(2026, 11, 20), date(2026, 11, 30), 2, "late"),  # recorded long after: late, never missed
    (None, date(2026, 11, 8), 2, "open"),  # Sunday: due + 2 days not passed yet
    (None, date(2026, 11, 9), 2, "missed"),  # Monday: due + 2 days passed
    (None, date(2026, 11, 9), 7, "open"),  # a longer grace
])
def test_status_of_one_period(kept: date | None, today: date, grace: int, expected: str) -> None:
    assert rule.status(FRI, kept, today, grace) == expected


def test_a_phase_not_done_is_open_or_on_time() -> None:
    assert rule.status(None, None, date(2030, 1, 1), 7) == "open"
    assert rule.status(None, date(2026, 1, 1), date(2030, 1, 1), 7) == "on_time"


def test_weeks_start_at_the_first_friday_not_before_the_start() -> None:
    # Started on Saturday 7 November: W45 (due Friday 6) is not owed; W46..W49 are.
    periods = rule.weekly_periods(date(2026, 11, 7), date(2026, 11, 30))
    assert periods == [("2026-W46", date(2026, 11, 13)), ("2026-W47", date(2026, 11, 20)),
                       ("2026-W48", date(2026, 11, 27)), ("2026-W49", date(2026, 12, 4))]
    # ISO years: the last days of December 2026 are in 2026-W53, the first of January 2027 too.
    assert rule.week_key(date(2026, 12, 31)) == rule.week_key(date(2027, 1, 1)) == "2026-W53"


def test_months_are_due_on_their_last_day() -> None:
    assert rule.monthly_periods(date(2026, 11, 15), date(2027, 2, 1)) == [
        ("2026-11", date(2026, 11, 30)), ("2026-12", date(2026, 12, 31)), ("2027-01", date(2027, 1, 31)),
        ("2027-02", date(2027, 2, 28))]


@pytest.mark.parametrize(("statuses", "expected"), [
    ([], (100.0, 0)),
    (["open"], (100.0, 0)),
    (["on_time", "late", "missed", "missed", "open"], (50.0, 2)),
    (["on_time", "on_time", "missed"], (200.0 / 3, 1)),
    (["missed"], (0.0, 1)),
])
def test_adherence_counts_kept_over_decided(statuses: list[str], expected: tuple[float, int]) -> None:
    assert rule.adherence(statuses) == pytest.approx(expected)
