"""The CLI's shape: command modules stand on cli/options.py, never on cli/main.py (which registers them)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["cli.odoo_cmds", "cli.jira_cmds", "cli.sync_cmds", "cli.report_cmds"])
def test_a_command_module_imports_without_cli_main(module: str) -> None:
    code = f"import sys, {module}; print('cli.main' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_every_area_is_registered() -> None:
    from cli.main import cli

    assert {"odoo", "jira", "sync", "report"} <= set(cli.commands)
