"""`playbook register import`: task tags and Jira labels become the addon's register records, once each; the weekly
report then reads the records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from tests.jira_contract import contract_responses, needs_spec
from tests.reports.fake_odoo import FakeOdoo, acme_records

IMPORT = ["register", "import", "--project", "acme_erp"]
WEEKLY = ["report", "weekly", "--project", "acme_erp", "--week", "2026-W48", "--as-of", "2026-11-27", "--json"]


class RegisterOdoo(FakeOdoo):
    """The Acme data set on an addon that keeps the register as records: the playbook's kinds and dispositions are
    loaded (from the connector's own playbook, as `playbook odoo install` does), and ``create`` works."""

    def __init__(self) -> None:
        records = acme_records()
        records["ir.model"].append({"id": 2, "model": "erp.register.item"})
        register = load_playbook(DEFAULT_PLAYBOOK).issue_register
        options = [("kind", k.key) for k in register.kinds] + [("disposition", d.key) for d in register.dispositions]
        records["erp.playbook.register.option"] = [
            {"id": i, "playbook_id": [1, "ERP standard"], "option_type": t, "key": k}
            for i, (t, k) in enumerate(options, start=1)]
        records["erp.register.item"] = []
        super().__init__(records)

    def _create(self, model: str, vals: Any) -> Any:
        if model != "erp.register.item":
            return super()._create(model, vals)
        options = {o["id"]: o["key"] for o in self.tables["erp.playbook.register.option"].values()}
        ids = []
        for values in vals:
            assert not {k for k in values if k.startswith("_")}, "bookkeeping keys must not reach Odoo"
            if values["state"] == "closed" and values.get("outcome") == "unmet":  # the addon's lesson-27 rule
                assert values.get("disposition_id") and values.get("disposition_reason"), values
            ids.append(self.insert(model, **{
                "user_id": False, **values,
                "kind": options[values["kind_id"]],
                "disposition": options.get(values.get("disposition_id"), False),
                "phase_id": [values["phase_id"], "phase"] if values.get("phase_id") else False,
                "date_raised": values.get("date_raised", "2026-12-07"),
            }))
        return ids


@pytest.fixture
def odoo(services: Any) -> RegisterOdoo:
    fake = RegisterOdoo()
    services(odoo=lambda settings: fake)
    return fake


def _json(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_tags_become_records_once(runner: CliRunner, odoo: RegisterOdoo) -> None:
    first = _json(runner.invoke(cli, [*IMPORT, "--from", "odoo", "--json"]))
    assert (first["created"], first["already_there"], first["skipped"]) == (6, 0, [])
    items = {row["name"]: row for row in odoo.records["erp.register.item"]}
    assert len(items) == 6 and all(row["source_ref"].startswith("odoo-task:") for row in items.values())
    assert all(row["task_id"] == int(row["source_ref"].split(":")[1]) for row in items.values())
    batch = items["Batch costing by lot"]  # tags "requirement" + "workaround", open
    assert (batch["kind"], batch["disposition"], batch["state"]) == ("requirement", "workaround", "in_progress")
    crash = items["Report export crashes"]  # an issue, done
    assert (crash["kind"], crash["state"]) == ("issue", "closed")
    edi = items["EDI with a customer"]  # a requirement closed as explain_not_possible: unmet, with its reason
    assert (edi["outcome"], edi["disposition"]) == ("unmet", "explain_not_possible")
    assert "the reason was not recorded there" in edi["disposition_reason"]
    assert odoo.calls["erp.register.item.create"] == 1  # one batch

    again = _json(runner.invoke(cli, [*IMPORT, "--from", "odoo", "--json"]))
    assert (again["created"], again["already_there"], again["to_create"]) == (0, 6, [])
    assert len(odoo.records["erp.register.item"]) == 6 and odoo.calls["erp.register.item.create"] == 1


def test_dry_run_writes_nothing_and_says_what_it_would_do(runner: CliRunner, odoo: RegisterOdoo) -> None:
    data = _json(runner.invoke(cli, [*IMPORT, "--from", "odoo", "--dry-run", "--json"]))
    assert data["dry_run"] is True and data["created"] == 0
    assert sorted(i["name"] for i in data["to_create"]) == sorted(
        ["Batch costing by lot", "Custom label print", "Intercompany auto-posting", "Report export crashes",
         "Slow MRP run", "EDI with a customer"])
    assert odoo.records["erp.register.item"] == [] and odoo.calls["erp.register.item.create"] == 0
    text = runner.invoke(cli, [*IMPORT, "--from", "odoo", "--dry-run", "--lang", "zh_TW"])
    assert text.exit_code == 0, text.output
    assert "將建立 6 項" in text.stdout and "試算" in text.stdout and odoo.records["erp.register.item"] == []


def test_an_option_the_odoo_playbook_lacks_is_skipped_with_the_reason(runner: CliRunner, odoo: RegisterOdoo) -> None:
    options = odoo.tables["erp.playbook.register.option"]
    for rid in [rid for rid, o in options.items() if o["key"] == "explain_not_possible"]:
        del options[rid]
    data = _json(runner.invoke(cli, [*IMPORT, "--from", "odoo", "--json"]))
    assert data["created"] == 5
    assert data["skipped"] == [{"source": data["skipped"][0]["source"], "name": "EDI with a customer",
                                "reason": "the project's playbook in Odoo has no disposition 'explain_not_possible'"}]


def test_an_addon_without_register_records_is_refused_clearly(runner: CliRunner, services: Any) -> None:
    plain = FakeOdoo(acme_records())  # the addon before 18.0.1.4.0
    services(odoo=lambda settings: plain)
    result = runner.invoke(cli, [*IMPORT, "--from", "odoo"])
    assert result.exit_code != 0
    assert "keeps no register records" in result.output and "playbook odoo install --upgrade" in result.output
    assert "Traceback" not in result.output


def test_from_jira_without_a_jira_key_names_this_commands_options(runner: CliRunner, odoo: RegisterOdoo) -> None:
    result = runner.invoke(cli, [*IMPORT, "--from", "jira"])
    assert result.exit_code == 2
    assert "--from jira needs a project with a jira_key" in result.output and "--from odoo" in result.output
    assert odoo.calls["erp.register.item.create"] == 0


def test_the_weekly_report_reads_the_records_once_there(runner: CliRunner, odoo: RegisterOdoo) -> None:
    before = _json(runner.invoke(cli, WEEKLY))
    assert before["register_source"] == "odoo"  # nothing imported yet: the tags
    _json(runner.invoke(cli, [*IMPORT, "--from", "odoo", "--json"]))
    for task in odoo.records["project.task"]:  # untagged: only the records can give the same register now
        task["tag_ids"] = []
    after = _json(runner.invoke(cli, WEEKLY))
    assert after["register_source"] == "odoo:register"
    assert after["register_rows"] == before["register_rows"]


def _jira_config(tmp_path: Path) -> Path:
    config = tmp_path / "jira.toml"
    config.write_text(f'[sync]\nstate = "{tmp_path / "no-state.sqlite"}"\n'
                      '[jira]\nurl = "https://jira.example.test"\nuser = "pm@example.com"\ntoken = "t0ken-value"\n'
                      '[[projects]]\ncode = "acme_erp"\nodoo_project = "Acme ERP"\njira_key = "ACME"\n')
    return config


@needs_spec
def test_jira_issues_become_records_once_and_keep_the_register(runner: CliRunner, odoo: RegisterOdoo,
                                                               services: Any, tmp_path: Path) -> None:
    import requests

    from connector.jira.adapter import JiraAdapter
    from tests.reports.fake_jira import EXPECTED_COUNTS, FakeJiraSearch

    adapter = JiraAdapter(requests.Session(), "https://jira.example.test", sleep=lambda _: None)
    services(jira=lambda settings: adapter)
    config = ["--config", str(_jira_config(tmp_path))]
    with contract_responses() as rsps:  # every request checked against Atlassian's contract
        FakeJiraSearch().install(rsps)
        first = _json(runner.invoke(cli, [*config, *IMPORT, "--json"]))  # auto: the project has a Jira key
        again = _json(runner.invoke(cli, [*config, *IMPORT, "--from", "jira", "--json"]))
    assert first["source"] == "jira:ACME" and first["created"] == 104 and first["skipped"] == []
    assert (again["created"], again["already_there"]) == (0, 104)
    refs = [row["source_ref"] for row in odoo.records["erp.register.item"]]
    assert len(refs) == len(set(refs)) == 104 and all(r.startswith("jira:ACME-") for r in refs)
    assert odoo.calls["erp.register.item.create"] == 2  # batches of 100

    report = _json(runner.invoke(cli, [*config, *WEEKLY, "--register", "odoo"]))
    assert report["register_source"] == "odoo:register"
    assert {r["disposition"]: (r["open"], r["total"]) for r in report["register_rows"]} == EXPECTED_COUNTS
