"""Both clients on a bad wire: what is retried, what never is, and the one line a user reads (``responses``).

Jira requests are checked against Atlassian's contract; Odoo answers are Odoo 18's JSON-RPC.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses
import urllib3

from connector.errors import ConnectorError
from connector.jira.adapter import JiraAdapter
from connector.odoo.client import OdooClient
from connector.sync.jira_side import JiraSide
from connector.transport import WAIT_BUDGET, BadAnswer, transport_kind
from tests.jira_contract import contract_responses, needs_spec

JIRA = "https://jira.example.test"
ODOO = "https://erp.example.com"
LOGIN_PAGE = "<html><head><title>Sign in</title></head><body>SSO</body></html>"


def _cut() -> requests.exceptions.ChunkedEncodingError:
    inner = urllib3.exceptions.ProtocolError("Connection broken: IncompleteRead(10 bytes read, 90 more expected)",
                                             urllib3.exceptions.IncompleteRead(10, 90))
    return requests.exceptions.ChunkedEncodingError(inner)


def _refused() -> requests.exceptions.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(None, "[Errno 111] Connection refused")  # type: ignore[arg-type]
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", reason))  # type: ignore[arg-type]


@pytest.mark.parametrize(("exc", "kind"), [
    (_refused(), "refused"),
    (requests.exceptions.ConnectTimeout("slow"), "not_sent"),
    (requests.exceptions.SSLError("bad cert"), "tls"),
    (_cut(), "cut"),
    (requests.exceptions.ContentDecodingError("gzip"), "cut"),
    (requests.exceptions.ConnectionError(ConnectionResetError(104, "reset")), "cut"),
    (requests.exceptions.ReadTimeout("read"), "cut"),
    (requests.exceptions.InvalidURL("port"), "invalid"),
])
def test_every_transport_error_is_classified(exc: BaseException, kind: str) -> None:
    assert transport_kind(exc) == kind


# ------------------------------------------------------------------------------------------------- Jira
@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def jira(sleeps: list[float]) -> JiraAdapter:
    session = requests.Session()
    session.auth = ("ann@example.test", "token")
    return JiraAdapter(session, JIRA, sleep=sleeps.append, max_retries=3)


@pytest.fixture
def contract() -> Iterator[responses.RequestsMock]:
    with contract_responses() as mock:
        yield mock


UPDATED = f"{JIRA}/rest/api/3/worklog/updated"
LIST = f"{JIRA}/rest/api/3/worklog/list"
ISSUE = {"fields": {"project": {"key": "ERP"}, "summary": "Kick-off", "issuetype": {"name": "Task"}}}


@needs_spec
def test_a_read_cut_mid_body_is_asked_again(jira: JiraAdapter, contract: responses.RequestsMock,
                                            sleeps: list[float], caplog: pytest.LogCaptureFixture) -> None:
    contract.get(UPDATED, body=_cut())
    contract.get(UPDATED, json={"values": [], "since": 0, "until": 0, "lastPage": True})
    with caplog.at_level(logging.WARNING):
        assert jira.request("GET", "/rest/api/3/worklog/updated", params={"since": 0})["lastPage"] is True
    assert len(sleeps) == 1
    assert "the answer was cut off in the middle of its body; waiting" in caplog.text  # said without -v


@needs_spec
def test_a_create_cut_after_sending_is_never_sent_again(jira: JiraAdapter, contract: responses.RequestsMock,
                                                        sleeps: list[float]) -> None:
    contract.post(f"{JIRA}/rest/api/3/issue", body=_cut())
    with pytest.raises(ConnectorError) as err:
        jira.request("POST", "/rest/api/3/issue", json=ISSUE)
    assert "may or may not have been applied" in err.value.message and JIRA in err.value.message
    assert len(contract.calls) == 1 and sleeps == []


@needs_spec
def test_a_refused_connection_fails_at_once(jira: JiraAdapter, contract: responses.RequestsMock,
                                            sleeps: list[float]) -> None:
    contract.get(UPDATED, body=_refused())
    with pytest.raises(ConnectorError, match="cannot reach Jira: connection refused") as err:
        jira.request("GET", "/rest/api/3/worklog/updated", params={"since": 0})
    assert "PLAYBOOK_JIRA_URL" in (err.value.hint or "") and sleeps == [] and len(contract.calls) == 1


@needs_spec
@pytest.mark.parametrize(("body", "said", "asked"), [
    ("", "HTTP 200 with an empty body (4 attempts)", 4),
    ('{"values": [{"worklogId": 1', "HTTP 200 with JSON cut short after 27 bytes (4 attempts)", 4),
    (LOGIN_PAGE, 'HTTP 200 with an HTML page "Sign in" instead of JSON', 1),
])
def test_a_read_answered_without_json_is_an_error_never_an_empty_result(
        jira: JiraAdapter, contract: responses.RequestsMock, body: str, said: str, asked: int) -> None:
    contract.post(LIST, body=body)
    with pytest.raises(ConnectorError) as err:
        jira.request("POST", "/rest/api/3/worklog/list", json={"ids": [1]})
    assert said in err.value.message and "POST /rest/api/3/worklog/list on https://jira" in err.value.message
    assert len(contract.calls) == asked  # a login page does not go away by asking again


@needs_spec
def test_writes_answered_without_a_body_are_fine(jira: JiraAdapter, contract: responses.RequestsMock) -> None:
    contract.put(f"{JIRA}/rest/api/3/issue/10001", status=204)
    contract.put(f"{JIRA}/rest/api/3/issue/10002", status=200, body="")
    assert jira.request("PUT", "/rest/api/3/issue/10001", json={"fields": {}}) is None
    assert jira.request("PUT", "/rest/api/3/issue/10002", json={"fields": {}}) is None


@needs_spec
def test_no_request_waits_more_than_the_budget(jira: JiraAdapter, contract: responses.RequestsMock,
                                               sleeps: list[float]) -> None:
    jira.max_retries = 10
    for _ in range(11):
        contract.get(UPDATED, status=429, headers={"Retry-After": "120"})
    with pytest.raises(ConnectorError, match="429"):
        jira.request("GET", "/rest/api/3/worklog/updated", params={"since": 0})
    assert sleeps == [120.0, 120.0] and sum(sleeps) <= WAIT_BUDGET  # a third wait would pass 300 s


@needs_spec
def test_a_retry_after_beyond_the_budget_ends_the_request_at_once(jira: JiraAdapter, contract: responses.RequestsMock,
                                                                  sleeps: list[float]) -> None:
    contract.get(UPDATED, status=429, headers={"Retry-After": "3600"})
    with pytest.raises(ConnectorError, match=r"asks to wait 3600 s \(Retry-After\), more than the 300 s"):
        jira.request("GET", "/rest/api/3/worklog/updated", params={"since": 0})
    assert sleeps == []


# --------------------------------------------------------------------------------- Jira answers' shape
@needs_spec
@pytest.mark.parametrize("answer", [{}, [], {"values": None, "lastPage": True}, {"values": [{"id": 1}],
                                                                                   "lastPage": True}])
def test_a_worklog_feed_page_of_the_wrong_shape_is_an_error(jira: JiraAdapter, contract: responses.RequestsMock,
                                                            answer: Any) -> None:
    contract.get(UPDATED, json=answer)
    with pytest.raises(ConnectorError, match="Jira answered JSON that is not a page of the worklog feed"):
        list(JiraSide(jira).changed_pages("updated", 0))


def _worklog(wid: int) -> dict[str, Any]:
    return {"id": str(wid), "issueId": "10001", "timeSpentSeconds": 60, "started": "2025-06-02T09:00:00.000+0000"}


@needs_spec
def test_a_short_worklog_list_is_asked_again_for_the_missing_ones(jira: JiraAdapter,
                                                                  contract: responses.RequestsMock) -> None:
    contract.post(LIST, json=[_worklog(1), _worklog(3)])
    contract.post(LIST, json=[_worklog(2)])
    assert [w["id"] for w in JiraSide(jira).worklogs([1, 2, 3])] == ["1", "2", "3"]
    assert json.loads(contract.calls[1].request.body or b"{}") == {"ids": [2]}


@needs_spec
def test_a_worklog_list_still_short_fails_the_page(jira: JiraAdapter, contract: responses.RequestsMock) -> None:
    contract.post(LIST, json=[_worklog(1)])
    contract.post(LIST, json=[])
    with pytest.raises(ConnectorError, match=r"returned 1 of the 3 worklogs the feed named, twice \(missing: 2, 3\)"):
        JiraSide(jira).worklogs([1, 2, 3])


@needs_spec
def test_an_issue_search_without_its_issues_is_an_error(jira: JiraAdapter, contract: responses.RequestsMock) -> None:
    contract.post(f"{JIRA}/rest/api/3/search/jql", json={"isLast": True})
    with pytest.raises(ConnectorError, match="not a page of issues"):
        JiraSide(jira).issues_by_id(["10001"])


# ------------------------------------------------------------------------------------------------- Odoo
VERSION = {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""], "protocol_version": 1}


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


def _result(value: Any) -> dict[str, Any]:
    return {"json": {"jsonrpc": "2.0", "id": 1, "result": value}}


@pytest.fixture
def odoo(rsps: responses.RequestsMock, sleeps: list[float]) -> OdooClient:
    rsps.post(f"{ODOO}/web/webclient/version_info", **_result(VERSION))
    rsps.post(f"{ODOO}/jsonrpc", **_result(2))
    client = OdooClient(ODOO, "prod", "sync", "secret").connect()
    client._http.sleep = sleeps.append
    return client


def test_an_odoo_read_cut_mid_body_is_asked_again(odoo: OdooClient, rsps: responses.RequestsMock,
                                                  sleeps: list[float]) -> None:
    rsps.post(f"{ODOO}/jsonrpc", body=_cut())
    rsps.post(f"{ODOO}/jsonrpc", status=502, body="<html>Bad Gateway</html>")
    rsps.post(f"{ODOO}/jsonrpc", body="")
    rsps.post(f"{ODOO}/jsonrpc", **_result([{"id": 1}]))
    assert odoo.search_read("account.analytic.line", [], ["id"]) == [{"id": 1}]
    assert len(sleeps) == 3


@pytest.mark.parametrize(("fault", "said"), [
    ({"body": _cut()}, "the answer was cut off in the middle of its body; the change may or may not have been applied"),
    ({"body": ""}, "Odoo answered HTTP 200 with an empty body"),
    ({"body": LOGIN_PAGE}, 'Odoo answered HTTP 200 with an HTML page "Sign in" instead of JSON'),
    ({"status": 502, "body": "<html>Bad Gateway</html>"}, "answered HTTP 502 Bad Gateway"),
])
def test_an_odoo_create_is_never_sent_twice(odoo: OdooClient, rsps: responses.RequestsMock, sleeps: list[float],
                                            fault: dict[str, Any], said: str) -> None:
    rsps.post(f"{ODOO}/jsonrpc", **fault)
    with pytest.raises(ConnectorError) as err:
        odoo.create("account.analytic.line", [{"name": "x"}])
    assert said in err.value.message and ODOO in err.value.message and "account.analytic.line.create" in str(err.value)
    assert len(rsps.calls) == 3 and sleeps == []  # version, login, the one create
    assert "secret" not in str(err.value)


def test_an_odoo_read_cut_on_every_attempt_gives_up_with_one_line(odoo: OdooClient, rsps: responses.RequestsMock,
                                                                  sleeps: list[float]) -> None:
    for _ in range(4):
        rsps.post(f"{ODOO}/jsonrpc", body=requests.exceptions.ConnectionError(ConnectionResetError(104, "reset")))
    with pytest.raises(ConnectorError, match=r"Odoo did not answer after 4 attempts \(the connection was reset\)"):
        odoo.search_read("account.analytic.line", [], ["id"])
    assert len(sleeps) == 3


def test_a_bad_answer_is_not_a_value() -> None:
    from connector.transport import read_json

    response = requests.Response()
    response.status_code, response._content = 200, b"   "
    with pytest.raises(BadAnswer, match="empty body"):
        read_json(response)


def test_an_odoo_search_read_answered_with_null_is_not_no_records(odoo: OdooClient,
                                                                  rsps: responses.RequestsMock) -> None:
    rsps.post(f"{ODOO}/jsonrpc", **_result(None))
    with pytest.raises(ConnectorError, match=r"line\.search_read with NoneType, not a list"):
        odoo.search_read("account.analytic.line", [], ["id"])


@needs_spec
def test_a_create_answered_with_an_empty_201_may_have_been_applied(jira: JiraAdapter,
                                                                    contract: responses.RequestsMock) -> None:
    contract.post(f"{JIRA}/rest/api/3/issue", status=201, body="")
    with pytest.raises(ConnectorError, match="201 with an empty body; the change may or may not have been applied"):
        jira.request("POST", "/rest/api/3/issue", json=ISSUE)
    assert len(contract.calls) == 1
