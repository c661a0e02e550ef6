"""A real Odoo stores the man-days, hours and amounts the plan printed, to the last digit (docs/numbers.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connector.errors import ConnectorError
from connector.odoo.client import OdooClient
from connector.odoo.provision import OdooProvisioner
from connector.plan import ProjectPlan, build_plan
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from tests.odoo.harness import OdooDatabase


def _exact(value: float) -> Decimal:
    return Decimal(repr(value))


def test_odoo_stores_exactly_the_printed_numbers(odoo_addon_db: OdooDatabase) -> None:
    plan = build_plan(load_playbook(DEFAULT_PLAYBOOK), size="large", industry=None, man_days=Decimal("100.5"),
                      contract_amount=Decimal("9999999999999.99"), hours_per_day=Decimal("7.25"),
                      project_name="Numbers ERP")
    client = OdooClient(odoo_addon_db.url, odoo_addon_db.name, odoo_addon_db.login, odoo_addon_db.password)
    project_id = OdooProvisioner(client, plan).run().project_id
    project = odoo_addon_db.execute("project.project", "read", [project_id],
                                    ["erp_man_day_budget", "erp_contract_amount", "erp_hours_per_day"])[0]
    assert _exact(project["erp_man_day_budget"]) == plan.man_days
    assert _exact(project["erp_contract_amount"]) == plan.contract_amount
    assert _exact(project["erp_hours_per_day"]) == plan.hours_per_day

    where = [["project_id", "=", project_id]]
    amounts = {r["key"]: _exact(r["amount"]) for r in odoo_addon_db.execute(
        "erp.payment.milestone", "search_read", where, ["key", "amount"])}
    assert amounts == {r.key: r.values["amount"] for r in plan.by_kind("payment_milestone")}
    phases = odoo_addon_db.execute("erp.project.phase", "search_read", where, ["key", "budget_man_days", "task_id"])
    assert {r["key"]: _exact(r["budget_man_days"]) for r in phases} == \
        {r.key: r.values["budget_man_days"] for r in plan.by_kind("phase")}
    hours = {t["id"]: _exact(t["allocated_hours"]) for t in odoo_addon_db.execute(
        "project.task", "read", [r["task_id"][0] for r in phases], ["allocated_hours"])}
    assert sorted(hours.values()) == sorted(r.values["budget_man_days"] * Decimal("7.25")
                                            for r in plan.by_kind("phase"))


def test_a_currency_without_cents_refuses_amounts_it_would_round(odoo_addon_db: OdooDatabase) -> None:
    # last in this module (its own database): the company now counts in whole yen
    jpy = odoo_addon_db.execute("res.currency", "search", [["name", "=", "JPY"], ["active", "in", [True, False]]])
    odoo_addon_db.execute("res.currency", "write", jpy, {"active": True})
    odoo_addon_db.execute("res.company", "write", [1], {"currency_id": jpy[0]})
    client = OdooClient(odoo_addon_db.url, odoo_addon_db.name, odoo_addon_db.login, odoo_addon_db.password)
    pb = load_playbook(DEFAULT_PLAYBOOK)

    def plan(amount: str, name: str) -> ProjectPlan:
        return build_plan(pb, size="small", industry=None, man_days=Decimal(40), contract_amount=Decimal(amount),
                          project_name=name)

    odd = plan("1001", "Yen ERP")  # 30 % of 1001 is 300.30: Odoo would keep 300
    with pytest.raises(ConnectorError, match=r"Odoo keeps JPY amounts in steps of 1: the payment milestone "
                                             r"'\w+' 300\.30 would be stored as 300"):
        OdooProvisioner(client, odd).run(dry_run=True)
    with pytest.raises(ConnectorError):
        OdooProvisioner(client, odd).run()
    assert odoo_addon_db.execute("project.project", "search_count", [["name", "=", "Yen ERP"]]) == 0

    whole = plan("1000", "Yen ERP")
    project_id = OdooProvisioner(client, whole).run().project_id
    amounts = {r["key"]: _exact(r["amount"]) for r in odoo_addon_db.execute(
        "erp.payment.milestone", "search_read", [["project_id", "=", project_id]], ["key", "amount"])}
    assert amounts == {r.key: r.values["amount"] for r in whole.by_kind("payment_milestone")}
