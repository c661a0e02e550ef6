"""A stand-in for SIGKILL shared by the Odoo and Jira fakes: a run 'killed' right after a chosen call went through."""

from __future__ import annotations


class Killed(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing in the sync catches it."""


class KillSwitch:
    """Counts calls to both systems and 'kills' the run right after call number ``at`` went through."""

    def __init__(self, at: int | None = None, after: str | None = None) -> None:
        """``after``: kill right after the first call that was ``after`` instead (e.g. "erp.signoff.message_post")."""
        self.at, self.after = at, after
        self.calls = 0
        self.seen: list[str] = []  # what each call was ("GET /rest/api/3/...", "erp.signoff.action_sign")

    def tick(self, what: str = "") -> None:
        self.calls += 1
        self.seen.append(what)
        if (self.at is not None and self.calls == self.at) or (self.after is not None and what == self.after):
            raise Killed(f"killed after call {self.calls} ({what})")
