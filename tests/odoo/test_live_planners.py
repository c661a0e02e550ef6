"""The two planners agree on a real Odoo 18: the addon's *Apply Playbook* button and `playbook odoo provision`.

For every size × industry of the default playbook, a project planned each way holds the same phases,
items, sign-offs, payment milestones and cadences, with the same budgets and amounts (fixtures: tests/odoo/conftest.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from connector.odoo.client import OdooClient
from connector.odoo.install import install_addon
from connector.odoo.provision import OdooProvisioner
from connector.plan import build_plan
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.playbook.model import SIZES
from tests.odoo.harness import OdooDatabase

PLAYBOOK = load_playbook(DEFAULT_PLAYBOOK)
COMBINATIONS = [(size, industry) for size in SIZES for industry in [None, *(i.key for i in PLAYBOOK.industries)]]


@pytest.fixture(scope="module")
def loaded(odoo_addon_db: OdooDatabase) -> tuple[OdooDatabase, int]:
    """The addon's database with the default playbook loaded as `playbook odoo install` loads it."""
    client = OdooClient(odoo_addon_db.url, odoo_addon_db.name, odoo_addon_db.login, odoo_addon_db.password)
    install_addon(client, PLAYBOOK)
    [playbook_id] = odoo_addon_db.execute("erp.playbook", "search", [("key", "=", PLAYBOOK.key)])  # type: ignore[misc]
    return odoo_addon_db, int(playbook_id)


def _id(value: Any) -> int | None:
    return value[0] if value else None


def planned(db: OdooDatabase, project_id: int) -> dict[str, Any]:
    """What one project holds, by item key (ids replaced by keys so two projects compare)."""
    where = [("project_id", "=", project_id)]
    phases = db.execute("erp.project.phase", "search_read", where, fields=["key", "budget_man_days", "sequence"])
    phase_key = {p["id"]: p["key"] for p in phases}  # type: ignore[union-attr]
    tasks = db.execute("project.task", "search_read", where,
                       fields=["erp_item_key", "erp_item_type", "erp_phase_id", "allocated_hours"])
    gates = db.execute("erp.signoff", "search_read", where,
                       fields=["key", "hard", "phase_id", "blocks_phase_id", "sequence", "evidence_required",
                               "is_certificate"])
    gate_key = {g["id"]: g["key"] for g in gates}  # type: ignore[union-attr]
    payments = db.execute("erp.payment.milestone", "search_read", where,
                          fields=["key", "amount", "percent", "signoff_id", "grace_days", "delay_days"])
    cadences = db.execute("erp.cadence", "search_read", where,
                          fields=["key", "frequency", "owner_role_key", "sequence", "grace_days", "activity_id"])
    return {
        "phases": {p["key"]: (p["budget_man_days"], p["sequence"]) for p in phases},  # type: ignore[union-attr]
        "tasks": {t["erp_item_key"]: (t["erp_item_type"], phase_key.get(_id(t["erp_phase_id"])),  # type: ignore[union-attr]
                                      t["allocated_hours"] if t["erp_item_type"] == "phase" else None)
                  for t in tasks},  # type: ignore[union-attr]
        "gates": {g["key"]: (g["hard"], phase_key.get(_id(g["phase_id"])),  # type: ignore[union-attr]
                             phase_key.get(_id(g["blocks_phase_id"])), g["sequence"], g["evidence_required"],
                             g["is_certificate"]) for g in gates},
        "payments": {m["key"]: (m["amount"], m["percent"], gate_key.get(_id(m["signoff_id"])),  # type: ignore[union-attr]
                                m["grace_days"], m["delay_days"]) for m in payments},
        # Each cadence scheduled as one activity on the project, whichever planner made it.
        "cadences": {c["key"]: (c["frequency"], c["owner_role_key"], c["sequence"], c["grace_days"],  # type: ignore[index]
                                bool(c["activity_id"]) or c["frequency"] in ("per_phase", "per_visit"))
                     for c in cadences},  # type: ignore[union-attr]
    }


def apply_playbook(db: OdooDatabase, playbook_id: int, name: str, size: str, industry: str | None,
                   man_days: Decimal, amount: Decimal) -> int:
    project_id = int(db.execute("project.project", "create", {  # type: ignore[arg-type]
        "name": name, "erp_playbook_id": playbook_id, "erp_size": size, "erp_industry": industry or False,
        "erp_man_day_budget": float(man_days), "erp_hours_per_day": float(PLAYBOOK.hours_per_day),
        "erp_contract_amount": float(amount),
    }))
    db.execute("project.project", "action_erp_apply_playbook", [project_id])
    return project_id


@pytest.mark.parametrize(("size", "industry"), COMBINATIONS)
def test_apply_playbook_plans_what_provisioning_plans(loaded: tuple[OdooDatabase, int], size: str,
                                                      industry: str | None) -> None:
    db, playbook_id = loaded
    n = COMBINATIONS.index((size, industry))
    # Budgets and amounts that do not divide evenly, so the rounding rule shows.
    man_days, amount = Decimal(37) + n * Decimal("7.5"), Decimal("1000000.07") + n * Decimal("333.33")
    plan = build_plan(PLAYBOOK, size=size, industry=industry, man_days=man_days, contract_amount=amount,
                      project_name=f"Provisioned {size} {industry}")
    client = OdooClient(db.url, db.name, db.login, db.password)
    provisioned = planned(db, OdooProvisioner(client, plan).run().project_id or 0)
    applied = planned(db, apply_playbook(db, playbook_id, f"Applied {size} {industry}", size, industry,
                                         man_days, amount))

    assert applied == provisioned
    # ... and both are the plan: the keys it lists, its budgets and amounts to the cent.
    assert set(applied["gates"]) == {r.key for r in plan.by_kind("gate")}
    assert {k: v[0] for k, v in applied["phases"].items()} == {
        r.key: float(r.values["budget_man_days"]) for r in plan.by_kind("phase")}
    assert {k: (v[0], v[2]) for k, v in applied["payments"].items()} == {
        r.key: (float(r.values["amount"]), r.values["gate"]) for r in plan.by_kind("payment_milestone")}
    items = {r.key for r in plan.records if r.kind in ("deliverable", "checklist_item", "phase")}
    assert set(applied["tasks"]) == items
    assert set(applied["cadences"]) == {r.key for r in plan.by_kind("cadence")}
    assert ("weekly_meeting" in applied["cadences"]) == (size != "small")  # lessons 14, 24


def test_sizes_really_differ() -> None:
    """The comparison above is not between two empty or identical-for-every-size plans."""
    gates = {size: {r.key for r in build_plan(PLAYBOOK, size=size, industry=None, man_days=Decimal(100),
                                              contract_amount=Decimal(1)).by_kind("gate")} for size in SIZES}
    assert gates["small"] < gates["large"] and len(gates["large"] - gates["small"]) >= 7
