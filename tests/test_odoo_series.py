"""Another Odoo series than the addon's: the connector still provisions plain projects and says why no addon.

Seen on a live Odoo 17.0: an 18.0 module on the addons path makes Odoo 17 refuse to load any database, so the
fix for a missing addon must not tell a 17 user to put it there.
"""

from __future__ import annotations

from typing import Any

import pytest
import responses

from connector.odoo.doctor import run_doctor
from connector.odoo.errors import OdooMissingAddon
from connector.odoo.install import install_addon
from tests.test_odoo_client import client, jsonrpc

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
    assert "Odoo 18.0" in (addon.fix or "") and "do not put odoo_addon/" in (addon.fix or "")
    assert report.exit_code == 1  # usable: plain projects


def test_install_on_odoo_17_refuses_before_touching_the_server(rsps: responses.RequestsMock) -> None:
    seen = jsonrpc(rsps, odoo17)
    with pytest.raises(OdooMissingAddon, match=r"Odoo 17\.0") as err:
        install_addon(client(), None)
    assert "written for Odoo 18.0" in (err.value.hint or "")
    assert [p["method"] for p in seen] == ["version", "login"]  # no update_list, no install
