"""A malformed playbook fails with the file, the line and the field path; a good one loads and extends."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from connector.errors import PlaybookError
from connector.playbook.loader import load_playbook


def _write(tmp_path: Path, text: str, name: str = "pb.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _mutated(mini: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = mini.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not found"
    return _write(tmp_path, text.replace(old, new, 1))


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def _only_problem(path: Path) -> tuple[str, int | None, str, str]:
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    problems = info.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    p = problems[0]
    return p.file, p.line, p.path, p.message


def test_the_small_playbook_loads_with_phases_in_order(mini_playbook_path: Path) -> None:
    pb = load_playbook(mini_playbook_path)
    assert [p.key for p in pb.phases] == ["kickoff", "requirements_report", "solution_design"]
    assert [g.key for _, g in pb.hard_gates()] == ["requirements_signed"]


def test_unknown_phase_in_a_gate_names_file_line_and_path(mini_playbook_path: Path, tmp_path: Path) -> None:
    path = _mutated(mini_playbook_path, tmp_path, "blocks: solution_design", "blocks: solution")
    file, line, field, message = _only_problem(path)
    assert file == str(path)
    assert line == _line_of(path, "blocks: solution")
    assert field == "phases[1].gates[0].blocks"
    assert "unknown phase 'solution'" in message


def test_duplicate_key_is_refused_with_both_places(mini_playbook_path: Path, tmp_path: Path) -> None:
    path = _mutated(mini_playbook_path, tmp_path, "key: write_solution", "key: kickoff_meeting")
    _, line, field, message = _only_problem(path)
    assert field == "phases[2].checklist[0].key"
    assert line == _line_of(path, "- {key: kickoff_meeting, role: consultant, name: {zh_TW: 撰寫方案")
    assert "duplicate key 'kickoff_meeting'" in message and "phases[0].checklist[0]" in message


def test_budget_shares_must_sum_to_100(mini_playbook_path: Path, tmp_path: Path) -> None:
    path = _mutated(mini_playbook_path, tmp_path, "budget_share: 60", "budget_share: 50")
    _, line, field, message = _only_problem(path)
    assert field == "phases"
    assert line == _line_of(path, "phases:")
    assert "sums to 90 %" in message


def test_missing_translation_names_the_language(mini_playbook_path: Path, tmp_path: Path) -> None:
    path = _mutated(mini_playbook_path, tmp_path, "name: {zh_TW: 方案設計, zh_CN: 方案设计, en: Solution design}",
                    "name: {zh_TW: 方案設計, en: Solution design}")
    _, line, field, message = _only_problem(path)
    assert field == "phases[2].name.zh_CN"
    assert line == _line_of(path, "name: {zh_TW: 方案設計, en: Solution design}")
    assert "required" in message.lower()


def test_payment_on_a_missing_gate_is_refused(mini_playbook_path: Path, tmp_path: Path) -> None:
    path = _mutated(mini_playbook_path, tmp_path, "gate: requirements_signed", "gate: requirements_approved")
    _, line, field, message = _only_problem(path)
    assert field == "payment_milestones[1].gate"
    assert line == _line_of(path, "gate: requirements_approved")
    assert "unknown gate 'requirements_approved'" in message


def test_hard_gate_must_block_a_later_phase(mini_playbook_path: Path, tmp_path: Path) -> None:
    path = _mutated(mini_playbook_path, tmp_path, "blocks: solution_design", "blocks: kickoff")
    _, _, field, message = _only_problem(path)
    assert field == "phases[1].gates[0].blocks"
    assert "does not come after" in message


def test_every_problem_is_reported_at_once(mini_playbook_path: Path, tmp_path: Path) -> None:
    text = mini_playbook_path.read_text(encoding="utf-8")
    text = text.replace("budget_share: 60", "budget_share: 50").replace("signed_by: customer_pm", "signed_by: ceo")
    with pytest.raises(PlaybookError) as info:
        load_playbook(_write(tmp_path, text))
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 3, messages
    assert sum("unknown role 'ceo'" in m for m in messages) == 2


def test_broken_yaml_points_at_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "key: x\nphases:\n  - key: a\n   bad indent: [\n")
    file, line, _, message = _only_problem(path)
    assert file == str(path) and line is not None and 3 <= line <= 5
    assert "not valid YAML" in message


def test_a_field_written_twice_is_refused(mini_playbook_path: Path, tmp_path: Path) -> None:
    path = _mutated(mini_playbook_path, tmp_path, "hours_per_day: 8", "hours_per_day: 8\nhours_per_day: 7")
    _, line, _, message = _only_problem(path)
    assert line == _line_of(path, "hours_per_day: 7")
    assert "duplicate field 'hours_per_day'" in message


def test_unknown_field_is_a_typo_not_silence(mini_playbook_path: Path, tmp_path: Path) -> None:
    path = _mutated(mini_playbook_path, tmp_path, "    budget_share: 30", "    budget_shar: 30\n    budget_share: 30")
    _, line, field, message = _only_problem(path)
    assert field == "phases[1].budget_shar"
    assert line == _line_of(path, "budget_shar: 30")
    assert "not permitted" in message


def test_extends_adds_and_updates_by_key(mini_playbook_path: Path, tmp_path: Path) -> None:
    child = _write(tmp_path, f"""
extends: {mini_playbook_path}
key: acme_variant
version: "0.2.0"
phases:
  - key: solution_design
    name: {{zh_TW: 流程方案設計, zh_CN: 流程方案设计, en: Process solution design}}
    checklist:
      - key: walkthrough
        role: consultant
        name: {{zh_TW: 方案講解, zh_CN: 方案讲解, en: Solution walkthrough}}
remove: [steering_set_up]
""")
    pb = load_playbook(child)
    assert pb.key == "acme_variant" and pb.version == "0.2.0"
    solution = pb.phase("solution_design")
    assert solution.name.en == "Process solution design"
    assert [c.key for c in solution.checklist] == ["write_solution", "walkthrough"]
    assert solution.budget_share == 60  # inherited
    assert "steering_set_up" not in [c.key for c in pb.phase("kickoff").checklist]


def test_errors_in_an_extending_file_point_into_that_file(mini_playbook_path: Path, tmp_path: Path) -> None:
    child = _write(tmp_path, f"""extends: {mini_playbook_path}
phases:
  - key: solution_design
    gates:
      - key: solution_ok
        signed_by: nobody
        name: {{zh_TW: 方案確認, zh_CN: 方案确认, en: Solution confirmed}}
        document: {{zh_TW: 方案, zh_CN: 方案, en: Solution}}
""", "child.yaml")
    file, line, field, message = _only_problem(child)
    assert file == str(child)
    assert line == 6
    assert field == "phases[2].gates[0].signed_by" and "unknown role 'nobody'" in message


def test_extends_loop_is_named(tmp_path: Path) -> None:
    a = _write(tmp_path, "extends: b.yaml\n", "a.yaml")
    _write(tmp_path, "extends: a.yaml\n", "b.yaml")
    _, _, field, message = _only_problem(a)
    assert field == "extends" and "loop" in message


def test_a_missing_file_says_which_built_ins_exist(tmp_path: Path) -> None:
    file, _, _, message = _only_problem(tmp_path / "nope.yaml")
    assert file.endswith("nope.yaml") and "built-in" in message


def test_the_loaded_yaml_round_trips_to_json_with_the_register_alias(mini_playbook_path: Path) -> None:
    dumped = load_playbook(mini_playbook_path).model_dump(mode="json")
    assert "register" in dumped and dumped["register"]["dispositions"][0]["key"] == "workaround"
    # What is dumped is itself a valid playbook (the Odoo addon receives exactly this).
    assert yaml.safe_dump(dumped, allow_unicode=True)
