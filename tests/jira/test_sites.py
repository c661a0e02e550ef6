"""Provisioning and the doctor on sites as they really are: default contexts, team-managed look-alikes,
localised Epic, statuses no workflow uses, bulk answers in any order, refusals, Data Center's manual steps."""

from __future__ import annotations

import json

import pytest
import responses
from click.testing import CliRunner

from cli.main import cli
from connector.jira.adapter import JiraAdapter
from connector.jira.issues import ISSUE_KINDS
from connector.jira.provision import ProvisionError, provision
from connector.jira.templates import load_templates
from connector.plan import ProjectPlan
from tests.jira.fake import BASE_URL, FakeJira

TEMPLATES = load_templates()
OPTIONS = ["Not due", "Invoiced", "Paid", "Overdue"]
SIZE = ["--size", "medium", "--man-days", "40", "--contract-amount", "100000"]


def _payment_status(fake: FakeJira) -> str:
    return next(f["id"] for f in fake.fields if f["name"] == "Payment status")


def _options(fake: FakeJira, context_id: str) -> dict[str, bool]:
    return {o["value"]: bool(o.get("disabled")) for o in fake.options.get(context_id, [])}


# --- custom field contexts --------------------------------------------------------------------------------
def test_options_go_into_the_default_context_cloud_gives_a_new_field(adapter: JiraAdapter, fake: FakeJira,
                                                                     mini_plan: ProjectPlan) -> None:
    assert fake.default_context  # Cloud: the field is created with a global context
    provision(adapter, TEMPLATES, mini_plan, "ACME")

    contexts = fake.contexts[_payment_status(fake)]
    assert len(contexts) == 1 and contexts[0]["name"].startswith("Default Configuration Scheme")
    assert _options(fake, contexts[0]["id"]) == dict.fromkeys(OPTIONS, False)


def test_every_context_of_an_existing_field_gets_the_missing_options(adapter: JiraAdapter, fake: FakeJira,
                                                                     mini_plan: ProjectPlan) -> None:
    fid = "customfield_12000"
    fake.fields.append({"id": fid, "name": "Payment status", "custom": True,
                        "schema": {"custom": "com.atlassian.jira.plugin.system.customfieldtypes:select"}})
    fake.contexts[fid] = [
        {"id": "501", "name": "Finance", "description": "", "isGlobalContext": True, "isAnyIssueType": True},
        {"id": "502", "name": "PMO", "description": "", "isGlobalContext": False, "isAnyIssueType": True}]
    fake.options["501"] = [{"id": "601", "value": "Paid", "disabled": True}, {"id": "602", "value": "Disputed"}]
    fake.on_default_screen.add(fid)

    result = provision(adapter, TEMPLATES, mini_plan, "ACME")

    assert result.setup.fields["payment_status"] == fid
    assert len(fake.contexts[fid]) == 2  # their contexts kept, none of ours added
    assert _options(fake, "501") == {"Paid": False, "Disputed": False, "Not due": False, "Invoiced": False,
                                     "Overdue": False}  # theirs kept, ours added, the disabled one enabled
    assert _options(fake, "502") == dict.fromkeys(OPTIONS, False)
    fake.calls.clear()
    provision(adapter, TEMPLATES, mini_plan, "ACME")
    assert not [c for c in fake.calls if c[0] in ("POST", "PUT") and "/option" in c[1]]  # a re-run adds nothing


def test_a_field_without_any_context_gets_ours_with_the_options(adapter: JiraAdapter, fake: FakeJira,
                                                                mini_plan: ProjectPlan) -> None:
    fake.default_context = False  # as on sites where the default context was deleted
    provision(adapter, TEMPLATES, mini_plan, "ACME")
    [context] = fake.contexts[_payment_status(fake)]
    assert context["name"] == "erp-playbook" and not context["isAnyIssueType"]
    assert _options(fake, context["id"]) == dict.fromkeys(OPTIONS, False)


def test_a_re_run_by_a_user_who_may_not_read_contexts_still_provisions(adapter: JiraAdapter, fake: FakeJira,
                                                                      mini_plan: ProjectPlan) -> None:
    provision(adapter, TEMPLATES, mini_plan, "ACME")
    fake.fail("GET", r"/field/[^/]+/context$", 403, times=len(TEMPLATES.fields))  # not a Jira administrator

    again = provision(adapter, TEMPLATES, mini_plan, "ACME")

    assert sum(again.created.values()) == 0
    assert any("contexts were not checked" in w and "Payment status" in w for w in again.setup.warnings)


# --- scope: company-managed over team-managed -------------------------------------------------------------
def test_a_team_managed_type_of_the_same_name_is_not_used(adapter: JiraAdapter, fake: FakeJira,
                                                          mini_plan: ProjectPlan) -> None:
    team = fake.add_issue_type("Sign-off", project="TEAM")

    result = provision(adapter, TEMPLATES, mini_plan, "ACME")

    ours = result.setup.issue_types["signoff"]
    assert ours != team["id"]
    assert next(t for t in fake.issue_types if t["id"] == ours).get("scope") is None
    gate = fake.tagged()["requirements_signed"]
    assert gate["fields"]["issuetype"]["id"] == ours
    assert ours in fake.issue_type_schemes[0]["issueTypeIds"] and team["id"] not in fake.issue_type_schemes[0][
        "issueTypeIds"]


def test_a_global_type_wins_over_a_team_managed_one_listed_first(adapter: JiraAdapter, fake: FakeJira,
                                                                 mini_plan: ProjectPlan) -> None:
    team = fake.add_issue_type("Payment milestone", project="TEAM")
    fake.issue_types.insert(0, fake.issue_types.pop())  # the team-managed one comes first in Jira's list
    glob = fake.add_issue_type("Payment milestone")

    result = provision(adapter, TEMPLATES, mini_plan, "ACME")

    assert result.setup.issue_types["payment_milestone"] == glob["id"] != team["id"]


def test_a_status_no_active_workflow_uses_is_reused_not_created_again(adapter: JiraAdapter, fake: FakeJira,
                                                                      mini_plan: ProjectPlan) -> None:
    left = fake.add_status("Awaiting customer sign-off", active=False)  # its workflow was deleted
    team = fake.add_status("Signed off", project="TEAM")

    provision(adapter, TEMPLATES, mini_plan, "ACME")

    assert [w["name"] for w in fake.workflows] == ["ERP playbook sign-off"]
    named = [s for s in fake.statuses if s["name"] == "Awaiting customer sign-off"]
    assert named == [left] and left["id"] not in fake.inactive_statuses
    signed = [s for s in fake.statuses if s["name"] == "Signed off"]
    assert len(signed) == 2 and team in signed  # a global one was created beside the team-managed one


# --- the doctor judges with provisioning's matchers -------------------------------------------------------


def test_a_localised_epic_provisions_and_passes_the_doctor(env: CliRunner, fake: FakeJira, adapter: JiraAdapter,
                                                           mini_plan: ProjectPlan) -> None:
    fake.issue_types[0]["name"] = "長篇故事"  # the site's Epic, in Chinese
    fake.add_issue_type("Epic", project="TEAM", level=1)  # a team-managed "Epic" must not stand in for it

    doctor = env.invoke(cli, ["jira", "doctor", "--json"])
    result = provision(adapter, TEMPLATES, mini_plan, "ACME")

    assert doctor.exit_code == 0, doctor.output
    detail = {c["name"]: c["detail"] for c in json.loads(doctor.stdout)["checks"]}
    assert "Epic" not in detail["issue types"]
    assert result.setup.issue_types["phase"] == fake.issue_types[0]["id"]


def test_the_doctor_counts_a_team_managed_type_as_missing(env: CliRunner, fake: FakeJira) -> None:
    fake.add_issue_type("Sign-off", project="TEAM")
    result = env.invoke(cli, ["jira", "doctor", "--json"])
    detail = {c["name"]: c["detail"] for c in json.loads(result.stdout)["checks"]}
    assert "Sign-off" in detail["issue types"] and "will create" in detail["issue types"]


# --- matching created issues, refusals ---------------------------------------------------------------------
def test_created_issues_are_matched_by_their_property_not_the_answer_order(
        adapter: JiraAdapter, fake: FakeJira, mini_plan: ProjectPlan) -> None:
    fake.reverse_bulk_answer = True

    result = provision(adapter, TEMPLATES, mini_plan, "ACME")

    tagged = fake.tagged()
    assert result.issues == {key: issue["key"] for key, issue in tagged.items()}
    for key, issue in tagged.items():
        parent = next(r.parent for r in mini_plan.records if r.key == key)
        if parent:
            assert issue["fields"]["parent"]["key"] == tagged[parent]["key"], key


def test_refused_issues_are_named_the_rest_kept_and_the_rerun_finishes(
        adapter: JiraAdapter, fake: FakeJira, mini_plan: ProjectPlan) -> None:
    phases = [r.key for r in mini_plan.by_kind("phase")]
    children = [r.key for r in mini_plan.records if r.parent == phases[0]]
    fake.refuse = {phases[0]: "Summary is too long for this site", "on_signing": "Payment amount is required"}

    with pytest.raises(ProvisionError) as err:
        provision(adapter, TEMPLATES, mini_plan, "ACME")

    message = err.value.message
    assert f"phase {phases[0]}: customfield_refused: Summary is too long" in message
    assert "payment_milestone on_signing: customfield_refused: Payment amount is required" in message
    for child in children:  # not sent: their epic does not exist
        assert f"{child}: waits for its phase {phases[0]}" in message
    assert "run the same command again" in (err.value.hint or "")
    planned = {r.key for r in mini_plan.records if r.kind in ISSUE_KINDS}
    refused = {phases[0], "on_signing", *children}
    assert set(fake.tagged()) == planned - refused
    assert sum(err.value.result.created.values()) == len(planned - refused)

    fake.refuse = {}
    again = provision(adapter, TEMPLATES, mini_plan, "ACME")
    assert set(fake.tagged()) == planned and len(fake.issues) == len(planned)
    assert sum(again.created.values()) == len(refused)


def test_a_bulk_request_refused_whole_is_reported_per_issue(adapter: JiraAdapter, fake: FakeJira,
                                                            mini_plan: ProjectPlan) -> None:
    phases = [r.key for r in mini_plan.by_kind("phase")]
    fake.refuse = dict.fromkeys(phases, "The issue type selected is invalid.")  # Jira answers 400, errors a list

    with pytest.raises(ProvisionError) as err:
        provision(adapter, TEMPLATES, mini_plan, "ACME")

    assert ("POST", "/rest/api/3/issue/bulk") in fake.calls
    for phase in phases:
        assert f"phase {phase}: customfield_refused: The issue type selected is invalid." in err.value.message
    # only the payment milestones, which hang under no epic, exist
    assert {i["properties"]["erp-playbook"]["kind"] for i in fake.issues.values()} == {"payment_milestone"}
    children = [r for r in mini_plan.records if r.parent]
    assert (f"Jira at {BASE_URL} refused {len(phases)} issue(s) of project ACME (POST /rest/api/3/issue/bulk) "
            f"and {len(children)} more wait") in err.value.message


def test_the_cli_exits_non_zero_and_lists_the_refused_issues(env: CliRunner, fake: FakeJira,
                                                             mini_playbook_path) -> None:  # type: ignore[no-untyped-def]
    fake.refuse = {"kickoff_meeting": "Field 'labels' cannot be set."}
    result = env.invoke(cli, ["jira", "provision", "--project", "ACME", "--playbook", str(mini_playbook_path),
                              *SIZE, "--json"])
    assert result.exit_code != 0
    # --json: the error is one JSON document on stdout (docs/cli.md); what was kept is said on stderr
    error = json.loads(result.stdout)
    assert error["ok"] is False and error["exit_code"] == result.exit_code
    assert "kickoff_meeting" in error["error"] and "cannot be set" in error["error"]
    assert "created and kept" in result.stderr
    assert "Traceback" not in result.output


# --- Data Center: the manual steps on every run ------------------------------------------------------------
def test_data_center_prints_its_manual_steps_on_every_run_even_a_failed_one(
        env: CliRunner, contract: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_JIRA_DEPLOYMENT", "server")
    fake = FakeJira(deployment="DataCenter").install(contract)
    fake.fields += [{"id": "customfield_10101", "name": "Epic Link", "custom": True},
                    {"id": "customfield_10102", "name": "Epic Name", "custom": True}]
    args = ["jira", "provision", "--project", "ACME", *SIZE]
    steps = ("import jira_templates/workflow-signoff.json", "add them to the project's create and edit screens",
             "Not due, Invoiced, Paid, Overdue")

    first = env.invoke(cli, args)
    second = env.invoke(cli, args)  # nothing to create: the steps still stand until done by hand
    fake.fail("POST", r"/rest/api/2/issue/bulk", 500)
    fake.fail("GET", r"/rest/api/2/project/ACME$", 403)
    failed = env.invoke(cli, args)

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "nothing to do" in second.stdout
    assert failed.exit_code != 0 and "403" in failed.stderr
    for run in (first.stdout, second.stdout, failed.stderr):
        for step in steps:
            assert step in " ".join(run.split()), (step, run)
