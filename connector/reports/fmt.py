"""Numbers and dates as the reports print them (the same in every language and format)."""

from __future__ import annotations

from datetime import date, datetime


def fmt_days(value: float) -> str:
    """Man-days to one decimal, without a trailing ``.0``: 12, 12.5, -3.3."""
    text = f"{value:,.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def fmt_money(value: float, currency: str | None = None) -> str:
    text = f"{value:,.0f}" if abs(value - round(value)) < 0.005 else f"{value:,.2f}"
    return f"{text} {currency}" if currency else text


def fmt_percent(value: float) -> str:
    return f"{value:.0f}%"


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else "—"


def fmt_datetime(value: datetime | None) -> str:
    """In this machine's time zone with its offset, so a reader elsewhere is not misled: 2026-11-27 02:00 UTC+08:00."""
    if value is None:
        return "—"
    local = value.astimezone()
    offset = local.strftime("%z") or "+0000"
    return f"{local:%Y-%m-%d %H:%M} UTC{offset[:3]}:{offset[3:5]}"
