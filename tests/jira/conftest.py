"""Fixtures for the Jira tests: a contract-checked fake Jira and an adapter that never sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import responses
from click.testing import CliRunner
from pydantic import SecretStr

from connector.jira.adapter import JiraAdapter
from connector.plan import ProjectPlan, build_plan
from connector.playbook.loader import load_playbook
from connector.settings import JiraSettings
from tests.jira.fake import BASE_URL, FakeJira
from tests.jira_contract import SKIP_REASON, contract_responses, spec_path

TOKEN = "s3cr3t-api-token-value"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every Jira test checks its requests against the published contract: without the spec they cannot run.
    if spec_path() is None:
        for item in items:
            if "tests/jira/" in str(item.fspath).replace("\\", "/"):
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture
def jira_settings() -> JiraSettings:
    return JiraSettings(url=BASE_URL, user="consultant@example.com", token=SecretStr(TOKEN))


@pytest.fixture
def env(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI runner with a Cloud site's settings in the environment (the fake answers on BASE_URL)."""
    monkeypatch.setenv("PLAYBOOK_JIRA_URL", BASE_URL)
    monkeypatch.setenv("PLAYBOOK_JIRA_USER", "consultant@example.com")
    monkeypatch.setenv("PLAYBOOK_JIRA_TOKEN", TOKEN)
    return runner


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def adapter(jira_settings: JiraSettings, sleeps: list[float]) -> JiraAdapter:
    return JiraAdapter.from_settings(jira_settings, sleep=sleeps.append)


@pytest.fixture
def contract() -> Iterator[responses.RequestsMock]:
    with contract_responses() as rsps:
        yield rsps


@pytest.fixture
def fake(contract: responses.RequestsMock) -> FakeJira:
    return FakeJira().install(contract)


@pytest.fixture
def mini_plan(mini_playbook_path) -> ProjectPlan:  # type: ignore[no-untyped-def]
    return build_plan(load_playbook(mini_playbook_path), size="medium", industry=None, man_days=Decimal(40),
                      contract_amount=Decimal(100000), project_name="Acme ERP", code="acme")


@pytest.fixture
def standard_plan() -> ProjectPlan:
    return build_plan(load_playbook("erp_standard"), size="large", industry="distribution", man_days=Decimal(400),
                      contract_amount=Decimal(2000000), project_name="Acme ERP", code="acme")
