"""The Odoo password and the Jira token appear nowhere: not on stdout or stderr at the highest verbosity (where
odoolib dumps every RPC's arguments), not in any file the commands write.

Odoo is a real HTTP server on 127.0.0.1 (tests/odoo_rpc_server.py) so that odoolib, requests and urllib3 all log
as they do against a real one; Jira is the contract-checked fake of tests/jira or tests/sync.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
from click.testing import CliRunner, Result

from cli.main import cli
from tests.jira.fake import BASE_URL as JIRA_URL
from tests.jira.fake import FakeJira
from tests.jira_contract import needs_spec, validate_request
from tests.odoo_rpc_server import OdooRpcServer
from tests.reports.fake_odoo import FakeOdoo as ReportOdoo
from tests.reports.fake_odoo import acme_records
from tests.sync.conftest import build_world
from tests.test_odoo_provision import FakeOdoo as ProvisionOdoo

# A backslash and a non-ASCII letter: repr() and JSON spell them differently from the value itself.
ODOO_PASSWORD = "Odoo-pa\\ss-ü-7f3a9c41"
JIRA_TOKEN = "jira-tok-5b1e8d2c9a77"
JIRA_USER = "ann@example.test"
ODOO_USER = "consultant@example.test"
SIZE = ["--size", "medium", "--man-days", "40", "--contract-amount", "100000"]


def spellings(secret: str, user: str) -> list[str]:
    """Every form the secret could leak in: as is, escaped, and inside a basic-auth header."""
    return [secret, repr(secret)[1:-1], secret.encode("unicode_escape").decode(),
            base64.b64encode(f"{user}:{secret}".encode()).decode()]


@pytest.fixture
def odoo() -> Iterator[OdooRpcServer]:
    with OdooRpcServer("prod", ODOO_USER, ODOO_PASSWORD).serve() as server:
        yield server


@pytest.fixture
def rsps(odoo: OdooRpcServer) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(odoo.url)
        yield mock
        jira_calls = [c.request for c in mock.calls if (c.request.url or "").startswith(JIRA_URL)]
    violations = [v for request in jira_calls for v in validate_request(request)]
    assert not violations, violations


@pytest.fixture
def env(runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, odoo: OdooRpcServer) -> Path:
    """Secrets in the environment (as the docs recommend), the rest in a config file; returns that file."""
    monkeypatch.setenv("PLAYBOOK_ODOO_PASSWORD", ODOO_PASSWORD)
    monkeypatch.setenv("PLAYBOOK_JIRA_TOKEN", JIRA_TOKEN)
    config = tmp_path / "config.toml"
    config.write_text(f"""
[odoo]
url = "{odoo.url}"
db = "prod"
user = "{ODOO_USER}"

[jira]
url = "{JIRA_URL}"
user = "{JIRA_USER}"

[sync]
state = "{tmp_path / 'state' / 'sync.sqlite'}"

[[projects]]
code = "acme"
odoo_project = "ACME ERP"
jira_key = "ACME"

[[projects]]
code = "acme_erp"
odoo_project = "ACME ERP implementation"
""", encoding="utf-8")
    return config


def invoke(runner: CliRunner, config: Path, *args: str) -> Result:
    # -vvv: every library's debug log, the level at which odoolib prints each RPC's arguments.
    return runner.invoke(cli, ["-vvv", "--config", str(config), *args], catch_exceptions=False)


def assert_no_secret(result: Result, tmp_path: Path, caplog: pytest.LogCaptureFixture, odoo: bool = True) -> None:
    if odoo:  # odoolib did log, at debug level, the RPC arguments that carry the password (masked)
        assert "DEBUG odoolib.rpc.service.object: args: ('prod', 2, '***'," in result.stderr, result.stderr[-2000:]
    texts = {"stdout": result.stdout, "stderr": result.stderr, "log records": caplog.text}
    for path in tmp_path.rglob("*"):
        if path.is_file():
            texts[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    for name, text in texts.items():
        for secret in spellings(ODOO_PASSWORD, ODOO_USER) + spellings(JIRA_TOKEN, JIRA_USER):
            assert secret not in text, f"a secret ({secret[:4]}...) leaked into {name}"


@pytest.fixture(autouse=True)
def _capture_all_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def test_odoo_doctor(env: Path, runner: CliRunner, odoo: OdooRpcServer, rsps: Any, tmp_path: Path,
                     caplog: pytest.LogCaptureFixture) -> None:
    result = invoke(runner, env, "odoo", "doctor", "--json")
    assert '"logged in as' in result.stdout, result.output  # the password was sent and accepted
    assert "DEBUG odoolib.rpc.service.common: args: ('prod', 'consultant@example.test', '***')" in result.stderr
    assert_no_secret(result, tmp_path, caplog)


def test_odoo_provision(env: Path, runner: CliRunner, odoo: OdooRpcServer, rsps: Any, tmp_path: Path,
                        caplog: pytest.LogCaptureFixture, mini_playbook_path: Path) -> None:
    odoo.backend = ProvisionOdoo()
    result = invoke(runner, env, "odoo", "provision", "--project", "acme", "--name", "ACME ERP",
                    "--playbook", str(mini_playbook_path), *SIZE)
    assert result.exit_code == 0, result.output
    assert odoo.backend.records["project.project"]
    assert_no_secret(result, tmp_path, caplog)


@needs_spec
def test_jira_doctor_and_provision(env: Path, runner: CliRunner, rsps: responses.RequestsMock, tmp_path: Path,
                                   caplog: pytest.LogCaptureFixture, mini_playbook_path: Path) -> None:
    fake = FakeJira().install(rsps)
    doctor = invoke(runner, env, "jira", "doctor", "--project", "ACME")
    assert doctor.exit_code == 0, doctor.output
    provision = invoke(runner, env, "jira", "provision", "--project", "acme", "--jira-key", "ACME",
                       "--playbook", str(mini_playbook_path), *SIZE)
    assert provision.exit_code == 0, provision.output
    assert fake.issues
    for result in (doctor, provision):
        assert_no_secret(result, tmp_path, caplog, odoo=False)


@needs_spec
def test_sync(env: Path, runner: CliRunner, odoo: OdooRpcServer, rsps: responses.RequestsMock, tmp_path: Path,
              caplog: pytest.LogCaptureFixture) -> None:
    world = build_world(rsps, tmp_path)
    odoo.backend = world.odoo
    world.jira.log(world.issues["analysis"], 4 * 3600)
    result = invoke(runner, env, "sync", "--project", "acme")
    assert result.exit_code == 0, result.output
    assert world.odoo.lines() and (tmp_path / "state" / "sync.sqlite").exists()
    assert_no_secret(result, tmp_path, caplog)


def test_weekly_report(env: Path, runner: CliRunner, odoo: OdooRpcServer, rsps: Any, tmp_path: Path,
                       caplog: pytest.LogCaptureFixture) -> None:
    odoo.backend = ReportOdoo(acme_records())
    out = tmp_path / "reports" / "weekly.md"
    result = invoke(runner, env, "report", "weekly", "--project", "acme_erp", "--week", "2026-W48",
                    "--as-of", "2026-11-27", "--register", "odoo", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Weekly executive status report" in out.read_text(encoding="utf-8")
    assert_no_secret(result, tmp_path, caplog)
