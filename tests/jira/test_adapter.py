"""The adapter's behaviour on a bad day: rate limits, server errors, refused credentials and permissions."""

from __future__ import annotations

import itertools

import pytest
import requests
import responses
from pydantic import SecretStr

from connector.errors import ConfigError, ConnectorError
from connector.jira.adapter import JiraAdapter
from connector.settings import JiraSettings
from tests.jira.conftest import TOKEN
from tests.jira.fake import BASE_URL, FakeJira
from tests.jira_contract import ContractViolation, contract_responses, validate_request

MYSELF = f"{BASE_URL}/rest/api/3/myself"


def test_429_waits_as_long_as_retry_after_says_then_succeeds(adapter: JiraAdapter, contract: responses.RequestsMock,
                                                             sleeps: list[float]) -> None:
    contract.get(MYSELF, status=429, headers={"Retry-After": "7"})
    contract.get(MYSELF, json={"accountId": "abc"})

    assert adapter.request("GET", "/rest/api/3/myself") == {"accountId": "abc"}
    assert sleeps == [7.0]
    assert adapter.request_count == 2


def test_5xx_backs_off_exponentially_then_names_the_endpoint(adapter: JiraAdapter, contract: responses.RequestsMock,
                                                             sleeps: list[float]) -> None:
    contract.get(MYSELF, status=503)
    with pytest.raises(ConnectorError) as err:
        adapter.request("GET", "/rest/api/3/myself")
    assert len(sleeps) == adapter.max_retries
    assert all(later > earlier for earlier, later in itertools.pairwise(sleeps))
    assert "GET /rest/api/3/myself" in err.value.message and "503" in err.value.message
    assert "run again" in (err.value.hint or "")


def test_a_create_that_failed_with_5xx_is_not_sent_twice(adapter: JiraAdapter, contract: responses.RequestsMock,
                                                         sleeps: list[float]) -> None:
    # Jira may have created the issues before failing: a blind retry would duplicate them.
    contract.post(f"{BASE_URL}/rest/api/3/issue", status=502)
    with pytest.raises(ConnectorError, match="502"):
        adapter.request("POST", "/rest/api/3/issue", json={"fields": {"summary": "x", "project": {"key": "ERP"},
                                                                       "issuetype": {"name": "Task"}}})
    assert adapter.request_count == 1 and sleeps == []


def test_a_create_that_timed_out_reading_the_answer_says_re_run(adapter: JiraAdapter,
                                                                 contract: responses.RequestsMock,
                                                                 sleeps: list[float]) -> None:
    contract.post(f"{BASE_URL}/rest/api/3/issue", body=requests.ReadTimeout("slow"))
    with pytest.raises(ConnectorError, match="may or may not have been applied") as err:
        adapter.request("POST", "/rest/api/3/issue", json={"fields": {"summary": "x", "project": {"key": "ERP"},
                                                                       "issuetype": {"name": "Task"}}})
    assert "again" in (err.value.hint or "") and sleeps == []


def test_a_read_only_post_is_retried_after_5xx(adapter: JiraAdapter, contract: responses.RequestsMock,
                                               sleeps: list[float]) -> None:
    url = f"{BASE_URL}/rest/api/3/search/jql"
    contract.post(url, status=503)
    contract.post(url, json={"issues": []})
    assert adapter.request("POST", "/rest/api/3/search/jql", json={"jql": "project = ERP"}) == {"issues": []}
    assert len(sleeps) == 1


def test_timeouts_are_retried_then_reported(adapter: JiraAdapter, contract: responses.RequestsMock,
                                            sleeps: list[float]) -> None:
    contract.get(MYSELF, body=requests.ConnectTimeout("slow"))
    with pytest.raises(ConnectorError, match="did not answer"):
        adapter.request("GET", "/rest/api/3/myself")
    assert len(sleeps) == adapter.max_retries


def test_401_is_a_credentials_error_without_the_token(adapter: JiraAdapter, contract: responses.RequestsMock,
                                                      sleeps: list[float]) -> None:
    contract.get(MYSELF, status=401, json={"errorMessages": [f"bad token {TOKEN}"]})
    with pytest.raises(ConnectorError) as err:
        adapter.request("GET", "/rest/api/3/myself")
    assert "401" in err.value.message and "PLAYBOOK_JIRA_TOKEN" in (err.value.hint or "")
    assert TOKEN not in str(err.value)
    assert sleeps == []  # credentials do not get better by retrying


def test_403_says_which_command_finds_the_missing_permission(adapter: JiraAdapter,
                                                             contract: responses.RequestsMock) -> None:
    contract.post(f"{BASE_URL}/rest/api/3/issuetype", status=403,
                  json={"errorMessages": ["You are not authorized to perform this operation."]})
    with pytest.raises(ConnectorError) as err:
        adapter.request("POST", "/rest/api/3/issuetype", json={"name": "Sign-off"})
    assert "permission" in err.value.message and "not authorized" in err.value.message
    assert "playbook jira doctor" in (err.value.hint or "")


def test_cloud_uses_basic_auth_and_data_center_a_bearer_token(contract: responses.RequestsMock) -> None:
    contract.get(MYSELF, json={})
    contract.get(f"{BASE_URL}/rest/api/2/myself", json={})
    cloud = JiraAdapter.from_settings(JiraSettings(url=BASE_URL, user="me@example.com", token=SecretStr(TOKEN)))
    server = JiraAdapter.from_settings(JiraSettings(url=BASE_URL, token=SecretStr(TOKEN), deployment="server"))
    cloud.request("GET", cloud.api("myself"))
    server.request("GET", server.api("myself"))
    first, second = (c.request for c in contract.calls)
    assert first.headers["Authorization"].startswith("Basic ")
    assert second.headers["Authorization"] == f"Bearer {TOKEN}"
    assert (cloud.api_version, server.api_version) == ("3", "2")


def test_missing_settings_say_which_variable_to_set() -> None:
    with pytest.raises(ConfigError, match="PLAYBOOK_JIRA_TOKEN"):
        JiraAdapter.from_settings(JiraSettings(url=BASE_URL, user="me@example.com"))


def test_validator_catches_an_integer_transition_id() -> None:
    """pycontribs' transition_issue sends the id as a number; the published contract wants a string."""
    session = requests.Session()
    bad = session.prepare_request(requests.Request(
        "POST", f"{BASE_URL}/rest/api/3/issue/ACME-1/transitions", json={"transition": {"id": 21}}))
    good = session.prepare_request(requests.Request(
        "POST", f"{BASE_URL}/rest/api/2/issue/ACME-1/transitions", json={"transition": {"id": "21"}}))
    problems = validate_request(bad)
    assert problems and "transition/id" in problems[0] and "string" in problems[0]
    assert validate_request(good) == []


def test_contract_responses_fails_listing_every_violation() -> None:
    with pytest.raises(ContractViolation) as err, contract_responses() as rsps:
        FakeJira().install(rsps)
        requests.get(f"{BASE_URL}/rest/api/3/search")  # removed from the API
        requests.post(f"{BASE_URL}/rest/api/3/issue/ACME-1/transitions", json={"transition": {"id": 5}})
    assert "2 contract violation(s) in 2 request(s)" in str(err.value)
    assert "/rest/api/3/search" in str(err.value)
