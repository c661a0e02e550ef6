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

from connector.checks import Check, DoctorResult
from connector.redact import redact

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

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


def print_error(message: str, hint: str | None, exit_code: int, *, as_json: bool,
                extra: dict[str, Any] | None = None) -> None:
    """An error for people (stderr: ``error: ...`` and ``fix: ...``) or, with --json, for scripts: one JSON
    object on stdout, ``{"ok": false, "error", "hint", "exit_code"}``, so stdout is always one JSON document."""
    message, hint = redact(message), redact(hint) if hint else hint
    if as_json:
        print_json({"ok": False, "error": message, "hint": hint, "exit_code": exit_code, **(extra or {})})
        return
    err_console.print(f"[bold red]error:[/] {escape(message)}")
    if hint:
        err_console.print(f"  [yellow]fix:[/] {escape(hint)}")


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


def name_config_file(text: str | None) -> str | None:
    """"the config file" in a hint, made the path of the one in use (--config, PLAYBOOK_CONFIG or the default)."""
    if not text or "the config file" not in text:
        return text
    from connector.settings import config_in_use

    return text.replace("the config file", f"the config file {config_in_use().path}")


CHECK_STYLES = {"ok": "green", "warn": "yellow", "fail": "bold red"}
VERDICT_STYLES = {0: "green", 1: "yellow", 2: "bold red"}


def print_checks(checks: Iterable[Check], code: int, lang: str = "en") -> None:
    """A doctor's checks, one line each with its fix, then the verdict that matches the exit code."""
    from cli.labels import check_name, label

    for check in checks:
        style = CHECK_STYLES[check.status]
        name = check_name(lang, check.name)
        console.print(f"[{style}]{label(lang, 'mark.' + check.status)}[/] {escape(name)}: {escape(check.detail)}")
        if check.fix and check.status != "ok":
            console.print(f"      [yellow]{label(lang, 'fix')}[/] {escape(name_config_file(check.fix) or '')}")
    console.print(f"[{VERDICT_STYLES[code]}]{label(lang, f'verdict.{code}')}[/]")


def print_doctor(result: DoctorResult, lang: str, as_json: bool) -> None:
    """Either doctor's result: ``--json`` or the checks and the verdict (the caller exits with its exit code)."""
    if as_json:
        print_json(result.as_dict())
    else:
        print_checks(result.checks, result.exit_code, lang)
