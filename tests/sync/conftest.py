"""A small world for the sync tests: Jira project ACME (two phase epics, items, a payment milestone), its Odoo
project, and an Odoo-only project; every Jira request is checked against the published contract."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import responses

from connector.settings import ProjectLink
from connector.sync.engine import SyncEngine
from connector.sync.state import SqliteState
from connector.sync.summary import SyncSummary
from tests.jira_contract import contract_responses, needs_spec
from tests.sync.fakes import JiraFake, KillableJira, KillSwitch, OdooFake, make_adapter

pytestmark = needs_spec

ACME = ProjectLink(code="acme", odoo_project="ACME ERP", jira_key="ACME")
LOCAL = ProjectLink(code="local", odoo_project="Local only")
SERVER_TODAY = date(2025, 5, 20)


@dataclass
class World:
    jira: JiraFake
    odoo: OdooFake
    state_path: Path
    links: list[ProjectLink]
    issues: dict[str, str] = field(default_factory=dict)
    acme_id: int = 0
    local_id: int = 0
    sleeps: list[float] = field(default_factory=list)

    def run(self, links: list[ProjectLink] | None = None, *, kill_at: int | None = None, dry_run: bool = False,
            since: int | None = None, full: bool = False, grace_days: int | None = None,
            employees: dict[str, str] | None = None) -> SyncSummary:
        switch = KillSwitch(kill_at)
        self.odoo.switch = switch
        jira: Any = KillableJira(make_adapter(self.sleeps), switch)
        state = SqliteState(self.state_path)
        try:
            engine = SyncEngine(odoo=self.odoo, jira=jira, state=state, dry_run=dry_run, grace_days=grace_days,
                                employees=employees)
            return engine.run(links or self.links, since=since, full=full)
        finally:
            state.close()

    def state(self, ns: str) -> dict[str, Any]:
        state = SqliteState(self.state_path)
        try:
            return state.all(ns)
        finally:
            state.close()

    def lines(self) -> set[tuple[Any, ...]]:
        """Timesheet lines as comparable tuples (ids of Odoo records left out)."""
        return {(ln["erp_jira_worklog_id"], ln["project_id"], ln["task_id"], ln["date"], ln["unit_amount"],
                 ln["name"]) for ln in self.odoo.lines()}

    def line(self, worklog_id: int) -> dict[str, Any]:
        return next(ln for ln in self.odoo.lines() if ln["erp_jira_worklog_id"] == str(worklog_id))

    def phase_task(self, project_id: int, key: str) -> int:
        return next(t["id"] for t in self.odoo.tables["project.task"].values()
                    if t["project_id"] == project_id and t["erp_item_key"] == key)


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with contract_responses() as mock:
        yield mock


def build_world(rsps: responses.RequestsMock | None, tmp_path: Path, page_size: int = 1000) -> World:
    """``rsps`` None: the fakes are served over HTTP instead (``tests.sync.standins``)."""
    # The server's today: the signing milestone (due 2025-05-01, 30 days of grace) is invoiced, not yet overdue.
    jira, odoo = JiraFake(page_size=page_size), OdooFake(today=SERVER_TODAY)
    if rsps is not None:
        jira.install(rsps)
    world = World(jira=jira, odoo=odoo, state_path=tmp_path / "state" / "sync.sqlite", links=[ACME, LOCAL])
    world.acme_id = odoo.add_project("acme", "ACME ERP")
    world.local_id = odoo.add_project("local", "Local only", budget=20.0, phases=(("run", 20.0),))
    odoo.add_milestone(world.acme_id, "signing", amount=30000.0, date_due="2025-05-01",
                       invoice={"name": "INV/2025/0001", "state": "posted", "payment_state": "not_paid",
                                "amount_residual": 30000.0, "invoice_date_due": "2025-05-31"})
    odoo.add_milestone(world.acme_id, "golive", amount=70000.0)
    analysis = jira.add_phase("ACME", "analysis")
    build = jira.add_phase("ACME", "build")
    world.issues = {
        "analysis": analysis,
        "build": build,
        "check": jira.add_issue("ACME", kind="checklist_item", item="kickoff", parent=analysis),
        "bare": jira.add_issue("ACME", parent=build, issuetype="Issue"),  # no property: phase from its epic
        "signing": jira.add_milestone("ACME", "signing"),
        "golive": jira.add_milestone("ACME", "golive"),
        "other": jira.add_issue("OTHER", kind="phase", item="x", issuetype="Epic"),
    }
    return world


@pytest.fixture
def world(rsps: responses.RequestsMock, tmp_path: Path) -> World:
    return build_world(rsps, tmp_path)
