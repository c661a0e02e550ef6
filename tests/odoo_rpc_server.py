"""A stand-in Odoo 18 on 127.0.0.1: a real HTTP server speaking JSON-RPC (``/jsonrpc``) in front of any in-memory
fake with ``execute(model, method, *args, **kwargs)`` (the fakes of tests/sync, tests/reports, ...).

Unlike a ``responses`` mock, requests go through the whole client stack (odoolib, requests, urllib3 and their
loggers), as against a real server. Logins are checked: only ``user`` with ``password`` gets a uid.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from connector.errors import ConnectorError

VERSION_18 = {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""], "server_serie": "18.0",
              "protocol_version": 1}
UID = 2


class OdooRpcServer:
    def __init__(self, db: str, user: str, password: str, backend: Any = None) -> None:
        self.db, self.user, self.password = db, user, password
        self.backend = backend
        self.calls: list[tuple[str, str]] = []
        self.url = ""

    def dispatch(self, service: str, method: str, args: list[Any]) -> Any:
        self.calls.append((service, method))
        if service == "common" and method == "version":
            return VERSION_18
        if service == "common" and method in ("login", "authenticate"):
            return UID if (args[0], args[1], args[2]) == (self.db, self.user, self.password) else False
        if service == "db" and method == "list":
            return [self.db]
        if service == "object" and method == "execute_kw":
            db, uid, password, model, name = args[:5]
            if (db, uid, password) != (self.db, UID, self.password):
                raise PermissionError("Access Denied")
            return self.execute(model, name, *(args[5] if len(args) > 5 else []),
                                 **(args[6] if len(args) > 6 else {}))
        raise ValueError(f"{service}.{method} is not served by the stand-in")

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if method in ("has_access", "check_access_rights"):
            return True
        if model == "ir.module.module" and method == "search_read":
            return [{"id": i, "name": n, "state": "installed", "latest_version": "18.0.1.0.0",
                     "installed_version": "18.0.1.0.0"} for i, n in enumerate(("project", "hr_timesheet", "account",
                                                                                "erp_playbook"), 1)]
        return self.backend.execute(model, method, *args, **kwargs)

    @contextmanager
    def serve(self) -> Iterator[OdooRpcServer]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                params = body.get("params") or {}
                try:
                    answer = {"result": server.dispatch(params["service"], params["method"], params.get("args", []))}
                except Exception as exc:  # served as Odoo serves errors: JSON-RPC error with the exception's name
                    name = "odoo.exceptions.AccessDenied" if isinstance(exc, PermissionError) else (
                        "odoo.exceptions.UserError" if isinstance(exc, ConnectorError | AssertionError) else
                        f"builtins.{type(exc).__name__}")
                    message = exc.message if isinstance(exc, ConnectorError) else str(exc)
                    answer = {"error": {"code": 200, "message": "Odoo Server Error",
                                        "data": {"name": name, "message": message, "debug": "", "arguments": []}}}
                data = json.dumps({"jsonrpc": "2.0", "id": body.get("id"), **answer}, default=str).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        try:
            yield self
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join()
