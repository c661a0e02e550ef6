"""`playbook odoo doctor / install / provision` against a real Odoo 18 or 19 (fixtures: tests/odoo/conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from click.testing import CliRunner

from cli.main import cli
from connector.errors import ConnectorError
from connector.odoo.client import JSON2_FROM_MAJOR, OdooClient
from connector.odoo.doctor import run_doctor
from connector.odoo.install import install_addon
from connector.odoo.provision import Provisioner
from connector.plan import ProjectPlan, build_plan
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from tests.odoo.harness import OdooDatabase, free_port

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"


def client_for(db: OdooDatabase) -> OdooClient:
    return OdooClient(db.url, db.name, db.login, db.password)


def plan_for(name: str, size: str = "large", playbook: Any = None) -> ProjectPlan:
    pb = playbook or load_playbook(DEFAULT_PLAYBOOK)
    return build_plan(pb, size=size, industry=None, man_days=Decimal(120), contract_amount=Decimal(1500000),
                      project_name=name)


def state(db: OdooDatabase, project_id: int, addon: bool = True) -> dict[str, int]:
    """What one project holds in Odoo, counted per model."""
    where = [["project_id", "=", project_id]]
    every = {"context": {"active_test": False}}
    counts = {
        "tasks": db.execute("project.task", "search_count", where, **every),
        "stages": db.execute("project.task.type", "search_count", [["project_ids", "in", [project_id]]], **every),
        "milestones": db.execute("project.milestone", "search_count", where),
    }
    if addon:
        for model in ("erp.project.phase", "erp.signoff", "erp.payment.milestone"):
            counts[model] = db.execute(model, "search_count", where)
        counts["unlinked phases"] = db.execute("erp.project.phase", "search_count", [*where, ["task_id", "=", False]])
        counts["tasks without phase"] = db.execute("project.task", "search_count",
                                                   [*where, ["erp_phase_id", "=", False]], **every)
    return {k: int(v) for k, v in counts.items()}


# -- doctor ---------------------------------------------------------------------------------------------
def test_doctor_all_ok_with_the_addon(odoo_addon_db: OdooDatabase) -> None:
    report = run_doctor(client_for(odoo_addon_db))
    assert report.exit_code == 0, report.as_dict()
    assert report.server_version and report.server_version.startswith(f"{odoo_addon_db.server.series}.")
    assert report.addon_state == "installed"


def test_doctor_addon_missing_is_a_warning_with_the_fix(odoo_db: OdooDatabase) -> None:
    report = run_doctor(client_for(odoo_db))
    addon = next(c for c in report.checks if c.name == "addon")
    assert report.exit_code == 1 and addon.status == "warn" and "playbook odoo install" in (addon.fix or "")


def test_doctor_wrong_database(odoo_db: OdooDatabase) -> None:
    client = OdooClient(odoo_db.url, "no_such_db", "admin", "admin")
    report = run_doctor(client)
    assert report.exit_code == 2
    assert [c.name for c in report.checks if c.status == "fail"] == ["database"]
    assert "'no_such_db' does not exist" in report.checks[-1].detail and odoo_db.name in report.checks[-1].detail


def test_doctor_wrong_password(odoo_db: OdooDatabase) -> None:
    report = run_doctor(OdooClient(odoo_db.url, odoo_db.name, "admin", "wrong-pass"))
    fail = [c for c in report.checks if c.status == "fail"]
    assert report.exit_code == 2 and fail[0].name == "login" and "wrong-pass" not in json.dumps(report.as_dict())


def test_on_19_a_password_is_told_to_make_an_api_key(odoo_db: OdooDatabase) -> None:
    if odoo_db.server.series < JSON2_FROM_MAJOR:
        pytest.skip("Odoo 18 and older accept the password over JSON-RPC")
    report = run_doctor(OdooClient(odoo_db.url, odoo_db.name, "admin", odoo_db.server.web_password))
    login = next(c for c in report.checks if c.name == "login")
    assert login.status == "fail" and "needs an API key, not a password" in login.detail
    assert "New API Key" in (login.fix or "") and "PLAYBOOK_ODOO_PASSWORD" in (login.fix or "")


def test_on_19_no_request_goes_to_the_deprecated_endpoints(odoo_database_factory: Callable[..., OdooDatabase]) -> None:
    db = odoo_database_factory(with_addon=False)
    if db.server.series < JSON2_FROM_MAJOR:
        pytest.skip("/jsonrpc is Odoo 18's external API")
    paths: list[str] = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, *a, **k: paths.append(urlsplit(response.url).path))
    client = OdooClient(db.url, db.name, db.login, db.password, session=session)
    assert run_doctor(client).exit_code == 1  # the addon is not installed yet
    install_addon(client, load_playbook(DEFAULT_PLAYBOOK))
    Provisioner(client, plan_for("No legacy endpoints", "small")).run()
    assert run_doctor(client).exit_code == 0
    wrong_db = OdooClient(db.url, "no_such_db", db.login, db.password, session=session)
    assert [c.name for c in run_doctor(wrong_db).checks if c.status == "fail"] == ["database"]
    assert paths and not [p for p in paths if p.startswith(("/jsonrpc", "/xmlrpc"))], sorted(set(paths))


def test_doctor_wrong_url() -> None:
    report = run_doctor(OdooClient(f"http://127.0.0.1:{free_port()}", "x", "admin", "admin"))
    assert report.exit_code == 2 and report.checks[0].name == "server" and "cannot connect" in report.checks[0].detail


def test_doctor_names_missing_rights(odoo_db: OdooDatabase) -> None:
    _model, group_id = odoo_db.execute("ir.model.data", "check_object_reference", "base", "group_user")
    groups = "group_ids" if odoo_db.server.series >= 19 else "groups_id"
    odoo_db.execute("res.users", "create", [{"name": "Intern", "login": "intern", "password": "intern-pw-1",
                                             groups: [[6, 0, [group_id]]]}])
    secret = odoo_db.server.credential_for(odoo_db.name, "intern", "intern-pw-1")
    report = run_doctor(OdooClient(odoo_db.url, odoo_db.name, "intern", secret))
    failed = {c.name: c for c in report.checks if c.status == "fail"}
    assert report.exit_code == 2 and "rights project.project" in failed
    assert "Project: Administrator" in (failed["rights project.project"].fix or "")


def test_cli_doctor_one_line_per_problem(odoo_db: OdooDatabase, runner: CliRunner,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"URL": odoo_db.url, "DB": odoo_db.name, "USER": "admin", "PASSWORD": "nope"}.items():
        monkeypatch.setenv(f"PLAYBOOK_ODOO_{name}", value)
    result = runner.invoke(cli, ["odoo", "doctor"])
    refused = ("Odoo 19 needs an API key, not a password" if odoo_db.server.series >= 19
               else "Odoo refused the login of 'admin'")
    assert result.exit_code == 2 and f"FAIL login: {refused}" in result.output
    assert "nope" not in result.output.replace("not usable", "")


# -- install --------------------------------------------------------------------------------------------
def test_install_then_rerun_changes_nothing(odoo_database_factory: Callable[..., OdooDatabase]) -> None:
    db = odoo_database_factory(with_addon=False)
    pb = load_playbook(DEFAULT_PLAYBOOK)
    first = install_addon(client_for(db), pb)
    assert first.action == "installed" and first.playbook["created"] > 100
    assert run_doctor(client_for(db)).exit_code == 0
    second = install_addon(client_for(db), pb)
    assert second.action == "up to date" and second.playbook["created"] == second.playbook["updated"] == 0


# -- provision ------------------------------------------------------------------------------------------
def test_provision_is_idempotent(odoo_addon_db: OdooDatabase) -> None:
    plan = plan_for("Idem ERP")
    first = Provisioner(client_for(odoo_addon_db), plan, customer="Idem Ltd").run()
    assert first.created == plan.counts()
    after_first = state(odoo_addon_db, first.project_id or 0)
    assert after_first["erp.signoff"] == plan.counts()["gate"] and after_first["unlinked phases"] == 0
    assert after_first["tasks without phase"] == 0
    second = Provisioner(client_for(odoo_addon_db), plan, customer="Idem Ltd").run()
    assert sum(second.created.values()) == 0 and second.linked == 0
    assert state(odoo_addon_db, first.project_id or 0) == after_first
    partners = odoo_addon_db.execute("res.partner", "search_count", [["name", "=", "Idem Ltd"]])
    assert partners == 1


def test_newer_playbook_adds_only_new_items_and_keeps_user_edits(odoo_addon_db: OdooDatabase,
                                                                  tmp_path: Path) -> None:
    old = plan_for("Change ERP", playbook=load_playbook(MINI))
    result = Provisioner(client_for(odoo_addon_db), old).run()
    task = odoo_addon_db.execute("project.task", "search_read", [["project_id", "=", result.project_id],
                                                                 ["erp_item_key", "=", "kickoff_meeting"]], ["id"])
    odoo_addon_db.execute("project.task", "write", [task[0]["id"]], {"name": "Kickoff on site, 3 June"})
    newer = tmp_path / "mini2.yaml"
    newer.write_text(MINI.read_text(encoding="utf-8").replace(
        "      - {key: write_solution,",
        "      - {key: review_solution, role: consultant, name: {zh_TW: 審閱, zh_CN: 审阅, en: Review it}}\n"
        "      - {key: write_solution,"), encoding="utf-8")
    before = state(odoo_addon_db, result.project_id or 0)
    again = Provisioner(client_for(odoo_addon_db), plan_for("Change ERP", playbook=load_playbook(newer))).run()
    assert again.created["checklist_item"] == 1 and sum(again.created.values()) == 1
    after = state(odoo_addon_db, result.project_id or 0)
    assert after["tasks"] == before["tasks"] + 1
    name = odoo_addon_db.execute("project.task", "read", [task[0]["id"]], ["name"])[0]["name"]
    assert name == "Kickoff on site, 3 June"


@pytest.mark.parametrize("fail_at", [2, 4, 6])
def test_killed_halfway_then_rerun_equals_a_clean_run(odoo_addon_db: OdooDatabase, monkeypatch: pytest.MonkeyPatch,
                                                      fail_at: int) -> None:
    clean = Provisioner(client_for(odoo_addon_db), plan_for(f"Clean {fail_at}")).run()
    loads = {"n": 0}
    real_execute = OdooClient.execute

    def dying(self: OdooClient, model: str, method: str, *args: Any, **kw: Any) -> Any:
        if method == "load":
            loads["n"] += 1
            if loads["n"] == fail_at:
                raise ConnectorError("simulated: the connection dropped")
        return real_execute(self, model, method, *args, **kw)

    monkeypatch.setattr(OdooClient, "execute", dying)
    plan = plan_for(f"Killed {fail_at}")
    with pytest.raises(ConnectorError, match="simulated"):
        Provisioner(client_for(odoo_addon_db), plan).run()
    monkeypatch.setattr(OdooClient, "execute", real_execute)
    resumed = Provisioner(client_for(odoo_addon_db), plan).run()
    assert resumed.created[next(k for k, v in resumed.created.items() if v)] > 0
    assert state(odoo_addon_db, resumed.project_id or 0) == state(odoo_addon_db, clean.project_id or 0)
    assert sum(Provisioner(client_for(odoo_addon_db), plan).run().created.values()) == 0


def test_plain_odoo_fallback(odoo_db: OdooDatabase) -> None:
    plan = plan_for("Plain ERP")
    result = Provisioner(client_for(odoo_db), plan).run()
    assert result.mode == "plain" and result.skipped["payment_milestone"] == plan.counts()["payment_milestone"]
    assert any("payment milestones" in n for n in result.unrepresented)
    counts = state(odoo_db, result.project_id or 0, addon=False)
    items = plan.counts()["deliverable"] + plan.counts()["checklist_item"]
    assert counts == {"tasks": plan.counts()["phase"] + items, "stages": plan.counts()["phase"],
                      "milestones": plan.counts()["gate"]}
    again = Provisioner(client_for(odoo_db), plan).run()
    assert sum(again.created.values()) == 0 and state(odoo_db, result.project_id or 0, addon=False) == counts


def test_rpc_calls_are_few_and_independent_of_project_size(odoo_addon_db: OdooDatabase) -> None:
    small = Provisioner(client_for(odoo_addon_db), plan_for("Calls S", "small")).run()
    large = Provisioner(client_for(odoo_addon_db), plan_for("Calls L", "large")).run()
    assert sum(large.created.values()) > sum(small.created.values())
    assert small.rpc_calls == large.rpc_calls <= 25
    rerun = Provisioner(client_for(odoo_addon_db), plan_for("Calls L", "large")).run()
    assert rerun.rpc_calls <= 12


def test_cli_provision_dry_run_then_json(odoo_addon_db: OdooDatabase, runner: CliRunner,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"URL": odoo_addon_db.url, "DB": odoo_addon_db.name, "USER": "admin",
                        "PASSWORD": odoo_addon_db.password}.items():
        monkeypatch.setenv(f"PLAYBOOK_ODOO_{name}", value)
    args = ["odoo", "provision", "--project", "cli_erp", "--name", "Cli ERP", "--customer", "Cli Ltd",
            "--size", "medium", "--man-days", "80", "--contract-amount", "800000"]
    dry = runner.invoke(cli, [*args, "--dry-run"])
    assert dry.exit_code == 0 and "would create" in dry.output and "nothing was written" in dry.output
    done = json.loads(runner.invoke(cli, [*args, "--json"]).output)
    assert done["created"]["project"] == 1 and done["rpc_calls"] <= 25
    again = json.loads(runner.invoke(cli, [*args, "--json"]).output)
    assert sum(again["created"].values()) == 0 and again["project_id"] == done["project_id"]
