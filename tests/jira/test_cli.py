"""`playbook jira doctor` and `playbook jira provision` as a user runs them."""

from __future__ import annotations

import json

import pytest
import responses
from click.testing import CliRunner

from cli.main import cli
from tests.jira.conftest import TOKEN
from tests.jira.fake import BASE_URL, FakeJira

SIZE = ["--size", "medium", "--man-days", "40", "--contract-amount", "100000"]




def test_dry_run_sends_no_request_and_lists_every_issue(runner: CliRunner, mini_playbook_path) -> None:  # type: ignore[no-untyped-def]
    with responses.RequestsMock() as rsps:  # any request would fail: nothing is registered
        result = runner.invoke(cli, ["jira", "provision", "--project", "ACME", "--playbook", str(mini_playbook_path),
                                     *SIZE, "--dry-run", "--json"])
        assert len(rsps.calls) == 0
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["dry_run"] is True
    kinds = {i["key"]: i["kind"] for i in data["issues"]}
    assert kinds["kickoff"] == "phase" and kinds["requirements_signed"] == "gate"
    assert "steering_set_up" not in kinds  # large-only item, medium project
    assert data["issues"][0]["property"] == {"playbook": "mini", "version": "0.1.0", "project": "acme",
                                             "key": "kickoff", "kind": "phase"}


def test_provision_then_rerun_reports_nothing_to_do(env: CliRunner, fake: FakeJira, mini_playbook_path) -> None:  # type: ignore[no-untyped-def]
    args = ["jira", "provision", "--project", "ACME", "--playbook", str(mini_playbook_path), *SIZE]
    first = env.invoke(cli, [*args, "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["created_total"] == len(fake.issues) > 0

    second = env.invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "nothing to do" in second.output


def test_provision_without_a_token_says_what_to_set(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_JIRA_URL", BASE_URL)
    result = runner.invoke(cli, ["jira", "provision", "--project", "ACME", *SIZE])
    assert result.exit_code != 0
    assert "PLAYBOOK_JIRA_TOKEN" in result.output


def test_bad_project_key_is_refused_before_anything_else(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["jira", "provision", "--project", "acme-1", *SIZE, "--dry-run"])
    assert result.exit_code != 0 and "not a Jira project key" in result.output


def test_doctor_all_good_on_a_fresh_site(env: CliRunner, fake: FakeJira) -> None:
    result = env.invoke(cli, ["jira", "doctor", "--project", "ACME", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] is True
    detail = {c["name"]: c["detail"] for c in data["checks"]}
    assert "Cloud" in detail["deployment"]
    assert "Sign-off" in detail["issue types"] and "will create" in detail["issue types"]
    assert "does not exist yet" in detail["project"]


def test_doctor_names_a_missing_permission_and_exits_non_zero(env: CliRunner, fake: FakeJira) -> None:
    fake.permissions.discard("ADMINISTER")
    result = env.invoke(cli, ["jira", "doctor", "--project", "ACME"])
    assert result.exit_code == 2
    problems = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert len(problems) == 1
    assert "ADMINISTER" in problems[0] and "create issue types" in problems[0]


def test_doctor_warns_when_the_sync_could_not_move_sign_offs(env: CliRunner, fake: FakeJira) -> None:
    fake.permissions.discard("TRANSITION_ISSUES")
    result = env.invoke(cli, ["jira", "doctor", "--project", "ACME", "--json"])
    assert result.exit_code == 1, result.output  # provisioning works; the nightly sync would not move gates
    check = next(c for c in json.loads(result.output)["checks"] if c["name"] == "permission TRANSITION_ISSUES")
    assert check["status"] == "warn" and "sign-off" in check["detail"]


def test_doctor_does_not_need_admin_once_everything_exists(env: CliRunner, fake: FakeJira) -> None:
    assert env.invoke(cli, ["jira", "provision", "--project", "ACME", *SIZE, "--json"]).exit_code == 0
    fake.permissions.discard("ADMINISTER")
    result = env.invoke(cli, ["jira", "doctor", "--project", "ACME", "--json"])
    assert result.exit_code == 0, result.output
    detail = {c["name"]: c["detail"] for c in json.loads(result.output)["checks"]}
    assert "provisioned from erp_standard 1.0.0" in detail["project"]
    assert "not needed" in detail["permission ADMINISTER"]


def test_doctor_flags_a_deployment_mismatch(env: CliRunner, contract: responses.RequestsMock) -> None:
    FakeJira(deployment="DataCenter").install(contract)
    result = env.invoke(cli, ["jira", "doctor"])
    assert result.exit_code == 2
    assert "PLAYBOOK_JIRA_DEPLOYMENT=server" in result.output


def test_doctor_reports_rejected_credentials_in_one_line(env: CliRunner, contract: responses.RequestsMock) -> None:
    contract.get(f"{BASE_URL}/rest/api/3/myself", status=401)
    result = env.invoke(cli, ["jira", "doctor"])
    assert result.exit_code == 2
    assert "401" in result.output and TOKEN not in result.output
