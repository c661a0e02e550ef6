"""The application object: built once per invocation by the root command, it holds the settings (read on first
use, so commands that need none never read the config file) and builds the Odoo client, the Jira adapter and the
sync state on demand.

How those three are built is the CLI's one seam for tests: ``App.factories`` (tests swap it through the
``services`` fixture in tests/conftest.py) instead of a factory per command module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

from connector.settings import Settings, load_settings

if TYPE_CHECKING:
    from connector.jira.adapter import JiraAdapter
    from connector.odoo.client import OdooClient
    from connector.sync.state import StateStore


def connect_odoo(settings: Settings) -> OdooClient:
    from connector.odoo.client import OdooClient

    return OdooClient.from_settings(settings.odoo)


def connect_jira(settings: Settings) -> JiraAdapter:
    from connector.jira.adapter import JiraAdapter  # the jira library is slow to import: only when Jira is used

    return JiraAdapter.from_settings(settings.jira)


def open_sync_state(settings: Settings) -> StateStore:
    from connector.sync.state import open_state

    url = settings.sync.state_url.get_secret_value() if settings.sync.state_url else None
    return open_state(settings.sync.state, url)


@dataclass(frozen=True)
class Factories:
    """How the live services are built from the settings."""

    odoo: Callable[[Settings], Any] = connect_odoo
    jira: Callable[[Settings], Any] = connect_jira
    state: Callable[[Settings], Any] = open_sync_state


@dataclass
class App:
    config: Path | None = None

    factories: ClassVar[Factories] = Factories()

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.config)

    def odoo(self) -> OdooClient:
        """The Odoo client (an OdooExecutor: tests pass a fake)."""
        return self.factories.odoo(self.settings)  # type: ignore[no-any-return]

    def jira(self) -> JiraAdapter:
        return self.factories.jira(self.settings)  # type: ignore[no-any-return]

    def state(self) -> StateStore:
        """The sync state store; the caller closes it."""
        return self.factories.state(self.settings)  # type: ignore[no-any-return]


# A command's `app` argument: the App of this invocation (a bare one when a group is run on its own).
pass_app = click.make_pass_decorator(App, ensure=True)
