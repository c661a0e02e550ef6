"""Tests that need a live Odoo (18 or 19, from ODOO_SRC): see ``tests/odoo/harness.py`` and docs/odoo.md.

Every test under ``tests/odoo`` is marked ``odoo`` and skipped with a reason when ``ODOO_SRC`` is unset. The
fixtures below live in ``tests/odoo/fixtures.py`` and are loaded once for every test directory by
``tests/conftest.py`` (so one session starts one Odoo, also for the sync scenarios' live leg).

Fixtures:
    odoo_server    (session)  ``OdooServer``: url, host, port, db, login, password, addons_path, version,
                              ``run_odoo(*args, db=...)``, ``new_database(with_addon=...)``, ``drop_database``,
                              ``execute(db, model, method, *args)``. ``db`` is shared by the whole session.
    odoo_db        (module)   ``OdooDatabase``: a fresh copy of the base database (project, hr_timesheet,
                              account; no demo data), dropped after the module.
    odoo_addon_db  (module)   the same with ``erp_playbook`` installed.
    odoo_database_factory (function)  ``make(with_addon=False) -> OdooDatabase`` for per-test databases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.odoo.harness import SKIP_REASON, HarnessError, OdooSource

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    try:
        source = OdooSource.from_env()
    except HarnessError:
        source = object()  # set but wrong: let the fixture fail loudly instead of skipping
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.odoo)
            if source is None:
                item.add_marker(skip)
