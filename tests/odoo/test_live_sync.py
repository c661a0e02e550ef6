"""The live sync scenarios moved to ``tests/sync/test_sync_scenarios.py``: each runs against the Odoo fake and a live
Odoo through one parametrized fixture. The names below stay importable from here (bench/sync.py)."""

from __future__ import annotations

from tests.sync.scenario import KillableOdoo as KillableOdoo
from tests.sync.scenario import make_project as make_project
