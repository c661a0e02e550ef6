"""Worklogs held back by a hard gate (lesson 12): time on a phase that an unsigned hard gate blocks is not booked.

The addon refuses a timesheet line on such a phase (``erp.project.phase.blocked_by`` names the gates), so the sync
does not send it: it keeps the worklog in the ``held`` namespace of the state (``<code>|<worklog id>``) and reports it
(``ProjectResult.held`` and one warning per phase). Every run reads the held worklogs again and imports those whose
phase is open by then (the gate signed, or overridden by a manager); a worklog deleted in Jira meanwhile is
forgotten. Nothing is dropped: the feed's cursor may move past a held worklog because the state remembers it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from connector.odoo.records import m2o_id
from connector.sync.issues import IssueInfo
from connector.sync.state import StateStore
from connector.sync.summary import ProjectResult

log = logging.getLogger(__name__)

NS = "held"


def decide(phase: str | None, blocked: dict[str, str], line_task: int | None, task: int | None) -> str | None:
    """The gate(s) holding one worklog back, or None to send it to Odoo.

    ``phase``: the worklog's phase key (None: outside any phase); ``blocked``: phase key -> names of the unsigned
    hard gates blocking it; ``line_task``: the task of the worklog's Odoo line (None: no line yet); ``task``: the
    task the worklog belongs on. A line already in Odoo stays editable (its hours were booked before); only a new
    line, or one moving onto the blocked phase, waits.
    """
    gate = blocked.get(phase or "")
    if not gate:
        return None
    if line_task is not None and line_task == task:
        return None
    return gate


def blocked_phases(phase_rows: list[dict[str, Any]]) -> dict[str, str]:
    """Phase key -> the gates blocking it, from ``erp.project.phase`` rows read with ``blocked_by``."""
    return {str(row["key"]): str(row["blocked_by"]) for row in phase_rows if row.get("blocked_by")}


class HeldLines:
    """The held worklogs of a run: what to import, what to hold, and the report."""

    def __init__(self, state: StateStore) -> None:
        self.state = state
        self._released: dict[str, list[str]] = {}  # project code -> slots sent to Odoo, not yet written there

    def waiting(self, codes: list[str]) -> list[int]:
        """Worklog ids held for these projects by earlier runs (read again at the start of each run)."""
        prefixes = tuple(f"{code}|" for code in codes)
        return sorted(int(slot.split("|", 1)[1]) for slot in self.state.all(NS) if slot.startswith(prefixes))

    def forget_gone(self, codes: list[str], asked: list[int], found: set[str]) -> None:
        """Held worklogs Jira no longer returns (deleted): nothing left to import."""
        gone = {str(i) for i in asked} - found
        self.state.delete(NS, [f"{code}|{wid}" for code in codes for wid in gone])

    def take_released(self) -> dict[str, list[str]]:
        """The worklogs released since the last call (project code -> slots), for ``commit`` once they are written."""
        released, self._released = self._released, {}
        return released

    def commit(self, released: dict[str, list[str]], written: list[str]) -> None:
        """The projects in ``written`` have the lines of ``released`` in Odoo: those worklogs leave the held list.
        Released worklogs of the other projects (failed) stay held and are read again by the next run."""
        slots = [slot for code in written for slot in released.get(code, [])]
        if slots:
            self.state.delete(NS, list(self.state.get_many(NS, slots)))

    def sift(self, code: str, result: ProjectResult, worklogs: list[dict[str, Any]], issues: dict[str, IssueInfo],
             existing: dict[str, dict[str, Any]], blocked: dict[str, str],
             phase_tasks: dict[str, int]) -> list[dict[str, Any]]:
        """The worklogs to send to Odoo; the others are held (stored and reported)."""
        send, held, released = [], {}, []
        per_phase: dict[tuple[str, str], list[float]] = defaultdict(list)
        for w in worklogs:
            issue = issues[str(w["issueId"])]
            phase = issue.phase
            row = existing.get(str(w["id"]))
            line_task = (m2o_id(row.get("task_id")) or 0) if row is not None else None
            gate = decide(phase, blocked, line_task, phase_tasks.get(phase or ""))
            slot = f"{code}|{w['id']}"
            if gate is None:
                send.append(w)
                released.append(slot)
                continue
            hours = round(int(w.get("timeSpentSeconds") or 0) / 3600.0, 4)
            held[slot] = {"issue": issue.key, "phase": phase, "gate": gate, "hours": hours}
            if any(h["worklog"] == str(w["id"]) for h in result.held):  # met twice in a run: reported once
                continue
            result.held.append({"worklog": str(w["id"]), "issue": issue.key, "phase": phase, "gate": gate,
                                "hours": hours})
            per_phase[(str(phase), gate)].append(hours)
        result.read += len(held)
        self._released.setdefault(code, []).extend(released)  # forgotten only once written (``commit``)
        self.state.put_many(NS, held)
        for (phase, gate), hours in sorted(per_phase.items()):
            message = (f"{len(hours)} worklog(s) ({sum(hours):g} h) on phase {phase} held: the hard gate {gate} is not "
                       "signed; they are imported by the first sync after it is signed (or a manager overrides it)")
            log.warning("project %s: %s", code, message)
            result.warnings.append(message)
        return send
