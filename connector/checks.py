"""The result of a `doctor`: one line per check, the same for Odoo and Jira, so both read and script alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["ok", "warn", "fail"]


@dataclass
class Check:
    name: str
    status: Status
    detail: str
    fix: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


def exit_code(checks: Iterable[Check]) -> int:
    """0 all good; 1 only warnings (it works, with less); 2 something blocks provisioning."""
    statuses = {c.status for c in checks}
    return 2 if "fail" in statuses else 1 if "warn" in statuses else 0


@dataclass
class DoctorResult:
    """What a doctor found, Odoo's or Jira's: its checks and the exit code they make (``playbook ... doctor``
    prints the checks, or with --json ``as_dict()``, and exits with ``exit_code``)."""

    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, status: Status, detail: str, fix: str | None = None) -> None:
        self.checks.append(Check(name, status, detail, fix))

    @property
    def exit_code(self) -> int:
        return exit_code(self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.exit_code == 0, "exit_code": self.exit_code, "checks": [c.as_dict() for c in self.checks]}
