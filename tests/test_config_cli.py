"""Configuration and the command line as a user meets them: typos named with the file and the closest key, errors
blamed on the variable that caused them, URLs that cannot be servers, --config anywhere, --json errors, one
meaning of --project, Chinese labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.labels import all_languages, label_keys
from cli.main import cli
from connector.errors import ConfigError
from connector.plan import TARGET_LABELS
from connector.settings import load_settings

PLAN = ["plan", "--target", "odoo", "--size", "small", "--man-days", "10", "--contract-amount", "1000"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "expected"), [
    ('[odo]\nurl = "https://erp.example.com"\n', "unknown key 'odo' (did you mean 'odoo'?)"),
    ("hours_per_dya = 7\n", "unknown key 'hours_per_dya' (did you mean 'hours_per_day'?)"),
    ('[odoo]\npasword = "x"\n', "unknown key [odoo] 'pasword' (did you mean 'password'?)"),
    ('[sync]\ngrace_dys = 3\n', "unknown key [sync] 'grace_dys' (did you mean 'grace_days'?)"),
    ('[[projects]]\ncode = "a"\njira_kye = "A"\n', "unknown key [[projects]] #1 'jira_kye' (did you mean 'jira_key'?)"),
])
def test_a_misspelt_key_is_an_error_naming_key_and_file(runner: CliRunner, tmp_path: Path, text: str,
                                                        expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_settings(path)
    assert exc.value.message == f"{path}: {expected}"
    assert str(path) in (exc.value.hint or "")


def test_employee_names_are_free_keys(runner: CliRunner, tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[sync.employees]\n"ann@example.com" = "Ann Lee"\n'))
    assert settings.sync.employees == {"ann@example.com": "Ann Lee"}


def test_a_bad_variable_is_named_as_such(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[odoo]\nurl = "https://erp.example.com"\n')
    monkeypatch.setenv("PLAYBOOK_JIRA_URL", "https://example.atlassian.net:70000")
    with pytest.raises(ConfigError) as exc:
        load_settings(path)
    assert exc.value.message.startswith("PLAYBOOK_JIRA_URL: 'https://example.atlassian.net:70000' cannot be")
    assert "port is out of range" in exc.value.message and str(path) not in exc.value.message


@pytest.mark.parametrize(("url", "why"), [
    ("https://erp.example.com:99999", "its port is out of range"),
    ("http://[::1:8069", "its IPv6 address is malformed"),
    ("erp.example.com", "has no scheme"),
    ("ftp://erp.example.com", "is not an http(s) URL"),
    ("https://erp.example.com:80a", "its port is not a number"),
])
def test_a_url_that_cannot_be_a_server_is_a_config_error(runner: CliRunner, tmp_path: Path, url: str,
                                                         why: str) -> None:
    path = write(tmp_path, f'[odoo]\nurl = "{url}"\ndb = "d"\nuser = "u"\npassword = "secret-1"\n')
    result = runner.invoke(cli, ["odoo", "doctor", "--config", str(path)])
    assert result.exit_code == 2
    assert f"error: {path}: [odoo] url: '{url}'" in result.stderr and why in result.stderr
    assert "Traceback" not in result.output and "ValueError" not in result.output


def test_an_empty_password_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, '[odoo]\nurl = "https://erp.example.com"\ndb = "d"\nuser = "u"\npassword = ""\n')
    result = runner.invoke(cli, ["odoo", "doctor", "--config", str(path)])
    assert result.exit_code == 2
    assert "error: the Odoo password or API key is empty" in result.stderr
    assert f"set PLAYBOOK_ODOO_PASSWORD, or password under [odoo] in {path} (from --config)" in result.stderr


def test_an_empty_variable_is_named(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_JIRA_URL", "https://example.atlassian.net")
    monkeypatch.setenv("PLAYBOOK_JIRA_USER", "ann@example.com")
    monkeypatch.setenv("PLAYBOOK_JIRA_TOKEN", " ")
    result = runner.invoke(cli, ["jira", "provision", "--project", "acme", "--jira-key", "ACME", "--size", "small",
                                 "--man-days", "1", "--contract-amount", "1"])
    assert result.exit_code == 2 and "error: PLAYBOOK_JIRA_TOKEN: the Jira API token is empty" in result.stderr


def test_hints_name_the_default_file_when_none_is_given(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["odoo", "doctor"])
    default = tmp_path / "config" / "erp-playbook" / "config.toml"
    assert f"url under [odoo] in {default} (the default path, not created yet)" in result.stderr


@pytest.mark.parametrize(("url", "warned"), [
    ("http://erp.example.com:8069", True),
    ("http://127.0.0.1:8069", False),
    ("http://localhost:8069", False),
    ("http://[::1]:8069", False),
    ("https://erp.example.com", False),
])
def test_plain_http_to_another_machine_warns(runner: CliRunner, tmp_path: Path, url: str, warned: bool) -> None:
    from connector import urls

    urls._warned.clear()
    # No database: the command stops right after the URL is accepted, before any connection.
    path = write(tmp_path, f'[odoo]\nurl = "{url}"\nuser = "u"\npassword = "secret-1"\n')
    result = runner.invoke(cli, ["odoo", "doctor", "--config", str(path)])
    assert "the Odoo database is not set" in result.stderr
    assert ("travels unencrypted" in result.stderr) is warned
    if warned:
        assert f"warning: {path}: [odoo] url: {url} is plain http://" in result.stderr


def test_tls_verification_is_on_unless_switched_off(runner: CliRunner, tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[odoo]\nurl = "https://erp.example.com"\n'))
    assert settings.odoo.verify_tls is True and settings.jira.verify_tls is True


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_works_before_or_after_the_subcommand(runner: CliRunner, tmp_path: Path, where: str) -> None:
    path = write(tmp_path, "[odo]\n")
    args = ["--config", str(path), "odoo", "doctor"] if where == "before" else ["odoo", "doctor", "--config", str(path)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and f"{path}: unknown key 'odo'" in result.stderr


@pytest.mark.parametrize(("args", "expected"), [
    (["odoo", "doctor", "--config", "f", "-vv"], ["--config", "f", "-vv", "odoo", "doctor"]),
    (["--json", "sync", "--project", "a"], ["sync", "--project", "a", "--json"]),
    (["report", "weekly", "--config=f", "--", "-v"], ["--config=f", "report", "weekly", "--", "-v"]),
])
def test_global_options_move_in_front_of_the_subcommand(args: list[str], expected: list[str]) -> None:
    from cli.main import hoist_global_options

    assert hoist_global_options(args) == expected


def test_json_errors_are_json_on_stdout(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "[odo]\n")
    config = runner.invoke(cli, ["odoo", "doctor", "--json", "--config", str(path)])
    data = json.loads(config.stdout)
    assert data["ok"] is False and data["exit_code"] == config.exit_code == 2
    assert "unknown key 'odo'" in data["error"] and str(path) in data["hint"]
    assert config.stderr == ""

    usage = runner.invoke(cli, [*PLAN[:-2], "--contract-amount", "1", "--lang", "fr", "--json"])
    data = json.loads(usage.stdout)
    assert usage.exit_code == data["exit_code"] == 2 and "'fr' is not a language" in data["error"]
    assert "plan --help" in data["hint"]

    typo = json.loads(runner.invoke(cli, ["--json", "odoo", "doctr"]).stdout)
    assert "No such command 'doctr'" in typo["error"] and "Did you mean 'doctor'" in typo["error"]


def test_connector_errors_in_json_carry_the_hint(runner: CliRunner, mini_playbook_path: Path) -> None:
    result = runner.invoke(cli, ["sync", "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 2 and data["ok"] is False
    assert "no projects to sync" in data["error"] and "[[projects]]" in data["hint"]


@pytest.mark.parametrize(("given", "lang"), [("zh-TW", "zh_TW"), ("zh_tw", "zh_TW"), ("zh-Hans", "zh_CN"),
                                             ("EN", "en")])
def test_lang_accepts_the_usual_spellings(runner: CliRunner, given: str, lang: str) -> None:
    result = runner.invoke(cli, ["show", "--lang", given])
    assert result.exit_code == 0, result.output
    assert ("ERP 標準實施手冊" in result.stdout) is (lang == "zh_TW")


def test_industry_help_lists_the_choices(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["plan", "--help"])
    assert "pharma" in result.stdout and "distribution" in result.stdout


@pytest.mark.parametrize("lang", ["zh_TW", "zh_CN"])
def test_chinese_output_has_no_english_labels(runner: CliRunner, lang: str) -> None:
    show = runner.invoke(cli, ["show", "--lang", lang]).stdout
    plan = runner.invoke(cli, [*PLAN, "--industry", "pharma", "--lang", lang]).stdout
    for model in TARGET_LABELS["odoo"].values():  # Odoo's technical model names stay as they are
        plan = plan.replace(model, "")
    for english in ("phase", "budget", "checklist", "payment milestone", "falls due on", "grace", "days",
                    "kind", "count", "total", "man-days", "contract", "sign-off", "deliverable", "check ",
                    "on signing", "dry run", "Customer project manager", "pharma"):
        assert english not in show + plan, english


def test_every_label_has_three_languages_and_the_same_placeholders() -> None:
    import re

    for key in label_keys():
        texts = all_languages(key)
        assert all(texts), key
        assert len({tuple(sorted(re.findall(r"{(\w+)}", t))) for t in texts}) == 1, key


def test_plan_project_is_the_code_and_name_the_display_name(runner: CliRunner) -> None:
    result = runner.invoke(cli, [*PLAN, "--project", "acme_erp", "--name", "ACME ERP", "--json"])
    data = json.loads(result.stdout)
    assert data["project"] == {"code": "acme_erp", "name": "ACME ERP"}
    refused = runner.invoke(cli, [*PLAN, "--project", "ACME ERP", "--name", "ACME ERP"])
    assert refused.exit_code == 2 and "--project 'ACME ERP' is not a project code" in refused.stderr


@pytest.mark.parametrize(("args", "key", "code"), [
    (["--project", "acme_erp"], "ACME", "acme_erp"),  # the configured Jira key
    (["--project", "acme", "--jira-key", "ACM"], "ACM", "acme"),  # a project not configured
    (["--project", "ACME"], "ACME", "acme_erp"),  # the older form: --project was the Jira key
    (["--project", "ACME ERP implementation"], "ACME", "acme_erp"),  # the configured Odoo name
])
def test_jira_provision_project_is_the_code(runner: CliRunner, tmp_path: Path, args: list[str], key: str,
                                            code: str) -> None:
    path = write(tmp_path, '[[projects]]\ncode = "acme_erp"\nodoo_project = "ACME ERP implementation"\n'
                           'jira_key = "ACME"\n')
    result = runner.invoke(cli, ["--config", str(path), "jira", "provision", *args, "--size", "small",
                                 "--man-days", "10", "--contract-amount", "1", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["project"], data["code"]) == (key, code)


def test_jira_provision_without_a_key_says_how_to_give_one(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["jira", "provision", "--project", "acme", "--size", "small", "--man-days", "10",
                                 "--contract-amount", "1", "--dry-run"])
    assert result.exit_code == 2 and "no Jira key for the project 'acme'" in result.stderr
    assert "pass --jira-key KEY" in result.stderr


def test_an_ambiguous_name_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, '[[projects]]\ncode = "a"\nodoo_project = "ERP"\n\n[[projects]]\ncode = "b"\n'
                           'odoo_project = "ERP"\n')
    result = runner.invoke(cli, ["--config", str(path), "sync", "--project", "ERP"])
    assert result.exit_code == 2 and "'ERP' names more than one configured project (a, b)" in result.stderr


def test_a_refused_login_names_the_file_the_password_came_from(runner: CliRunner, tmp_path: Path) -> None:
    from tests.odoo_rpc_server import OdooRpcServer

    with OdooRpcServer("prod", "ann", "right-password").serve() as odoo:
        path = write(tmp_path, f'[odoo]\nurl = "{odoo.url}"\ndb = "prod"\nuser = "ann"\npassword = "wrong-password"\n')
        result = runner.invoke(cli, ["odoo", "provision", "--config", str(path), "--project", "acme", "--size", "small",
                                     "--man-days", "1", "--contract-amount", "1"])
    assert result.exit_code == 2 and "Odoo refused the login of 'ann'" in result.stderr
    assert f"config file in use: {path} (from --config)" in result.stderr
    assert "wrong-password" not in result.output


def test_doctor_labels_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    from tests.odoo_rpc_server import OdooRpcServer

    with OdooRpcServer("prod", "ann", "right-password").serve() as odoo:
        path = write(tmp_path, f'[odoo]\nurl = "{odoo.url}"\ndb = "prod"\nuser = "ann"\npassword = "right-password"\n')
        result = runner.invoke(cli, ["odoo", "doctor", "--config", str(path), "--lang", "zh_TW"])
    assert result.exit_code in (0, 1), result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("正常 伺服器:") and lines[-1] in ("可以建置", "可用，請看警告")
    assert not any(line.startswith(("ok", "warn", "FAIL")) for line in lines)
