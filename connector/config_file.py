"""Where a setting came from, and the keys nobody defined: so that an error names the file or the variable to fix.

The settings model accepts what it knows; a misspelt key (``[odo]``, ``hours_per_dya``) would otherwise be
dropped without a word and the default used instead. Every key of the TOML file is checked against the model,
at every level, and an unknown one is refused with the closest valid key. ``PLAYBOOK_*`` variables are mapped
the same way, so an error in one names the variable, not the file.
"""

from __future__ import annotations

import difflib
import os
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

ENV_PREFIX = "PLAYBOOK_"
# Variables of the command line itself, not settings.
CLI_VARIABLES = frozenset({"PLAYBOOK_CONFIG"})


@dataclass(frozen=True)
class ConfigSource:
    """The configuration file in use and why that one: ``--config``, ``PLAYBOOK_CONFIG`` or the default path."""

    path: Path
    origin: str  # "--config" | "PLAYBOOK_CONFIG" | "default"
    exists: bool

    def describe(self) -> str:
        if self.origin == "default":
            state = "" if self.exists else ", not created yet"
            return f"{self.path} (the default path{state})"
        return f"{self.path} (from {self.origin})"


@dataclass(frozen=True)
class UnknownKey:
    where: str  # "[odoo]", "[[projects]] #2", "" for the top level
    key: str
    suggestion: str | None
    valid: tuple[str, ...]

    def __str__(self) -> str:
        place = f"{self.where} " if self.where else ""
        guess = f" (did you mean {self.suggestion!r}?)" if self.suggestion else ""
        return f"unknown key {place}{self.key!r}{guess}"


def _model_of(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """``("model", M)`` for a field holding a model M, ``("list", M)`` for a list of them, else None."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            found = _model_of(arg)
            if found:
                return found
        return None
    if origin is list:
        args = get_args(annotation)
        if args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            return "list", args[0]
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    return None


def unknown_keys(data: Mapping[str, Any], model: type[BaseModel], where: str = "") -> Iterator[UnknownKey]:
    """Every key in ``data`` (a parsed TOML table) that ``model`` does not define, at any depth."""
    fields = model.model_fields
    valid = tuple(fields)
    for key, value in data.items():
        field = fields.get(key)
        if field is None:
            close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
            yield UnknownKey(where, key, close[0] if close else None, valid)
            continue
        nested = _model_of(field.annotation)
        if nested is None:
            continue
        kind, sub = nested
        if kind == "model" and isinstance(value, Mapping):
            yield from unknown_keys(value, sub, f"[{key}]")
        elif kind == "list" and isinstance(value, list):
            for i, item in enumerate(value, 1):
                if isinstance(item, Mapping):
                    yield from unknown_keys(item, sub, f"[[{key}]] #{i}")


def env_names(model: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """``PLAYBOOK_ODOO_URL -> ("odoo", "url")`` for every setting a variable can set."""
    names: dict[str, tuple[str, ...]] = {}
    for key, field in model.model_fields.items():
        names[f"{ENV_PREFIX}{key}".upper()] = (key,)
        nested = _model_of(field.annotation)
        if nested and nested[0] == "model":
            for sub in nested[1].model_fields:
                names[f"{ENV_PREFIX}{key}_{sub}".upper()] = (key, sub)
    return names


def set_variables() -> dict[str, str]:
    """The ``PLAYBOOK_*`` variables set, by upper-case name (settings read them case-insensitively)."""
    return {name.upper(): name for name in os.environ if name.upper().startswith(ENV_PREFIX)}


def variable_for(loc: tuple[Any, ...]) -> str | None:
    """The variable that set the value at ``loc`` (a validation error's location), if one is set."""
    present = set_variables()
    for depth in (2, 1):
        if len(loc) < depth:
            continue
        candidate = f"{ENV_PREFIX}{'_'.join(str(p) for p in loc[:depth])}".upper()
        if candidate in present:
            return present[candidate]
    return None


def unknown_variables(model: type[BaseModel]) -> list[tuple[str, str | None]]:
    """``PLAYBOOK_*`` variables that set nothing (a typo), each with the closest real one."""
    names = env_names(model)
    known = set(names) | CLI_VARIABLES
    out = []
    for upper, name in sorted(set_variables().items()):
        if upper in known:
            continue
        close = difflib.get_close_matches(upper, sorted(known), n=1, cutoff=0.75)
        out.append((name, close[0] if close else None))
    return out
