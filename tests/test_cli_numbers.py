"""Numbers as a user types them into `plan`, `odoo provision` and `jira provision`: one line for anything the tool
cannot read unambiguously, warnings for what is odd, and the same digits in text, --json and what Odoo receives."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.test_odoo_provision import FakeOdoo

TOO_MUCH = "amounts of 10_000_000_000_000 or more cannot be kept to the cent in Odoo or Jira"
HOW = "write numbers with '.' as decimal point and no thousands separators"
COMMANDS = {
    "plan": ["plan", "--target", "odoo"],
    "odoo provision": ["odoo", "provision", "--project", "ACME ERP"],
    "jira provision": ["jira", "provision", "--project", "ACME", "--dry-run"],
}
REFUSED = [
    ("--contract-amount", "1500000,50", f"a comma could be a decimal point or a thousands separator; {HOW}, "
                                        "e.g. 1500000.50 or 1_500_000.50"),
    ("--contract-amount", "1,500,000", "a comma could be"),
    ("--man-days", "12,5", f"a comma could be a decimal point or a thousands separator; {HOW}, e.g. 120 or 120.5"),
    ("--contract-amount", "$1500", "a currency sign is not part of the number"),
    ("--contract-amount", "1500 EUR", "spaces are not allowed"),
    ("--contract-amount", "1 500", "spaces are not allowed"),
    ("--man-days", "1e6", "exponents are not accepted"),
    ("--man-days", "nan", "not a finite number"),
    ("--contract-amount", "inf", "not a finite number"),
    ("--contract-amount", "-inf", "not a finite number"),
    ("--hours-per-day", "NaN", "not a finite number"),
    ("--man-days", "ten", "not a number"),
    ("--man-days", ".5", "not a plain number"),
    ("--man-days", "100.3", "man-days are counted in half days; use 100 or 100.5"),
    ("--man-days", "0", "the man-day budget must be more than 0"),
    ("--man-days", "-10", "the man-day budget must be more than 0"),
    ("--man-days", "100000.5", "more than 100000 man-days is not a plausible budget"),
    ("--contract-amount", "-1", "the amount must be 0 or more"),
    ("--contract-amount", "10.005", "money has 2 decimal places (cents); use 10.00 or 10.01"),
    ("--contract-amount", "12345678901234567.89", TOO_MUCH),
    ("--contract-amount", "10000000000000", TOO_MUCH),
    ("--hours-per-day", "0", "the hours per man-day must be more than 0"),
    ("--hours-per-day", "-1", "the hours per man-day must be more than 0"),
    ("--hours-per-day", "25", "a man-day has at most 24 hours"),
    ("--hours-per-day", "7.333", "hours per man-day have at most 2 decimals; use 7.33 or 7.34"),
]


def _args(command: str, playbook: Path, **numbers: str) -> list[str]:
    values = {"--man-days": "40", "--contract-amount": "1000", **numbers}
    return [*COMMANDS[command], "--playbook", str(playbook), "--size", "medium",
            *[part for option, value in values.items() for part in (option, value)]]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(("option", "value", "reason"), REFUSED)
def test_a_number_the_tool_cannot_read_is_one_line_naming_the_option(
        runner: CliRunner, mini_playbook_path: Path, command: str, option: str, value: str, reason: str) -> None:
    result = runner.invoke(cli, _args(command, mini_playbook_path, **{option: value}))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {option} {value!r}: {reason}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


@pytest.mark.parametrize(("typed", "shown"), [("1_500_000.5", "1500000.50"), ("9999999999999.99", "9999999999999.99"),
                                              ("1500000", "1500000.00")])
def test_money_has_the_same_digits_in_json_and_text(runner: CliRunner, mini_playbook_path: Path, typed: str,
                                                    shown: str) -> None:
    as_json = runner.invoke(cli, [*_args("plan", mini_playbook_path, **{"--contract-amount": typed}), "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert f'"contract_amount": {shown},' in as_json.stdout  # a JSON number, exactly these digits
    data = json.loads(as_json.stdout, parse_float=Decimal)
    amounts = [r["values"]["amount"] for r in data["records"] if r["kind"] == "payment_milestone"]
    assert data["contract_amount"] == Decimal(shown) and sum(amounts) == Decimal(shown)

    text = runner.invoke(cli, [*_args("plan", mini_playbook_path, **{"--contract-amount": typed}), "--lang", "en"])
    assert text.exit_code == 0, text.output
    out = " ".join(text.stdout.split())  # the terminal may wrap long lines
    printed = [m.replace(",", "") for m in re.findall(r"On \w+: ([\d,.]+) \(", out)]
    assert printed == [format(a, "f") for a in amounts]
    assert f"contract {int(Decimal(shown)):,}.{shown[-2:]}" in out


def test_the_man_day_split_is_the_same_in_json_and_text(runner: CliRunner, mini_playbook_path: Path) -> None:
    data = json.loads(runner.invoke(cli, [*_args("plan", mini_playbook_path, **{"--man-days": "33"}), "--json"]).stdout)
    budgets = [r["values"]["budget_man_days"] for r in data["records"] if r["kind"] == "phase"]
    assert budgets == [3.5, 10, 19.5]  # half days, largest remainder, tie to the earlier phase
    text = runner.invoke(cli, _args("plan", mini_playbook_path, **{"--man-days": "33"})).stdout
    assert re.findall(r"— ([\d.]+) man-days", text) == ["3.5", "10", "19.5"]


@pytest.mark.parametrize(("numbers", "warning"), [
    ({"--contract-amount": "0"}, "the contract amount is 0: no payment milestones will carry an amount"),
    ({"--man-days": "250"}, "250 man-days is above the medium size's limit of 200 man-days (playbook mini)"),
    ({"--man-days": "0.5"}, "2 phase(s) left with 0 man-days after the split in half days (Kickoff, "
                            "Requirements report)"),
])
@pytest.mark.parametrize("command", ["plan", "jira provision"])
def test_odd_but_valid_numbers_are_warned_about_on_stderr_and_in_json(
        runner: CliRunner, mini_playbook_path: Path, command: str, numbers: dict[str, str], warning: str) -> None:
    result = runner.invoke(cli, [*_args(command, mini_playbook_path, **numbers), "--json"])
    assert result.exit_code == 0, result.output
    assert f"warning: {warning}" in result.stderr.replace("\n", " ")
    assert any(w.startswith(warning) for w in json.loads(result.stdout)["warnings"])


def test_a_plain_plan_has_no_warnings(runner: CliRunner, mini_playbook_path: Path) -> None:
    result = runner.invoke(cli, [*_args("plan", mini_playbook_path), "--json"])
    assert result.stderr == "" and json.loads(result.stdout)["warnings"] == []


def test_odoo_receives_exactly_the_printed_digits(runner: CliRunner, mini_playbook_path: Path,
                                                  services: Any) -> None:
    odoo = FakeOdoo()
    services(odoo=lambda settings: odoo)
    numbers = {"--man-days": "33", "--contract-amount": "1_500_000.1", "--hours-per-day": "7.50"}
    plan = json.loads(runner.invoke(cli, [*_args("plan", mini_playbook_path, **numbers), "--json"]).stdout,
                      parse_float=Decimal, parse_int=Decimal)
    result = runner.invoke(cli, [*_args("odoo provision", mini_playbook_path, **numbers), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["warnings"] == []
    project = odoo.records["project.project"][1]
    assert (project["erp_man_day_budget"], project["erp_contract_amount"], project["erp_hours_per_day"]) == \
        ("33", "1500000.10", "7.5")
    sent = {r["key"]: r["amount"] for r in odoo.records["erp.payment.milestone"].values()}
    assert sent == {r["key"]: format(r["values"]["amount"], "f") for r in plan["records"]
                    if r["kind"] == "payment_milestone"}
    phases = {r["key"]: r["budget_man_days"] for r in odoo.records["erp.project.phase"].values()}
    assert phases == {r["key"]: format(r["values"]["budget_man_days"], "f") for r in plan["records"]
                      if r["kind"] == "phase"}


@pytest.mark.parametrize(("where", "reason"), [
    ("hours_per_day = 25\n", "a man-day has at most 24 hours"),
    ("hours_per_day = 0\n", "the hours per man-day must be more than 0"),
    ("hours_per_day = -1\n", "the hours per man-day must be more than 0"),
    ('hours_per_day = "7,5"\n', "a comma could be a decimal point or a thousands separator"),
    ("hours_per_day = nan\n", "not a finite number"),
    ('[[projects]]\ncode = "acme"\nhours_per_day = 24.5\n', "a man-day has at most 24 hours"),
])
def test_the_config_refuses_what_the_option_refuses(runner: CliRunner, tmp_path: Path, where: str,
                                                    reason: str) -> None:
    from connector.errors import ConfigError
    from connector.settings import load_settings

    cfg = tmp_path / "config.toml"
    cfg.write_text(where, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(cfg)
    assert str(cfg) in info.value.message and "hours_per_day" in info.value.message
    assert reason in info.value.message


def test_the_environment_follows_the_same_rule(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    from connector.errors import ConfigError
    from connector.settings import load_settings

    monkeypatch.setenv("PLAYBOOK_HOURS_PER_DAY", "7,5")
    with pytest.raises(ConfigError, match="a comma could be a decimal point"):
        load_settings()
    monkeypatch.setenv("PLAYBOOK_HOURS_PER_DAY", "7.5")
    assert load_settings().hours_per_day == Decimal("7.5")


def test_show_json_gives_shares_as_numbers(runner: CliRunner, mini_playbook_path: Path) -> None:
    data = json.loads(runner.invoke(cli, ["show", "--playbook", str(mini_playbook_path), "--json"]).stdout)
    assert [p["budget_share"] for p in data["phases"]] == [10, 30, 60] and data["hours_per_day"] == 8
    assert [m["percent"] for m in data["payment_milestones"]] == [30, 70]


class YenOdoo(FakeOdoo):
    """A company whose currency has no cents (Odoo would round every amount to whole yen)."""

    uid = 2

    def __init__(self) -> None:
        super().__init__()
        self.records.update({"res.users": {2: {"id": 2, "company_id": [1, "Yen Co"]}},
                             "res.company": {1: {"id": 1, "currency_id": [25, "JPY"]}},
                             "res.currency": {25: {"id": 25, "name": "JPY", "rounding": 1.0}}})


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_odoo_refuses_an_amount_its_currency_would_round(runner: CliRunner, mini_playbook_path: Path,
                                                         services: Any, dry_run: list[str]) -> None:
    odoo = YenOdoo()
    services(odoo=lambda settings: odoo)
    result = runner.invoke(cli, [*_args("odoo provision", mini_playbook_path, **{"--contract-amount": "1001"}),
                                 *dry_run])
    assert result.exit_code == 2, result.output
    assert "error: Odoo keeps JPY amounts in steps of 1: the payment milestone 'on_signing' 300.30 would be stored " \
           "as 300" in " ".join(result.stderr.split())
    assert "project.project" not in odoo.records  # nothing written

    whole = runner.invoke(cli, _args("odoo provision", mini_playbook_path, **{"--contract-amount": "1000"}))
    assert whole.exit_code == 0, whole.output
    assert sorted(r["amount"] for r in odoo.records["erp.payment.milestone"].values()) == ["300.00", "700.00"]
