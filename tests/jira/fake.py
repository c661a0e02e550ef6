"""The provisioning tests' name for the one Jira site fake (``tests.fakes.jira``).

Install it on ``tests.jira_contract.contract_responses()``: that mock checks every request it serves against
Atlassian's published contract, so the fake does not check them a second time (``validate=False``).
"""

from __future__ import annotations

from typing import Any

from tests.fakes.jira import BASE_URL, Fault, JiraSite, Killed, Reply

__all__ = ["BASE_URL", "FakeJira", "Fault", "Killed", "Reply"]


class FakeJira(JiraSite):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", False)
        super().__init__(**kwargs)
