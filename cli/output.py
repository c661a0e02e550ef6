"""Shared output helpers: one console, JSON that understands Decimal and paths, errors on stderr."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from connector.checks import Check

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

LANG_OPTION = click.option(
    "--lang", type=click.Choice(["en", "zh_TW", "zh_CN"]), default="en", show_default=True,
    help="Language of the playbook texts.",
)
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of tables.")


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data: Any) -> str:
    """JSON in which a Decimal is a number with exactly its digits (``1500000.50``), never a binary float.

    ``json`` cannot write raw numbers, so each Decimal is first written as a string between two copies of a
    random 128-bit marker made for this call (no real string will contain it), and those strings are unquoted.
    """
    marker = uuid.uuid4().hex

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(f"{value} is not a finite number")
            return f"{marker}{value:f}{marker}"
        return _default(value)

    text = json.dumps(data, default=default, ensure_ascii=False, indent=2)
    return re.sub(f'"{marker}(-?[0-9]+(?:\\.[0-9]+)?){marker}"', r"\1", text)


def print_json(data: Any) -> None:
    click.echo(to_json(data))


def fmt_num(value: Decimal | float | int) -> str:
    """Numbers as people write them, thousands separated. A Decimal keeps exactly its digits (the same as
    ``--json`` shows, e.g. ``1,500,000.50``); floats lose trailing zeros and go to at most 2 decimals."""
    if isinstance(value, Decimal) and value.is_finite():
        return f"{value:,f}"
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,.2f}".rstrip("0").rstrip(".")


def print_warnings(warnings: Iterable[str]) -> None:
    """Plausibility warnings: always on stderr (so --json on stdout stays clean), one line each."""
    for line in warnings:
        err_console.print(f"[yellow]warning:[/] {escape(line)}")


CHECK_MARKS = {"ok": "[green]ok  [/]", "warn": "[yellow]warn[/]", "fail": "[bold red]FAIL[/]"}
CHECK_VERDICTS = {0: "[green]ready to provision[/]", 1: "[yellow]usable, see the warnings[/]",
                  2: "[bold red]not usable yet: fix the failures above[/]"}


def print_checks(checks: Iterable[Check], code: int) -> None:
    """A doctor's checks, one line each with its fix, then the verdict that matches the exit code."""
    for check in checks:
        console.print(f"{CHECK_MARKS[check.status]} {escape(check.name)}: {escape(check.detail)}")
        if check.fix and check.status != "ok":
            console.print(f"      [yellow]fix:[/] {escape(check.fix)}")
    console.print(CHECK_VERDICTS[code])
