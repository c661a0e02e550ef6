"""Shared fixtures: the small test playbook and a CLI runner with a clean environment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

# The live Odoo fixtures, one definition for every directory (a session starts one Odoo); skipped without ODOO_SRC.
from tests.odoo.fixtures import odoo_addon_db, odoo_database_factory, odoo_db, odoo_server, odoo_source  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini_playbook_path() -> Path:
    return FIXTURES / "mini.yaml"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A CLI runner that never reads the developer's own config or PLAYBOOK_* variables."""
    import os

    for name in list(os.environ):
        if name.startswith("PLAYBOOK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return CliRunner()


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """The CLI's one seam: ``services(odoo=..., jira=..., state=...)`` swaps how the App of every invocation builds
    the Odoo client, the Jira adapter or the sync state (each a function of the settings)."""
    from cli.app import App

    def use(**factories: Callable[[Any], Any]) -> None:
        monkeypatch.setattr(App, "factories", replace(App.factories, **factories))

    return use


@pytest.fixture(autouse=True)
def _secrets_of_one_test() -> Iterator[None]:
    """A real invocation is one process: the secrets a test's configuration registers for masking must not mask the
    next test's output (a live test's password "nope" masked another test's project code "nope")."""
    from connector import redact

    before = redact.registered()
    yield
    redact._secrets.intersection_update(before)
