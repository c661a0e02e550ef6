"""`playbook sync` (a subprocess) through a proxy that cuts a live Odoo 18's answers: no line lost, none doubled.

The proxy (``tests.sync.standins.forward_app``) hands each request to the real Odoo, which applies it, then cuts
the answer: inside the status line, inside a chunk, inside the headers (a 200 with an empty body). Jira is the
contract-checked fake behind the same kind of stand-in. After the cut run and a re-run, the timesheets of the
project are exactly its worklogs, and the next run changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.jira_contract import needs_spec
from tests.odoo.harness import OdooDatabase
from tests.sync.fakes import JiraFake
from tests.sync.scenario import make_project
from tests.sync.standins import StandIn, forward_app, jira_app, odoo_call, playbook, write_config

pytestmark = needs_spec
HOUR = 3600
_counter = iter(range(1, 1000))


# skip: calls of that kind let through first. The new lines of every page go in one create; the read of the second
# page's existing lines is cut on every attempt, so the project fails.
@pytest.mark.parametrize(("model", "method", "cut", "times", "skip"), [
    ("account.analytic.line", "create", "status", 1, 0),
    ("account.analytic.line", "create", "chunk", 1, 0),
    ("account.analytic.line", "create", "headers", 1, 0),
    ("account.analytic.line", "search_read", "body", 4, 1),
])
def test_cut_odoo_answers_then_rerun_end_exactly_like_one_clean_run(odoo_addon_db: OdooDatabase, tmp_path: Path,
                                                                     model: str, method: str, cut: str,
                                                                     times: int, skip: int) -> None:
    n = next(_counter)
    code, key = f"cut{n}", f"CT{n}"
    project_id = make_project(odoo_addon_db, code)
    jira = JiraFake(page_size=4, first_id=700_000 + n * 10_000)
    analysis, build = jira.add_phase(key, "analysis", code), jira.add_phase(key, "build", code)
    for i in range(9):
        jira.log(analysis if i % 2 else build, (i + 1) * 900, comment=f"work {i}")

    with StandIn(jira_app(jira)) as jira_site, StandIn(forward_app(odoo_addon_db.url)) as proxy:
        config = write_config(tmp_path / "config.toml", odoo_url=proxy.url, jira_url=jira_site.url,
                              state=tmp_path / "sync.sqlite", db=odoo_addon_db.name, user=odoo_addon_db.login,
                              password=odoo_addon_db.password,
                              projects=f'[[projects]]\ncode = "{code}"\njira_key = "{key}"\n')
        proxy.cut(odoo_call(model, method), cut, times=times, skip=skip)

        first = playbook(config, "sync", "--json")
        assert first.code == 1 and "Traceback" not in first.stderr, first.stderr
        (project,) = first.summary["projects"]
        assert project["status"] == "failed" and f"{model}.{method}" in project["errors"][0]
        assert len(proxy.cut_log) == times  # a create is never sent twice

        second = playbook(config, "sync", "--json")
        assert second.code == 0, second.stderr
        third = playbook(config, "sync", "--json")
        assert third.code == 0 and third.summary["projects"][0]["created"] == 0

    rows = odoo_addon_db.execute("account.analytic.line", "search_read", [("project_id", "=", project_id)],
                                 ["erp_jira_worklog_id", "unit_amount"])
    ids = [r["erp_jira_worklog_id"] for r in rows]  # type: ignore[union-attr]
    assert len(ids) == len(set(ids)) == 9
    assert {r["erp_jira_worklog_id"]: r["unit_amount"] for r in rows} == {  # type: ignore[union-attr]
        str(w): round(d["timeSpentSeconds"] / 3600, 4) for w, d in jira.worklogs.items()}
    assert jira.violations == []
