"""Issue search with paging: Cloud's ``POST /search/jql`` (``nextPageToken``), Data Center's ``POST /search``
(``startAt``). Provisioning, the sync and the reports all read issues this way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from connector.jira.adapter import JiraError

SEARCH_PAGE = 100  # Jira Cloud's page size when fields are asked for


class RequestsJira(Protocol):
    api_version: str

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                json: Any = None) -> Any: ...


def search_issues(jira: RequestsJira, jql: str, fields: list[str], *, properties: list[str] | None = None,
                  page_size: int = SEARCH_PAGE) -> Iterator[dict[str, Any]]:
    """Every issue ``jql`` finds, page by page, as Jira returns them (``fields``, ``properties`` when asked)."""
    api = f"/rest/api/{jira.api_version}"
    body: dict[str, Any] = {"jql": jql, "fields": fields, "maxResults": page_size}
    if properties:
        body["properties"] = properties
    if jira.api_version == "2":  # Data Center: the classic search
        start = 0
        while True:
            page = search_page(jira, f"{api}/search", {**body, "startAt": start}, "total")
            issues = page["issues"]
            yield from issues
            start += len(issues)
            if not issues or start >= int(page["total"]):
                return
    while True:
        page = search_page(jira, f"{api}/search/jql", body)
        yield from page["issues"]
        token = page.get("nextPageToken")
        if not token or page.get("isLast") is True:
            return
        body = {**body, "nextPageToken": token}


def search_page(jira: RequestsJira, path: str, body: dict[str, Any], *required: str) -> dict[str, Any]:
    """One page of a search, or an error when the answer is not one: an empty or odd answer is never "no issues"
    (the sync would move on as if the issues did not exist)."""
    page = jira.request("POST", path, json=body)
    issues = page.get("issues") if isinstance(page, dict) else None
    if (not isinstance(issues, list) or not all(isinstance(i, dict) and "id" in i for i in issues)
            or any(k not in page for k in required)):
        raise wrong_shape(jira, f"POST {path}", "a page of issues", page)
    return page


def wrong_shape(jira: Any, where: str, expected: str, got: Any) -> JiraError:
    """An answer that decoded as JSON but is not what the endpoint returns: an error of that request."""
    site = getattr(jira, "base_url", "")
    kind = {dict: f"an object with {', '.join(sorted(map(str, got)))[:80] or 'no keys'}", list: "a list",
            type(None): "nothing"}.get(type(got), type(got).__name__)
    return JiraError(f"{where}{' on ' + site if site else ''}: Jira answered JSON that is not {expected} ({kind})",
                     "something between here and Jira rewrites its answers, or PLAYBOOK_JIRA_URL is not a Jira site; "
                     "run with -vv to see the requests, then run again (nothing was skipped)")
