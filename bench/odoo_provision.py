"""Provisioning cost on a live Odoo: our batched run vs a naive one-call-per-record loop.

    ODOO_SRC=/work/odoo-src ODOO_PYTHON=/work/odoo-venv/bin/python .venv/bin/python bench/odoo_provision.py

Starts a private Odoo 18 or 19, as ODOO_SRC holds (tests/odoo/harness.py), installs nothing on your
machine's Odoo, and prints
RPC calls and wall time for a small and a large project of the default playbook and a synthetic
playbook with about 500 checklist items.
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connector.odoo.client import OdooClient
from connector.odoo.loader import XMLID_MODULE
from connector.odoo.provision import Provisioner
from connector.plan import ProjectPlan, build_plan
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.playbook.model import Playbook
from tests.odoo.harness import OdooServer, OdooSource, running_odoo


def synthetic(pb: Playbook, items: int = 500) -> Playbook:
    """The default playbook with its checklists padded to ``items`` items in total."""
    data = pb.model_dump(mode="json", by_alias=True)
    have = sum(len(p["checklist"]) for p in data["phases"])
    role = data["roles"][0]["key"]
    for n in range(items - have):
        phase = data["phases"][n % len(data["phases"])]
        phase["checklist"].append({"key": f"synthetic_{n}", "role": role,
                                   "name": {"zh_TW": f"項目 {n}", "zh_CN": f"项目 {n}", "en": f"Item {n}"}})
    return Playbook.model_validate(data)


def naive(client: OdooClient, plan: ProjectPlan) -> None:
    """What a straightforward script does: create each record, then its external id, one call each."""
    code = f"{plan.code}"

    def make(model: str, name: str, values: dict[str, Any]) -> int:
        res_id = client.execute(model, "create", values)
        client.execute("ir.model.data", "create", {"module": XMLID_MODULE, "name": f"{code}__{name}",
                                                   "model": model, "res_id": res_id})
        return int(res_id)

    project = make("project.project", "project", {"name": plan.project_name, "erp_size": plan.size,
                                                  "erp_man_day_budget": float(plan.man_days)})
    phases: dict[str, tuple[int, int, int]] = {}
    gates: dict[str, int] = {}
    for record in plan.records:
        name = record.name.en
        if record.kind == "phase":
            stage = make("project.task.type", f"{record.key}__stage", {"name": name, "project_ids": [(4, project)]})
            phase = make("erp.project.phase", record.key, {"project_id": project, "key": record.key, "name": name,
                                                           "stage_id": stage})
            task = make("project.task", f"{record.key}__task", {"name": name, "project_id": project,
                                                                "stage_id": stage, "erp_phase_id": phase})
            client.execute("erp.project.phase", "write", [phase], {"task_id": task})
            phases[record.key] = (stage, phase, task)
        elif record.kind in ("deliverable", "checklist_item") and record.parent:
            stage, phase, task = phases[record.parent]
            make("project.task", record.key, {"name": name, "project_id": project, "parent_id": task,
                                              "stage_id": stage, "erp_phase_id": phase, "erp_item_key": record.key})
        elif record.kind == "gate" and record.parent:
            gates[record.key] = make("erp.signoff", record.key, {"project_id": project, "key": record.key,
                                                                 "name": name, "phase_id": phases[record.parent][1]})
        elif record.kind == "payment_milestone":
            gate = record.values.get("gate")
            make("erp.payment.milestone", record.key, {"project_id": project, "key": record.key, "name": name,
                                                       "percent": float(record.values["percent"]),
                                                       "signoff_id": gates.get(gate) if gate else False})


def measure(server: OdooServer, db: str, label: str, pb: Playbook, size: str) -> list[str]:
    rows = []
    for how in ("batched", "rerun", "naive"):
        name = f"{label} {how if how != 'rerun' else 'batched'}"
        plan = build_plan(pb, size=size, industry=None, man_days=Decimal(200), contract_amount=Decimal(2_000_000),
                          project_name=name)
        client = OdooClient(server.url, db, server.login, server.password).connect()
        start_calls, started = client.rpc_calls, time.perf_counter()
        if how == "naive":
            naive(client, plan)
        else:
            Provisioner(client, plan).run()
        seconds = time.perf_counter() - started
        rows.append(f"| {label} | {how} | {len(plan.records)} | {client.rpc_calls - start_calls} | {seconds:.2f} |")
    return rows


def main() -> None:
    source = OdooSource.from_env()
    if source is None:
        sys.exit("set ODOO_SRC (and ODOO_PYTHON) to run this benchmark against a private Odoo 18 or 19")
    pb = load_playbook(DEFAULT_PLAYBOOK)
    with running_odoo(source) as server:
        db = server.new_database("bench_provision", with_addon=True)
        lines = ["| project | method | records planned | RPC calls | seconds |", "|---|---|---:|---:|---:|"]
        lines += measure(server, db, "default, small", pb, "small")
        lines += measure(server, db, "default, large", pb, "large")
        lines += measure(server, db, "synthetic ~500 items, large", synthetic(pb), "large")
        print(f"Odoo {server.version}, one worker, 127.0.0.1 (login calls excluded; 'rerun' = second batched run)")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
