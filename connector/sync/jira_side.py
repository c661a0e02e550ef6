"""Everything the sync reads from and writes to Jira, in as few requests as the REST API allows."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

from connector.jira.adapter import JiraError
from connector.jira.binding import PROPERTY, read_field_ids
from connector.jira.jql import quote, quoted_list
from connector.jira.search import search_issues, search_page, wrong_shape
from connector.jira.site import field_named, match_issue_type, read_fields, read_issue_types, value_type
from connector.jira.templates import JiraTemplates, default_templates
from connector.sync.ports import JiraPort

log = logging.getLogger(__name__)

WORKLOG_LIST_MAX = 1000  # POST worklog/list takes at most 1000 ids
ID_BATCH = 100  # issue ids per `id in (...)` JQL, short enough for any proxy
# Plan kinds whose issues the sync writes to (phase epics, payment milestones); the entity property decides.
TRACKED_KINDS = ("phase", "payment_milestone")
# The sync's names for the fields it writes -> their keys in jira_templates/fields.yaml.
SYNC_FIELDS = {"spent": "man_days_spent", "remaining": "man_days_remaining", "payment_status": "payment_status",
               "due_date": "due_date"}
# Looked for after the template's own name, when no provisioned project names the field (Jira's system due date).
FALLBACK_NAMES: dict[str, tuple[str, ...]] = {"due_date": ("Due date",)}


@dataclass(frozen=True)
class JiraField:
    id: str
    type: str  # schema type: number, string, option, date, ...

    def value(self, raw: Any) -> Any:
        """``raw`` in the shape this field type takes on an edit."""
        if raw is None:
            return None
        if self.type == "number":
            return float(raw)
        if self.type == "option":
            return {"value": str(raw)}
        return str(raw)


class JiraSide:
    def __init__(self, jira: JiraPort, templates: JiraTemplates | None = None) -> None:
        self.jira = jira
        self.api = f"/rest/api/{getattr(jira, 'api_version', '3') or '3'}"
        self._templates = templates

    @property
    def templates(self) -> JiraTemplates:
        # Read when first needed, so broken templates fail the Jira part of a run, not building the engine.
        if self._templates is None:
            self._templates = default_templates()
        return self._templates

    # -- worklog feeds ------------------------------------------------------------------------------
    def changed_pages(self, feed: str, since: int) -> Iterator[tuple[list[int], int]]:
        """(worklog ids, cursor to resume from) per page of ``worklog/updated`` or ``worklog/deleted``, oldest first."""
        params: dict[str, Any] = {"since": since}
        path = f"{self.api}/worklog/{feed}"
        before: dict[int, Any] = {}  # the previous page's worklogs -> when each changed
        while True:
            data = self.jira.request("GET", path, params=params)
            values = data.get("values") if isinstance(data, dict) else None
            if (not isinstance(values, list) or "lastPage" not in data
                    or not all(isinstance(v, dict) and "worklogId" in v for v in values)
                    or (values and "until" not in data)):
                raise wrong_shape(self.jira, f"GET {path}", "a page of the worklog feed", data)
            # `since` is inclusive: a page starts with the worklog(s) the previous one ended on. One that has not
            # changed since was just read; sent again, its line would wait for the one being created.
            ids = [int(v["worklogId"]) for v in values
                   if v.get("updatedTime") is None or before.get(int(v["worklogId"])) != v.get("updatedTime")]
            before = {int(v["worklogId"]): v.get("updatedTime") for v in values}
            until = int(data.get("until") or params["since"])
            next_since = _since_of(data.get("nextPage"))
            if next_since is not None and next_since <= params["since"]:
                # A whole page at one millisecond: step past it rather than ask for the same page forever.
                next_since = params["since"] + 1
            if data.get("lastPage", True) or next_since is None:
                # `since` is inclusive: on the last page everything up to `until` is in, so the cursor may pass it
                # (Jira holds back the last minute's changes, so nothing can still arrive at `until`).
                yield ids, until + 1 if values else until
                return
            yield ids, next_since
            params = {"since": next_since}

    def worklogs(self, ids: list[int], strict: bool = True) -> list[dict[str, Any]]:
        """Every worklog of ``ids``, or an error: a page that comes back short is asked again for the missing ones
        once, and is an error if they are still missing (the cursor then stays where it was). ``strict=False``
        (worklogs held by earlier runs, sync/held.py): those still missing are left out (deleted meanwhile)."""
        out: list[dict[str, Any]] = []
        for i in range(0, len(ids), WORKLOG_LIST_MAX):
            chunk = ids[i:i + WORKLOG_LIST_MAX]
            got = self._worklog_list(chunk)
            missing = [wid for wid in chunk if wid not in got]
            if missing:
                log.warning("worklog/list returned %d of the %d worklogs asked for: asking again for %d",
                            len(chunk) - len(missing), len(chunk), len(missing))
                got.update(self._worklog_list(missing))
                missing = [wid for wid in chunk if wid not in got]
            if missing and strict:
                shown = ", ".join(map(str, missing[:5])) + (" ..." if len(missing) > 5 else "")
                raise JiraError(
                    f"POST {self.api}/worklog/list: Jira returned {len(chunk) - len(missing)} of the {len(chunk)} "
                    f"worklogs the feed named, twice (missing: {shown}); nothing of this page was written",
                    "run again (a worklog deleted meanwhile drops out of the feed); if it persists, the sync user may "
                    "not see every worklog the feed lists: `playbook jira doctor` checks its permissions")
            out += [got[wid] for wid in chunk if wid in got]
        return out

    def _worklog_list(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        path = f"{self.api}/worklog/list"
        data = self.jira.request("POST", path, json={"ids": ids})
        if not isinstance(data, list) or not all(isinstance(w, dict) and "id" in w and "issueId" in w for w in data):
            raise wrong_shape(self.jira, f"POST {path}", "a list of worklogs", data)
        return {int(w["id"]): w for w in data}

    # -- issues -------------------------------------------------------------------------------------
    def issues_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = sorted(set(ids), key=int)
        found: dict[str, dict[str, Any]] = {}
        for i in range(0, len(wanted), ID_BATCH):
            jql = f"id in ({','.join(wanted[i:i + ID_BATCH])})"
            for issue in self.search(jql, ["parent", "project", "issuetype"]):
                if not ((issue.get("fields") or {}).get("project") or {}).get("key"):
                    # Routed by its project: without one, its worklogs would be ignored as another project's.
                    raise wrong_shape(self.jira, f"POST {self.api}/search", "issues with their project", issue)
                found[str(issue["id"])] = issue
        return found

    def first_created(self, project_key: str) -> int | None:
        """When the oldest issue of the Jira project was created (epoch ms); None for a project without issues."""
        body = {"jql": f"project = {quote(project_key)} ORDER BY created ASC", "fields": ["created"], "maxResults": 1}
        path = f"{self.api}/search/jql" if self.api.endswith("/3") else f"{self.api}/search"
        issues = search_page(self.jira, path, body)["issues"]
        if not issues:
            return None
        created = (issues[0].get("fields") or {}).get("created")
        try:
            return int(datetime.fromisoformat(str(created)).timestamp() * 1000)
        except ValueError:
            raise wrong_shape(self.jira, f"POST {path}", "issues with their creation date", issues[0]) from None

    def tracked_issues(self, project_keys: list[str]) -> list[dict[str, Any]]:
        """The phase epics and payment-milestone issues of these Jira projects.

        Issue types go by id, found with provisioning's matchers: a localised Epic has another name in JQL.
        """
        types = read_issue_types(self.jira)
        ids = [str(t["id"]) for kind in TRACKED_KINDS
               if (t := match_issue_type(types, self.templates.by_kind[kind])) is not None]
        if not ids:
            return []
        jql = f"project in ({quoted_list(sorted(project_keys))}) AND issuetype in ({', '.join(ids)})"
        return list(self.search(jql, ["project", "issuetype"]))

    def signoff_issues(self, project_keys: list[str], issue_type: str, fields: list[str]) -> Iterator[dict[str, Any]]:
        """Every issue of the sign-off type in these Jira projects: one search for all of them."""
        return self.search(f"project in ({quoted_list(sorted(project_keys))}) AND issuetype = {quote(issue_type)}",
                           fields)

    def search(self, jql: str, fields: list[str]) -> Iterator[dict[str, Any]]:
        return search_issues(self.jira, jql, fields, properties=[PROPERTY])

    # -- fields and edits ---------------------------------------------------------------------------
    def discover_fields(self, project_keys: Iterable[str] = ()) -> dict[str, Any]:
        """Field ids by the sync's names (cacheable JSON).

        From the ``erp-playbook-fields`` property provisioning wrote on the projects (the first project that has
        it); a field it does not name is looked up by its template name (``GET /field``).
        """
        recorded: dict[str, str] = {}
        for key in sorted(set(project_keys)):
            recorded = read_field_ids(self.jira, key)
            if recorded:
                break
        found: dict[str, Any] = {}
        for logical, key in SYNC_FIELDS.items():
            tpl = self.templates.field(key)
            if tpl is not None and recorded.get(key):
                found[logical] = {"id": recorded[key], "type": value_type(tpl)}
        missing = [logical for logical in SYNC_FIELDS if logical not in found]
        if missing:
            all_fields = read_fields(self.jira)
            for logical in missing:
                tpl = self.templates.field(SYNC_FIELDS[logical])
                f = field_named(all_fields, *((tpl.name,) if tpl else ()), *FALLBACK_NAMES.get(logical, ()))
                if f is not None:
                    found[logical] = {"id": f["id"], "type": (f.get("schema") or {}).get("type", "string")}
        return found

    def update_issue(self, issue_id: str, fields: dict[str, Any], labels: dict[str, bool] | None = None) -> None:
        body: dict[str, Any] = {"fields": fields}
        if labels:
            body["update"] = {"labels": [{"add" if on else "remove": name} for name, on in labels.items()]}
        self.jira.request("PUT", f"{self.api}/issue/{issue_id}", json=body)


    def status_author(self, issue: str, status: str) -> dict[str, Any] | None:
        """Who last moved ``issue`` to ``status`` (the changelog's author: accountId, displayName, emailAddress when
        the user's privacy settings show it); None when the changelog does not say."""
        if self.api.endswith("/2"):  # Data Center has no changelog resource: the issue with its changelog expanded
            data = self.jira.request("GET", f"{self.api}/issue/{issue}", params={"expand": "changelog",
                                                                                "fields": "status"})
            histories = ((data or {}).get("changelog") or {}).get("histories") if isinstance(data, dict) else None
        else:
            path = f"{self.api}/issue/{issue}/changelog"
            data = self.jira.request("GET", path, params={"startAt": 0, "maxResults": 100})
            total = int(data.get("total") or 0) if isinstance(data, dict) else 0
            if isinstance(data, dict) and not data.get("isLast", True) and total > 100:  # the newest page
                data = self.jira.request("GET", path, params={"startAt": total - 100, "maxResults": 100})
            histories = data.get("values") if isinstance(data, dict) else None
        if not isinstance(histories, list):
            raise wrong_shape(self.jira, f"GET {self.api}/issue/{issue}/changelog", "an issue changelog", data)
        wanted = status.casefold()
        moves = [h for h in histories if isinstance(h, dict) and any(
            i.get("field") == "status" and str(i.get("toString") or "").casefold() == wanted
            for i in h.get("items") or [] if isinstance(i, dict))]
        if not moves:
            return None
        author = max(moves, key=lambda h: str(h.get("created") or "")).get("author")
        return author if isinstance(author, dict) else None

    def transitions(self, issue: str) -> list[dict[str, Any]]:
        """The transitions Jira offers the sync user from the issue's current status (with their target ``to``)."""
        data = self.jira.request("GET", f"{self.api}/issue/{issue}/transitions") or {}
        return list(data.get("transitions") or [])

    def transition(self, issue: str, transition_id: str) -> None:
        # The contract types the id as a string (pycontribs sends an int, hence our own request).
        body = {"transition": {"id": str(transition_id)}}
        self.jira.request("POST", f"{self.api}/issue/{issue}/transitions", json=body)


def _since_of(next_page: str | None) -> int | None:
    if not next_page:
        return None
    values = parse_qs(urlparse(next_page).query).get("since")
    return int(values[0]) if values else None


def adf_text(comment: Any) -> str:
    """Plain text of a worklog comment: Atlassian Document Format (Cloud) or a string (Data Center)."""
    if comment is None:
        return ""
    if isinstance(comment, str):
        return comment
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                parts.append(str(node.get("text", "")))
            for child in node.get("content") or []:
                walk(child)
            if node.get("type") == "paragraph":
                parts.append(" ")

    walk(comment)
    return " ".join("".join(parts).split())
