"""Fixtures for tests that need a live Odoo (18 or 19, from ODOO_SRC): see ``tests/odoo/harness.py`` and docs/odoo.md.

Every test under ``tests/odoo`` is marked ``odoo`` and skipped with a reason when ``ODOO_SRC`` is unset.

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

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.odoo.harness import SKIP_REASON, HarnessError, OdooDatabase, OdooHarness, OdooServer, OdooSource

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


@pytest.fixture(scope="session")
def odoo_source() -> OdooSource:
    source = OdooSource.from_env()
    if source is None:
        pytest.skip(SKIP_REASON)
    return source


@pytest.fixture(scope="session")
def odoo_server(odoo_source: OdooSource) -> Iterator[OdooServer]:
    """Private PostgreSQL + Odoo on 127.0.0.1 for the whole session; both stopped at the end."""
    harness = OdooHarness(odoo_source)
    try:
        server = harness.start()
    except BaseException:
        harness.cleanup()
        raise
    try:
        yield server
    finally:
        harness.cleanup()


def _module_database(server: OdooServer, request: pytest.FixtureRequest, with_addon: bool) -> Iterator[OdooDatabase]:
    module = getattr(request.module, "__name__", "mod").rsplit(".", 1)[-1]
    name = server.new_database(f"erp_{module[:40]}_{'a' if with_addon else 'b'}", with_addon=with_addon)
    try:
        yield OdooDatabase(name=name, server=server)
    finally:
        server.drop_database(name)


@pytest.fixture(scope="module")
def odoo_db(odoo_server: OdooServer, request: pytest.FixtureRequest) -> Iterator[OdooDatabase]:
    """A fresh base database (no addon) shared by the tests of one module."""
    yield from _module_database(odoo_server, request, with_addon=False)


@pytest.fixture(scope="module")
def odoo_addon_db(odoo_server: OdooServer, request: pytest.FixtureRequest) -> Iterator[OdooDatabase]:
    """A fresh database with ``erp_playbook`` installed, shared by the tests of one module."""
    if odoo_server.addon_template_error:
        pytest.fail(odoo_server.addon_template_error)
    yield from _module_database(odoo_server, request, with_addon=True)


@pytest.fixture
def odoo_database_factory(odoo_server: OdooServer) -> Iterator[Callable[..., OdooDatabase]]:
    """Make as many fresh databases as a test needs; all dropped when it ends."""
    made: list[str] = []

    def make(with_addon: bool = False) -> OdooDatabase:
        name = odoo_server.new_database(with_addon=with_addon)
        made.append(name)
        return OdooDatabase(name=name, server=odoo_server)

    yield make
    for name in made:
        odoo_server.drop_database(name)
