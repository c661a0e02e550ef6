"""Odoo over RPC: JSON-RPC through odoo-client-lib (Odoo ≤ 18), JSON-2 with an API key (Odoo 19+).

odoo-client-lib's own transports use httpx with neither a configurable timeout nor TLS settings, and
JSON-2 introspects every model first; so the HTTP layer here is a ``requests`` session (timeout, TLS
verification, call counting, error mapping) and odoolib provides the login and model proxies on top.

Every HTTP request counts in ``rpc_calls``: provisioning is measured in it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import odoolib
import requests
from odoolib.rpc import Connector
from odoolib.tools import AuthenticationError
from pydantic import SecretStr

from connector.errors import ConfigError
from connector.odoo.errors import (
    SETTINGS_HINT,
    OdooAuthError,
    OdooConnectionError,
    OdooDatabaseError,
    server_error,
)
from connector.settings import OdooSettings, require, require_url
from connector.transport import TRANSPORT_ERRORS, BadAnswer, Budget, describe_transport_error, read_json, transport_kind

log = logging.getLogger(__name__)

AUTH_HINT = ("check PLAYBOOK_ODOO_USER and PLAYBOOK_ODOO_PASSWORD (the login, not the name; "
             "an API key from the user's Preferences › Account Security works as password)")
API_KEY_HINT = ("in Odoo, open your avatar › My Profile (Preferences) › Account Security › New API Key, "
                "choose a name and a duration (or none, to keep it), confirm your password, and put the "
                "40-character key it shows in PLAYBOOK_ODOO_PASSWORD")
# Odoo's API keys are 20 random bytes in hex (res.users.apikeys); anything else is not a key.
API_KEY_SHAPE = re.compile(r"[0-9a-f]{40}")
# What Odoo 19 answers (HTTP 404, HTML) when X-Odoo-Database names no database it serves.
_NO_DATABASE = "No database is selected"
# Odoo 19 deprecates /jsonrpc and /xmlrpc in favour of JSON-2; its API keys are bearer tokens.
JSON2_FROM_MAJOR = 19
_MISSING_DB = re.compile(r'database "([^"]+)" does not exist|KeyError: .?(\w+).?$')


@dataclass(frozen=True)
class ServerVersion:
    server_version: str
    info: tuple[Any, ...]

    @property
    def major(self) -> int:
        try:
            return int(self.info[0])
        except (IndexError, TypeError, ValueError):
            match = re.match(r"(?:saas~)?(\d+)", self.server_version)
            return int(match.group(1)) if match else 0

    def __str__(self) -> str:
        return self.server_version


def public_url(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def normalise_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"the Odoo URL {public_url(url)!r} is not an http(s) URL",
                          "set PLAYBOOK_ODOO_URL to the server's root, e.g. https://erp.example.com")
    # People paste the address bar: drop the web client's path.
    path = re.sub(r"/(web|odoo)(/.*)?$", "", parts.path).rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


# Calls that only read: sent again after a cut connection, a gateway error or a cut answer. Everything else (create,
# write, unlink, actions) may have been applied before the connection broke and is never sent twice.
SAFE_METHODS = frozenset({
    "search_read", "read", "read_group", "fields_get", "search", "search_count", "web_search_read", "web_read",
    "name_search", "has_access", "check_access_rights", "has_group", "context_get", "default_get",
})
SAFE_DB_METHODS = frozenset({"list", "server_version", "db_exist", "list_lang"})
BUSY_STATUSES = frozenset({429, 502, 503, 504})


class _Http:
    """One requests session: timeout, TLS verification, call counting, transport errors as ConnectorError.

    A request that is safe to repeat (``safe``: a read) is sent again after a cut connection, a timeout, a
    429/502/503/504 from a proxy or an answer cut short, up to ``max_retries`` times within
    ``transport.WAIT_BUDGET`` seconds of waiting; every wait is announced on stderr. A refused connection fails at
    once; a write whose connection broke after it was sent fails saying it may have been applied.
    """

    def __init__(self, base_url: str, timeout: float, verify_tls: bool, session: requests.Session | None) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.verify = verify_tls
        self.calls = 0
        self.max_retries = 3
        self.backoff = 1.0
        self.sleep: Callable[[float], None] = time.sleep

    def post(self, path: str, payload: dict[str, Any], headers: dict[str, str] | None = None, *,
             safe: bool = False, label: str = "") -> tuple[requests.Response, Any]:
        """The answer and its decoded JSON body (None when a non-200 answer has none)."""
        url = f"{self.base_url}{path}"
        shown = public_url(self.base_url)
        where = f"{shown} ({label or path})"
        budget = Budget(self.max_retries, self.backoff, max_delay=30.0)
        attempt = 0
        while True:
            attempt += 1
            self.calls += 1
            try:
                response = self.session.post(url, json=payload, headers=headers, timeout=self.timeout)
            except TRANSPORT_ERRORS as exc:
                kind, what = transport_kind(exc), describe_transport_error(exc)
                if kind == "tls":
                    raise OdooConnectionError(
                        f"the TLS certificate of {shown} could not be verified",
                        "install the server's CA certificate (REQUESTS_CA_BUNDLE), or for a test server only "
                        "set verify_tls = false under [odoo]",
                    ) from None
                if kind in ("refused", "invalid"):
                    raise OdooConnectionError(
                        f"cannot connect to Odoo at {shown}: {what}",
                        f"{SETTINGS_HINT} (scheme, host, port) and that the server runs") from None
                if kind == "cut" and not safe:
                    raise OdooConnectionError(
                        f"{where}: {what}; the change may or may not have been applied",
                        "run the same command again: it reads what exists before it writes, so nothing doubles",
                    ) from None
                delay = budget.delay(attempt)
                if delay is None:
                    timed_out = isinstance(exc, requests.exceptions.Timeout)
                    raise OdooConnectionError(
                        f"{where}: Odoo did not answer after {attempt} attempts ({what})",
                        "check that Odoo runs and is not overloaded" + (", or raise [odoo] timeout" if timed_out
                                                                        else "") + "; a re-run resumes",
                    ) from None
                self._wait(delay, where, what, attempt)
                continue
            if response.status_code in BUSY_STATUSES and (safe or response.status_code == 429):
                delay = budget.delay(attempt, _seconds(response.headers.get("Retry-After")))
                if delay is not None:
                    self._wait(delay, where, f"HTTP {response.status_code} {response.reason}", attempt)
                    continue
            try:
                return response, read_json(response)
            except BadAnswer as bad:
                if response.status_code != 200:
                    return response, None  # the caller names what a non-200 answer means
                if bad.retry and safe and (delay := budget.delay(attempt)) is not None:
                    self._wait(delay, where, f"Odoo answered {bad.what}", attempt)
                    continue
                hint = (f"{SETTINGS_HINT}: the root URL of Odoo itself, not a login page or proxy in front of it"
                        if not bad.retry else "the connection to Odoo is unreliable or Odoo is struggling; "
                        "run the same command again (it reads what exists before it writes)")
                applied = "" if safe else "; the change may or may not have been applied"
                raise OdooConnectionError(f"{where}: Odoo answered {bad.what}{applied}", hint) from None

    def _wait(self, delay: float, where: str, why: str, attempt: int) -> None:
        log.warning("%s: %s; waiting %.1f s before attempt %d of %d", where, why, delay, attempt + 1,
                    self.max_retries + 1)
        self.sleep(delay)


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _is_safe(service: str, method: str, args: tuple[Any, ...]) -> bool:
    if service == "common":
        return True  # version, login, authenticate: nothing changes
    if service == "db":
        return method in SAFE_DB_METHODS
    return service == "object" and len(args) > 4 and str(args[4]) in SAFE_METHODS


class JsonRpcConnector(Connector):
    """odoolib connector for ``/jsonrpc`` over our session (odoolib's own one has a 5 s httpx timeout)."""

    PROTOCOL = "jsonrpc"

    def __init__(self, http: _Http) -> None:
        self.http = http

    def send(self, service_name: str, method: str, *args: Any) -> Any:
        payload = {"jsonrpc": "2.0", "method": "call", "id": self.http.calls + 1,
                   "params": {"service": service_name, "method": method, "args": list(args)}}
        label = f"{args[3]}.{args[4]}" if service_name == "object" and len(args) > 4 else f"{service_name}.{method}"
        response, body = self.http.post("/jsonrpc", payload, safe=_is_safe(service_name, method, args), label=label)
        shown = public_url(self.http.base_url)
        if body is None and response.status_code in BUSY_STATUSES:
            raise OdooConnectionError(
                f"{shown} ({label}) answered HTTP {response.status_code} {response.reason}: a proxy in front of Odoo "
                "could not reach it, or Odoo is overloaded",
                "check that Odoo runs and is not overloaded; a re-run resumes where this one stopped",
            )
        if not isinstance(body, dict) or ("result" not in body and "error" not in body):
            raise OdooConnectionError(
                f"{shown} answered HTTP {response.status_code} without Odoo's JSON-RPC: it is not an Odoo server",
                f"{SETTINGS_HINT}: the root URL of Odoo, e.g. https://erp.example.com (no /web, no /odoo)",
            )
        if body.get("error"):
            raise _jsonrpc_error(body["error"], service_name, method, args)
        return body.get("result")


def _jsonrpc_error(error: dict[str, Any], service: str, method: str, args: tuple[Any, ...]) -> Exception:
    data = error.get("data") or {}
    name = str(data.get("name") or "")
    message = str(data.get("message") or error.get("message") or "")
    db = args[0] if args and service in ("common", "object") else None
    missing = _MISSING_DB.search(message) or _MISSING_DB.search(str(data.get("debug") or "")[-300:])
    if db and missing and ("psycopg2" in name or "KeyError" in name or "does not exist" in message):
        return OdooDatabaseError(f"the database {db!r} does not exist on this Odoo server",
                                 "check PLAYBOOK_ODOO_DB / [odoo] db (`playbook odoo doctor` lists the databases)")
    if name.endswith("AccessDenied") and service == "common":
        return OdooAuthError("Odoo refused the login", AUTH_HINT)
    where = f"{args[3]}.{args[4]}" if service == "object" and len(args) > 4 else f"{service}.{method}"
    return server_error(name or "error", message, where)


class Json2Backend:
    """``POST /json/2/<model>/<method>`` with the API key as bearer (Odoo 19+): named arguments only."""

    # JSON-2 has no positional arguments: the names of the ones this connector passes positionally.
    POSITIONAL: ClassVar[dict[str, tuple[str, ...]]] = {
        "create": ("vals_list",), "search": ("domain",), "search_count": ("domain",),
        "search_read": ("domain", "fields"), "read_group": ("domain", "fields", "groupby"),
        "load": ("fields", "data"), "fields_get": ("allfields", "attributes"), "load_playbook": ("data",),
        "read": ("fields",), "write": ("vals",), "has_access": ("operation",), "has_group": ("group_ext_id",),
        "update_list": (), "context_get": (), "unlink": (), "button_immediate_install": (),
        "button_immediate_upgrade": (), "web_read": ("specification",),
    }
    RECORD_METHODS = frozenset({"read", "write", "unlink", "has_access", "has_group", "button_immediate_install",
                                "button_immediate_upgrade", "web_read"})

    def __init__(self, http: _Http, db: str, api_key: SecretStr) -> None:
        self.http = http
        self.db = db
        self.api_key = api_key

    def body(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        data = dict(kwargs)
        rest = list(args)
        if method in self.RECORD_METHODS and rest:
            data["ids"] = rest.pop(0)
        names = self.POSITIONAL.get(method)
        if names is None and len(rest) == 1 and _is_ids(rest[0]):
            data["ids"] = rest.pop(0)  # execute_kw's convention: a record method's one argument is its ids
        if rest and (names is None or len(rest) > len(names)):
            raise ConfigError(f"{method} cannot be called with positional arguments over JSON-2",
                              "pass them as keyword arguments")
        data.update(zip(names or (), rest, strict=False))
        return data

    def execute(self, model: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        headers = {"Authorization": f"bearer {self.api_key.get_secret_value()}", "X-Odoo-Database": self.db}
        response, body = self.http.post(f"/json/2/{model}/{method}", self.body(method, args, kwargs), headers,
                                        safe=method in SAFE_METHODS, label=f"{model}.{method}")
        if response.status_code == 200:
            return body
        if response.status_code == 401:
            raise self._refused()
        if response.status_code == 404 and not isinstance(body, dict) and _NO_DATABASE in response.text:
            raise OdooDatabaseError(f"the database {self.db!r} does not exist on this Odoo server",
                                    "check PLAYBOOK_ODOO_DB / [odoo] db (`playbook odoo doctor` lists the databases)")
        if response.status_code == 404 and not isinstance(body, dict):
            raise OdooConnectionError(f"{public_url(self.http.base_url)} has no JSON-2 endpoint",
                                      f"{SETTINGS_HINT}: the root URL of an Odoo 19+ server")
        body = body if isinstance(body, dict) else {}
        raise server_error(str(body.get("name") or f"HTTP {response.status_code}"),
                           str(body.get("message") or response.reason), f"{model}.{method}")

    def _refused(self) -> OdooAuthError:
        """401 ("Invalid apikey") is the same for a password and a bad key: the secret's shape tells them apart."""
        if not API_KEY_SHAPE.fullmatch(self.api_key.get_secret_value()):
            return OdooAuthError("Odoo 19 needs an API key, not a password: PLAYBOOK_ODOO_PASSWORD holds something "
                                 "that is not an API key", API_KEY_HINT)
        return OdooAuthError(f"Odoo refused the API key on database {self.db!r} (revoked, expired, made on "
                             "another database, or mistyped)", API_KEY_HINT)

    def login(self, login: str) -> int:
        ids = self.execute("res.users", "search", ([["login", "=", login]],), {"limit": 1})
        if not ids:
            raise OdooAuthError(f"the API key does not belong to the user {login!r}", AUTH_HINT)
        return int(ids[0])


def _is_ids(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in value)


class OdooClient:
    """A logged-in Odoo user. Lazy: the first call connects; ``connect()`` does it up front."""

    def __init__(self, url: str, db: str, user: str, password: SecretStr | str, *, timeout: float = 120.0,
                 verify_tls: bool = True, protocol: str = "auto", session: requests.Session | None = None) -> None:
        self.url = normalise_url(url)
        self.db = db
        self.user = user
        self._password = password if isinstance(password, SecretStr) else SecretStr(password)
        if protocol not in ("auto", "jsonrpc", "json2"):
            raise ConfigError(f"unknown Odoo protocol {protocol!r}", "use auto, jsonrpc or json2")
        self.protocol = protocol
        self._http = _Http(self.url, timeout, verify_tls, session)
        self._version: ServerVersion | None = None
        self._connection: odoolib.Connection | None = None
        self._json2: Json2Backend | None = None
        self.uid: int | None = None
        self._others: list[OdooClient] = []  # ``another_connection``s: their calls count as this client's

    @classmethod
    def from_settings(cls, settings: OdooSettings, **kwargs: Any) -> OdooClient:
        require_url(settings.url, "the Odoo URL", "PLAYBOOK_ODOO_URL", settings.verify_tls)
        require(settings.db, "the Odoo database", "PLAYBOOK_ODOO_DB")
        require(settings.user, "the Odoo user", "PLAYBOOK_ODOO_USER")
        require(settings.password, "the Odoo password or API key", "PLAYBOOK_ODOO_PASSWORD")
        assert settings.url and settings.db and settings.user and settings.password
        return cls(settings.url, settings.db, settings.user, settings.password, timeout=settings.timeout,
                   verify_tls=settings.verify_tls, **kwargs)

    def __repr__(self) -> str:
        return f"OdooClient({public_url(self.url)!r}, db={self.db!r}, user={self.user!r})"

    @property
    def rpc_calls(self) -> int:
        """Calls made through this client and every ``another_connection`` of it."""
        return self._http.calls + sum(other.rpc_calls for other in self._others)

    def another_connection(self) -> OdooClient:
        """The same logged-in user over a second HTTP session, for another thread (a requests session is not
        shared between threads): no login call, its calls counted in this client's ``rpc_calls``."""
        self.connect()
        other = OdooClient(self.url, self.db, self.user, self._password, timeout=self._http.timeout,
                           protocol=self.protocol)
        mine, theirs = self._http.session, other._http.session
        theirs.verify, theirs.cert, theirs.trust_env = mine.verify, mine.cert, mine.trust_env
        theirs.headers.update(mine.headers)
        theirs.proxies.update(mine.proxies)
        theirs.adapters.update(mine.adapters)  # connection pools are thread-safe; an adapter a caller mounted stays
        other._http.max_retries, other._http.backoff, other._http.sleep = (
            self._http.max_retries, self._http.backoff, self._http.sleep)
        other._version, other.uid = self._version, self.uid
        if self._json2 is not None:
            other._json2 = Json2Backend(other._http, self.db, self._password)
        else:
            other._connection = odoolib.Connection(other.connector, self.db, self.user,
                                                   self._password.get_secret_value(), user_id=self.uid)
        self._others.append(other)
        return other

    @property
    def connector(self) -> JsonRpcConnector:
        return JsonRpcConnector(self._http)

    def call(self, service: str, method: str, *args: Any) -> Any:
        """A raw JSON-RPC service call (``common``, ``db``, ``object``)."""
        return self.connector.send(service, method, *args)

    @property
    def version(self) -> ServerVersion:
        if self._version is None:
            info = self._web_version_info()
            if info is None:  # a server without the web client's route: ask the legacy endpoint
                info = self.call("common", "version")
            self._version = ServerVersion(str(info.get("server_version", "?")),
                                          tuple(info.get("server_version_info") or ()))
        return self._version

    def _web_version_info(self) -> dict[str, Any] | None:
        """The version from the web client's own route (Odoo 10 to 19+), so that a 19 server never sees a
        request to /jsonrpc or /xmlrpc (deprecated there, removed in 20). None when the route is absent."""
        payload = {"jsonrpc": "2.0", "method": "call", "id": self._http.calls + 1, "params": {}}
        _, body = self._http.post("/web/webclient/version_info", payload, safe=True, label="version")
        result = body.get("result") if isinstance(body, dict) else None
        return result if isinstance(result, dict) and "server_version" in result else None

    def list_databases(self) -> list[str]:
        """Database names the server lists (empty when it hides them, ``list_db = False``)."""
        if not self.uses_json2:
            return list(self.call("db", "list") or [])
        payload = {"jsonrpc": "2.0", "method": "call", "id": self._http.calls + 1, "params": {}}
        _, body = self._http.post("/web/database/list", payload, safe=True, label="database list")
        result = body.get("result") if isinstance(body, dict) else None
        return [str(name) for name in result] if isinstance(result, list) else []

    @property
    def uses_json2(self) -> bool:
        if self.protocol == "auto":
            return self.version.major >= JSON2_FROM_MAJOR
        return self.protocol == "json2"

    def connect(self) -> OdooClient:
        """Reach the server, read its version and log in; raises a ConnectorError saying what to fix."""
        if self.uid is not None:
            return self
        if self.uses_json2:
            self._json2 = Json2Backend(self._http, self.db, self._password)
            self.uid = self._json2.login(self.user)
            return self
        connection = odoolib.Connection(self.connector, self.db, self.user, self._password.get_secret_value())
        try:
            connection.check_login(force=True)
        except AuthenticationError:
            raise OdooAuthError(f"Odoo refused the login of {self.user!r} on database {self.db!r}",
                                AUTH_HINT) from None
        self._connection = connection
        self.uid = int(connection.user_id)
        return self

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """``execute_kw(model, method, args, kwargs)`` as the logged-in user."""
        self.connect()
        log.debug("rpc %s.%s", model, method)
        if self._json2 is not None:
            return self._json2.execute(model, method, args, kwargs)
        assert self._connection is not None
        return self._connection.get_service("object").execute_kw(
            self.db, self.uid, self._password.get_secret_value(), model, method, list(args), kwargs)

    def search_read(self, model: str, domain: list[Any], fields: list[str], **kw: Any) -> list[dict[str, Any]]:
        rows = self.execute(model, "search_read", domain, fields, **kw)
        if not isinstance(rows, list):  # never "no records": the sync would create what exists, or skip what does not
            raise OdooConnectionError(
                f"{public_url(self.url)} answered {model}.search_read with {type(rows).__name__}, "
                "not a list of records",
                f"{SETTINGS_HINT}: the root URL of Odoo itself, not something in front of it; run with -vv",
            )
        return rows

    def create(self, model: str, vals_list: list[dict[str, Any]], **kw: Any) -> list[int]:
        """Batched create: one call for the whole list."""
        if not vals_list:
            return []
        ids = self.execute(model, "create", vals_list, **kw)
        return list(ids) if isinstance(ids, list) else [ids]
