"""`playbook sync` as a user runs it: the summary, --json, and the exit code when a project fails."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.app import connect_jira
from cli.main import cli
from tests.sync.conftest import World
from tests.sync.fakes import TOKEN, make_adapter

HOUR = 3600


@pytest.fixture
def config(world: World, runner: CliRunner, tmp_path: Path, services: Any) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"""
[odoo]
url = "http://odoo.example.test"
db = "prod"
user = "sync@example.test"
password = "odoo-SECRET"

[jira]
url = "https://jira.example.test"
user = "ann@example.test"
token = "{TOKEN}"

[sync]
state = "{world.state_path}"

[[projects]]
code = "acme"
odoo_project = "ACME ERP"
jira_key = "ACME"

[[projects]]
code = "local"
odoo_project = "Local only"

[[projects]]
code = "ghost"
odoo_project = "Nowhere"
""")
    services(odoo=lambda settings: world.odoo, jira=lambda settings: make_adapter())
    return path


def test_json_summary_and_non_zero_exit_when_a_project_failed(world: World, runner: CliRunner, config: Path) -> None:
    world.jira.log(world.issues["analysis"], 4 * HOUR)
    result = runner.invoke(cli, ["--config", str(config), "sync", "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    status = {p["code"]: p["status"] for p in data["projects"]}
    assert status == {"acme": "ok", "local": "ok", "ghost": "failed"}
    acme = data["projects"][0]
    assert (acme["created"], acme["spent"]) == (1, 0.5)
    assert TOKEN not in result.output and "odoo-SECRET" not in result.output


def test_one_screen_summary_for_one_project(world: World, runner: CliRunner, config: Path) -> None:
    world.odoo.today = date(2025, 6, 3)  # the signing milestone is 3 days overdue
    result = runner.invoke(cli, ["--config", str(config), "sync", "--project", "ACME"])
    assert result.exit_code == 0, result.output
    assert "Overdue payments" in result.stdout and "Signing" in result.stdout
    assert "ghost" not in result.stdout


@pytest.mark.parametrize(("lang", "words"), [
    ("zh_TW", ("同步", "專案", "逾期款項", "到期日", "Jira 請求")),
    ("zh_CN", ("同步", "项目", "逾期款项", "到期日", "Jira 请求")),
])
def test_the_summary_speaks_the_chosen_language(world: World, runner: CliRunner, config: Path, lang: str,
                                                words: tuple[str, ...]) -> None:
    world.odoo.today = date(2025, 6, 3)  # the signing milestone is 3 days overdue
    result = runner.invoke(cli, ["--config", str(config), "sync", "--project", "acme", "--lang", lang])
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.stdout
    for english in ("Overdue payments", "payment milestone", "Jira requests", "project"):
        assert english not in result.stdout


def test_dry_run_and_since_options(world: World, runner: CliRunner, config: Path) -> None:
    world.jira.log(world.issues["analysis"], HOUR)
    result = runner.invoke(cli, ["--config", str(config), "sync", "--project", "acme", "--dry-run",
                                 "--since", "2025-01-01", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["dry_run"] is True and world.odoo.lines() == []


def test_unknown_project_and_bad_since_are_clear_errors(runner: CliRunner, config: Path) -> None:
    result = runner.invoke(cli, ["--config", str(config), "sync", "--project", "nope"])
    assert result.exit_code == 2 and "no project 'nope'" in result.output
    result = runner.invoke(cli, ["--config", str(config), "sync", "--since", "yesterday"])
    assert result.exit_code == 2 and "is not a date" in result.output


def test_without_jira_settings_the_odoo_only_project_still_syncs(world: World, runner: CliRunner, config: Path,
                                                                 services: Any) -> None:
    # the real JiraAdapter.from_settings, with the Jira URL missing
    services(jira=connect_jira)
    config.write_text(config.read_text().replace('url = "https://jira.example.test"', ""))
    result = runner.invoke(cli, ["--config", str(config), "sync", "--project", "acme", "--project", "local", "--json"])
    assert result.exit_code == 1, result.output
    acme, local = json.loads(result.stdout)["projects"]
    assert local["status"] == "ok"
    assert acme["status"] == "failed" and "the Jira URL is not set" in acme["errors"][0]


def test_signed_lines_kept_show_in_the_summary_and_json_without_failing(world: World, runner: CliRunner,
                                                                        config: Path) -> None:
    wid = world.jira.log(world.issues["analysis"], 4 * HOUR)
    runner.invoke(cli, ["--config", str(config), "sync", "--project", "acme"])
    world.odoo.confirm([world.line(wid)["id"]])
    world.jira.delete(wid)

    result = runner.invoke(cli, ["--config", str(config), "sync", "--project", "acme", "--json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["conflicts"] == 1 and data["projects"][0]["conflicts"] == 1
    assert any(f"worklog {wid} on ACME-1 was deleted in Jira" in w for w in data["projects"][0]["warnings"])
    # --since re-reads the deletion: the one-screen summary says the same, and still exits 0
    table = runner.invoke(cli, ["--config", str(config), "sync", "--project", "acme", "--since", "2020-01-01"])
    assert table.exit_code == 0, table.output
    assert "was deleted in Jira after the customer" in " ".join(table.stdout.split())


def test_the_config_maps_a_jira_author_to_an_odoo_employee(world: World, runner: CliRunner, config: Path) -> None:
    mapping = '[sync]\nemployees = {"ann@acme.test" = "Ann Official"}\n'
    config.write_text(config.read_text().replace("[sync]\n", mapping))
    official = world.odoo.add_employee("Ann Official")
    wid = world.jira.log(world.issues["analysis"], HOUR, author="Ann L.", email="ann@acme.test")
    runner.invoke(cli, ["--config", str(config), "sync", "--project", "acme", "--json"])
    assert world.line(wid)["employee_id"] == official


def test_reports_see_each_projects_last_run_and_why_it_failed(world: World, runner: CliRunner, config: Path) -> None:
    from datetime import UTC, datetime

    from connector.reports.sync_status import read_sync_status
    from connector.settings import load_settings

    runner.invoke(cli, ["--config", str(config), "sync", "--json"])
    settings = load_settings(config)
    ghost = settings.project("ghost").model_copy(update={"jira_key": "GHOST"})
    acme = read_sync_status(settings.sync, settings.project("acme"), datetime.now(UTC))
    failed = read_sync_status(settings.sync, ghost, datetime.now(UTC))
    assert (acme.state, acme.basis) == ("ok", "run")
    assert failed.state == "failed" and "Nowhere" in (failed.error or "")


def test_sign_offs_show_in_the_table_and_in_json(world: World, runner: CliRunner, config: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from cli.output import console
    from tests.sync.fakes import AWAITING, CUSTOMER_EMAIL, CUSTOMER_NAME, SIGNED_OFF

    monkeypatch.setattr(console, "width", 240)  # a terminal wide enough for the whole table
    partner = world.odoo.add_partner("ACME Corp")
    world.odoo.tables["project.project"][world.acme_id]["partner_id"] = partner
    world.odoo.add_partner(CUSTOMER_NAME, email=CUSTOMER_EMAIL, parent=partner)  # who signs in Jira
    world.odoo.add_signoff(world.acme_id, "analysis_signed", state="requested")
    world.jira.add_signoff("ACME", "analysis_signed", status=SIGNED_OFF)
    world.odoo.add_signoff(world.acme_id, "design_signed", state="signed", date_signed="2025-06-03")
    world.jira.add_signoff("ACME", "design_signed", status=AWAITING)
    world.odoo.add_signoff(world.acme_id, "build_signed", state="signed", date_signed="2025-06-03")
    world.jira.add_signoff("ACME", "build_signed", status="Rejected")

    table = runner.invoke(cli, ["--config", str(config), "sync", "--project", "acme", "--dry-run"])
    assert table.exit_code == 0, table.output
    header = "sign-offs signed from Jira / to Jira / conflicts"
    assert header in table.stdout
    lines = table.stdout.splitlines()
    column = next(line for line in lines if header in line).split("┃").index(f" {header} ")
    row = next(line for line in lines if "acme" in line)
    assert row.split("│")[column].strip() == "1 / 1 / 1", row  # signed from Jira / moved in Jira / conflicts
    result = runner.invoke(cli, ["--config", str(config), "sync", "--project", "acme", "--json"])
    data = json.loads(result.stdout)
    assert data["signoffs"] == {"signed_from_jira": 1, "from_jira": 1, "pushed_to_jira": 1, "conflicts": 1}
    acme = data["projects"][0]
    assert {s["gate"]: s["action"] for s in acme["signoffs"]} == {
        "analysis_signed": "Odoo signed from Jira", "design_signed": "Jira Signed off from Odoo",
        "build_signed": "conflict"}
