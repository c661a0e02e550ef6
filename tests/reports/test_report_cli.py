"""`playbook report ...` with a fake Odoo in place of the live client."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.reports.fake_odoo import FakeOdoo, acme_records

WEEK = ["--week", "2026-W48", "--as-of", "2026-11-27"]


@pytest.fixture(autouse=True)
def fake_odoo(monkeypatch: pytest.MonkeyPatch) -> FakeOdoo:
    import cli.report_cmds

    odoo = FakeOdoo(acme_records())
    monkeypatch.setattr(cli.report_cmds, "connect_odoo", lambda settings: odoo)
    return odoo


def test_weekly_markdown_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "weekly", "--project", "acme_erp", *WEEK, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Weekly executive status report\n")
    assert "| **Total** | **45** | **18.5** | **26.5** | **8** |" in result.stdout
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
