"""Whatever a playbook file holds, loading it ends in a Playbook or a PlaybookError (file, line, field, message):
never a traceback from YAML, pydantic or the ``extends:`` merge."""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from connector.errors import PlaybookError
from connector.playbook.loader import load_playbook
from connector.playbook.model import Playbook

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"
MINI_DATA: dict[str, Any] = yaml.safe_load(MINI.read_text(encoding="utf-8"))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from(["erp_standard", "mini", "key", "100", "-1", "1e400", ".nan", "é"]),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.one_of(st.text(max_size=8), st.sampled_from(["key", "extends", "remove", "phases", "name", "sizes"]),
                  st.integers(-3, 3), st.booleans(), st.none()), children, max_size=4),
    max_leaves=20,
)
# Text that YAML reads in odd ways: anchors, aliases, tags, merge keys, flow collections, unhashable keys.
yaml_fragments = st.lists(st.sampled_from([
    "key: x\n", "- a\n", "? [a, b]\n: c\n", "&a [*a]\n", "a: &x {b: 1}\nc: *x\n", "<<: {a: 1}\n", "!!binary aGk=\n",
    "phases: [{key: k, sequence: 1}]\n", "extends: mini\n", "extends: [a]\n", "remove: 5\n", "remove: [[1]]\n",
    "{[1]: 2}\n", "'\n", "\t\n", "---\n", "...\n", "key: !!python/object:os.system x\n", "a: b: c\n",
    "phases:\n  - key: [1]\n", "phases:\n  - {key: {a: 1}}\n", "sizes: {a: 1}\n", "\x00", "budget_share: .inf\n",
]), max_size=6).map("".join)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "mini.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
        yield Path(tmp)


def _load(workdir: Path, text: str) -> Playbook | None:
    path = workdir / "candidate.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        return load_playbook(path)
    except PlaybookError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        assert exc.hint
        return None


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


LOOSE = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)


@LOOSE
@given(st.one_of(st.text(max_size=200), yaml_fragments))
@example("key: [\n")
@example("? [a, b]\n: c\n")
@example("&a [*a]\n")
@example("extends: candidate.yaml\n")
@example("extends: mini.yaml\nx: &x {a: *x}\n")
@example("extends: mini.yaml\nphases: &p [{key: kickoff, budget_share: 10, sub: *p}]\n")
@example("key: &k [*k]\nversion: 1\n")
@example("phases: " + "[" * 3000)
@example("phases: " + "[" * 3000 + "]" * 3000)
def test_any_text_loads_or_is_a_playbook_error(workdir: Path, text: str) -> None:
    _load(workdir, text)


@LOOSE
@given(yaml_values)
def test_any_yaml_data_loads_or_is_a_playbook_error(workdir: Path, data: Any) -> None:
    _load(workdir, _dump(data))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


MINI_PATHS = _paths(MINI_DATA)[1:]


@st.composite
def mutated_playbooks(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(MINI_DATA)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(MINI_PATHS))
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
            if action == "replace":
                parent[path[-1]] = draw(yaml_values)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, list):
                parent.append(copy.deepcopy(parent[path[-1]]))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    if draw(st.booleans()):
        data["extends"] = draw(st.sampled_from(["mini.yaml", "erp_standard", "nowhere", "candidate.yaml"]))
    return data


@LOOSE
@given(mutated_playbooks())
def test_a_mutated_valid_playbook_loads_or_is_a_playbook_error(workdir: Path, data: dict[str, Any]) -> None:
    _load(workdir, _dump(data))


def test_the_unmutated_playbook_loads(workdir: Path) -> None:
    assert _load(workdir, _dump(MINI_DATA)) is not None
