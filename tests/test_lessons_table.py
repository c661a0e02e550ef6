"""docs/lessons.md: every lesson of the source (2-42) once, every lesson the playbook cites, and every file an
"enforced" row names exists (a row that claims enforcement must point at the test that proves it)."""

from __future__ import annotations

import re
from pathlib import Path

from connector.playbook.loader import DEFAULT_PLAYBOOK, load_playbook
from connector.playbook.model import Playbook

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "docs" / "lessons.md"
LESSONS = set(range(2, 43))  # the guide numbers its 41 lessons from 2
STATUSES = {"enforced", "recorded", "described"}


def rows() -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].isdigit():
            lesson = int(cells[0])
            assert lesson not in out, f"lesson {lesson} is listed twice"
            out[lesson] = cells
    return out


def cited(playbook: Playbook) -> set[int]:
    found: set[int] = set()
    for item in (*playbook.cadences, *playbook.guidance):
        found |= set(item.lessons)
    for phase in playbook.phases:
        found |= set(phase.lessons)
        for check in phase.checklist:
            found |= set(check.lessons)
    return found


def test_the_table_lists_every_lesson_once_with_a_status() -> None:
    table = rows()
    assert set(table) == LESSONS, f"missing {sorted(LESSONS - set(table))}, unknown {sorted(set(table) - LESSONS)}"
    bad = {n: r[2] for n, r in table.items() if r[2] not in STATUSES}
    assert not bad, f"status must be one of {sorted(STATUSES)}: {bad}"


def test_every_lesson_the_playbook_cites_is_in_the_table_and_in_the_source_range() -> None:
    playbook = load_playbook(DEFAULT_PLAYBOOK)
    references = cited(playbook)
    assert references <= LESSONS, f"the playbook cites lessons the source does not have: {references - LESSONS}"
    assert references <= set(rows())


def test_every_enforced_row_names_a_test_that_exists() -> None:
    for lesson, cells in rows().items():
        named = re.findall(r"`([^`]+)`", cells[4]) if len(cells) > 4 else []
        if cells[2] != "enforced":
            continue
        assert named, f"lesson {lesson} is 'enforced' but names no test"
        for path in named:
            assert (ROOT / path).is_file(), f"lesson {lesson} names {path}, which does not exist"
        assert any("/test_" in p for p in named), f"lesson {lesson}: name the test that proves it"


def test_the_docs_count_41_lessons_not_42() -> None:
    playbook = ROOT / "connector" / "playbooks" / "erp-standard.yaml"
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), playbook]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b42 lessons\b", text), f"{path.name}: the source has 41 lessons (numbered 2-42)"
