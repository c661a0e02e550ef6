"""The issue and requirement register, read from ordinary Odoo tasks and their tags.

Neither the addon nor plain Odoo has a register model, and consultants already tag tasks, so a register item
is a ``project.task`` of the project carrying a tag that names a register kind of the playbook
(``requirement``, ``issue``) and, once decided, a tag that names a disposition (``workaround``,
``go_live_then_customize``, ...). A tag matches by key or by the item's name in any language
(``需求``, ``變通處理``, "Go live, then customise"); case, spaces and a ``prefix:`` are ignored, so
``Disposition: Workaround`` works too. Tasks without a kind tag are ordinary work, not register items.

Another source (Jira's Requirement / Issue types) plugs in as a different ``RegisterReader``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from connector.playbook.model import Playbook
from connector.reports.snapshot import RegisterItem, TaskSnap

DEFAULT_KINDS = ("requirement", "issue")


def normalise(text: str) -> str:
    text = text.split(":", 1)[1] if ":" in text else text
    return re.sub(r"[\s\-_,，、]+", "_", text.strip().lower()).strip("_")


def _aliases(key: str, names: Iterable[str]) -> dict[str, str]:
    return {normalise(alias): key for alias in (key, *names)}


def tag_vocabulary(playbook: Playbook | None) -> tuple[dict[str, str], dict[str, str]]:
    """(tag → kind key, tag → disposition key) for normalised tag names."""
    kinds: dict[str, str] = {}
    dispositions: dict[str, str] = {}
    if playbook is None:
        for key in DEFAULT_KINDS:
            kinds.update(_aliases(key, ()))
        return kinds, dispositions
    reg = playbook.issue_register
    for kind in reg.kinds:
        kinds.update(_aliases(kind.key, (kind.name.zh_TW, kind.name.zh_CN, kind.name.en)))
    for disp in reg.dispositions:
        dispositions.update(_aliases(disp.key, (disp.name.zh_TW, disp.name.zh_CN, disp.name.en)))
    return kinds, dispositions


def register_from_tags(tasks: Iterable[TaskSnap], playbook: Playbook | None) -> list[RegisterItem]:
    kinds, dispositions = tag_vocabulary(playbook)
    items: list[RegisterItem] = []
    for task in tasks:
        normalised = [normalise(tag) for tag in task.tags]
        kind = next((kinds[t] for t in normalised if t in kinds), None)
        if kind is None:
            continue
        disposition = next((dispositions[t] for t in normalised if t in dispositions), None)
        items.append(RegisterItem(id=task.id, kind=kind, name=task.name, disposition=disposition,
                                  closed=task.closed, phase_id=task.phase_id, deadline=task.deadline,
                                  assignees=task.assignees))
    return items
