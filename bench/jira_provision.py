"""Provisioning a large Jira project: our bulk path against a naive one-issue-per-request loop.

Both run against the in-memory fake (tests/jira/fake.py) in one process, on the default playbook for a large
project padded with synthetic checklist items to --items issues. The fake answers instantly, so the wall time is
the client's own cost; the projected column adds --latency ms per request, a typical Jira Cloud round trip.

    .venv/bin/python bench/jira_provision.py [--items 500] [--latency 150] [--validate]

--validate also checks every request against the published contract (slower; needs ../shared/jira).
"""

from __future__ import annotations

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path

import responses

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connector.jira.adapter import JiraAdapter
from connector.jira.provision import provision
from connector.jira.templates import load_templates
from connector.plan import ProjectPlan, build_plan
from connector.playbook.loader import load_playbook
from connector.playbook.model import ChecklistItem, Playbook, Text
from connector.settings import JiraSettings
from tests.jira.fake import BASE_URL, FakeJira


def synthetic_playbook(items: int) -> Playbook:
    """The default playbook with extra checklist items spread over its phases until the plan has ``items``."""
    pb = load_playbook("erp_standard")
    plan = build_plan(pb, size="large", industry=None, man_days=Decimal(800), contract_amount=Decimal(3_000_000))
    missing = max(0, items - (len(plan.records) - 1))
    role = pb.roles[0].key
    phases = [p.model_copy(deep=True) for p in pb.phases]
    for n in range(missing):
        phase = phases[n % len(phases)]
        text = f"Synthetic check {n + 1}"
        phase.checklist.append(ChecklistItem(key=f"synthetic_{n + 1:04d}", role=role,
                                             name=Text(zh_TW=text, zh_CN=text, en=text)))
    return pb.model_copy(update={"phases": phases})


def run(plan: ProjectPlan, *, bulk: bool, validate: bool) -> tuple[int, float, int, int]:
    """(requests, seconds, issues created, issue-creating requests) for one fresh provisioning run."""
    if validate:
        from tests.jira_contract import contract_responses
        mock = contract_responses()
    else:
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    with mock as rsps:
        fake = FakeJira().install(rsps)
        jira = JiraAdapter.from_settings(JiraSettings(url=BASE_URL, user="bench@example.com", token="x"))
        start = time.perf_counter()
        result = provision(jira, load_templates(), plan, "BENCH", bulk=bulk)
        seconds = time.perf_counter() - start
        creates = sum(1 for c in fake.calls if c in (("POST", "/rest/api/3/issue/bulk"), ("POST", "/rest/api/3/issue")))
    return result.requests, seconds, sum(result.created.values()), creates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500, help="issues in the plan (default 500)")
    parser.add_argument("--latency", type=float, default=150.0, help="ms per request for the projection")
    parser.add_argument("--validate", action="store_true", help="validate every request against the spec")
    args = parser.parse_args()

    pb = synthetic_playbook(args.items)
    plan = build_plan(pb, size="large", industry=None, man_days=Decimal(800), contract_amount=Decimal(3_000_000),
                      project_name="Bench ERP", code="bench")
    issues = len(plan.records) - 1
    print(f"plan: {issues} issues ({', '.join(f'{n} {k}' for k, n in plan.counts().items() if k != 'project')})")
    rows = []
    for label, bulk in (("bulk (50 per request)", True), ("naive (1 per request)", False)):
        requests_sent, seconds, created, creates = run(plan, bulk=bulk, validate=args.validate)
        assert created == issues, (label, created, issues)
        projected = seconds + requests_sent * args.latency / 1000
        rows.append((label, requests_sent, creates, seconds, projected))
    print(f"{'path':<24}{'requests':>10}{'creates':>10}{'wall s (fake)':>15}{f'at {args.latency:g} ms/req':>16}")
    for label, requests_sent, creates, seconds, projected in rows:
        print(f"{label:<24}{requests_sent:>10}{creates:>10}{seconds:>15.2f}{projected:>15.1f}s")
    ratio = rows[1][1] / rows[0][1]
    print(f"bulk sends {ratio:.1f}x fewer requests; a re-run of either sends only reads.")


if __name__ == "__main__":
    main()
