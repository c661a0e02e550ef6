"""The erp_playbook addon installs into a real Odoo 18, passes its own tests there, and upgrades cleanly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.odoo.harness import ADDON_NAME, OdooDatabase, OdooServer


@pytest.fixture
def fresh_db(odoo_server: OdooServer) -> Iterator[str]:
    name = odoo_server.new_database()
    yield name
    odoo_server.drop_database(name)


def test_addon_installs_and_its_odoo_tests_pass(odoo_server: OdooServer, fresh_db: str) -> None:
    run = odoo_server.run_odoo(
        "-i",
        ADDON_NAME,
        "--test-enable",
        "--test-tags",
        f"/{ADDON_NAME}",
        "--stop-after-init",
        db=fresh_db,
        log_name="addon-tests",
    )
    summary = run.test_summary()
    assert run.returncode == 0, f"odoo-bin exited {run.returncode}; log {run.log_path}:\n{run.tail()}"
    assert summary is not None, f"Odoo ran no test; log {run.log_path}:\n{run.tail()}"
    assert summary.startswith("0 failed, 0 error(s)"), f"{summary}\n{run.tail()}"
    assert " of 0 tests" not in summary


def test_addon_upgrades_in_place(odoo_server: OdooServer, odoo_addon_db: OdooDatabase) -> None:
    # A project planned before the upgrade must come through it unchanged.
    project_id = odoo_addon_db.execute(
        "project.project", "create", {"name": "Before upgrade", "erp_man_day_budget": 12}
    )
    run = odoo_server.run_odoo("-u", ADDON_NAME, "--stop-after-init", db=odoo_addon_db.name, log_name="addon-upgrade")
    assert run.returncode == 0, f"odoo-bin -u exited {run.returncode}; log {run.log_path}:\n{run.tail()}"
    assert "ERROR" not in run.output, run.tail()
    [project] = odoo_addon_db.execute("project.project", "read", [project_id], fields=["erp_man_day_budget"])  # type: ignore[misc]
    assert project["erp_man_day_budget"] == 12
    [module] = odoo_addon_db.execute(  # type: ignore[misc]
        "ir.module.module", "search_read", [["name", "=", ADDON_NAME]], fields=["state", "latest_version"]
    )
    assert module["state"] == "installed"
    assert module["latest_version"] == "18.0.1.1.0"
