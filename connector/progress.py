"""The one progress protocol: Odoo provisioning, Jira provisioning, the sync and the report reader all report
``progress(what, done, total)`` — what they are doing, how many of it are done, and how many there are (None while
unknown). The CLI renders it in one place (cli/progress.py); library callers may pass nothing."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, what: str, done: int, total: int | None, /) -> None: ...


def no_progress(what: str, done: int, total: int | None, /) -> None:
    """The default: report to nobody."""
