"""The Odoo RPC client against recorded Odoo 18 JSON-RPC answers (and Odoo 19 JSON-2), mocked with `responses`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
import urllib3

from connector.errors import ConfigError, ConnectorError
from connector.odoo.client import OdooClient
from connector.odoo.errors import (
    OdooAccessError,
    OdooAuthError,
    OdooConnectionError,
    OdooDatabaseError,
    OdooServerError,
)
from connector.settings import OdooSettings

URL = "https://erp.example.com"
SECRET = "s3cret-pass"
# Shapes recorded from a real Odoo 18.0 (tests/odoo harness), debug traces shortened.
VERSION_18 = {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""], "server_serie": "18.0",
              "protocol_version": 1}
MISSING_DB = {"code": 200, "message": "Odoo Server Error", "data": {
    "name": "psycopg2.OperationalError",
    "debug": 'psycopg2.OperationalError: connection to server failed: FATAL:  database "nope" does not exist\n',
    "message": 'connection to server at "127.0.0.1", port 39827 failed: FATAL:  database "nope" does not exist\n',
    "arguments": [], "context": {}}}
USER_ERROR = {"code": 200, "message": "Odoo Server Error", "data": {
    "name": "odoo.exceptions.UserError", "debug": "...", "message": "Object erp.nope doesn't exist",
    "arguments": ["Object erp.nope doesn't exist"], "context": {}}}
ACCESS_ERROR = {"code": 200, "message": "Odoo Server Error", "data": {
    "name": "odoo.exceptions.AccessError", "debug": "...",
    "message": "You are not allowed to create 'Project' (project.project) records.", "arguments": [], "context": {}}}

Handler = Callable[[dict[str, Any]], Any]


def jsonrpc(rsps: responses.RequestsMock, handler: Handler) -> list[dict[str, Any]]:
    """Serve /jsonrpc from ``handler(params) -> {"result": ...} | {"error": ...}``; returns the requests seen."""
    seen: list[dict[str, Any]] = []

    def reply(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        params = json.loads(request.body or b"{}")["params"]
        seen.append(params)
        return 200, {}, json.dumps({"jsonrpc": "2.0", "id": 1, **handler(params)})

    def version(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        answer = handler({"service": "common", "method": "version", "args": []})
        return 200, {}, json.dumps({"jsonrpc": "2.0", "id": None, **answer})

    rsps.add_callback(responses.POST, f"{URL}/jsonrpc", callback=reply, content_type="application/json")
    # The version comes from the web client's route (what Odoo 19 wants instead of /jsonrpc).
    rsps.add_callback(responses.POST, f"{URL}/web/webclient/version_info", callback=version,
                      content_type="application/json")
    return seen


def odoo18(objects: Callable[[str, str, list[Any], dict[str, Any]], Any] | None = None,
           login: Any = 2) -> Handler:
    def handler(params: dict[str, Any]) -> Any:
        service, method, args = params["service"], params["method"], params["args"]
        if (service, method) == ("common", "version"):
            return {"result": VERSION_18}
        if (service, method) == ("common", "login"):
            return login if isinstance(login, dict) else {"result": login}
        if service == "object" and objects:
            return objects(args[3], args[4], args[5], args[6])
        return {"result": None}
    return handler


@pytest.fixture
def rsps() -> Any:
    with responses.RequestsMock() as mock:
        yield mock


def client(**kw: Any) -> OdooClient:
    return OdooClient(URL, "prod", "consultant@example.com", SECRET, **kw)


def test_connects_lazily_logs_in_once_and_counts_every_call(rsps: responses.RequestsMock) -> None:
    seen = jsonrpc(rsps, odoo18(lambda model, method, args, kw: {"result": [{"id": 7, "name": "ACME"}]}))
    c = client()
    assert c.rpc_calls == 0
    rows = c.search_read("project.project", [("name", "=", "ACME")], ["name"], limit=1)
    c.search_read("project.project", [], ["name"])
    assert rows == [{"id": 7, "name": "ACME"}]
    assert c.version.major == 18 and c.uid == 2
    assert c.rpc_calls == 4  # version, login, two reads
    execute = seen[-1]["args"]
    assert execute[:2] == ["prod", 2] and execute[3:5] == ["project.project", "search_read"]


def test_execute_has_the_harness_call_shape(rsps: responses.RequestsMock) -> None:
    seen = jsonrpc(rsps, odoo18(lambda model, method, args, kw: {"result": [41, 42]}))
    assert client().execute("project.task", "create", [{"name": "a"}, {"name": "b"}], context={"x": 1}) == [41, 42]
    assert seen[-1]["args"][5:] == [[[{"name": "a"}, {"name": "b"}]], {"context": {"x": 1}}]


def test_wrong_database_is_one_clear_error(rsps: responses.RequestsMock) -> None:
    jsonrpc(rsps, odoo18(login={"error": MISSING_DB}))
    with pytest.raises(OdooDatabaseError) as exc:
        client().connect()
    assert "database 'prod' does not exist" in exc.value.message and "PLAYBOOK_ODOO_DB" in (exc.value.hint or "")


def test_wrong_password_says_so_without_the_password(rsps: responses.RequestsMock) -> None:
    jsonrpc(rsps, odoo18(login=False))
    with pytest.raises(OdooAuthError) as exc:
        client().connect()
    assert "refused the login" in str(exc.value) and "PLAYBOOK_ODOO_PASSWORD" in str(exc.value)
    assert SECRET not in str(exc.value) and SECRET not in repr(client())


def test_unreachable_server(rsps: responses.RequestsMock) -> None:
    refused = urllib3.exceptions.NewConnectionError(None, "[Errno 111] Connection refused")  # type: ignore[arg-type]
    rsps.add(responses.POST, f"{URL}/web/webclient/version_info", body=requests.exceptions.ConnectionError(refused))
    with pytest.raises(OdooConnectionError, match=r"cannot connect to Odoo at https://erp\.example\.com"):
        client().connect()


def test_url_that_is_not_odoo(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, f"{URL}/web/webclient/version_info", body="<html>Not Found</html>", status=404)
    rsps.add(responses.POST, f"{URL}/jsonrpc", body="<html>Not Found</html>", status=404)
    with pytest.raises(OdooConnectionError, match="not an Odoo server"):
        client().connect()


def test_tls_failure_points_at_the_certificate_and_verification_is_on_by_default(
        rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, f"{URL}/web/webclient/version_info", body=requests.exceptions.SSLError("bad cert"))
    c = client()
    assert c._http.session.verify is True
    with pytest.raises(OdooConnectionError, match="TLS certificate"):
        c.connect()
    assert client(verify_tls=False)._http.session.verify is False


def test_credentials_in_the_url_never_show(rsps: responses.RequestsMock) -> None:
    # Nothing registered: `responses` refuses the connection.
    with pytest.raises(OdooConnectionError) as exc:
        OdooClient("https://bob:hunter2@erp.example.com/web#action=1", "prod", "bob", "pw").connect()
    assert "hunter2" not in str(exc.value)


@pytest.mark.parametrize(("error", "cls", "text"), [
    (USER_ERROR, OdooServerError, "Object erp.nope doesn't exist"),
    (ACCESS_ERROR, OdooAccessError, "not allowed to create 'Project'"),
])
def test_odoo_errors_keep_odoos_message(rsps: responses.RequestsMock, error: dict[str, Any],
                                        cls: type[ConnectorError], text: str) -> None:
    jsonrpc(rsps, odoo18(lambda model, method, args, kw: {"error": error}))
    with pytest.raises(cls) as exc:
        client().execute("erp.nope", "search", [])
    assert text in exc.value.message and exc.value.hint and SECRET not in str(exc.value)


def test_from_settings_requires_every_setting() -> None:
    with pytest.raises(ConfigError, match="the Odoo password or API key is not set"):
        OdooClient.from_settings(OdooSettings(url=URL, db="prod", user="u"))
    with pytest.raises(ConfigError, match="not an http"):
        # (load_settings refuses it first; the client still defends itself when built another way)
        OdooClient.from_settings(OdooSettings.model_construct(url="erp.example.com", db="prod", user="u",
                                                              password=SECRET))


def odoo19_version(rsps: responses.RequestsMock) -> None:
    """Odoo 19 as recorded: the version from the web client's route. No /jsonrpc is registered, so a
    request to the deprecated endpoint fails the test."""
    rsps.add(responses.POST, f"{URL}/web/webclient/version_info", json={"jsonrpc": "2.0", "id": None, "result": {
        "server_version": "19.0", "server_version_info": [19, 0, 0, "final", 0, ""], "server_serie": "19.0",
        "protocol_version": 1}})


def test_odoo_19_uses_json2_with_the_api_key_as_bearer(rsps: responses.RequestsMock) -> None:
    odoo19_version(rsps)
    rsps.add(responses.POST, f"{URL}/json/2/res.users/search", json=[5])
    create = rsps.add(responses.POST, f"{URL}/json/2/project.task/create", json=[10, 11])
    c = client()
    assert c.execute("project.task", "create", [{"name": "a"}, {"name": "b"}]) == [10, 11]
    sent = create.calls[0].request
    assert sent.headers["Authorization"] == f"bearer {SECRET}" and sent.headers["X-Odoo-Database"] == "prod"
    assert json.loads(sent.body) == {"vals_list": [{"name": "a"}, {"name": "b"}]}
    assert c.uid == 5 and c.rpc_calls == 3


INVALID_APIKEY = {"name": "werkzeug.exceptions.Unauthorized", "message": "Invalid apikey",
                  "arguments": ["Invalid apikey", 401], "context": {}}


def test_json2_passes_a_record_methods_ids_as_execute_kw_does(rsps: responses.RequestsMock) -> None:
    odoo19_version(rsps)
    rsps.add(responses.POST, f"{URL}/json/2/res.users/search", json=[5])
    sign = rsps.add(responses.POST, f"{URL}/json/2/erp.signoff/action_sign", json=True)
    client().execute("erp.signoff", "action_sign", [3], signer_id=7)
    assert json.loads(sign.calls[0].request.body) == {"ids": [3], "signer_id": 7}


def test_json2_refused_key_and_server_error(rsps: responses.RequestsMock) -> None:
    odoo19_version(rsps)
    rsps.add(responses.POST, f"{URL}/json/2/res.users/search", status=401, json=INVALID_APIKEY)
    with pytest.raises(OdooAuthError, match="not a password") as exc:
        client().connect()  # SECRET is a password, Odoo 19 answers exactly as for a wrong key
    assert "New API Key" in (exc.value.hint or "") and SECRET not in str(exc.value)
    key = "0123456789abcdef0123456789abcdef01234567"
    with pytest.raises(OdooAuthError, match="refused the API key on database 'prod'") as exc:
        OdooClient(URL, "prod", "consultant@example.com", key).connect()
    assert key not in str(exc.value)
    c = client(protocol="json2")
    c._version = None
    rsps.replace(responses.POST, f"{URL}/json/2/res.users/search", json=[5])
    rsps.add(responses.POST, f"{URL}/json/2/erp.signoff/write", status=422, json={
        "name": "odoo.exceptions.UserError", "message": "Sign-off 'X' is signed and cannot be changed"})
    with pytest.raises(OdooServerError, match="is signed and cannot be changed"):
        c.execute("erp.signoff", "write", [3], {"name": "Y"})


# What Odoo 19.0 answers when X-Odoo-Database names a database it does not serve (recorded).
NO_DATABASE_HTML = ("<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected "
                    "and the requested URL was not found in the server-wide controllers.</p>")


def test_json2_wrong_database_is_a_wrong_database(rsps: responses.RequestsMock) -> None:
    odoo19_version(rsps)
    rsps.add(responses.POST, f"{URL}/json/2/res.users/search", status=404, body=NO_DATABASE_HTML,
             content_type="text/html")
    with pytest.raises(OdooDatabaseError, match="database 'prod' does not exist") as exc:
        client().connect()
    assert "PLAYBOOK_ODOO_DB" in (exc.value.hint or "")


def test_json2_lists_databases_without_the_deprecated_endpoints(rsps: responses.RequestsMock) -> None:
    odoo19_version(rsps)
    rsps.add(responses.POST, f"{URL}/web/database/list", json={"jsonrpc": "2.0", "id": None,
                                                               "result": ["erp", "erp_test"]})
    assert client().list_databases() == ["erp", "erp_test"]


def test_another_connection_is_the_same_user_on_its_own_session_counted_as_ours(
        rsps: responses.RequestsMock) -> None:
    """The sync's line creator works on another thread: its own requests session, no second login, same user."""
    seen = jsonrpc(rsps, odoo18(lambda model, method, args, kw: {"result": [41]}))
    c = client(verify_tls=False)
    c.connect()
    other = c.another_connection()
    assert other._http.session is not c._http.session and other._http.session.verify is False
    assert other.execute("account.analytic.line", "create", [{"name": "a"}]) == [41]
    assert [p["method"] for p in seen] == ["login", "execute_kw"]  # no second login
    assert seen[-1]["args"][:3] == ["prod", 2, SECRET] and other.uid == c.uid == 2
    assert c.rpc_calls == 3 and other.rpc_calls == 1  # version, login; the other's create counts as ours


def test_another_connection_on_odoo_19_sends_the_same_api_key(rsps: responses.RequestsMock) -> None:
    odoo19_version(rsps)
    rsps.add(responses.POST, f"{URL}/json/2/res.users/search", json=[5])
    create = rsps.add(responses.POST, f"{URL}/json/2/account.analytic.line/create", json=[10])
    c = client()
    other = c.another_connection()
    assert other.execute("account.analytic.line", "create", [{"name": "a"}]) == [10]
    assert create.calls[0].request.headers["Authorization"] == f"bearer {SECRET}"
    assert c.rpc_calls == 3  # version, the key's user, the other's create
