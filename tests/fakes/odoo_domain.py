"""One reading of Odoo search domains for every Odoo fake in the tests: prefix ``|`` / ``&`` / ``!``, implicit
AND, many2ones compared by id (a ``[id, name]`` value as its id). Strict: an operator the fakes do not know fails
the test instead of matching silently."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any


def _ordered(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    return lambda have, want: have is not False and have is not None and op(have, want)


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne,
    "in": lambda have, want: have in want, "not in": lambda have, want: have not in want,
    "<=": _ordered(operator.le), ">=": _ordered(operator.ge), "<": _ordered(operator.lt), ">": _ordered(operator.gt),
    "ilike": lambda have, want: str(want).casefold() in str(have or "").casefold(),
}


def value(record: dict[str, Any], name: str) -> Any:
    have = record.get(name, False)
    if isinstance(have, (list, tuple)) and len(have) == 2 and isinstance(have[1], str):
        return have[0]  # a many2one as RPC shows it
    return have


def matches(record: dict[str, Any], domain: list[Any]) -> bool:
    stack: list[bool] = []
    for term in reversed(domain):
        if term == "|":
            stack.append(stack.pop() | stack.pop())
        elif term == "&":
            stack.append(stack.pop() & stack.pop())
        elif term == "!":
            stack.append(not stack.pop())
        else:
            name, op, want = term
            if op not in OPERATORS:
                raise AssertionError(f"operator {op!r} not supported by the Odoo fakes")
            stack.append(OPERATORS[op](value(record, name), want))
    return all(stack)
