"""Secrets never leave the process: every log record, from any library's logger, is masked before it is written.

Libraries log what they send: odoolib's debug log repeats the Odoo password in every RPC's arguments, and a
request dump shows ``Authorization`` headers. Rather than trust each logger, the configured secret values are
registered here (``load_settings`` does it) and a log-record factory replaces them, in every spelling a log line
can carry (as typed, ``repr``-escaped, JSON-escaped, URL-quoted, inside a basic-auth header), with ``***``.
Credential-shaped text (``Authorization:`` headers, ``"password": ...`` items, ``user:pass@`` in URLs) is masked
even when its value was never registered.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
# Shorter values would mask ordinary words; no credential a server accepts is this short.
MIN_SECRET_LENGTH = 4

_secrets: set[str] = set()
_PATTERNS = (
    # Authorization: Basic abc / 'Authorization': 'Bearer abc' / "authorization": "token"
    re.compile(r"""(?i)(\bauthorization['"]?\s*[:=]\s*['"]?)(?:(?:basic|bearer|token)\s+)?[^\s'",}]+"""),
    # "password": "x" / 'password': 'x' / password=x  (also passwd, token, api_key, secret)
    re.compile(r"""(?i)(\b(?:password|passwd|api[_-]?key|token|secret)['"]?\s*[:=]\s*['"]?)[^\s'",}&]+"""),
    # scheme://user:password@host
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+(?=@)"),
)


def _spellings(value: str) -> set[str]:
    """The ways a log line can show ``value``: as is, escaped by repr or JSON, URL-quoted."""
    forms = {value, repr(value)[1:-1], json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
             quote(value, safe=""), quote_plus(value)}
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


def register(*values: str | None) -> None:
    """Mask these values in every log record from now on (empty and very short values are ignored)."""
    for value in values:
        if value and len(value) >= MIN_SECRET_LENGTH:
            _secrets.update(_spellings(value))
    if _secrets:
        install()


def register_basic_auth(user: str | None, secret: str | None) -> None:
    """A basic-auth header carries ``base64(user:secret)``: mask that too."""
    if user and secret:
        register(base64.b64encode(f"{user}:{secret}".encode()).decode())


def registered() -> frozenset[str]:
    return frozenset(_secrets)


def redact(text: str) -> str:
    """``text`` with every registered secret and every credential-shaped value replaced by ``***``."""
    # Longest first: a secret that contains another must be masked whole.
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


def redact_all(lines: Iterable[str]) -> list[str]:
    return [redact(line) for line in lines]


class RedactingFormatter(logging.Formatter):
    """Masks the final text, tracebacks included (the record factory only sees message and arguments)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


_base_factory = logging.getLogRecordFactory()
_installed = False


def _redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)  # type: ignore[arg-type]
    try:
        message = record.getMessage()
    except Exception:  # a broken log call is the library's problem; logging reports it as usual
        return record
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    return record


def install() -> None:
    """Every record any logger creates is masked, whichever handler (ours, pytest's, an embedder's) writes it."""
    global _base_factory, _installed
    if _installed:
        return
    _base_factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(_redacting_factory)
    _installed = True
