"""A real Odoo stores the man-days, hours and amounts the plan printed, to the last digit (docs/numbers.md)."""

from __future__ import annotations

from decimal import Decimal

from connector.odoo.client import OdooClient
from connector.odoo.provision import Provisioner
from connector.plan import build_plan
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from tests.odoo.harness import OdooDatabase


def _exact(value: float) -> Decimal:
    return Decimal(repr(value))


def test_odoo_stores_exactly_the_printed_numbers(odoo_addon_db: OdooDatabase) -> None:
    plan = build_plan(load_playbook(DEFAULT_PLAYBOOK), size="large", industry=None, man_days=Decimal("100.5"),
                      contract_amount=Decimal("9999999999999.99"), hours_per_day=Decimal("7.25"),
                      project_name="Numbers ERP")
    client = OdooClient(odoo_addon_db.url, odoo_addon_db.name, odoo_addon_db.login, odoo_addon_db.password)
    project_id = Provisioner(client, plan).run().project_id
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
