"""Stand-in servers for `playbook sync` run as a subprocess, each able to cut an answer at a chosen point.

``StandIn`` is a small threaded HTTP server on 127.0.0.1 in front of an *app* (method, path, headers, body) ->
(status, headers, body): the contract-checked ``JiraFake`` (``jira_app``), the in-memory ``OdooFake`` speaking
JSON-RPC (``odoo_app``), or a live Odoo it forwards to (``forward_app``, a proxy). Except for ``dropped``, the app
runs first, so a cut answer is one the server *applied*; then the answer goes out whole or cut at one of ``CUTS``:

- ``dropped``: the connection is closed before the request is applied (nothing answers, nothing changed);
- ``status``: inside the status line (the client sees the connection drop: RemoteDisconnected / BadStatusLine);
- ``headers``: inside the headers (http.client then reads a 200 with an empty body: the silent-loss case of #15);
- ``body``: half the body announced by Content-Length (urllib3: IncompleteRead, requests: ChunkedEncodingError);
- ``chunk``: half of a chunk of a chunked body (InvalidChunkLength / IncompleteRead);
- ``unframed``: half the body with neither length nor chunks, then close (requests returns the half silently);
- ``html``: a whole 200 with a login page instead of JSON (a proxy's sign-in).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

from connector.errors import ConnectorError
from tests.sync.fakes import BASE, JiraFake, OdooFake

CUTS = ("dropped", "status", "headers", "body", "chunk", "unframed", "html")
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Sign in - Corporate SSO</title></head><body>Sign in</body></html>"
REPO = Path(__file__).resolve().parents[2]
App = Callable[[str, str, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]
Match = Callable[[str, str, bytes], bool]


@dataclass
class Fault:
    match: Match
    cut: str
    times: int = 1
    skip: int = 0  # let this many matching requests through first


@dataclass
class StandIn:
    app: App
    faults: list[Fault] = field(default_factory=list)
    cut_log: list[str] = field(default_factory=list)  # "cut PATH" for every answer cut, in order

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        standin = self

        class Handler(_Handler):
            owner = standin

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def cut(self, match: Match, cut: str, *, times: int = 1, skip: int = 0) -> None:
        assert cut in CUTS, cut
        self.faults.append(Fault(match, cut, times, skip))

    def take(self, method: str, path: str, body: bytes) -> str | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.match(method, path, body):
                    if fault.skip:
                        fault.skip -= 1
                        return None
                    fault.times -= 1
                    self.cut_log.append(f"{fault.cut} {method} {path.split('?')[0]}")
                    return fault.cut
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: StandIn

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the tests read what the client saw
        pass

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        cut = self.owner.take(self.command, self.path, body)
        if cut == "dropped":
            self.close_connection = True
            return
        status, headers, payload = self.owner.app(self.command, self.path, dict(self.headers.items()), body)
        self._answer(status, headers, payload, cut)

    do_POST = do_PUT = do_DELETE = do_GET

    def _head(self, status: int, headers: dict[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", *(f"{k}: {v}" for k, v in headers.items())]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def _answer(self, status: int, headers: dict[str, str], payload: bytes, cut: str | None) -> None:
        write = self.wfile.write
        half = payload[:max(1, len(payload) // 2)]
        if cut == "html":
            status, headers, payload, cut = 200, {"Content-Type": "text/html; charset=utf-8"}, LOGIN_PAGE, None
        if cut is None:
            write(self._head(status, {**headers, "Content-Length": str(len(payload))}) + payload)
            return
        self.close_connection = True
        if cut == "status":
            write(b"HTTP/1.1 20")
        elif cut == "headers":
            write(self._head(status, headers)[:-12])  # stops inside the last header line
        elif cut == "body":
            write(self._head(status, {**headers, "Content-Length": str(len(payload))}) + half)
        elif cut == "chunk":
            write(self._head(status, {**headers, "Transfer-Encoding": "chunked"}) + f"{len(payload):x}\r\n".encode()
                  + half)
        elif cut == "unframed":
            write(self._head(status, {**headers, "Connection": "close"}) + half)


# ------------------------------------------------------------------------------------------------ apps
def jira_app(fake: JiraFake) -> App:
    """The contract-checked fake (every request validated against Atlassian's OpenAPI contract)."""
    def app(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        kept = {k: v for k, v in headers.items() if k.lower() in ("content-type", "authorization", "accept")}
        request = requests.Request(method, BASE + path, headers=kept, data=body or None).prepare()
        status, extra, text = fake.answer(request)
        return status, {"Content-Type": "application/json", **extra}, text.encode()
    return app


def odoo_app(fake: OdooFake, db: str, login: str, password: str) -> App:
    """The in-memory Odoo behind Odoo 18's ``/jsonrpc`` (common.version, common.login, object.execute_kw)."""
    def call(service: str, method: str, args: list[Any]) -> Any:
        if service == "common" and method == "version":
            return {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""], "protocol_version": 1}
        if service == "common" and method in ("login", "authenticate"):
            return fake.uid if args[:3] == [db, login, password] else False
        if service == "object" and method == "execute_kw":
            model, name, positional, named = args[3], args[4], args[5], (args[6] if len(args) > 6 else {})
            return fake.execute(model, name, *positional, **named)
        raise ConnectorError(f"the stand-in does not serve {service}.{method}")

    def app(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        if path != "/jsonrpc":
            return 404, {"Content-Type": "text/html"}, b"<html>Not Found</html>"
        request = json.loads(body)
        params = request["params"]
        try:
            answer = {"result": call(params["service"], params["method"], params["args"])}
        except ConnectorError as exc:
            name = getattr(exc, "odoo_name", "") or "odoo.exceptions.UserError"
            answer = {"error": {"code": 200, "message": "Odoo Server Error",
                                "data": {"name": name, "message": exc.message, "debug": ""}}}
        out = {"jsonrpc": "2.0", "id": request.get("id"), **answer}
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()
    return app


def forward_app(target: str) -> App:
    """A proxy to a live server: the request is applied there, the answer comes back (and may be cut)."""
    session = requests.Session()

    def app(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        # Odoo 19's JSON-2 carries the API key and the database in headers: they go through too
        forwarded = ("content-type", "accept", "cookie", "authorization", "x-odoo-database")
        kept = {k: v for k, v in headers.items() if k.lower() in forwarded}
        response = session.request(method, target + path, headers=kept, data=body, timeout=300)
        return response.status_code, {"Content-Type": response.headers.get("Content-Type", "")}, response.content
    return app


# ------------------------------------------------------------------------------------------- matchers
def jira_path(part: str) -> Match:
    return lambda method, path, body: part in path.split("?")[0]


def odoo_call(model: str, method: str) -> Match:
    """``model.method``: an ``execute_kw`` over /jsonrpc (Odoo 18) or ``POST /json/2/<model>/<method>`` (19+)."""
    def match(verb: str, path: str, body: bytes) -> bool:
        if path == f"/json/2/{model}/{method}":
            return True
        if path != "/jsonrpc":
            return False
        args = json.loads(body)["params"]["args"]
        return len(args) > 4 and args[3] == model and args[4] == method
    return match


def odoo_service(service: str, method: str) -> Match:
    def match(verb: str, path: str, body: bytes) -> bool:
        params = json.loads(body)["params"] if path == "/jsonrpc" else {}
        return params.get("service") == service and params.get("method") == method
    return match


# --------------------------------------------------------------------------------------- the command
# The subprocess is the real CLI; only its clock is fast-forwarded, so that retries after a cut do not make the test
# sleep (each wait is still announced on stderr, which the tests read).
INSTANT_WAITS = "import time; time.sleep = lambda seconds: None\nfrom cli.main import cli\ncli(prog_name='playbook')"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> dict[str, Any]:
        return json.loads(self.stdout)  # type: ignore[no-any-return]


def playbook(config: Path, *args: str, instant_waits: bool = True) -> Run:
    """``playbook --config CONFIG ARGS...`` in a subprocess, with no PLAYBOOK_* variable of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAYBOOK_")}
    env["PYTHONPATH"] = str(REPO)
    env["COLUMNS"] = "200"
    code = INSTANT_WAITS if instant_waits else "from cli.main import cli\ncli(prog_name='playbook')"
    done = subprocess.run([sys.executable, "-c", code, "--config", str(config), *args], capture_output=True,
                          text=True, timeout=300, env=env, cwd=REPO, check=False)
    return Run(done.returncode, done.stdout, done.stderr)


def write_config(path: Path, *, odoo_url: str, jira_url: str, state: Path, db: str = "prod",
                 user: str = "sync@example.test", password: str = "odoo-SECRET", jira_token: str = "tok",
                 projects: str = "") -> Path:
    path.write_text(f"""
[odoo]
url = "{odoo_url}"
db = "{db}"
user = "{user}"
password = "{password}"
timeout = 30

[jira]
url = "{jira_url}"
user = "ann@example.test"
token = "{jira_token}"
timeout = 30

[sync]
state = "{state}"
{projects}""")
    return path
