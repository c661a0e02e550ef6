"""Issue search with paging: Cloud's ``POST /search/jql`` (``nextPageToken``), Data Center's ``POST /search``
(``startAt``). Provisioning, the sync and the reports all read issues this way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

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
            page = jira.request("POST", f"{api}/search", json={**body, "startAt": start}) or {}
            issues = page.get("issues") or []
            yield from issues
            start += len(issues)
            if not issues or start >= int(page.get("total") or 0):
                return
    while True:
        page = jira.request("POST", f"{api}/search/jql", json=body) or {}
        yield from page.get("issues") or []
        token = page.get("nextPageToken")
        if not token or page.get("isLast") is True:
            return
        body = {**body, "nextPageToken": token}
