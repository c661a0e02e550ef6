"""`playbook register import` against a live Odoo (18 or 19) with the addon: tagged tasks become register records
the addon accepts (its lesson-27 rule included), once; the weekly report then reads the records."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.reports.odoo_source import OdooReportSource
from tests.odoo.harness import OdooDatabase


@pytest.fixture(scope="module")
def project(odoo_addon_db: OdooDatabase) -> int:
    ex = odoo_addon_db.execute
    ex("erp.playbook", "load_playbook", load_playbook(DEFAULT_PLAYBOOK).model_dump(mode="json"))
    playbook = ex("erp.playbook", "search", [["key", "=", "erp_standard"]])[0]
    customer = ex("res.partner", "create", {"name": "Register Customer", "is_company": True})
    project_id = ex("project.project", "create", {"name": "Live register project", "partner_id": customer,
                                                  "erp_playbook_id": playbook})
    tags = {name: ex("project.tags", "create", {"name": name})
            for name in ("需求", "issue", "Disposition: Explain why it cannot be met", "workaround")}

    def task(name: str, *tag_names: str, **extra: Any) -> None:
        ex("project.task", "create", {"name": name, "project_id": project_id,
                                      "tag_ids": [(6, 0, [tags[t] for t in tag_names])], **extra})

    task("Consignment stock", "需求", "Disposition: Explain why it cannot be met", state="1_done")
    task("Landed costs", "需求", "workaround")
    task("Slow MRP run", "issue")
    task("Ordinary work")  # no kind tag: not a register item
    return int(project_id)


def test_tags_become_records_the_addon_accepts_once(odoo_addon_db: OdooDatabase, project: int, services: Any,
                                                   runner: CliRunner) -> None:
    services(odoo=lambda settings: odoo_addon_db)
    args = ["register", "import", "--project", str(project), "--from", "odoo", "--json"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["created"] == 3
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert (json.loads(again.stdout)["created"], json.loads(again.stdout)["already_there"]) == (0, 3)

    rows = odoo_addon_db.execute("erp.register.item", "search_read", [["project_id", "=", project]],
                                 fields=["name", "kind", "disposition", "state", "outcome", "disposition_reason",
                                         "task_id", "source_ref"])
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"Consignment stock", "Landed costs", "Slow MRP run"}
    refused = by_name["Consignment stock"]
    assert (refused["kind"], refused["disposition"], refused["state"], refused["outcome"]) == (
        "requirement", "explain_not_possible", "closed", "unmet")
    assert "not recorded there" in refused["disposition_reason"]
    assert refused["source_ref"] == f"odoo-task:{refused['task_id'][0]}"
    assert (by_name["Landed costs"]["state"], by_name["Slow MRP run"]["state"]) == ("in_progress", "new")

    snap = OdooReportSource(odoo_addon_db, load_playbook(DEFAULT_PLAYBOOK)).snapshot(str(project), date.today())
    assert snap.register_source == "odoo:register"
    assert sorted((i.kind, i.disposition, i.closed) for i in snap.register_items) == [
        ("issue", None, False), ("requirement", "explain_not_possible", True), ("requirement", "workaround", False)]
