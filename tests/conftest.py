"""Shared fixtures: the small test playbook and a CLI runner with a clean environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

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
