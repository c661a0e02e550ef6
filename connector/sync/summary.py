"""What a sync run did, per project: the figures the one-screen summary and ``--json`` print."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from connector.sync.figures import Payment, PhaseFigures


@dataclass
class ProjectResult:
    code: str
    jira_key: str | None = None
    odoo_project: str | None = None
    failed: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0
    conflicts: int = 0  # Jira changed or deleted a worklog whose line the customer signed: Odoo kept the line
    jira_updates: int = 0
    signoffs_from_jira: int = 0  # Odoo sign-offs changed to match their Jira issue (requested, signed, rejected)
    signoffs_signed_from_jira: int = 0  # of those, signed (their payment milestones fall due)
    signoffs_to_jira: int = 0  # Jira Sign-off issues moved to match Odoo
    signoff_conflicts: int = 0  # signed on one side, rejected on the other (or signed apart): nothing changed
    signoffs: list[dict[str, Any]] = field(default_factory=list)  # gates changed or in conflict in this run
    held: list[dict[str, Any]] = field(default_factory=list)  # worklogs on a phase a hard gate blocks (sync/held.py)
    hours_per_day: float | None = None
    budget: float | None = None
    spent: float | None = None
    remaining: float | None = None
    phases: list[PhaseFigures] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.failed = True
        if message not in self.errors:
            self.errors.append(message)

    @property
    def overdue(self) -> list[Payment]:
        return [p for p in self.payments if p.overdue]

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class SyncSummary:
    dry_run: bool = False
    full: bool = False
    projects: list[ProjectResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored: int = 0  # worklogs on issues of Jira projects not in the configuration
    jira_requests: int = 0
    odoo_calls: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(p.failed for p in self.projects)

    def overdue(self) -> list[dict[str, Any]]:
        return [{"project": p.code, **asdict(m)} for p in self.projects for m in p.overdue]

    @property
    def conflicts(self) -> int:
        return sum(p.conflicts for p in self.projects)

    def signoff_totals(self) -> dict[str, int]:
        return {"signed_from_jira": sum(p.signoffs_signed_from_jira for p in self.projects),
                "from_jira": sum(p.signoffs_from_jira for p in self.projects),
                "pushed_to_jira": sum(p.signoffs_to_jira for p in self.projects),
                "conflicts": sum(p.signoff_conflicts for p in self.projects)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "full": self.full,
            "seconds": round(self.seconds, 3),
            "requests": {"jira": self.jira_requests, "odoo": self.odoo_calls},
            "ignored_worklogs": self.ignored,
            "conflicts": self.conflicts,
            "signoffs": self.signoff_totals(),
            "warnings": self.warnings,
            "overdue": self.overdue(),
            "projects": [{**asdict(p), "status": "failed" if p.failed else "ok"} for p in self.projects],
        }
