"""One world for the sync scenarios, over either Odoo: the in-memory fake (``tests.fakes.odoo``) or a live Odoo with
the addon (``tests/odoo/harness.py``); Jira is the contract-checked fake in both.

The scenario sets its data up and reads it back through ``admin.execute`` (plain ORM calls and the addon's own
actions, as a manager would), and runs the sync through ``client``; nothing in a scenario knows which Odoo it has,
so the fake is held to real Odoo by the same assertions (``tests/sync/test_sync_scenarios.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connector.settings import ProjectLink
from connector.sync.engine import SyncEngine
from connector.sync.state import SqliteState
from connector.sync.summary import SyncSummary
from tests.fakes.kill import KillSwitch
from tests.sync.fakes import JiraFake, KillableJira, make_adapter

HOUR = 3600


class KillableOdoo:
    """The engine's Odoo (client or fake), 'killed' right after call number ``switch.at`` went through."""

    def __init__(self, client: Any, switch: KillSwitch) -> None:
        self.client, self.switch = client, switch

    @property
    def rpc_calls(self) -> int:
        return int(self.client.rpc_calls)

    @property
    def uid(self) -> int | None:
        return self.client.uid  # type: ignore[no-any-return]

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        result = self.client.execute(model, method, *args, **kwargs)
        self.switch.tick(f"{model}.{method}")
        return result

    def search_read(self, model: str, domain: list[Any], fields: list[str], **kw: Any) -> list[dict[str, Any]]:
        return list(self.execute(model, "search_read", domain, fields, **kw) or [])

    def __getattr__(self, name: str) -> Any:
        # The sync's line creator asks for a second connection where the client has one (a live Odoo); the fake has
        # none, so there the attribute is missing and the engine shares the one connection, as with any such client.
        if name == "another_connection" and hasattr(self.client, "another_connection"):
            return lambda: KillableOdoo(self.client.another_connection(), self.switch)
        raise AttributeError(name)


def make_project(db: Any, code: str) -> int:
    """A project as provisioning leaves it: external id, phases with their tasks, budget (``db``: anything with
    ``execute``)."""
    pid = int(db.execute("project.project", "create", {"name": f"Live {code}", "erp_man_day_budget": 100,
                                                         "erp_hours_per_day": 8}))
    db.execute("ir.model.data", "create", {"module": "erp_playbook_rpc", "name": f"{code}__project",
                                           "model": "project.project", "res_id": pid})
    for seq, (key, budget) in enumerate((("analysis", 30), ("build", 70)), 1):
        task = db.execute("project.task", "create", {"name": key.title(), "project_id": pid, "erp_item_key": key,
                                                     "erp_item_type": "phase"})
        phase = db.execute("erp.project.phase", "create", {"project_id": pid, "key": key, "name": key.title(),
                                                           "sequence": seq, "task_id": task,
                                                           "budget_man_days": budget})
        db.execute("project.task", "write", [task], {"erp_phase_id": phase})
    return pid


@dataclass
class SyncWorld:
    """``which``: "fake" or "live"; ``admin``: set-up and read-back calls; ``client``: what the sync calls."""

    which: str
    admin: Any
    client: Any
    jira: JiraFake
    link: ProjectLink
    state_path: Path
    project_id: int
    issues: dict[str, str]

    def run(self, kill_at: int | None = None, *, full: bool = False, kill_after: str | None = None) -> SyncSummary:
        switch = KillSwitch(kill_at, kill_after)
        state = SqliteState(self.state_path)
        try:
            engine = SyncEngine(odoo=KillableOdoo(self.client, switch),
                                jira=KillableJira(make_adapter(), switch), state=state)
            return engine.run([self.link], full=full)
        finally:
            state.close()

    @property
    def rpc_calls(self) -> int:
        """Calls the sync's client has made so far."""
        return int(self.client.rpc_calls)

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.admin.execute(model, method, *args, **kwargs)

    def read(self, model: str, record: int, fields: list[str]) -> dict[str, Any]:
        (row,) = self.execute(model, "read", [record], fields)
        return row  # type: ignore[no-any-return]

    def lines(self) -> dict[str, dict[str, Any]]:
        rows = self.execute("account.analytic.line", "search_read", [("project_id", "=", self.project_id)],
                            ["erp_jira_worklog_id", "task_id", "unit_amount", "date", "name", "employee_id",
                             "erp_confirmed_date"])
        return {r["erp_jira_worklog_id"]: r for r in rows}

    def phases(self) -> dict[str, dict[str, Any]]:
        rows = self.execute("erp.project.phase", "search_read", [("project_id", "=", self.project_id)],
                            ["key", "spent_man_days", "remaining_man_days", "task_id", "blocked_by"])
        return {r["key"]: r for r in rows}

    def attach_paper(self, signoff: int) -> None:
        """The signed paper a manager attaches before recording a signature (the addon requires it)."""
        paper = self.execute("ir.attachment", "create", {"name": "signed.pdf", "datas": "JVBERi0xLjQ=",
                                                         "mimetype": "application/pdf"})
        self.execute("erp.signoff", "write", [signoff], {"attachment_ids": [(4, paper)]})

    def customer(self, name: str, email: str) -> int:
        """The project's customer (a company) and its contact ``name``, who signs; the contact's id."""
        company = int(self.execute("res.partner", "create", {"name": f"Customer {self.link.code}",
                                                             "is_company": True}))
        contact = int(self.execute("res.partner", "create", {"name": name, "email": email, "parent_id": company}))
        self.execute("project.project", "write", [self.project_id], {"partner_id": company,
                                                                     "erp_contract_amount": 100000})
        return contact

    def notes(self, signoff: int) -> list[str]:
        rows = self.execute("mail.message", "search_read", [("model", "=", "erp.signoff"), ("res_id", "=", signoff),
                                                            ("body", "ilike", "from Jira")], ["body"])
        return [r["body"] for r in rows]
