"""The live Odoo fixtures (see tests/odoo/conftest.py for what each gives), loaded once for every test directory by
``tests/conftest.py``: one session starts one Odoo, whether tests/odoo or the sync scenarios' live leg asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.odoo.harness import SKIP_REASON, OdooDatabase, OdooHarness, OdooServer, OdooSource


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
