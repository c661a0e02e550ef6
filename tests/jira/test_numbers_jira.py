"""What Jira's number fields receive is the number the plan printed: the float that prints as the same digits."""

from __future__ import annotations

import json
from decimal import Decimal

from cli.output import to_json
from connector.jira.adapter import JiraAdapter
from connector.jira.issues import issue_specs
from connector.jira.provision import provision
from connector.jira.templates import load_templates
from connector.plan import build_plan
from connector.playbook.loader import load_playbook
from tests.jira.fake import FakeJira

TEMPLATES = load_templates()


def test_budgets_and_amounts_reach_jira_with_the_printed_digits(adapter: JiraAdapter, fake: FakeJira,
                                                                mini_playbook_path) -> None:  # type: ignore[no-untyped-def]
    plan = build_plan(load_playbook(mini_playbook_path), size="medium", industry=None, man_days=Decimal(33),
                      contract_amount=Decimal("9999999999999.99"), project_name="Acme ERP", code="acme")
    result = provision(adapter, TEMPLATES, plan, "ACME")
    tagged, fields = fake.tagged(), result.setup.fields
    for record in plan.by_kind("payment_milestone"):
        sent = tagged[record.key]["fields"][fields["payment_amount"]]
        assert Decimal(repr(sent)) == record.values["amount"]  # e.g. 2999999999999.99, not ...99.990234375
        assert format(record.values["amount"], "f") in json.dumps(tagged[record.key]["fields"]["description"])
    for record in plan.by_kind("phase"):
        assert Decimal(repr(tagged[record.key]["fields"][fields["man_day_budget"]])) == record.values["budget_man_days"]
    # the dry run shows the same values, as exact JSON numbers
    dry = json.loads(to_json([s.values for s in issue_specs(plan, TEMPLATES, "en")]), parse_float=Decimal)
    assert [v["payment_amount"] for v in dry if "payment_amount" in v] == \
        [r.values["amount"] for r in plan.by_kind("payment_milestone")]
