"""The command line as a user meets it: readable output, --json for scripts, clear errors, right exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli


def test_plan_prints_counts_and_tree_without_any_server(runner: CliRunner, mini_playbook_path: Path) -> None:
    result = runner.invoke(cli, ["plan", "--playbook", str(mini_playbook_path), "--target", "odoo", "--size",
                                 "large", "--industry", "pharma", "--man-days", "33", "--contract-amount", "1_000"])
    assert result.exit_code == 0, result.output
    assert "erp.signoff" in result.output and "Set up the steering committee" in result.output
    assert "HARD" in result.output and "dry run: nothing was written" in result.output


def test_plan_json_lists_every_record(runner: CliRunner, mini_playbook_path: Path) -> None:
    result = runner.invoke(cli, ["plan", "--playbook", str(mini_playbook_path), "--target", "jira", "--size",
                                 "small", "--man-days", "10", "--contract-amount", "500", "--json", "--lang", "zh_CN"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["target"] == "jira" and data["counts"]["phase"] == 3
    assert len(data["records"]) == sum(data["counts"].values())
    assert data["records"][1]["name"] == "启动"
    assert sum(r["values"]["amount"] for r in data["records"] if r["kind"] == "payment_milestone") == 500


def test_validate_reports_problem_with_line_and_exits_non_zero(runner: CliRunner, mini_playbook_path: Path,
                                                               tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(mini_playbook_path.read_text(encoding="utf-8").replace("budget_share: 60", "budget_share: 61"),
                   encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:24: phases: budget_share must sum to 100 % (it sums to 101 %)" in result.output
    assert "Traceback" not in result.output


def test_validate_json_for_scripts(runner: CliRunner, mini_playbook_path: Path, tmp_path: Path) -> None:
    ok = runner.invoke(cli, ["validate", str(mini_playbook_path), "--json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["valid"] is True
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: [\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(bad), "--json"])
    assert result.exit_code == 2
    problems = json.loads(result.output)["problems"]
    assert problems[0]["file"] == str(bad) and "not valid YAML" in problems[0]["message"]


def test_show_in_traditional_chinese(runner: CliRunner, mini_playbook_path: Path) -> None:
    result = runner.invoke(cli, ["show", "--playbook", str(mini_playbook_path), "--lang", "zh_TW"])
    assert result.exit_code == 0, result.output
    assert "需求報告簽核" in result.output and "迷你方法論" in result.output


def test_bad_option_value_is_one_line_naming_the_option(runner: CliRunner, mini_playbook_path: Path) -> None:
    result = runner.invoke(cli, ["plan", "--playbook", str(mini_playbook_path), "--target", "odoo", "--size",
                                 "small", "--man-days", "ten", "--contract-amount", "1"])
    assert result.exit_code == 2
    assert result.output.startswith("error: --man-days 'ten': not a number; write numbers with '.'")
    assert result.output.count("\n") == 1


def test_unknown_industry_names_the_known_ones(runner: CliRunner, mini_playbook_path: Path) -> None:
    result = runner.invoke(cli, ["plan", "--playbook", str(mini_playbook_path), "--target", "odoo", "--size",
                                 "small", "--industry", "mining", "--man-days", "1", "--contract-amount", "1"])
    assert result.exit_code == 2
    assert "unknown industry 'mining'" in result.output and "pharma" in result.output


def test_broken_config_file_is_named(runner: CliRunner, tmp_path: Path) -> None:
    from connector.errors import ConfigError
    from connector.settings import load_settings

    cfg = tmp_path / "config.toml"
    cfg.write_text("[odoo\nurl = 1\n", encoding="utf-8")
    try:
        load_settings(cfg)
    except ConfigError as exc:
        assert str(cfg) in exc.message and "TOML" in exc.message
    else:
        raise AssertionError("a broken config file must be refused")


def test_secrets_never_show_in_settings_output(runner: CliRunner, monkeypatch, tmp_path: Path) -> None:
    from connector.settings import load_settings

    cfg = tmp_path / "config.toml"
    cfg.write_text('[jira]\nurl = "https://x.atlassian.net"\ntoken = "file-token-123"\n', encoding="utf-8")
    monkeypatch.setenv("PLAYBOOK_ODOO_PASSWORD", "env-secret-456")
    settings = load_settings(cfg)
    shown = repr(settings) + str(settings.model_dump())
    assert settings.jira.token is not None and settings.jira.token.get_secret_value() == "file-token-123"
    assert "file-token-123" not in shown and "env-secret-456" not in shown
    assert settings.jira.verify_tls is True


def test_doctor_check_names_follow_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    from cli.output import print_checks
    from connector.checks import Check

    checks = [Check("database", "ok", "prod"), Check("rights project.project", "fail", "may not create", "grant it")]
    print_checks(checks, 2, "zh_TW")
    out = capsys.readouterr().out
    assert "資料庫: prod" in out and "權限 project.project: may not create" in out
    assert "database" not in out and "rights" not in out
