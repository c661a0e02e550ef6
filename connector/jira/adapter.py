"""A thin adapter over the pycontribs ``jira`` client: raw REST calls with retries and clear errors.

We use the client for what it does well (authentication, session set-up, TLS options) and send every request
ourselves through its session, because several of its helpers break Atlassian's current contract
(integer transition ids, ``"comment": null`` on links, the removed ``/search`` and ``/workflow`` endpoints) and
its own retry loop sleeps without a bound we control. Paths are built with ``api_version``: "3" on Cloud,
"2" on Data Center.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from connector.errors import ConfigError, ConnectorError
from connector.settings import JiraSettings, require, require_url
from connector.transport import (
    TRANSPORT_ERRORS,
    WAIT_BUDGET,
    BadAnswer,
    Budget,
    describe_transport_error,
    read_json,
    transport_kind,
)

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# POSTs that only read: safe to send again after a 5xx or a read timeout.
READ_ONLY_POSTS = ("/search/jql", "/worklog/list", "/issue/bulkfetch", "/search/approximate-count")


class JiraError(ConnectorError):
    """Jira refused a request or could not be reached; ``status`` is the HTTP status (None: no answer)."""

    def __init__(self, message: str, hint: str | None = None, *, status: int | None = None,
                 body: Any = None) -> None:
        super().__init__(message, hint)
        self.status = status
        self.body = body


class JiraAdapter:
    """REST calls to one Jira site through the pycontribs client's session."""

    def __init__(self, session: requests.Session, base_url: str, *, deployment: str = "cloud",
                 timeout: float = 60.0, max_retries: int = 5, backoff: float = 1.0, max_delay: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.deployment = deployment
        self.api_version = "3" if deployment == "cloud" else "2"
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_delay = max_delay
        self.sleep = sleep
        self.request_count = 0

    @classmethod
    def from_settings(cls, settings: JiraSettings, **kwargs: Any) -> JiraAdapter:
        """Cloud: API token as basic auth with the account's e-mail. Data Center: personal access token (Bearer)."""
        from jira import JIRA

        require_url(settings.url, "the Jira URL", "PLAYBOOK_JIRA_URL", settings.verify_tls)
        require(settings.token, "the Jira API token", "PLAYBOOK_JIRA_TOKEN")
        url = str(settings.url).rstrip("/")
        if not url.startswith(("https://", "http://")):
            raise ConfigError(f"the Jira URL {url!r} is not an http(s) URL",
                              "set PLAYBOOK_JIRA_URL like https://example.atlassian.net")
        token = settings.token.get_secret_value() if settings.token else ""
        options = {"server": url, "verify": settings.verify_tls,
                   "rest_api_version": "3" if settings.deployment == "cloud" else "2"}
        if settings.deployment == "cloud":
            require(settings.user, "the Jira user (the account's e-mail)", "PLAYBOOK_JIRA_USER")
            client = JIRA(options=options, basic_auth=(str(settings.user), token), get_server_info=False,
                          max_retries=0, timeout=settings.timeout)
        else:
            client = JIRA(options=options, token_auth=token, get_server_info=False, max_retries=0,
                          timeout=settings.timeout)
        return cls(client._session, url, deployment=settings.deployment, timeout=settings.timeout, **kwargs)

    # --- paths ----------------------------------------------------------------------------------------------
    def api(self, path: str) -> str:
        """``api("issue/bulk")`` -> ``/rest/api/3/issue/bulk`` (``2`` on Data Center)."""
        return f"/rest/api/{self.api_version}/{path.lstrip('/')}"

    # --- requests -------------------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                json: Any = None) -> Any:
        """One REST call; the decoded JSON body (None for a write answered without a body).

        429, 502-504, timeouts and cut connections are retried with exponential back-off (honouring
        ``Retry-After``), up to ``max_retries`` times and ``transport.WAIT_BUDGET`` seconds of waiting; each wait is
        announced on stderr. A refused connection is not retried. A read answered with an empty, cut or non-JSON
        body is an error of that request (retried like a cut connection), never an empty result.
        """
        method = method.upper()
        where = f"{method} {path} on {self.base_url}"
        # A create that failed with a 5xx or whose connection broke after it was sent may have been applied: sending
        # it again could duplicate issues. Only a 429 or a connection never made is retried for those.
        replayable = method != "POST" or path.endswith(READ_ONLY_POSTS)
        reads = method == "GET" or (method == "POST" and replayable)
        budget = Budget(self.max_retries, self.backoff, self.max_delay)
        attempt = 0
        while True:
            attempt += 1
            self.request_count += 1
            try:
                # requests.Session.request, not the client's ResilientSession.request: its retry loop is not ours.
                response = requests.Session.request(
                    self.session, method, self.base_url + path, params=params, json=json, timeout=self.timeout,
                )
            except TRANSPORT_ERRORS as exc:
                kind, what = transport_kind(exc), describe_transport_error(exc)
                if kind in ("tls", "refused", "invalid"):
                    raise self._unreachable(kind, what, where) from None
                if kind == "cut" and not replayable:
                    raise JiraError(f"{where}: {what}; the change may or may not have been applied",
                                    "run the same command again: it reads what exists first and creates only what is "
                                    "missing") from None
                delay = budget.delay(attempt)
                if delay is None:
                    raise JiraError(f"{where}: Jira did not answer after {attempt} attempts "
                                    f"({type(exc).__name__}: {what})",
                                    "check PLAYBOOK_JIRA_URL, the network and https://status.atlassian.com, then run "
                                    "again (a re-run resumes where this one stopped)") from None
                self._wait(delay, where, what, attempt)
                continue
            if response.status_code in RETRY_STATUSES:
                retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
                delay = None
                if response.status_code == 429 or replayable:
                    delay = budget.delay(attempt, retry_after)
                if delay is None:
                    raise self._give_up(response, where, attempt, retry_after)
                self._wait(delay, where, f"Jira answered {response.status_code} {response.reason}", attempt)
                continue
            if not response.ok:
                raise self._error(response, where)
            # A write may answer without a body (a property set: 200/201; a transition: 204), but never a POST's 201
            # Created: an empty one is an answer cut before its headers ended.
            created = method == "POST" and response.status_code == 201
            if response.status_code == 204 or (not reads and not created and not response.content.strip()):
                return None
            try:
                return read_json(response)
            except BadAnswer as bad:
                if not (bad.retry and reads):
                    raise self._bad_answer(bad, where, applied=not reads) from None
                delay = budget.delay(attempt)
                if delay is None:
                    raise self._bad_answer(bad, where, attempt) from None
                self._wait(delay, where, f"Jira answered {bad.what}", attempt)

    def _wait(self, delay: float, where: str, why: str, attempt: int) -> None:
        # Said without -v: an unattended run that seems to hang should say why in its log.
        log.warning("%s: %s; waiting %.1f s before attempt %d of %d", where, why, delay, attempt + 1,
                    self.max_retries + 1)
        self.sleep(delay)

    def _unreachable(self, kind: str, what: str, where: str) -> JiraError:
        if kind == "tls":
            return JiraError(f"{where}: {what}",
                             "install the site's CA certificate (REQUESTS_CA_BUNDLE), or for a test server only set "
                             "verify_tls = false under [jira]")
        if kind == "invalid":
            return JiraError(f"{where}: the Jira URL cannot be used ({what})",
                             "set PLAYBOOK_JIRA_URL like https://example.atlassian.net")
        return JiraError(f"{where}: cannot reach Jira: {what}",
                         "check PLAYBOOK_JIRA_URL (scheme, host, port) and that Jira runs; a re-run resumes where "
                         "this one stopped")

    def _bad_answer(self, bad: BadAnswer, where: str, attempts: int = 1, *, applied: bool = False) -> JiraError:
        tried = f" ({attempts} attempts)" if attempts > 1 else ""
        tried += "; the change may or may not have been applied" if applied else ""
        hint = ("something between here and Jira answers instead of it (a login page, a proxy): check "
                "PLAYBOOK_JIRA_URL points at Jira itself" if not bad.retry else
                "the connection to Jira is unreliable or Jira is struggling; run again (a re-run resumes where this "
                "one stopped and reads nothing twice)")
        return JiraError(f"{where}: Jira answered {bad.what}{tried}", hint, status=None)

    def _give_up(self, response: requests.Response, where: str, attempts: int,
                 retry_after: float | None = None) -> JiraError:
        if retry_after is not None and retry_after > WAIT_BUDGET:
            return JiraError(f"{where}: Jira answered {response.status_code} and asks to wait {retry_after:.0f} s "
                             f"(Retry-After), more than the {WAIT_BUDGET:.0f} s one request may wait",
                             "run again later; a re-run resumes where this one stopped", status=response.status_code)
        if response.status_code == 429:
            return JiraError(f"{where}: Jira kept rate-limiting the requests (429 after {attempts} attempts)",
                             "wait a few minutes and run again; a re-run resumes where this one stopped",
                             status=429)
        return JiraError(
            f"{where}: Jira failed with {response.status_code} {response.reason} after {attempts} attempts",
            "Jira is having trouble: check https://status.atlassian.com (Cloud) or the server log, then run again; "
            "a re-run resumes where this one stopped",
            status=response.status_code, body=_decode_quietly(response),
        )

    def _error(self, response: requests.Response, where: str) -> JiraError:
        status = response.status_code
        body = _decode_quietly(response)
        detail = _messages(body)
        if status == 401:
            hint = ("check PLAYBOOK_JIRA_USER (the account's e-mail) and PLAYBOOK_JIRA_TOKEN (an API token from "
                    "id.atlassian.com)" if self.deployment == "cloud"
                    else "check PLAYBOOK_JIRA_TOKEN (a personal access token from your Jira profile)")
            return JiraError(f"{where}: Jira rejected the credentials (401 Unauthorized)", hint, status=401, body=body)
        if status == 403:
            return JiraError(f"{where}: the Jira user lacks the permission for this (403 Forbidden){detail}",
                             "run `playbook jira doctor` to see which permission is missing, then ask a Jira admin",
                             status=403, body=body)
        if status == 404:
            return JiraError(f"{where}: not found (404){detail}",
                             "check the project key and that the user can browse it", status=404, body=body)
        return JiraError(f"{where}: Jira refused the request ({status} {response.reason}){detail}",
                         "correct what Jira names above; run with -vv to see the requests", status=status, body=body)


def _decode(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _decode_quietly(response: requests.Response) -> Any:
    try:
        return _decode(response)
    except Exception:  # a broken body must not hide the status
        return None


def _messages(body: Any) -> str:
    """Jira's ``errorMessages`` and ``errors`` as one short suffix."""
    if not isinstance(body, dict):
        return ""
    parts = [str(m) for m in body.get("errorMessages") or []]
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts += [f"{k}: {v}" for k, v in errors.items()]
    elif isinstance(errors, list):  # a bulk request's per-element errors (POST /issue/bulk answers 400 so)
        parts.append(f"{len(errors)} element(s) refused")
    return f": {'; '.join(parts)[:500]}" if parts else ""


def _retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
