"""JQL literals: every value put into a query goes through ``quote`` (project keys, issue type names, ...)."""

from __future__ import annotations

from collections.abc import Iterable


def quote(value: str) -> str:
    """``value`` as a JQL string literal: double quotes, with backslashes and quotes escaped."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def quoted_list(values: Iterable[str]) -> str:
    """``"A", "B"`` for ``in (...)`` clauses."""
    return ", ".join(quote(v) for v in values)
