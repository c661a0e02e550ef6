"""Provisioning logic against a small in-memory stand-in for Odoo's `load` / `search_read` (live tests: tests/odoo)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from connector.errors import ConnectorError
from connector.odoo.loader import XMLID_MODULE, Row, load_rows
from connector.odoo.provision import ADDON_MODELS, OdooProvisioner
from connector.plan import ProjectPlan, build_plan
from connector.playbook.loader import load_playbook

M2O = {"erp_phase_id", "task_id", "stage_id", "project_id", "parent_id", "partner_id"}


class FakeOdoo:
    """Just enough of Odoo for the provisioner: records, external ids, atomic ``load``; counts calls."""

    def __init__(self, addon: bool = True) -> None:
        self.addon = addon
        self.records: dict[str, dict[int, dict[str, Any]]] = {}
        self.xmlids: dict[str, tuple[str, int]] = {}
        self.rpc_calls = 0
        self.fail_load_at: int | None = None
        self.loads = 0

    def connect(self) -> FakeOdoo:
        return self

    def _new(self, model: str, values: dict[str, Any]) -> int:
        table = self.records.setdefault(model, {})
        new_id = len(table) + 1
        table[new_id] = {"id": new_id, **values}
        return new_id

    def execute(self, model: str, method: str, *args: Any, **kw: Any) -> Any:
        self.rpc_calls += 1
        if method == "load":
            return self._load(model, *args)
        if method == "search_count":
            return len(self._search(model, args[0]))
        if method == "search_read":
            return self._search(model, args[0])[: kw.get("limit") or None]
        if method == "create":
            return [self._new(model, values) for values in args[0]]
        raise AssertionError(f"unexpected call {model}.{method}")

    def search_read(self, model: str, domain: list[Any], fields: list[str], **kw: Any) -> list[dict[str, Any]]:
        return list(self.execute(model, "search_read", domain, fields, **kw))

    def create(self, model: str, vals_list: list[dict[str, Any]]) -> list[int]:
        return list(self.execute(model, "create", vals_list))

    def _search(self, model: str, domain: list[Any]) -> list[dict[str, Any]]:
        if model == "ir.model":
            return [{"model": m} for m in ADDON_MODELS] if self.addon else []
        if model == "ir.model.data":
            prefix = domain[1][2].rstrip("%")
            return [{"name": n, "model": m, "res_id": i} for n, (m, i) in self.xmlids.items() if n.startswith(prefix)]
        rows = list(self.records.get(model, {}).values())
        for field, op, value in domain:
            if op in ("=", "=ilike"):
                rows = [r for r in rows if (r.get(field) or False) == value or (op == "=ilike" and r.get(field) and
                                                                                 r[field].lower() == value.lower())]
        out = []
        for row in rows:
            shown = {k: ([v, "x"] if k in M2O and v else v) for k, v in row.items()}
            for name in ("erp_item_key", "erp_item_type", "erp_phase_id", "task_id", "stage_id", "erp_size"):
                shown.setdefault(name, False)
            out.append(shown)
        return out

    def _load(self, model: str, columns: list[str], rows: list[list[str]], **_kw: Any) -> dict[str, Any]:
        self.loads += 1
        if self.fail_load_at == self.loads:
            raise ConnectorError("connection lost")  # the whole call is rolled back, as in Odoo
        ids = []
        for row in rows:
            values: dict[str, Any] = {}
            for column, text in zip(columns, row, strict=True):
                if column in ("id", ".id"):
                    continue
                name = column.removesuffix("/.id")
                values[name] = int(text) if column.endswith("/.id") and text else text
            if ".id" in columns:
                record_id = int(row[columns.index(".id")])
                self.records[model][record_id].update(values)
            else:
                record_id = self._new(model, values)
                self.xmlids[row[columns.index("id")].removeprefix(f"{XMLID_MODULE}.")] = (model, record_id)
            ids.append(record_id)
        return {"ids": ids, "messages": []}

    def counts(self) -> dict[str, int]:
        return {model: len(rows) for model, rows in self.records.items()}


def make_plan(path: Path, size: str = "large", name: str = "ACME ERP") -> ProjectPlan:
    return build_plan(load_playbook(path), size=size, industry="pharma", man_days=Decimal(40),
                      contract_amount=Decimal(1000), project_name=name)


def test_first_run_creates_everything_in_a_few_calls_and_second_run_nothing(mini_playbook_path: Path) -> None:
    odoo, plan = FakeOdoo(), make_plan(mini_playbook_path)
    first = OdooProvisioner(odoo, plan, customer="ACME").run()
    assert first.created == plan.counts() and first.mode == "addon"
    assert odoo.counts()["project.task"] == 3 + 5  # phase tasks + checklist items and deliverables
    assert odoo.counts()["erp.payment.milestone"] == 2
    before = odoo.counts()
    second = OdooProvisioner(odoo, plan, customer="ACME").run()
    assert sum(second.created.values()) == 0 and second.existing == plan.counts()
    assert odoo.counts() == before
    assert second.rpc_calls <= 8


def test_rpc_calls_do_not_grow_with_the_project(mini_playbook_path: Path) -> None:
    small, medium, large = FakeOdoo(), FakeOdoo(), FakeOdoo()
    OdooProvisioner(small, make_plan(mini_playbook_path, "small")).run()
    OdooProvisioner(medium, make_plan(mini_playbook_path, "medium")).run()
    OdooProvisioner(large, make_plan(mini_playbook_path, "large")).run()
    assert medium.rpc_calls == large.rpc_calls
    # A small project owes no cadence (no weekly meeting): one model fewer to write, never more calls.
    assert small.rpc_calls == large.rpc_calls - 1


def test_killed_run_resumes_to_the_same_state(mini_playbook_path: Path) -> None:
    plan = make_plan(mini_playbook_path)
    clean = FakeOdoo()
    OdooProvisioner(clean, plan).run()
    for fail_at in range(1, 9):
        odoo = FakeOdoo()
        odoo.fail_load_at = fail_at
        with pytest.raises(ConnectorError, match="connection lost"):
            OdooProvisioner(odoo, plan).run()
        odoo.fail_load_at = None
        OdooProvisioner(odoo, plan).run()
        assert odoo.counts() == clean.counts(), fail_at
        assert set(odoo.xmlids) == set(clean.xmlids)
        phases = odoo.records["erp.project.phase"].values()
        assert all(p.get("task_id") for p in phases), fail_at


def test_plain_odoo_says_what_it_cannot_represent(mini_playbook_path: Path) -> None:
    odoo, plan = FakeOdoo(addon=False), make_plan(mini_playbook_path)
    result = OdooProvisioner(odoo, plan).run()
    assert result.mode == "plain" and result.skipped["payment_milestone"] == 2
    assert "project.milestone" in odoo.counts() and "erp.signoff" not in odoo.counts()
    assert any("payment milestones" in note for note in result.unrepresented)
    assert any("man-day budgets" in note for note in result.unrepresented)


def test_dry_run_writes_nothing(mini_playbook_path: Path) -> None:
    odoo = FakeOdoo()
    result = OdooProvisioner(odoo, make_plan(mini_playbook_path)).run(dry_run=True)
    assert result.dry_run and result.created["checklist_item"] == 4 and odoo.records == {}


def test_refuses_to_take_over_a_project_it_did_not_create(mini_playbook_path: Path) -> None:
    odoo = FakeOdoo()
    odoo._new("project.project", {"name": "ACME ERP"})
    with pytest.raises(ConnectorError, match="was not provisioned by playbook"):
        OdooProvisioner(odoo, make_plan(mini_playbook_path)).run()


def test_load_rows_groups_rows_by_columns_and_batches() -> None:
    odoo = FakeOdoo()
    rows = [Row(f"p__{i}", {"name": f"t{i}"}, {"parent_id": 1 if i % 2 else None}) for i in range(5)]
    created = load_rows(odoo, "project.task", rows, batch_size=2)
    assert len(created) == 5 and odoo.loads == 2 + 1  # 3 rows without parent (2 + 1), 2 with parent (1)


def test_load_error_becomes_connector_error_with_odoos_message() -> None:
    class Refusing:
        def execute(self, *args: Any, **kw: Any) -> Any:
            return {"ids": False, "messages": [{"type": "error", "message": "No matching record for 'Parent'"}]}

    with pytest.raises(ConnectorError, match="No matching record for 'Parent'") as exc:
        load_rows(Refusing(), "project.task", [Row("a", {"name": "x"})])
    assert "nothing of this batch was written" in (exc.value.hint or "")


def test_cli_provision_without_settings_says_which_is_missing(runner: CliRunner, mini_playbook_path: Path) -> None:
    result = runner.invoke(cli, ["odoo", "provision", "--project", "X", "--size", "small", "--man-days", "10",
                                 "--contract-amount", "1", "--playbook", str(mini_playbook_path)])
    assert result.exit_code == 2 and "the Odoo URL is not set" in result.output
    assert "PLAYBOOK_ODOO_URL" in result.output and "Traceback" not in result.output


def test_cli_provision_json(runner: CliRunner, mini_playbook_path: Path, services: Any) -> None:
    odoo = FakeOdoo()
    services(odoo=lambda settings: odoo)
    args = ["odoo", "provision", "--project", "acme_erp", "--name", "ACME ERP", "--size", "large", "--industry",
            "pharma", "--man-days", "40", "--contract-amount", "1000", "--playbook", str(mini_playbook_path), "--json"]
    first = json.loads(runner.invoke(cli, args).output)
    assert first["created"]["gate"] == 2 and first["project"] == {"code": "acme_erp", "name": "ACME ERP"}
    # The older form (--project as the display name) still finds the same project, with a deprecation warning.
    old = runner.invoke(cli, ["odoo", "provision", "--project", "ACME ERP", *args[6:]])
    second = json.loads(old.stdout)
    assert sum(second["created"].values()) == 0 and second["existing"]["gate"] == 2
    assert "deprecated: write --project acme_erp --name 'ACME ERP'" in old.stderr


def test_progress_counts_the_steps_up_to_their_total(mini_playbook_path: Path) -> None:
    seen: list[tuple[str, int, int | None]] = []
    OdooProvisioner(FakeOdoo(), make_plan(mini_playbook_path), progress=lambda *event: seen.append(event)).run()
    assert seen[0] == ("read", 1, 10) and seen[-1] == ("cadences", 10, 10)
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)


def test_cadences_are_provisioned_once_by_external_id(mini_playbook_path: Path) -> None:
    odoo, plan = FakeOdoo(), make_plan(mini_playbook_path, "medium")
    first = OdooProvisioner(odoo, plan).run()
    assert first.created["cadence"] == 1
    [cadence] = odoo.records["erp.cadence"].values()
    assert (cadence["key"], cadence["frequency"], cadence["owner_role_key"]) == ("weekly_meeting", "weekly",
                                                                                 "customer_pm")
    assert odoo.xmlids[f"{plan.code}__weekly_meeting"] == ("erp.cadence", cadence["id"])
    second = OdooProvisioner(odoo, plan).run()
    assert (second.created["cadence"], second.existing["cadence"]) == (0, 1)
    assert len(odoo.records["erp.cadence"]) == 1


def test_a_cadence_planned_by_apply_playbook_counts_as_existing(mini_playbook_path: Path) -> None:
    odoo, plan = FakeOdoo(), make_plan(mini_playbook_path, "medium")
    OdooProvisioner(odoo, plan).run()
    # The same project planned by the addon's button: its cadence has no external id, only its key.
    odoo.xmlids.pop(f"{plan.code}__weekly_meeting")
    again = OdooProvisioner(odoo, plan).run()
    assert again.existing["cadence"] == 1 and len(odoo.records["erp.cadence"]) == 1


def test_plain_odoo_says_cadences_are_not_scheduled(mini_playbook_path: Path) -> None:
    odoo, plan = FakeOdoo(addon=False), make_plan(mini_playbook_path, "medium")
    result = OdooProvisioner(odoo, plan).run(dry_run=True)
    assert result.skipped["cadence"] == 1 and result.created["cadence"] == 0
    assert any("cadences (weekly_meeting) were not scheduled" in note for note in result.unrepresented)
    OdooProvisioner(odoo, plan).run()
    assert "erp.cadence" not in odoo.records
