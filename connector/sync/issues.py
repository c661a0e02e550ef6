"""Issue → phase map: which project, item and phase epic each Jira issue a worklog is on belongs to.

An item inherits the phase of its epic (or its parent's epic), up to ``PARENT_DEPTH`` levels. Mappings are cached
in the ``issue`` namespace of the sync state (the dicts ``IssueInfo.as_state`` writes) and fetched in batches.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from connector.jira.binding import Tag
from connector.sync.jira_side import JiraSide
from connector.sync.state import StateStore

PARENT_DEPTH = 3  # sub-task → task → epic
NS = "issue"


@dataclass(frozen=True)
class IssueInfo:
    key: str | None
    project: str | None  # Jira project key
    kind: str | None  # the erp-playbook tag's kind (phase, checklist_item, …), None for an untagged issue
    item: str | None  # the tag's key
    phase: str | None  # the phase key: its own for a phase epic, else inherited from its parents
    parent: str | None  # the parent issue id

    @classmethod
    def of_issue(cls, issue: dict[str, Any]) -> IssueInfo:
        fields = issue.get("fields") or {}
        tag = Tag.of_issue(issue)
        kind = tag.kind if tag else None
        return cls(key=issue.get("key"), project=(fields.get("project") or {}).get("key"), kind=kind,
                   item=tag.key if tag else None, phase=tag.key if tag and kind == "phase" else None,
                   parent=str((fields.get("parent") or {}).get("id") or "") or None)

    @classmethod
    def of_state(cls, stored: dict[str, Any]) -> IssueInfo:
        return cls(**{name: stored.get(name) for name in ("key", "project", "kind", "item", "phase", "parent")})

    def as_state(self) -> dict[str, Any]:
        return asdict(self)


def inherit_phases(new: dict[str, IssueInfo], known: dict[str, IssueInfo]) -> dict[str, IssueInfo]:
    """``new`` with each issue lacking a phase given its parent's (over ``PARENT_DEPTH`` levels); pure."""
    out = dict(new)
    for _ in range(PARENT_DEPTH):
        everything = {**known, **out}
        for issue_id, info in out.items():
            parent = everything.get(info.parent or "")
            if not info.phase and parent is not None and parent.phase:
                out[issue_id] = replace(info, phase=parent.phase)
    return out


class IssueMap:
    def __init__(self, jira: JiraSide, state: StateStore) -> None:
        self.jira, self.state = jira, state

    def _cached(self, ids: set[str]) -> dict[str, IssueInfo]:
        return {k: IssueInfo.of_state(v) for k, v in self.state.get_many(NS, ids).items()}

    def resolve(self, issue_ids: set[str]) -> dict[str, IssueInfo]:
        """Issue id → IssueInfo for the given issues and the parents they inherit from."""
        known = self._cached(issue_ids)
        new: dict[str, IssueInfo] = {}
        wanted: set[str] = issue_ids - set(known)
        asked: set[str] = set()
        for _ in range(PARENT_DEPTH + 1):
            if not wanted:
                break
            asked |= wanted
            for issue_id, issue in self.jira.issues_by_id(wanted).items():
                new[issue_id] = IssueInfo.of_issue(issue)
            parents = {m.parent for m in new.values() if m.parent and not m.phase}  # type: ignore[misc]
            parents -= set(new) | set(known) | asked
            known.update(self._cached(parents))
            wanted = parents - set(known)
        new = inherit_phases(new, known)
        self.state.put_many(NS, {k: v.as_state() for k, v in new.items()})
        return {**known, **new}
