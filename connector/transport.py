"""What went wrong on the wire, for both servers: one classification of transport errors, one retry budget, one
reading of an answer's body.

Jira (``connector.jira.adapter``) and Odoo (``connector.odoo.client``) both send through ``requests``; a connection
cut at any point surfaces from it as one of a dozen exception types (``ConnectionError``, ``ChunkedEncodingError``,
``ContentDecodingError``, urllib3's ``ProtocolError`` / ``IncompleteRead``, a reset socket...). What matters to the
caller is only whether the request may have reached the server:

- ``refused``: nothing listens there, or the name does not resolve: never sent, and waiting will not help;
- ``not_sent``: the connection could not be opened in time: never sent, safe to send again whatever it was;
- ``tls``: the certificate did not verify: never sent, and retrying will not fix it;
- ``cut``: the connection broke or timed out after the request went out: the server may have applied it, so only
  a request that is safe to repeat (a read) is sent again.

A 2xx answer whose body is empty, cut short or not JSON (a login page, a proxy's HTML) is an error of that request,
never an empty result: ``read_json`` says what came back.
"""

from __future__ import annotations

import http.client
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
import urllib3.exceptions

# One request never waits more than this in total between its attempts (plus each attempt's own timeout);
# a Retry-After asking for longer ends the request at once. Documented in docs/operations.md.
WAIT_BUDGET = 300.0


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it wraps (requests and urllib3 nest them in args, ``reason``, causes)."""
    stack: list[Any] = [exc]
    seen: set[int] = set()
    while stack:
        e = stack.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack += [e.__cause__, e.__context__, getattr(e, "reason", None), *e.args]


# A URL that cannot be a server: a configuration error, never retried.
INVALID_URL = (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
               urllib3.exceptions.LocationParseError)


def transport_kind(exc: BaseException) -> str:
    """``refused``, ``not_sent``, ``tls``, ``cut`` (see the module's docstring) or ``invalid`` (a bad URL)."""
    chain = list(_chain(exc))
    if any(isinstance(e, INVALID_URL) for e in chain):
        return "invalid"
    if any(isinstance(e, requests.exceptions.SSLError | urllib3.exceptions.SSLError) for e in chain):
        return "tls"
    if any(isinstance(e, urllib3.exceptions.NewConnectionError | urllib3.exceptions.NameResolutionError
                      | ConnectionRefusedError) for e in chain):
        return "refused"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "not_sent"
    return "cut"


def describe_transport_error(exc: BaseException) -> str:
    """A short phrase for a message: what the connection did."""
    chain = list(_chain(exc))
    kind = transport_kind(exc)
    if kind == "invalid":
        return f"not a usable URL ({type(exc).__name__})"
    if kind == "refused":
        if any(isinstance(e, urllib3.exceptions.NameResolutionError) for e in chain):
            return "the host name does not resolve"
        return "connection refused: nothing listens at that address and port"
    if kind == "not_sent":
        return "the connection could not be opened in time"
    if kind == "tls":
        return "the TLS certificate could not be verified"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "no answer within the timeout"
    if any(isinstance(e, requests.exceptions.ChunkedEncodingError | urllib3.exceptions.ProtocolError)
           for e in chain) and any("IncompleteRead" in type(e).__name__ or "InvalidChunkLength" in type(e).__name__
                                   for e in chain):
        return "the answer was cut off in the middle of its body"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return "the answer's compressed body was cut off or corrupt"
    if any(type(e).__name__ == "RemoteDisconnected" for e in chain):
        return "the server closed the connection without answering"
    if any(isinstance(e, ConnectionResetError) for e in chain):
        return "the connection was reset"
    return "the connection broke"


# Every exception a request through ``requests`` can raise for a fault on the wire (not a programming error).
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    requests.exceptions.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, ConnectionError,
    TimeoutError,
)


@dataclass
class Budget:
    """Back-off for one request: ``max_retries`` attempts after the first, never more than ``total`` seconds asleep."""

    max_retries: int = 5
    backoff: float = 1.0
    max_delay: float = 60.0
    total: float = WAIT_BUDGET
    waited: float = 0.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; None when the retries or the time budget are spent."""
        if attempt > self.max_retries:
            return None
        if retry_after is None:
            wait = min(self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 4), self.max_delay)
        else:
            wait = retry_after
        if self.waited + wait > self.total:
            return None
        self.waited += wait
        return wait


class BadAnswer(Exception):
    """A 2xx answer that is not the JSON it should be. ``retry``: it looks cut short (worth asking again)."""

    def __init__(self, what: str, *, retry: bool) -> None:
        super().__init__(what)
        self.what = what
        self.retry = retry


def read_json(response: requests.Response) -> Any:
    """The decoded JSON body, or ``BadAnswer`` saying what came back instead (empty, cut short, HTML, text)."""
    status = f"HTTP {response.status_code}"
    raw = response.content
    if not raw.strip():
        raise BadAnswer(f"{status} with an empty body", retry=True)
    try:
        return json.loads(raw)
    except ValueError:
        pass
    kind = (response.headers.get("Content-Type") or "").split(";")[0].strip() or "no content type"
    text = raw.decode("utf-8", "replace").lstrip()
    if text[:1] in "{[\"" or "json" in kind:
        raise BadAnswer(f"{status} with JSON cut short after {len(raw):,} bytes", retry=True)
    title = re.search(r"<title[^>]*>([^<]{1,80})", text, re.IGNORECASE)
    if title or "html" in kind or text[:1] == "<":
        shown = f' "{" ".join(title.group(1).split())}"' if title else ""
        raise BadAnswer(f"{status} with an HTML page{shown} instead of JSON (a login page or a proxy?)",
                        retry=False)
    raise BadAnswer(f"{status} with {kind}, not JSON: {' '.join(text[:60].split())!r}", retry=False)
