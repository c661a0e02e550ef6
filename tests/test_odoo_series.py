"""Odoo series and the addon: 17 has none (plain projects, and no advice to put one on its path), 18 and 19
each have their own folder, and the wrong one on the path is named as the cause.

Seen on a live Odoo 17.0: an 18.0 module on the addons path makes Odoo 17 refuse to load any database, so the
fix for a missing addon must not tell a 17 user to put it there. Seen on a live 19.0: the 18.0 module on its
path is listed with ``installed_version`` 18.0.1.0.0 and cannot be installed (only a log line says why).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
import responses

from connector.odoo.client import OdooClient
from connector.odoo.doctor import run_doctor
from connector.odoo.errors import OdooMissingAddon
from connector.odoo.install import install_addon
from tests.test_odoo_client import URL, client, jsonrpc, odoo19_version

VERSION_17 = {"server_version": "17.0", "server_version_info": [17, 0, 0, "final", 0, ""], "server_serie": "17.0",
              "protocol_version": 1}
BASE_MODULES = [{"name": n, "state": "installed", "latest_version": "17.0.1.0", "installed_version": "17.0.1.0"}
                for n in ("project", "hr_timesheet", "account", "portal")]


def odoo17(params: dict[str, Any]) -> Any:
    service, method, args = params["service"], params["method"], params["args"]
    if (service, method) == ("common", "version"):
        return {"result": VERSION_17}
    if (service, method) == ("common", "login"):
        return {"result": 2}
    model, call = args[3], args[4]
    if call == "check_access_rights":  # Odoo 17 has no has_access
        return {"result": True}
    if (model, call) == ("ir.module.module", "search_read"):
        return {"result": BASE_MODULES}
    return {"result": None}


@pytest.fixture
def rsps() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_doctor_on_odoo_17_does_not_send_the_user_to_install_an_18_addon(rsps: responses.RequestsMock) -> None:
    jsonrpc(rsps, odoo17)
    report = run_doctor(client())
    addon = next(c for c in report.checks if c.name == "addon")
    assert addon.status == "warn" and "plain Odoo projects" in addon.detail
    assert "Odoo 18.0 and 19.0" in (addon.fix or "") and "do not put any odoo_addon/" in (addon.fix or "")
    assert report.exit_code == 1  # usable: plain projects


def test_install_on_odoo_17_refuses_before_touching_the_server(rsps: responses.RequestsMock) -> None:
    seen = jsonrpc(rsps, odoo17)
    with pytest.raises(OdooMissingAddon, match=r"Odoo 17\.0") as err:
        install_addon(client(), None)
    assert "written for Odoo 18.0 and 19.0" in (err.value.hint or "")
    assert [p["method"] for p in seen] == ["login"]  # no update_list, no install


def odoo19(modules: list[dict[str, Any]]) -> tuple[list[str], Any]:
    """Odoo 19 over JSON-2 as an administrator; records every model.method called."""
    calls: list[str] = []

    def reply(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        match = re.search(r"/json/2/([^/]+)/([^/]+)$", request.url or "")
        assert match, request.url
        model, method = match.groups()
        calls.append(f"{model}.{method}")
        body = json.loads(request.body or b"{}")
        if method == "search":
            return 200, {}, "[2]"
        if method == "has_access":
            return 200, {}, "true"
        if (model, method) == ("ir.module.module", "search_read"):
            _, op, value = body["domain"][0]
            names = value if op == "in" else [value]
            return 200, {}, json.dumps([m for m in modules if m["name"] in names])
        return 200, {}, "null"
    return calls, reply


API_KEY = "0123456789abcdef0123456789abcdef01234567"
ODOO_19_BASE = [{"id": i, "name": n, "state": "installed", "latest_version": "19.0.1.0",
                 "installed_version": "19.0.1.0"} for i, n in enumerate(("project", "hr_timesheet", "account",
                                                                        "portal"), 1)]
# The 18.0 folder on a 19 server's addons path, as Odoo 19 lists it.
ADDON_18_ON_19 = {"id": 66, "name": "erp_playbook", "state": "uninstallable", "latest_version": False,
                  "installed_version": "18.0.1.0.0"}


def test_doctor_on_19_names_the_18_folder_on_the_path_as_the_cause(rsps: responses.RequestsMock) -> None:
    odoo19_version(rsps)
    _, reply = odoo19([*ODOO_19_BASE, ADDON_18_ON_19])
    rsps.add_callback(responses.POST, re.compile(rf"{re.escape(URL)}/json/2/.*"), callback=reply)
    report = run_doctor(OdooClient(URL, "prod", "admin", API_KEY))
    addon = next(c for c in report.checks if c.name == "addon")
    assert addon.status == "fail" and "18.0 module" in addon.detail and "runs Odoo 19.0" in addon.detail
    assert "dependency" not in addon.detail
    assert "replace odoo_addon/18.0 by odoo_addon/19.0" in (addon.fix or "")
    assert report.addon_state == "wrong series" and report.exit_code == 2


def test_install_on_19_refuses_the_18_folder_and_installs_nothing(rsps: responses.RequestsMock) -> None:
    odoo19_version(rsps)
    calls, reply = odoo19([*ODOO_19_BASE, ADDON_18_ON_19])
    rsps.add_callback(responses.POST, re.compile(rf"{re.escape(URL)}/json/2/.*"), callback=reply)
    with pytest.raises(OdooMissingAddon, match=r"18\.0 module") as err:
        install_addon(OdooClient(URL, "prod", "admin", API_KEY), None)
    assert "odoo_addon/19.0" in (err.value.hint or "")
    assert not [c for c in calls if "button_immediate" in c]
