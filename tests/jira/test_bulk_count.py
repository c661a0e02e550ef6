"""The number of bulk requests a dry run announces is the number a real run sends."""

from __future__ import annotations

from decimal import Decimal

from connector.jira.adapter import JiraAdapter
from connector.jira.issues import issue_specs
from connector.jira.provision import BULK_SIZE, JiraProvisioner, bulk_requests, provision
from connector.jira.templates import load_templates
from connector.plan import ProjectPlan, build_plan
from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from tests.jira.fake import FakeJira


def test_the_dry_runs_bulk_count_is_what_provisioning_sends(adapter: JiraAdapter, fake: FakeJira) -> None:
    templates = load_templates()
    plan = build_plan(load_playbook(DEFAULT_PLAYBOOK), size="large", industry=None, man_days=Decimal(300),
                      contract_amount=Decimal(3_000_000))
    specs = issue_specs(plan, templates, "en")
    assert len(specs) - len(plan.by_kind("phase")) > BULK_SIZE  # more than one batch of non-phase issues

    provision(adapter, templates, plan, "ACME")

    sent = sum(1 for method, path in fake.calls if method == "POST" and path.endswith("/issue/bulk"))
    assert sent == bulk_requests(specs) >= 3  # the phases' batch, then at least two of the rest


def test_progress_reaches_the_total_of_issues_to_create(adapter: JiraAdapter, fake: FakeJira,
                                                       mini_plan: ProjectPlan) -> None:
    seen: list[tuple[str, int, int | None]] = []
    templates = load_templates()
    JiraProvisioner(adapter, templates, mini_plan, "ACME", progress=lambda *event: seen.append(event)).run()
    issues = len(issue_specs(mini_plan, templates, "en"))
    assert [(done, total) for what, done, total in seen if what == "creating issues"][-1] == (issues, issues)
    assert all(total is None for what, _, total in seen if what != "creating issues")
