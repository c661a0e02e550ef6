"""Fixtures: the Acme data set behind a fake Odoo, its snapshot for week 2026-W48, the default playbook."""

from __future__ import annotations

from datetime import date

import pytest

from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.playbook.model import Playbook
from connector.reports.odoo_source import OdooReportSource
from connector.reports.snapshot import ProjectSnapshot
from connector.reports.weeks import IsoWeek
from tests.reports.fake_odoo import FakeOdoo, acme_records

AS_OF = date(2026, 11, 27)  # Friday of week 2026-W48 (23-29 November)
WEEK = IsoWeek(2026, 48)


@pytest.fixture(scope="session")
def playbook() -> Playbook:
    return load_playbook(DEFAULT_PLAYBOOK)


@pytest.fixture
def acme_odoo() -> FakeOdoo:
    return FakeOdoo(acme_records())


@pytest.fixture
def acme(acme_odoo: FakeOdoo, playbook: Playbook) -> ProjectSnapshot:
    return OdooReportSource(acme_odoo, playbook).snapshot("acme_erp", AS_OF, lines_from=WEEK.start, lines_to=WEEK.end)
