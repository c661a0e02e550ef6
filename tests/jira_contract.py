"""Check every request the connector sends against Atlassian's published Jira Cloud REST v3 contract.

Usage in a test::

    from tests.jira_contract import contract_responses, needs_spec

    @needs_spec
    def test_something():
        with contract_responses() as rsps:
            rsps.get("https://jira.example.test/rest/api/3/myself", json={...})
            ...  # on exit every request seen is validated; violations fail the test

The spec lives outside the repository: ``$JIRA_SPEC_DIR`` or ``../shared/jira`` beside the repo root (either the
folder holding ``specs/`` or ``specs/`` itself). It is 2.4 MB, so it is loaded once per process. Data Center
paths (``/rest/api/2/...``) are validated against their v3 twin: the two differ in bodies only where we do not
send them (ADF vs wiki text), which the v2 callers keep in mind.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
import responses

SPEC_FILE = "jira-platform-v3.json"
# Still described (as deprecated) in the spec but gone from Jira Cloud; Data Center's v2 twins remain valid.
REMOVED_ON_CLOUD = {
    ("GET", "/rest/api/3/search"): "removed from Jira Cloud: use /rest/api/3/search/jql",
    ("POST", "/rest/api/3/search"): "removed from Jira Cloud: use /rest/api/3/search/jql",
}
REPO_ROOT = Path(__file__).resolve().parent.parent


def spec_path() -> Path | None:
    """The v3 spec file, or None when it is not on this machine."""
    configured = os.environ.get("JIRA_SPEC_DIR")
    base = Path(configured).expanduser() if configured else REPO_ROOT.parent / "shared" / "jira"
    for candidate in (base / "specs" / SPEC_FILE, base / SPEC_FILE):
        if candidate.is_file():
            return candidate
    return None


SKIP_REASON = (
    f"Jira OpenAPI spec not found ({SPEC_FILE}): set JIRA_SPEC_DIR to the shared/jira folder "
    "or put it at ../shared/jira beside the repository"
)
# Decorator for tests that need the spec: skips with a clear reason where it is absent.
needs_spec = pytest.mark.skipif(spec_path() is None, reason=SKIP_REASON)


@lru_cache(maxsize=1)
def _openapi() -> Any:
    from openapi_core import Config, OpenAPI

    path = spec_path()
    if path is None:
        pytest.skip(SKIP_REASON)
    with path.open(encoding="utf-8") as fh:
        spec = json.load(fh)
    # Atlassian's spec does not pass the strict spec validator (and checking 2.4 MB takes seconds): skip that step.
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


@lru_cache(maxsize=1)
def _server() -> tuple[str, str]:
    url = _openapi().spec["servers"][0]["url"]
    parts = urlsplit(str(url))
    return parts.scheme, parts.netloc


def _as_v3(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """The same request aimed at the spec's server, with ``/rest/api/2/`` read as ``/rest/api/3/``."""
    parts = urlsplit(request.url or "")
    path = parts.path
    if path.startswith("/rest/api/2/"):
        path = "/rest/api/3/" + path[len("/rest/api/2/"):]
    scheme, netloc = _server()
    copy = request.copy()
    copy.url = urlunsplit((scheme, netloc, path, parts.query, ""))
    # The spec declares basic auth and OAuth2; a Data Center PAT (Bearer) is its own contract, not a violation.
    auth = copy.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        copy.headers["Authorization"] = "Basic dGVzdDp0ZXN0"
    return copy


def validate_request(request: requests.PreparedRequest | requests.Request) -> list[str]:
    """Every way ``request`` breaks the published v3 contract, as readable lines; empty when it conforms."""
    from openapi_core.contrib.requests import RequestsOpenAPIRequest

    prepared = request.prepare() if isinstance(request, requests.Request) else request
    where = f"{prepared.method} {urlsplit(prepared.url or '').path}"
    problems: list[str] = []
    removed = REMOVED_ON_CLOUD.get((str(prepared.method).upper(), urlsplit(prepared.url or "").path))
    if removed:
        problems.append(f"{where}: {removed}")
    openapi_request = RequestsOpenAPIRequest(_as_v3(prepared))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Unsupported scheme type")  # OAuth2 in the spec; we send basic/bearer
        errors = list(_openapi().iter_request_errors(openapi_request))
    problems += [f"{where}: {_describe(error)}" for error in errors]
    return problems


def _describe(error: BaseException) -> str:
    """The error with the schema errors openapi-core nests under ``__cause__`` spelled out."""
    parts = [f"{type(error).__name__}: {error}"]
    cause = error.__cause__
    while cause is not None:
        details = getattr(cause, "schema_errors", None)
        if details:
            parts += [f"{'/'.join(str(p) for p in e.path) or '(body)'}: {e.message}" for e in details]
        else:
            parts.append(str(cause))
        cause = cause.__cause__
    return " | ".join(parts)


class ContractViolation(AssertionError):
    """Requests sent during a test broke Atlassian's published contract."""


@contextmanager
def contract_responses(**kwargs: Any) -> Iterator[responses.RequestsMock]:
    """A ``responses.RequestsMock`` that validates every request it saw when the block ends.

    Keyword arguments go to ``RequestsMock`` (``assert_all_requests_are_fired`` defaults to False). A failure
    lists every violation of every request, not just the first.
    """
    kwargs.setdefault("assert_all_requests_are_fired", False)
    with responses.RequestsMock(**kwargs) as rsps:
        yield rsps
        seen = [call.request for call in rsps.calls]
    violations = [problem for request in seen for problem in validate_request(request)]
    if violations:
        raise ContractViolation(
            f"{len(violations)} contract violation(s) in {len(seen)} request(s):\n  " + "\n  ".join(violations)
        )
