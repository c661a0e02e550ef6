"""`playbook report ...` with a fake Odoo in place of the live client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.jira_contract import contract_responses, needs_spec
from tests.reports.fake_odoo import FakeOdoo, acme_records

WEEK = ["--week", "2026-W48", "--as-of", "2026-11-27"]


@pytest.fixture(autouse=True)
def fake_odoo(services: Any) -> FakeOdoo:
    odoo = FakeOdoo(acme_records())
    services(odoo=lambda settings: odoo)
    return odoo


def test_weekly_markdown_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "weekly", "--project", "acme_erp", *WEEK, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Weekly executive status report\n")
    assert "| **Total** | **45** | **74.5 (+29.5)** | **18.5** | **26.5** | **8** |" in result.stdout
    assert "wrote" not in result.stdout


def test_weekly_json_has_the_numbers(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "weekly", "--project", "acme_erp", *WEEK, "--json"])
    data = json.loads(result.stdout)
    assert data["figures"]["remaining"] == 26.5 and data["week"] == "2026-W48"
    assert {r["code"] for r in data["risks"]} >= {"payment_overdue", "over_budget"}


def test_weekly_pdf_file_in_english(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "weekly.pdf"
    result = runner.invoke(cli, ["report", "weekly", "--project", "acme_erp", *WEEK, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(out.read_bytes()))
    assert "Weekly executive status report" in text and "Overdue 18 days" in text


def test_format_follows_the_file_suffix_and_markdown_keeps_its_chart(runner: CliRunner, tmp_path: Path) -> None:
    html, md = tmp_path / "w.html", tmp_path / "out" / "w.md"
    for path in (html, md):
        result = runner.invoke(cli, ["report", "weekly", "--project", "acme_erp", *WEEK, "--lang", "zh_CN",
                                     "-o", str(path)])
        assert result.exit_code == 0, result.output
    assert html.read_text().startswith("<!DOCTYPE html>") and "高层状态周报" in html.read_text()
    assert "](w-burn.png)" in md.read_text() and (md.parent / "w-burn.png").exists()


def test_pdf_without_output_goes_to_a_named_file(runner: CliRunner, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["report", "confirmation", "--project", "acme_erp", "--phase", "kickoff",
                                 "--as-of", "2026-11-27", "--format", "pdf", "--lang", "zh_TW"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "acme_erp-confirmation-kickoff.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("command", ["phase-plan", "phase-summary", "confirmation"])
def test_phase_documents_as_markdown(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, ["report", command, "--project", "Acme ERP", "--phase", "business_survey",
                                 "--as-of", "2026-11-27", "--lang", "zh_TW"])
    assert result.exit_code == 0, result.output
    title = {"phase-plan": "階段計畫書", "phase-summary": "階段總結", "confirmation": "階段確認書"}[command]
    assert result.stdout.startswith(f"# {title}\n") and "業務調研與流程分析" in result.stdout


def test_project_from_the_config_file(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[projects]]\ncode = "acme"\nodoo_project = "Acme ERP"\n')
    result = runner.invoke(cli, ["--config", str(config), "report", "weekly", "--project", "acme", *WEEK])
    assert result.exit_code == 0, result.output
    assert "Acme ERP" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["weekly", "--project", "Acme", *WEEK], "no Odoo project 'Acme'"),
    (["phase-plan", "--project", "acme_erp", "--phase", "golive"], "the project has no phase 'golive'"),
    (["weekly", "--project", "acme_erp", "--week", "2026-W60"], "'2026-W60' is not an ISO week"),
])
def test_bad_references_fail_clearly(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(cli, ["report", *args])
    assert result.exit_code == 2
    assert message in result.output and "fix:" in result.output
    assert "Traceback" not in result.output


# --- Jira: the register from its Requirement / Issue issues, the sync time from the sync state ------------------
def _jira_config(tmp_path: Path, *, jira: bool = True, state: Path | None = None) -> Path:
    config = tmp_path / "jira.toml"
    text = f'[sync]\nstate = "{state or tmp_path / "no-state.sqlite"}"\n'
    if jira:
        text += '[jira]\nurl = "https://jira.example.test"\nuser = "pm@example.com"\ntoken = "t0ken-value"\n'
    text += '[[projects]]\ncode = "acme_erp"\nodoo_project = "Acme ERP"\njira_key = "ACME"\n'
    config.write_text(text)
    return config


@pytest.fixture
def jira_adapter(services: Any) -> Any:
    import requests

    from connector.jira.adapter import JiraAdapter

    adapter = JiraAdapter(requests.Session(), "https://jira.example.test", sleep=lambda _: None)
    services(jira=lambda settings: adapter)
    return adapter


@needs_spec
def test_weekly_register_from_jira_and_sync_status(runner: CliRunner, tmp_path: Path, jira_adapter: Any) -> None:
    from tests.reports.fake_jira import EXPECTED_COUNTS, FakeJiraSearch

    with contract_responses() as rsps:
        FakeJiraSearch().install(rsps)
        result = runner.invoke(cli, ["--config", str(_jira_config(tmp_path)), "report", "weekly",
                                     "--project", "acme_erp", *WEEK, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["register_source"] == "jira:ACME"
    assert {r["disposition"]: (r["open"], r["total"]) for r in data["register_rows"]} == EXPECTED_COUNTS
    assert data["sync"]["state"] == "never" and "sync_never" in {r["code"] for r in data["risks"]}


def test_register_odoo_keeps_the_tags_even_with_jira(runner: CliRunner, tmp_path: Path, jira_adapter: Any) -> None:
    result = runner.invoke(cli, ["--config", str(_jira_config(tmp_path)), "report", "weekly", "--project", "acme_erp",
                                 *WEEK, "--json", "--register", "odoo"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["register_source"] == "odoo" and jira_adapter.request_count == 0


def test_without_jira_settings_the_register_stays_in_odoo(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--config", str(_jira_config(tmp_path, jira=False)), "report", "weekly",
                                 "--project", "acme_erp", *WEEK, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["register_source"] == "odoo"


@needs_spec
def test_jira_refusing_names_the_way_out(runner: CliRunner, tmp_path: Path, jira_adapter: Any) -> None:
    with contract_responses() as rsps:
        rsps.post("https://jira.example.test/rest/api/3/search/jql", status=401, json={"errorMessages": ["no"]})
        result = runner.invoke(cli, ["--config", str(_jira_config(tmp_path)), "report", "weekly",
                                     "--project", "acme_erp", *WEEK])
    assert result.exit_code == 2
    assert "reading the register from Jira failed" in result.output and "--register odoo" in result.output
    assert "t0ken-value" not in result.output


def test_odoo_only_project_says_it_is_not_synchronised(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["report", "weekly", "--project", "acme_erp", *WEEK])  # no config, no state file
    assert result.exit_code == 0, result.output
    assert "Synchronised from Jira: **Not synchronised from Jira (Odoo-only project)**" in result.stdout


def test_sync_time_from_the_state_file(runner: CliRunner, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from connector.sync.state import SqliteState

    state = tmp_path / "state" / "sync.sqlite"
    store = SqliteState(state)
    five_days_ago = datetime.now(UTC) - timedelta(days=5, hours=1)
    store.put_many("cursor", {"updated:acme_erp": int(five_days_ago.timestamp() * 1000)})
    store.close()
    config = _jira_config(tmp_path, jira=False, state=state)
    result = runner.invoke(cli, ["--config", str(config), "report", "confirmation", "--project", "acme_erp",
                                 "--phase", "kickoff", "--as-of", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert "ACME: worklogs read up to" in result.stdout and "(5 days ago)" in result.stdout
