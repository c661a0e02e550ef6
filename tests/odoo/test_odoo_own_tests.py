"""Odoo's own tests of what the addon extends pass with erp_playbook in the registry (18 and 19).

Run on a database where everything is installed, with the whole registry loaded, so that project's and
hr_timesheet's at_install tests meet the addon too (see odoo_tests_with_registry.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.odoo.harness import OdooServer

WRAPPER = Path(__file__).with_name("odoo_tests_with_registry.py")
MODULE_TAGS = ("/project", "/hr_timesheet", "/analytic", "/account:TestAccountAnalyticAccount")
# Fail the same way without erp_playbook, on the base database (project + hr_timesheet + account) run like this
# (checked by hand on each series; docs/odoo.md): the first two assume a registry without hr_timesheet/account.
PRE_EXISTING = {
    18: (
        "/project:TestAccessRightsPrivateTask.test_internal_cannot_crud_private_task",
        "/project:TestProjectTaskQuickCreate.test_create_task_with_valid_expressions",
        "/project:TestProjectSharingPortalAccess.test_wizard_confirm",
        "/project:TestProjectUpdateUi.test_01_project_tour",
    ),
    19: (
        "/project:TestAccessRightsPrivateTask.test_internal_cannot_crud_private_task",
        "/project:TestProjectTaskQuickCreate.test_create_task_with_valid_expressions",
        "/project:TestProjectSharingPortalAccess.test_wizard_confirm",
    ),
}


@pytest.fixture
def addon_db(odoo_server: OdooServer) -> Iterator[str]:
    name = odoo_server.new_database(with_addon=True)
    yield name
    odoo_server.drop_database(name)


def test_odoos_own_tests_pass_with_the_addon_loaded(odoo_server: OdooServer, addon_db: str) -> None:
    tags = ",".join([*MODULE_TAGS, *(f"-{t}" for t in PRE_EXISTING.get(odoo_server.series, ()))])
    run = odoo_server.run_odoo("--test-enable", "--test-tags", tags, "--stop-after-init", db=addon_db,
                               log_name="odoo-own-tests", wrapper=WRAPPER, timeout=3000)
    summary = run.test_summary()
    assert summary is not None, f"Odoo ran no test; log {run.log_path}:\n{run.tail()}"
    assert summary.startswith("0 failed, 0 error(s)"), f"{summary}; log {run.log_path}:\n{run.tail(120)}"
    assert run.returncode == 0, f"odoo-bin exited {run.returncode}; log {run.log_path}:\n{run.tail()}"
    tested = int(summary.split(" of ")[1].split()[0])
    assert tested > 200, f"only {tested} tests ran: the at_install ones are missing? {summary}"
