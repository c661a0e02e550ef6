"""Load a playbook from YAML: line numbers for every error, ``extends:`` to build on another playbook.

Extending merges by key: a list of keyed items in the child updates the parent's item with the same
key (field by field) and appends new ones; ``remove: [key, ...]`` drops items anywhere in the tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from connector.errors import PlaybookError, Problem
from connector.playbook.model import Playbook, consistency_problems

# Package data of `connector` (pyproject.toml), found through the package so a wheel works like a checkout.
BUILTIN_DIR = Path(str(resources.files("connector") / "playbooks"))
DEFAULT_PLAYBOOK = "erp_standard"

# id(container) -> (file, line of the container, {key or index: (file, line)})
_Where = tuple[str, int]
_Origins = dict[int, tuple[str, int, dict[Any, _Where]]]


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers where every mapping key and sequence item stands."""

    def __init__(self, stream: str, file: str, origins: _Origins) -> None:
        super().__init__(stream)
        self._file = file
        self._origins = origins

    def _key(self, node: yaml.MappingNode, key_node: yaml.Node) -> Any:
        key = self.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:  # `? [a, b]`: YAML allows it, a playbook has no use for it
            raise yaml.MarkedYAMLError("while reading a mapping", node.start_mark,
                                       "a key must be a plain value, not a list or mapping",
                                       key_node.start_mark) from None
        return key

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self._key(node, key_node)
            if key in seen:
                raise yaml.MarkedYAMLError(
                    "while reading a mapping", node.start_mark, f"duplicate field {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    # SafeLoader builds containers in two steps (yield the empty one, then fill it): record the final object.
    def _construct_map(self, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
        data: dict[Any, Any] = {}
        self._origins[id(data)] = (self._file, node.start_mark.line + 1, {
            self._key(node, k): (self._file, k.start_mark.line + 1) for k, _ in node.value
        })
        yield data
        data.update(self.construct_mapping(node))

    def _construct_seq(self, node: yaml.SequenceNode) -> Iterator[list[Any]]:
        data: list[Any] = []
        self._origins[id(data)] = (self._file, node.start_mark.line + 1, {
            i: (self._file, item.start_mark.line + 1) for i, item in enumerate(node.value)
        })
        yield data
        data.extend(self.construct_sequence(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader._construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader._construct_seq)


def resolve_source(path_or_key: str | Path, relative_to: Path | None = None) -> Path:
    """A file path, or the key of a built-in playbook (``erp_standard`` / ``erp-standard``)."""
    candidate = Path(path_or_key)
    if relative_to is not None and not candidate.is_absolute():
        near = relative_to.parent / candidate
        if near.is_file():
            return near
    if candidate.is_file():
        return candidate
    builtin = BUILTIN_DIR / f"{str(path_or_key).replace('_', '-')}.yaml"
    if builtin.is_file():
        return builtin
    known = ", ".join(sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))) or "none"
    raise PlaybookError([Problem(str(path_or_key), None, "", f"no such file or built-in playbook (built-in: {known})")])


def _read_yaml(path: Path, origins: _Origins) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookError([Problem(str(path), None, "", f"cannot read the file: {exc}")]) from exc
    loader: _LineLoader | None = None
    try:
        loader = _LineLoader(text, str(path), origins)  # the reader refuses control characters right here
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PlaybookError([Problem(str(path), line, "", f"not valid YAML: {exc.problem}")]) from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise PlaybookError([Problem(str(path), line, "", f"not valid YAML: character #x{exc.character:04x} "
                                     "is not allowed in a YAML file")]) from exc
    except yaml.YAMLError as exc:
        raise PlaybookError([Problem(str(path), None, "", f"not valid YAML: {exc}")]) from exc
    except RecursionError:
        raise PlaybookError([Problem(str(path), None, "", "nested too deeply to be a playbook")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise PlaybookError([Problem(str(path), 1, "", "a playbook is a YAML mapping (key: value) at the top")])
    try:
        _refuse_cycles(data, path, origins)
    except RecursionError:
        raise PlaybookError([Problem(str(path), None, "", "nested too deeply to be a playbook")]) from None
    return data


def _refuse_cycles(node: Any, path: Path, origins: _Origins, inside: tuple[int, ...] = ()) -> None:
    """An alias inside its own anchor (``&a [*a]``) makes data without an end: say where, before anything walks it."""
    if not isinstance(node, (dict, list)):
        return
    if id(node) in inside:
        line = origins.get(id(node), ("", None))[1]
        raise PlaybookError([Problem(str(path), line, "", "a YAML alias (*name) is used inside its own anchor "
                                                            "(&name): the data would never end")])
    children = node.values() if isinstance(node, dict) else node
    for child in children:
        _refuse_cycles(child, path, origins, (*inside, id(node)))


def _is_keyed_list(value: Any) -> bool:
    # only text keys merge by key; any other key is left for validation to report
    return isinstance(value, list) and all(isinstance(v, dict) and isinstance(v.get("key"), str) for v in value)


def _merge(parent: Any, child: Any, origins: _Origins) -> Any:
    """Child over parent; keyed lists merge by key. Merged containers keep the child's line numbers."""
    if isinstance(parent, dict) and isinstance(child, dict):
        merged = dict(parent)
        for key, value in child.items():
            merged[key] = _merge(parent[key], value, origins) if key in parent else value
        _inherit_origin(merged, parent, child, origins)
        return merged
    if _is_keyed_list(parent) and _is_keyed_list(child):
        by_key = {item["key"]: i for i, item in enumerate(parent)}
        merged_list = list(parent)
        for item in child:
            if item["key"] in by_key:
                merged_list[by_key[item["key"]]] = _merge(parent[by_key[item["key"]]], item, origins)
            else:
                merged_list.append(item)
        _inherit_origin(merged_list, parent, child, origins)
        return merged_list
    return child


def _inherit_origin(merged: Any, parent: Any, child: Any, origins: _Origins) -> None:
    """Merged containers point at the child where it says something, else at the parent."""
    c_file, c_line, c_where = origins.get(id(child), ("", 0, {}))
    p_file, p_line, p_where = origins.get(id(parent), ("", 0, {}))
    if isinstance(merged, dict):
        where = {k: c_where.get(k) or p_where.get(k) or (c_file, c_line) for k in merged}
    else:  # keyed list: positions of parent items stay, appended child items follow
        positions = {item["key"]: i for i, item in enumerate(child)}
        where = {}
        for i, item in enumerate(merged):
            if item["key"] in positions:
                where[i] = c_where.get(positions[item["key"]], (c_file, c_line))
            else:
                where[i] = p_where.get(i, (p_file, p_line))
    origins[id(merged)] = (c_file or p_file, c_line or p_line, where)


def _remove(data: Any, keys: set[str]) -> Any:
    if isinstance(data, dict):
        for name, value in data.items():
            data[name] = _remove(value, keys)
    elif _is_keyed_list(data):
        data[:] = [_remove(item, keys) for item in data if item["key"] not in keys]
    return data


def _read_with_extends(path: Path, origins: _Origins, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path.resolve() in seen:
        chain = " -> ".join(str(p) for p in (*seen, path.resolve()))
        raise PlaybookError([Problem(str(path), None, "extends", f"extends itself in a loop: {chain}")])
    data = _read_yaml(path, origins)
    base = data.pop("extends", None)
    removals = data.pop("remove", None) or []
    if not isinstance(removals, list) or not all(isinstance(k, str) for k in removals):
        raise PlaybookError([Problem(str(path), None, "remove", "list the keys of the items to drop: [key, ...]")])
    if base is None:
        return data
    if not isinstance(base, str):
        raise PlaybookError([Problem(str(path), None, "extends", "name one playbook: a file path or a built-in key")])
    parent = _read_with_extends(resolve_source(base, relative_to=path), origins, (*seen, path.resolve()))
    merged = _merge(parent, data, origins)
    return _remove(merged, set(removals))


def _line_of(data: Any, loc: Iterable[Any], origins: _Origins) -> tuple[str | None, int | None]:
    """Follow a field path through the loaded data to the deepest place whose line is known."""
    file: str | None = None
    line: int | None = None
    node = data
    for part in loc:
        origin = origins.get(id(node))
        if origin is None:
            break
        file, line = origin[0], origin[1]
        if part in origin[2]:
            file, line = origin[2][part]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return file, line


def _format_loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _parse_path(path: str) -> list[Any]:
    """Inverse of _format_loc, for the messages of consistency_problems."""
    parts: list[Any] = []
    for chunk in path.split("."):
        name, _, rest = chunk.partition("[")
        if name:
            parts.append(name)
        for idx in filter(None, rest.replace("]", "").split("[")):
            parts.append(int(idx))
    return parts


def validate_data(data: dict[str, Any], file: str = "<data>", origins: _Origins | None = None) -> Playbook:
    """Validate already-loaded data; every problem comes back at once, located."""
    origins = origins if origins is not None else {}
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            # pydantic's loc for a union/tagged member can end in a type name; drop non-field parts
            loc = [p for p in err["loc"] if isinstance(p, int) or not str(p).startswith("function-")]
            src, line = _line_of(data, loc, origins)
            problems.append(Problem(src or file, line, _format_loc(loc), err["msg"]))
        raise PlaybookError(problems) from None
    problems = []
    for message in consistency_problems(playbook):
        path, _, text = message.partition(": ")
        src, line = _line_of(data, _parse_path(path), origins)
        problems.append(Problem(src or file, line, path, text))
    if problems:
        raise PlaybookError(problems)
    return playbook


def load_playbook(path_or_key: str | Path = DEFAULT_PLAYBOOK) -> Playbook:
    """Load, extend and validate a playbook; raise PlaybookError listing every problem found."""
    path = resolve_source(path_or_key)
    origins: _Origins = {}
    data = _read_with_extends(path, origins)
    return validate_data(data, str(path), origins)


def builtin_playbooks() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yaml"))
