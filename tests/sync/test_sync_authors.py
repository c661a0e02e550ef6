"""Timesheet lines are booked on the Odoo employee of the Jira worklog's author (e-mail, then name), the sync
user's employee when there is none (listed once per run), with one employee read per run at most."""

from __future__ import annotations

from connector.errors import ConnectorError
from tests.sync.conftest import World
from tests.sync.fakes import account_id_of

HOUR = 3600


def _employee_reads(world: World) -> int:
    return world.odoo.calls.count(("hr.employee.public", "web_search_read"))


def test_authors_are_matched_by_work_email_user_login_and_exact_name(world: World) -> None:
    odoo, j, i = world.odoo, world.jira, world.issues
    bo = odoo.add_employee("Bo Chen", work_email="bo@acme.test")
    cy = odoo.add_employee("Cy Diaz", login="cy@acme.test")  # no work e-mail: the user's login matches
    di = odoo.add_employee("Di Evans")
    odoo.add_employee("Bo Chen (old laptop)", work_email="someone-else@acme.test")
    w_bo = j.log(i["analysis"], HOUR, author="Bo Chen", email="BO@acme.test")
    w_cy = j.log(i["analysis"], HOUR, author="Cy D.", email="cy@acme.test")
    w_di = j.log(i["build"], HOUR, author="Di  Evans")  # e-mail hidden by Jira: the display name matches
    w_di2 = j.log(i["build"], HOUR, author="Di  Evans")

    summary = world.run()

    assert summary.ok, summary.as_dict()
    booked = {w: world.line(w)["employee_id"] for w in (w_bo, w_cy, w_di, w_di2)}
    assert booked == {w_bo: bo, w_cy: cy, w_di: di, w_di2: di}
    assert not any("has no Odoo employee" in w for w in summary.warnings)
    assert _employee_reads(world) == 1
    assert world.state("employee")[account_id_of("Bo Chen")]["id"] == bo


def test_unmatched_author_books_on_the_sync_user_and_is_listed_once(world: World) -> None:
    j, i = world.jira, world.issues
    j.log(i["analysis"], HOUR, author="Eve Fox", email="eve@partner.test")
    j.log(i["build"], HOUR, author="Eve Fox", email="eve@partner.test")
    j.log(i["build"], HOUR, author="Gil Hale")

    summary = world.run()

    assert summary.ok
    assert {ln["employee_id"] for ln in world.odoo.lines()} == {world.odoo.sync_employee}
    eve = [w for w in summary.warnings if w.startswith("Jira user Eve Fox has no Odoo employee")]
    assert eve == ["Jira user Eve Fox has no Odoo employee: booked on Sync Bot (the sync user's employee); "
                   "create an employee with work e-mail eve@partner.test or map it in the config ([sync] employees)"]
    gil = [w for w in summary.warnings if w.startswith("Jira user Gil Hale")]
    assert len(gil) == 1 and f"map its Jira account {account_id_of('Gil Hale')}" in gil[0]


def test_known_authors_cost_no_employee_read_and_no_change_runs_none(world: World) -> None:
    world.odoo.add_employee("Bo Chen", work_email="bo@acme.test")
    world.jira.log(world.issues["analysis"], HOUR, author="Bo Chen", email="bo@acme.test")
    world.run()
    world.jira.log(world.issues["build"], HOUR, author="Bo Chen", email="bo@acme.test")
    assert world.run().projects[0].created == 1
    quiet = world.run()
    assert _employee_reads(world) == 1
    assert quiet.jira_requests == 3 and quiet.odoo_calls <= 6  # the worklog feeds + the sign-off search


def test_explicit_mapping_wins_and_a_wrong_name_is_reported(world: World) -> None:
    official = world.odoo.add_employee("Ann Lee-Official")
    world.odoo.add_employee("Ann Lee")
    wid = world.jira.log(world.issues["analysis"], HOUR, author="Ann Lee", email="ann@acme.test")
    summary = world.run(employees={"ANN@acme.test": "Ann Lee-Official", "nobody@acme.test": "No Such Person"})
    assert world.line(wid)["employee_id"] == official
    assert any("maps nobody@acme.test to 'No Such Person', which is no active Odoo employee" in w
               for w in summary.warnings)


def test_existing_lines_move_to_the_author_on_a_full_run_except_signed_ones(world: World) -> None:
    j, i = world.jira, world.issues
    free = j.log(i["analysis"], HOUR, author="Bo Chen", email="bo@acme.test")
    signed = j.log(i["analysis"], HOUR, author="Bo Chen", email="bo@acme.test")
    world.run()
    world.odoo.confirm([world.line(signed)["id"]])
    bo = world.odoo.add_employee("Bo Chen", work_email="bo@acme.test")

    summary = world.run(full=True)

    assert summary.ok, summary.as_dict()
    assert world.line(free)["employee_id"] == bo
    assert world.line(signed)["employee_id"] == world.odoo.sync_employee  # signed as it was: no conflict either
    assert (summary.projects[0].updated, summary.projects[0].conflicts) == (1, 0)


def test_an_archived_employee_fails_one_run_at_most(world: World) -> None:
    bo = world.odoo.add_employee("Bo Chen", work_email="bo@acme.test")
    world.jira.log(world.issues["analysis"], HOUR, author="Bo Chen", email="bo@acme.test")
    world.run()
    world.odoo.tables["hr.employee"][bo]["active"] = False
    wid = world.jira.log(world.issues["build"], HOUR, author="Bo Chen", email="bo@acme.test")

    failed = world.run()
    assert not failed.ok and "active employee" in failed.projects[0].errors[0]
    recovered = world.run()
    assert recovered.ok, recovered.as_dict()
    assert world.line(wid)["employee_id"] == world.odoo.sync_employee


def test_unreadable_employees_fall_back_to_the_sync_user(world: World) -> None:
    world.odoo.fail("hr.employee.public", "web_search_read", ConnectorError("Odoo refused hr.employee.public: no"))
    wid = world.jira.log(world.issues["analysis"], HOUR, author="Bo Chen", email="bo@acme.test")
    summary = world.run()
    assert summary.ok
    assert world.line(wid)["employee_id"] == world.odoo.sync_employee
    assert any(w.startswith("reading the Odoo employees failed") for w in summary.warnings)
