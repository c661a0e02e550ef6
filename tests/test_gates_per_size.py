"""Hard or soft per project size (``hard: true`` / ``hard_for: [sizes]``), as the playbook says and the plan carries."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from connector.errors import PlaybookError
from connector.plan import build_plan
from connector.playbook.loader import load_playbook


def _mutated(mini: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = mini.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not found"
    path = tmp_path / "pb.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _hard(size: str) -> dict[str, bool]:
    plan = build_plan(load_playbook(), size=size, industry=None, man_days=Decimal(100),
                      contract_amount=Decimal(1000))
    return {g.key: g.values["hard"] for g in plan.by_kind("gate")}


@pytest.mark.parametrize(("size", "data_hard"), [("small", False), ("medium", True), ("large", True)])
def test_the_plan_says_per_size_whether_a_gate_is_hard(size: str, data_hard: bool) -> None:
    hard = _hard(size)
    assert hard["data_confirmed"] is data_hard
    assert hard["requirements_report_signed"] and hard["test_signoff"] and hard["kickoff_minutes_confirmed"]
    assert not hard["solution_confirmed"]


def test_hard_for_sizes_loads_and_plans(mini_playbook_path: Path, tmp_path: Path) -> None:
    path = _mutated(mini_playbook_path, tmp_path, "hard: true", "hard_for: [large]")
    pb = load_playbook(path)
    for size, expected in (("small", False), ("medium", False), ("large", True)):
        plan = build_plan(pb, size=size, industry=None, man_days=Decimal(20), contract_amount=Decimal(1000))
        gate = next(g for g in plan.by_kind("gate") if g.values["blocks"] == "solution_design")
        assert gate.values["hard"] is expected, size


@pytest.mark.parametrize(("old", "new", "says"), [
    ("hard: true", "hard: true\n        hard_for: [large]", "either hard: true"),
    ("hard: true\n        blocks: solution_design", "hard_for: [medium]", "must name the phase it blocks"),
    ("hard: true", "hard_for: [huge]", "hard_for"),
])
def test_a_wrong_hard_rule_is_refused_with_its_place(mini_playbook_path: Path, tmp_path: Path, old: str, new: str,
                                                      says: str) -> None:
    with pytest.raises(PlaybookError) as info:
        load_playbook(_mutated(mini_playbook_path, tmp_path, old, new))
    assert says in "\n".join(str(p) for p in info.value.problems)
