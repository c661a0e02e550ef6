"""Small stateful fakes for the sync tests: a Jira worklog site (responses callbacks) and the Odoo fake in memory
(``tests.fakes.odoo``).

The Jira fake answers the endpoints the sync uses the way Jira Cloud documents them (``since`` inclusive,
``nextPage``/``lastPage`` paging, ``worklog/list`` at most 1000 ids, ``search/jql`` with ``nextPageToken``) and
checks every request against the published contract (``tests.jira_contract.validate_request``).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import responses

from connector.jira.adapter import JiraAdapter

# The Odoo fake and the kill switch live in tests/fakes; these names stay importable from here.
from tests.fakes.kill import Killed as Killed
from tests.fakes.kill import KillSwitch
from tests.fakes.odoo import OdooFake as OdooFake
from tests.jira_contract import validate_request

BASE = "https://jira.example.test"
CUSTOMER_NAME, CUSTOMER_EMAIL = "Chris Customer", "chris@acme.example"  # who signs in Jira unless a test says
TOKEN = "tok-SECRET-never-logged"
API = "/rest/api/3"
FIELDS = [
    {"id": "summary", "name": "Summary", "custom": False, "schema": {"type": "string"}},
    {"id": "duedate", "name": "Due date", "custom": False, "schema": {"type": "date"}},
    {"id": "customfield_10101", "name": "Man-days spent", "custom": True, "schema": {"type": "number"}},
    {"id": "customfield_10102", "name": "Man-days remaining", "custom": True, "schema": {"type": "number"}},
    {"id": "customfield_10103", "name": "Payment status", "custom": True, "schema": {"type": "option"}},
    {"id": "customfield_10104", "name": "Payment due date", "custom": True, "schema": {"type": "date"}},
]
SPENT, REMAINING, STATUS, DUE = (f["id"] for f in FIELDS[2:])
# The site's issue types (GET /issuetype); issues below name theirs, JQL may give the id.
ISSUE_TYPES = [{"id": "10000", "name": "Epic", "hierarchyLevel": 1}, {"id": "10010", "name": "Checklist item"},
               {"id": "10011", "name": "Sign-off"}, {"id": "10012", "name": "Payment milestone"},
               {"id": "10013", "name": "Requirement"}, {"id": "10014", "name": "Issue"}]
SITE_TZ = timezone(timedelta(hours=2))  # the fake site's time zone, as Jira stamps dates
# The statuses and transitions of the sign-off workflow, as provisioning creates them (jira_templates/).
WORKFLOW = json.loads((Path(__file__).resolve().parents[2] / "jira_templates" / "workflow-signoff.json").read_text())
CATEGORY = {"TODO": ("new", "To Do"), "IN_PROGRESS": ("indeterminate", "In Progress"), "DONE": ("done", "Done")}
STATUSES = {s["name"]: {"ref": s["statusReference"], "id": str(10000 + n), "category": CATEGORY[s["statusCategory"]]}
            for n, s in enumerate(WORKFLOW["statuses"], 1)}
SIGNOFF_TRANSITIONS = WORKFLOW["workflows"][0]["transitions"]
TO_DO, AWAITING, SIGNED_OFF, REJECTED = (s["name"] for s in WORKFLOW["statuses"])


class JiraFake:
    def __init__(self, page_size: int = 1000, first_id: int = 50000, *, validate_later: bool = False) -> None:
        """``first_id``: worklog and issue ids start after it (one real Jira site never reuses an id).
        ``validate_later``: requests are kept and checked against the contract by ``validate_kept`` (a benchmark
        times the sync, not the contract check)."""
        self.page_size = page_size
        self.validate_later = validate_later
        self.kept: list[requests.PreparedRequest] = []
        self.busy = 0.0  # seconds spent answering: what a real Jira's own work would be
        self.clock = 1_750_000_000_000
        self.issues: dict[str, dict[str, Any]] = {}
        self.worklogs: dict[int, dict[str, Any]] = {}
        self.deleted: dict[int, int] = {}
        self.edits: dict[str, dict[str, Any]] = {}
        self.labels: dict[str, set[str]] = {}
        self.transitions_posted: list[tuple[str, Any]] = []  # (issue key, transition id as sent)
        self.calls: list[tuple[str, str]] = []
        self.violations: list[str] = []
        self.faults: list[tuple[str, Callable[[], Any]]] = []
        self.fields = list(FIELDS)
        self.issue_types = [dict(t, hierarchyLevel=t.get("hierarchyLevel", 0)) for t in ISSUE_TYPES]
        self.project_properties: dict[tuple[str, str], Any] = {}  # (project key, property) -> value
        self._next_issue = first_id
        self._next_worklog = first_id

    # -- building the site ----------------------------------------------------------------------------
    def tick(self) -> int:
        self.clock += 1000
        return self.clock

    def add_issue(self, project: str, *, kind: str | None = None, item: str | None = None,
                  code: str | None = None, parent: str | None = None, issuetype: str = "Checklist item") -> str:
        self._next_issue += 1
        issue_id = str(self._next_issue)
        number = sum(1 for i in self.issues.values() if i["project"] == project) + 1
        prop = {"playbook": "erp_standard", "version": "1", "project": code or project.lower(), "key": item,
                "kind": kind} if kind else None
        self.issues[issue_id] = {"id": issue_id, "key": f"{project}-{number}", "project": project, "parent": parent,
                                 "property": prop, "issuetype": issuetype, "status": TO_DO, "resolutiondate": None,
                                 "statuscategorychangedate": self.stamp(), "updated": self.stamp(),
                                 "created": self.stamp()}
        return issue_id

    def add_signoff(self, project: str, key: str, code: str | None = None, status: str = TO_DO) -> str:
        issue_id = self.add_issue(project, kind="gate", item=key, code=code, issuetype="Sign-off")
        if status != TO_DO:
            self.set_status(issue_id, status)
        return issue_id

    def set_status(self, issue_id: str, status: str, by: str = CUSTOMER_NAME,
                   email: str | None = CUSTOMER_EMAIL) -> None:
        """Someone moves the issue (tests may skip the workflow); Jira stamps the category change and keeps who moved
        it in the changelog (``email`` None: hidden by the user's privacy settings). By default the customer's
        contact of the sync tests (tests/sync/test_sync_signoffs.py ``_customer``)."""
        issue = self.issues[issue_id]
        self.tick()
        issue.setdefault("history", []).append({
            "id": str(len(issue["history"]) + 1), "created": self.stamp(),
            "author": {"accountId": account_id_of(by), "displayName": by, "active": True,
                       **({"emailAddress": email} if email else {})},
            "items": [{"field": "status", "fieldtype": "jira", "fromString": issue["status"], "toString": status}]})
        if STATUSES[status]["category"] != STATUSES[issue["status"]]["category"]:
            issue["statuscategorychangedate"] = self.stamp()
        issue["status"], issue["updated"] = status, self.stamp()

    def stamp(self) -> str:
        """The fake clock as Jira writes a date-time: ``2025-06-15T17:06:40.000+0200``."""
        return datetime.fromtimestamp(self.clock / 1000, SITE_TZ).strftime("%Y-%m-%dT%H:%M:%S.000%z")

    def day(self, issue_id: str) -> str:
        """The day the issue reached its status category, in the site's time zone."""
        return self.issues[issue_id]["statuscategorychangedate"][:10]

    def status(self, issue_id: str) -> str:
        return str(self.issues[issue_id]["status"])

    def add_phase(self, project: str, key: str, code: str | None = None) -> str:
        return self.add_issue(project, kind="phase", item=key, code=code, issuetype="Epic")

    def add_milestone(self, project: str, key: str, code: str | None = None) -> str:
        return self.add_issue(project, kind="payment_milestone", item=key, code=code, issuetype="Payment milestone")

    def log(self, issue_id: str, seconds: int, *, started: str = "2025-06-02T09:00:00.000+0200",
            comment: str = "worked", author: str = "Ann Lee", email: str | None = None,
            account_id: str | None = None) -> int:
        """``email``: the author's address as Jira shows it (None: hidden by the user's privacy settings)."""
        self._next_worklog += 1
        wid = self._next_worklog
        self.worklogs[wid] = {"id": str(wid), "issueId": issue_id, "started": started, "timeSpentSeconds": seconds,
                              "comment": comment, "author": author, "email": email,
                              "account_id": account_id or account_id_of(author), "updated": self.tick()}
        return wid

    def edit(self, wid: int, **changes: Any) -> None:
        self.worklogs[wid].update(changes, updated=self.tick())

    def delete(self, wid: int) -> None:
        del self.worklogs[wid]
        self.deleted[wid] = self.tick()

    def fail(self, path_part: str, make: Callable[[], Any], times: int = 1) -> None:
        """The next ``times`` requests whose path contains ``path_part`` get ``make()`` (a response or raise)."""
        self.faults += [(path_part, make)] * times

    # -- responses wiring -----------------------------------------------------------------------------
    def routes(self) -> list[tuple[str, re.Pattern[str], Callable[[requests.PreparedRequest], Any]]]:
        routes = [
            ("GET", r"/rest/api/3/worklog/updated", self._updated),
            ("GET", r"/rest/api/3/worklog/deleted", self._deleted),
            ("POST", r"/rest/api/3/worklog/list", self._list),
            ("POST", r"/rest/api/3/search/jql", self._search),
            ("GET", r"/rest/api/3/field", self._fields),
            ("GET", r"/rest/api/3/issuetype", lambda request: (200, self.issue_types)),
            ("GET", r"/rest/api/3/project/[^/]+/properties/[^/]+", self._project_property),
            ("PUT", r"/rest/api/3/issue/[^/]+", self._edit),
            ("GET", r"/rest/api/3/issue/[^/]+/transitions", self._transitions),
            ("GET", r"/rest/api/3/issue/[^/]+/changelog", self._changelog),
            ("POST", r"/rest/api/3/issue/[^/]+/transitions", self._transition),
        ]
        return [(method, re.compile(re.escape(BASE) + path + r"(\?.*)?$"), self._wrap(handler))
                for method, path, handler in routes]

    def install(self, rsps: responses.RequestsMock) -> None:
        for method, url, callback in self.routes():
            rsps.add_callback(method, url, callback=callback, content_type="application/json")

    def answer(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        """The fake's answer to a request addressed to ``BASE`` (for the HTTP stand-in in ``standins``)."""
        for method, url, callback in self.routes():
            if request.method == method and url.match(request.url or ""):
                return callback(request)  # type: ignore[no-any-return]
        return 404, {}, json.dumps({"errorMessages": [f"no route {request.method} {request.url}"]})

    def _wrap(self, handler: Callable[[requests.PreparedRequest], Any]) -> Callable[..., Any]:
        def callback(request: requests.PreparedRequest) -> Any:
            started = time.perf_counter()
            path = urlsplit(request.url or "").path
            self.calls.append((request.method or "", path))
            if self.validate_later:
                self.kept.append(request.copy())
            else:
                self.violations += validate_request(request)
            for i, (part, make) in enumerate(self.faults):
                if part in path:
                    del self.faults[i]
                    return make()
            status, body = handler(request)
            answer = status, {}, "" if body is None else json.dumps(body)
            self.busy += time.perf_counter() - started
            return answer
        return callback

    def validate_kept(self) -> list[str]:
        """Check the kept requests against the contract (``validate_later``); their violations, also recorded."""
        for request in self.kept:
            self.violations += validate_request(request)
        self.kept.clear()
        return self.violations

    def count(self, path_part: str) -> int:
        return sum(1 for _, path in self.calls if path_part in path)

    def _feed(self, request: requests.PreparedRequest, changes: list[tuple[int, int]], feed: str) -> tuple[int, Any]:
        since = int(parse_qs(urlsplit(request.url or "").query).get("since", ["0"])[0])
        items = sorted((t, wid) for wid, t in changes if t >= since)
        page, rest = items[:self.page_size], items[self.page_size:]
        until = page[-1][0] if page else since
        body: dict[str, Any] = {
            "self": f"{BASE}{API}/worklog/{feed}?since={since}", "since": since, "until": until,
            "lastPage": not rest, "values": [{"worklogId": wid, "updatedTime": t, "properties": []} for t, wid in page],
        }
        if rest:
            body["nextPage"] = f"{BASE}{API}/worklog/{feed}?since={until}"
        return 200, body

    def _updated(self, request: requests.PreparedRequest) -> tuple[int, Any]:
        return self._feed(request, [(wid, w["updated"]) for wid, w in self.worklogs.items()], "updated")

    def _deleted(self, request: requests.PreparedRequest) -> tuple[int, Any]:
        return self._feed(request, list(self.deleted.items()), "deleted")

    def _list(self, request: requests.PreparedRequest) -> tuple[int, Any]:
        ids = json.loads(request.body or b"{}")["ids"]
        if len(ids) > 1000:
            return 400, {"errorMessages": ["The number of worklog IDs to return must be at most 1000."]}
        out = []
        for wid in ids:
            w = self.worklogs.get(int(wid))
            if w is None:
                continue
            out.append({
                "id": w["id"], "issueId": w["issueId"], "started": w["started"],
                "timeSpentSeconds": w["timeSpentSeconds"], "timeSpent": f"{w['timeSpentSeconds'] // 60}m",
                "author": {"accountId": w["account_id"], "displayName": w["author"], "accountType": "atlassian",
                           **({"emailAddress": w["email"]} if w["email"] else {})},
                "comment": {"type": "doc", "version": 1, "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": w["comment"]}]}]},
                "self": f"{BASE}{API}/issue/{w['issueId']}/worklog/{w['id']}",
            })
        return 200, out

    def _search(self, request: requests.PreparedRequest) -> tuple[int, Any]:
        body = json.loads(request.body or b"{}")
        jql = body["jql"]
        if m := re.fullmatch(r"id in \(([\d,]+)\)", jql):
            wanted = set(m.group(1).split(","))
            found = [i for i in self.issues.values() if i["id"] in wanted]
        elif m := re.fullmatch(r'project = "([^"]+)" ORDER BY created ASC', jql):
            found = sorted((i for i in self.issues.values() if i["project"] == m.group(1)), key=lambda i: i["created"])
        elif m := re.fullmatch(r"project in \(([^)]*)\) AND issuetype (?:in \(([^)]*)\)|= (\"[^\"]+\"))", jql):
            projects = {p.strip().strip('"') for p in m.group(1).split(",")}
            names = {t["id"]: t["name"] for t in self.issue_types}
            types = {names.get(t.strip(), t.strip().strip('"')) for t in (m.group(2) or m.group(3)).split(",")}
            found = [i for i in self.issues.values() if i["project"] in projects and i["issuetype"] in types]
        else:
            return 400, {"errorMessages": [f"fake Jira does not understand {jql!r}"]}
        start = int(body.get("nextPageToken") or 0)
        size = int(body.get("maxResults") or 50)
        page = found[start:start + size]
        out: dict[str, Any] = {"issues": [self._issue_json(i, body) for i in page],
                               "isLast": start + size >= len(found)}
        if not out["isLast"]:
            out["nextPageToken"] = str(start + size)
        return 200, out

    def _issue_json(self, issue: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        wanted = body.get("fields") or []
        if "project" in wanted:
            fields["project"] = {"key": issue["project"], "id": "100"}
        if "issuetype" in wanted:
            fields["issuetype"] = {"name": issue["issuetype"]}
        if "parent" in wanted and issue["parent"]:
            fields["parent"] = {"id": issue["parent"], "key": self.issues[issue["parent"]]["key"]}
        if "status" in wanted:
            fields["status"] = _status_json(issue["status"])
        for name in ("resolutiondate", "statuscategorychangedate", "updated", "created"):
            if name in wanted:
                fields[name] = issue[name]
        out: dict[str, Any] = {"id": issue["id"], "key": issue["key"], "fields": fields}
        if "erp-playbook" in (body.get("properties") or []):
            out["properties"] = {"erp-playbook": issue["property"]} if issue["property"] else {}
        return out

    def _fields(self, request: requests.PreparedRequest) -> tuple[int, Any]:
        return 200, self.fields

    def _project_property(self, request: requests.PreparedRequest) -> tuple[int, Any]:
        _, key, _, prop = urlsplit(request.url or "").path.rsplit("/", 3)
        if (key, prop) not in self.project_properties:
            return 404, {"errorMessages": [f"The property '{prop}' does not exist."], "errors": {}}
        return 200, {"key": prop, "value": self.project_properties[(key, prop)]}

    def _edit(self, request: requests.PreparedRequest) -> tuple[int, Any]:
        issue_id = urlsplit(request.url or "").path.rsplit("/", 1)[-1]
        if issue_id not in self.issues:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}
        body = json.loads(request.body or b"{}")
        self.edits.setdefault(issue_id, {}).update(body.get("fields") or {})
        labels = self.labels.setdefault(issue_id, set())
        for op in (body.get("update") or {}).get("labels") or []:
            if "add" in op:
                labels.add(op["add"])
            else:
                labels.discard(op["remove"])
        return 204, None


    def _issue(self, request: requests.PreparedRequest) -> dict[str, Any] | None:
        ref = urlsplit(request.url or "").path.split("/issue/", 1)[1].split("/")[0]
        return next((i for i in self.issues.values() if ref in (i["id"], i["key"])), None)

    def _offered(self, issue: dict[str, Any]) -> list[dict[str, Any]]:
        """The sign-off workflow's transitions out of the issue's status (other types have none here)."""
        if issue["issuetype"] != "Sign-off":
            return []
        ref = STATUSES[issue["status"]]["ref"]
        names = {st["statusReference"]: st["name"] for st in WORKFLOW["statuses"]}
        return [{"id": t["id"], "name": t["name"], "to": names[t["toStatusReference"]]} for t in SIGNOFF_TRANSITIONS
                if t["type"] == "DIRECTED" and any(link.get("fromStatusReference") == ref for link in t["links"])]

    def _transitions(self, request: requests.PreparedRequest) -> tuple[int, Any]:
        issue = self._issue(request)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}
        return 200, {"expand": "transitions", "transitions": [
            {"id": t["id"], "name": t["name"], "to": _status_json(t["to"]), "hasScreen": False, "isGlobal": False,
             "isInitial": False, "isAvailable": True, "isConditional": False, "isLooped": False}
            for t in self._offered(issue)]}

    def _changelog(self, request: requests.PreparedRequest) -> tuple[int, Any]:
        issue = self._issue(request)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}
        query = parse_qs(urlsplit(request.url or "").query)
        start, size = int(query.get("startAt", ["0"])[0]), int(query.get("maxResults", ["100"])[0])
        history = issue.get("history") or []
        return 200, {"startAt": start, "maxResults": size, "total": len(history),
                     "isLast": start + size >= len(history), "values": history[start:start + size]}

    def _transition(self, request: requests.PreparedRequest) -> tuple[int, Any]:
        issue = self._issue(request)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}
        wanted = (json.loads(request.body or b"{}").get("transition") or {}).get("id")
        self.transitions_posted.append((issue["key"], wanted))
        step = next((t for t in self._offered(issue) if t["id"] == wanted), None)  # "21" != 21, as in Jira
        if step is None:
            return 400, {"errorMessages": [f"Transition id '{wanted}' is not valid for this issue."], "errors": {}}
        self.set_status(issue["id"], step["to"], by="Sync Bot", email="sync@example.test")
        return 204, None


def _status_json(name: str) -> dict[str, Any]:
    status = STATUSES[name]
    key, category = status["category"]
    return {"id": status["id"], "name": name, "self": f"{BASE}{API}/status/{status['id']}",
            "statusCategory": {"id": {"new": 2, "indeterminate": 4, "done": 3}[key], "key": key, "name": category}}


def account_id_of(name: str) -> str:
    """A stable Jira Cloud account id per display name (24 hex digits, like Atlassian's)."""
    return hashlib.sha1(name.encode()).hexdigest()[:24]


class KillableJira:
    """The real adapter, with a kill switch after each call went through."""

    def __init__(self, adapter: JiraAdapter, switch: KillSwitch) -> None:
        self.adapter, self.switch = adapter, switch
        self.api_version = adapter.api_version

    @property
    def request_count(self) -> int:
        return self.adapter.request_count

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        result = self.adapter.request(method, path, **kwargs)
        self.switch.tick(f"{method} {path}")
        return result


def make_adapter(sleeps: list[float] | None = None) -> JiraAdapter:
    session = requests.Session()
    session.auth = ("ann@example.test", TOKEN)
    return JiraAdapter(session, BASE, sleep=(sleeps.append if sleeps is not None else (lambda s: None)),
                       max_retries=3)
