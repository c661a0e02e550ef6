"""Rules the Odoo addon and the connector share, pinned without Odoo (see docs/architecture.md, "Shared rules").

The addon cannot import the connector, so where it needs the same rule it has its own copy; each test here
fails as soon as the copy and the connector disagree.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import random
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from connector.plan import split
from connector.playbook.model import Playbook, consistency_problems

ROOT = Path(__file__).resolve().parents[1]
# Every copy of the addon (odoo_addon/erp_playbook, or odoo_addon/<series>/erp_playbook per Odoo series): each
# series must keep the connector's rules.
ADDONS = [p.parent for p in sorted(ROOT.glob("odoo_addon/**/erp_playbook/__manifest__.py"))]
ADDON_IDS = [str(a.relative_to(ROOT / "odoo_addon")) for a in ADDONS]
HALF, CENT = Decimal("0.5"), Decimal("0.01")
every_addon = pytest.mark.parametrize("addon", ADDONS, ids=ADDON_IDS)


def test_there_is_an_addon_to_check() -> None:
    assert ADDONS, "no odoo_addon/**/erp_playbook/__manifest__.py"


def load_plan_split(addon: Path) -> ModuleType:
    """The addon's split rule, loaded from its file alone (it imports nothing from Odoo)."""
    spec = importlib.util.spec_from_file_location("erp_playbook_plan_split", addon / "models" / "plan_split.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def addon_constant(addon: Path, relative: str, name: str) -> object:
    """A module-level constant of the addon's source, read with ``ast`` (no Odoo needed)."""
    tree = ast.parse((addon / relative).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{relative} defines no {name}")


def _cases() -> list[tuple[Decimal, list[Decimal], Decimal]]:
    rng = random.Random(12)
    cases: list[tuple[Decimal, list[Decimal], Decimal]] = [
        # Ties: equal fractions go to the earlier part, whatever the weights.
        (Decimal(1), [Decimal(1), Decimal(3)], HALF),
        (Decimal(33), [Decimal(40), Decimal(40), Decimal(20)], HALF),
        (Decimal("100000.01"), [Decimal(30), Decimal(40), Decimal(30)], CENT),
        (Decimal("0.01"), [Decimal(1)] * 3, CENT),
        (Decimal(0), [Decimal(50), Decimal(50)], HALF),
        (Decimal(7), [Decimal(0), Decimal(100)], HALF),
    ]
    shares = [Decimal(s) for s in ("5", "7.5", "10", "12.5", "15", "20", "25", "30", "33.3", "40")]
    for _ in range(400):
        weights = [rng.choice(shares) for _ in range(rng.randint(1, 9))]
        cases.append((Decimal(rng.randint(1, 4000)) * HALF, weights, HALF))
        cases.append((Decimal(rng.randint(1, 10**9)) * CENT, weights, CENT))
    return cases


@every_addon
def test_the_addon_splits_budgets_and_amounts_as_the_connector_does(addon: Path) -> None:
    addon_split = load_plan_split(addon).split
    for total, weights, step in _cases():
        ours = addon_split(total, weights, step)
        assert ours == split(total, weights, step), (total, weights, step)
        assert sum(ours) == total


@every_addon
def test_the_addon_refuses_a_man_day_total_that_is_not_in_half_days(addon: Path) -> None:
    rule = load_plan_split(addon)
    assert (rule.MAN_DAY_STEP, rule.MONEY_STEP) == (HALF, CENT)
    assert not rule.is_multiple(100.3, rule.MAN_DAY_STEP) and rule.is_multiple(100.5, rule.MAN_DAY_STEP)
    with pytest.raises(ValueError, match=r"not a multiple of 0\.5"):
        rule.split(Decimal("100.3"), [Decimal(1)], HALF)


@every_addon
def test_the_addon_tests_playbook_is_exactly_what_the_connector_pushes(addon: Path) -> None:
    """The addon's tests load the JSON ``playbook odoo install`` sends: valid, complete, nothing hand-made."""
    raw = json.loads((addon / "tests" / "data" / "mini_playbook.json").read_text())
    playbook = Playbook.model_validate(raw)
    assert consistency_problems(playbook) == []
    assert playbook.model_dump(mode="json") == raw, (
        "regenerate odoo_addon/.../tests/data/mini_playbook.json from the connector's model_dump(mode='json')")
    assert any(gate.sizes for _phase, gate in playbook.gates()), "keep a gate limited by size: the addon plans it"


@every_addon
def test_every_key_the_addon_loader_reads_is_one_the_connector_writes(addon: Path) -> None:
    """``playbook_loader.py`` reads the dump by key: a renamed or dropped field in the model must fail here."""
    tree = ast.parse((addon / "models" / "playbook_loader.py").read_text())

    def is_data(node: ast.expr) -> bool:  # data, phase_data, gate_data, ..., item: the playbook's dicts
        return isinstance(node, ast.Name) and (node.id in ("data", "item") or node.id.endswith("_data"))

    read: set[str] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and is_data(node.func.value) and node.args and isinstance(node.args[0], ast.Constant)):
            read.add(node.args[0].value)
        if isinstance(node, ast.Subscript) and is_data(node.value) and isinstance(node.slice, ast.Constant):
            read.add(node.slice.value)
    written: set[str] = set()
    for model in _models(Playbook):
        written |= {info.serialization_alias or info.alias or name for name, info in model.model_fields.items()}
    assert read, "the loader reads no key?"
    assert read - written == set(), f"the addon reads keys the connector never writes: {sorted(read - written)}"


def _models(model: type, seen: set[type] | None = None) -> set[type]:
    """``model`` and every pydantic model reachable from its fields."""
    from pydantic import BaseModel

    seen = seen if seen is not None else set()
    if model in seen:
        return seen
    seen.add(model)
    for info in model.model_fields.values():  # type: ignore[attr-defined]
        stack = [info.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                _models(tp, seen)
            stack.extend(getattr(tp, "__args__", ()))
    return seen


@every_addon
def test_the_fields_a_signed_log_line_locks_are_the_addons(addon: Path) -> None:
    from connector.sync.odoo_side import SIGNED_FIELDS

    assert addon_constant(addon, "models/account_analytic_line.py", "SIGNED_FIELDS") == SIGNED_FIELDS


@every_addon
def test_the_sync_and_the_reports_know_every_collection_status_the_addon_computes(addon: Path) -> None:
    """The payment rule is the addon's; the connector only maps its answer (Jira option, report status)."""
    from typing import get_args

    from connector.odoo.erp_reads import MILESTONE_FIELDS
    from connector.reports.snapshot import PaymentSnap
    from connector.sync.figures import STATUS_OPTIONS

    statuses = addon_constant(addon, "models/erp_payment_milestone.py", "COLLECTION_STATUSES")
    keys = [key for key, _label in statuses]  # type: ignore[attr-defined]
    assert list(STATUS_OPTIONS) == keys
    assert list(get_args(PaymentSnap.model_fields["collection_status"].annotation)) == keys
    assert {"collection_status", "days_overdue"} <= set(MILESTONE_FIELDS)


@every_addon
def test_a_cadence_slips_to_a_high_risk_after_as_many_missed_periods_in_the_addon_as_in_the_weekly_report(
        addon: Path) -> None:
    """The portfolio's risk level (the addon) and the weekly report's cadence risk rank a slipping cadence alike."""
    from connector.reports.analysis import CADENCE_MISSED_HIGH

    assert addon_constant(addon, "models/cadence_rule.py", "MISSED_HIGH") == CADENCE_MISSED_HIGH
