"""The one Jira site of the tests, on ``responses`` (or behind the HTTP stand-in of ``tests/sync/standins.py``):
what one request creates the next one reads back, for provisioning, the sync and the reports alike.

One store: projects (with their properties), issue types, fields with contexts and options, statuses, workflows and
schemes, issues (``fields`` and entity ``properties`` as Jira holds them, a status history), worklogs with their
updated/deleted feeds. One JQL reader (``id in``, ``project =``/``in``, ``issuetype =``/``in``, ``ORDER BY
created``) and one search for both deployments (Cloud's ``search/jql`` with ``nextPageToken``, Data Center's
``/rest/api/2/search`` with ``startAt``). Every request it answers is checked against Atlassian's published
contract (``tests.jira_contract.validate_request``) into ``violations``; a fake installed on
``contract_responses()`` may leave that to the mock (``validate=False``).

Real sites' habits it reproduces: Cloud gives a new custom field a default global context (and refuses a second
global one); team-managed projects own issue types and statuses with a ``scope``; ``GET /status`` lists only
statuses an active workflow uses while ``statuses/search`` lists them all; ``refuse[item key] = reason`` makes
bulk create refuse that item per element; ``reverse_bulk_answer`` lists created issues in reverse order (Jira
does not promise the order); worklog feeds are ``since``-inclusive and paged by ``nextPage``/``lastPage``,
``worklog/list`` takes at most 1000 ids; transitions follow the sign-off workflow of ``jira_templates/``.

Faults for tests: ``fail(method, path_regex, status, times=1, headers=None)`` answers the next matching requests
with an error, ``fail_with(path_part, make, times=1)`` with whatever ``make()`` returns (or raises);
``kill_after_issues = n`` makes the server create issues up to a total of ``n`` and then raise ``Killed`` from
inside the request, like a process killed after Jira committed but before the answer arrived.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import responses

from tests.jira_contract import validate_request

BASE_URL = "https://jira.example.test"
Reply = tuple[int, dict[str, str], str]
SITE_TZ = timezone(timedelta(hours=2))  # the site's time zone, as Jira stamps dates
# The statuses and transitions of the sign-off workflow, as provisioning creates them (jira_templates/).
WORKFLOW = json.loads((Path(__file__).resolve().parents[2] / "jira_templates" / "workflow-signoff.json").read_text())
CATEGORY = {"TODO": ("new", "To Do"), "IN_PROGRESS": ("indeterminate", "In Progress"), "DONE": ("done", "Done")}
STATUSES = {s["name"]: {"ref": s["statusReference"], "id": str(10000 + n), "category": CATEGORY[s["statusCategory"]]}
            for n, s in enumerate(WORKFLOW["statuses"], 1)}
STATUSES.setdefault("Done", {"ref": "done", "id": "3", "category": CATEGORY["DONE"]})
STATUSES.setdefault("In Progress", {"ref": "in-progress", "id": "4", "category": CATEGORY["IN_PROGRESS"]})
SIGNOFF_TRANSITIONS = WORKFLOW["workflows"][0]["transitions"]
TO_DO = WORKFLOW["statuses"][0]["name"]


class Killed(Exception):
    """The client process 'died' mid-request (raised from inside the fake)."""


@dataclass
class Fault:
    method: str | None
    pattern: re.Pattern[str]
    make: Callable[[], Any]
    times: int


class Issues(dict[str, dict[str, Any]]):
    """Issues by key, in creation order; ``issues[ref]`` also takes an issue id, as Jira's paths do."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, Any]] = {}

    def add(self, issue: dict[str, Any]) -> None:
        self[issue["key"]] = issue
        self.by_id[issue["id"]] = issue

    def __getitem__(self, ref: str) -> dict[str, Any]:
        return self.by_id[ref] if ref in self.by_id else super().__getitem__(ref)

    def __contains__(self, ref: object) -> bool:
        return ref in self.by_id or super().__contains__(ref)

    def get(self, ref: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[ref] if ref in self else default  # noqa: SIM401 (dict.get would skip the id lookup)


class JiraSite:
    def __init__(self, *, base_url: str = BASE_URL, deployment: str = "Cloud",
                 permissions: set[str] | None = None, first_id: int = 10000, page_size: int = 1000,
                 validate: bool = True, validate_later: bool = False) -> None:
        """``first_id``: ids start after it (one real site never reuses an id); ``page_size``: worklog feed page;
        ``validate_later``: requests are kept and checked by ``validate_kept`` (a benchmark times the sync, not the
        contract check)."""
        self.base_url = base_url
        self.deployment = deployment
        self.permissions = permissions if permissions is not None else {
            "ADMINISTER", "BROWSE_PROJECTS", "CREATE_ISSUES", "EDIT_ISSUES", "ADMINISTER_PROJECTS",
            "TRANSITION_ISSUES"}
        self._ids = itertools.count(first_id + 1)
        self._worklog_ids = itertools.count(first_id + 1)
        self.page_size = page_size
        self.validate, self.validate_later = validate, validate_later
        self.kept: list[requests.PreparedRequest] = []
        self.violations: list[str] = []
        self.busy = 0.0  # seconds spent answering: what a real Jira's own work would be
        self.clock = 1_750_000_000_000  # ms; ticks a second per change
        self.issue_types: list[dict[str, Any]] = [
            {"id": "10000", "name": "Epic", "hierarchyLevel": 1, "subtask": False},
            {"id": "10001", "name": "Task", "hierarchyLevel": 0, "subtask": False},
            {"id": "10002", "name": "Sub-task", "hierarchyLevel": -1, "subtask": True},
        ]
        self.fields: list[dict[str, Any]] = [
            {"id": "summary", "name": "Summary", "custom": False},
            {"id": "duedate", "name": "Due date", "custom": False},
        ]
        self.contexts: dict[str, list[dict[str, Any]]] = {}
        self.default_context = deployment == "Cloud"  # Cloud: a new field comes with a global context
        self.options: dict[str, list[dict[str, Any]]] = {}
        self.on_default_screen: set[str] = set()
        self.statuses: list[dict[str, Any]] = [
            {"id": "1", "name": "To Do", "statusCategory": "TODO", "scope": {"type": "GLOBAL"}},
            {"id": "3", "name": "Done", "statusCategory": "DONE", "scope": {"type": "GLOBAL"}}]
        self.inactive_statuses: set[str] = set()  # ids no active workflow uses: GET /status leaves them out
        self.workflows: list[dict[str, Any]] = []
        self.issue_type_schemes: list[dict[str, Any]] = []
        self.workflow_schemes: list[dict[str, Any]] = []
        self.projects: dict[str, dict[str, Any]] = {}
        self.project_properties: dict[tuple[str, str], Any] = {}
        self.issues = Issues()
        self.worklogs: dict[int, dict[str, Any]] = {}
        self.deleted: dict[int, int] = {}  # worklog id -> when it was deleted
        self.edits: dict[str, dict[str, Any]] = {}  # issue id -> fields the client wrote (PUT /issue)
        self.labels: dict[str, set[str]] = {}  # issue id -> labels the client added
        self.transitions_posted: list[tuple[str, Any]] = []  # (issue key, transition id as sent)
        self.faults: list[Fault] = []
        self.kill_after_issues: int | None = None
        self.refuse: dict[str, str] = {}  # item key (erp-playbook property) -> reason bulk create gives
        self.reverse_bulk_answer = False
        self.calls: list[tuple[str, str]] = []

    # --- set-up --------------------------------------------------------------------------------------------
    def install(self, rsps: responses.RequestsMock) -> JiraSite:
        for method in ("GET", "POST", "PUT", "DELETE"):
            rsps.add_callback(method, re.compile(re.escape(self.base_url) + r"/rest/api/[23]/.*"),
                              callback=self.answer)
        return self

    def fail(self, method: str, path_regex: str, status: int, *, times: int = 1,
             headers: dict[str, str] | None = None) -> None:
        body = json.dumps({"errorMessages": [f"injected {status}"]})
        self.faults.append(Fault(method, re.compile(path_regex), lambda: (status, headers or {}, body), times))

    def fail_with(self, path_part: str, make: Callable[[], Any], *, times: int = 1) -> None:
        """The next ``times`` requests whose path contains ``path_part`` get ``make()`` (an answer, or it raises)."""
        self.faults.append(Fault(None, re.compile(re.escape(path_part)), make, times))

    def add_project(self, key: str, name: str = "Existing") -> dict[str, Any]:
        project = {"id": str(next(self._ids)), "key": key, "name": name, "self": f"{self.base_url}/project/{key}"}
        self.projects[key] = project
        return project

    def add_issue_type(self, name: str, *, project: str | None = None, level: int = 0) -> dict[str, Any]:
        """An issue type; with ``project``, a team-managed one scoped to that (team-managed) project."""
        it: dict[str, Any] = {"id": str(next(self._ids)), "name": name, "hierarchyLevel": level, "subtask": False}
        if project:
            it["scope"] = {"type": "PROJECT", "project": {"id": self.add_project(project)["id"]}}
        self.issue_types.append(it)
        return it

    def add_status(self, name: str, *, project: str | None = None, active: bool = True) -> dict[str, Any]:
        scope: dict[str, Any] = {"type": "GLOBAL"}
        if project:
            scope = {"type": "PROJECT", "project": {"id": self.add_project(project)["id"]}}
        status = {"id": str(next(self._ids)), "name": name, "statusCategory": "TODO", "scope": scope}
        self.statuses.append(status)
        if not active:
            self.inactive_statuses.add(status["id"])
        return status

    def add_issue(self, project: str, summary: str, properties: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._new_issue({"project": {"key": project}, "summary": summary,
                                "issuetype": {"id": "10001"}}, properties or {})

    def put_issue(self, project: str, issuetype: str, fields: dict[str, Any] | None = None, *,
                  properties: dict[str, Any] | None = None, parent: str | None = None,
                  issue_id: str | None = None, key: str | None = None) -> dict[str, Any]:
        """An issue someone made on the site (its project made too if new): ``issuetype`` by name; ``parent`` an
        issue id; stamped with the site's clock, in status To Do unless ``fields`` say otherwise."""
        if project not in self.projects:
            self.add_project(project, project.title())
        stamp = self.stamp()
        values: dict[str, Any] = {
            "project": {"key": project, "id": self.projects[project]["id"]}, "summary": f"{issuetype} issue",
            "issuetype": {"id": self._type_id(issuetype), "name": issuetype}, "status": status_json(TO_DO),
            "created": stamp, "updated": stamp, "statuscategorychangedate": stamp, "resolutiondate": None,
            **(fields or {})}
        if parent:
            values["parent"] = {"id": parent, "key": self.issues[parent]["key"]}
        return self._store(values, properties or {}, issue_id=issue_id, key=key)

    def _type_id(self, name: str) -> str:
        found = next((t for t in self.issue_types if t["name"] == name), None)
        return found["id"] if found else self.add_issue_type(name)["id"]

    # --- the site's clock, statuses and worklogs --------------------------------------------------------------
    def tick(self) -> int:
        self.clock += 1000
        return self.clock

    def stamp(self) -> str:
        """The clock as Jira writes a date-time: ``2025-06-15T17:06:40.000+0200``."""
        return datetime.fromtimestamp(self.clock / 1000, SITE_TZ).strftime("%Y-%m-%dT%H:%M:%S.000%z")

    def status(self, issue_id: str) -> str:
        return str(self.issues[issue_id]["fields"]["status"]["name"])

    def day(self, issue_id: str) -> str:
        """The day the issue reached its status category, in the site's time zone."""
        return str(self.issues[issue_id]["fields"]["statuscategorychangedate"][:10])

    def set_status(self, issue_id: str, status: str, by: str, email: str | None) -> None:
        """Someone moves the issue (tests may skip the workflow); Jira stamps the category change and keeps who moved
        it in the changelog (``email`` None: hidden by the user's privacy settings)."""
        issue = self.issues[issue_id]
        fields = issue["fields"]
        before = fields["status"]["name"]
        self.tick()
        history = issue.setdefault("history", [])
        history.append({
            "id": str(len(history) + 1), "created": self.stamp(),
            "author": {"accountId": account_id_of(by), "displayName": by, "active": True,
                       **({"emailAddress": email} if email else {})},
            "items": [{"field": "status", "fieldtype": "jira", "fromString": before, "toString": status}]})
        if STATUSES[status]["category"] != STATUSES[before]["category"]:
            fields["statuscategorychangedate"] = self.stamp()
        fields["status"], fields["updated"] = status_json(status), self.stamp()

    def log(self, issue_id: str, seconds: int, *, started: str = "2025-06-02T09:00:00.000+0200",
            comment: str = "worked", author: str = "Ann Lee", email: str | None = None,
            account_id: str | None = None) -> int:
        """A worklog; ``email``: the author's address as Jira shows it (None: hidden by the privacy settings)."""
        wid = next(self._worklog_ids)
        self.worklogs[wid] = {"id": str(wid), "issueId": issue_id, "started": started, "timeSpentSeconds": seconds,
                              "comment": comment, "author": author, "email": email,
                              "account_id": account_id or account_id_of(author), "updated": self.tick()}
        return wid

    def edit(self, wid: int, **changes: Any) -> None:
        self.worklogs[wid].update(changes, updated=self.tick())

    def delete(self, wid: int) -> None:
        del self.worklogs[wid]
        self.deleted[wid] = self.tick()

    # --- views for assertions ------------------------------------------------------------------------------
    def tagged(self, prop: str = "erp-playbook") -> dict[str, dict[str, Any]]:
        """Item key -> issue, for issues carrying ``prop``."""
        return {i["properties"][prop]["key"]: i for i in self.issues.values() if prop in i["properties"]}

    def count(self, method: str, path_part: str) -> int:
        return sum(1 for m, p in self.calls if m == method and path_part in p)

    def validate_kept(self) -> list[str]:
        """Check the kept requests against the contract (``validate_later``); their violations, also recorded."""
        for request in self.kept:
            self.violations += validate_request(request)
        self.kept.clear()
        return self.violations

    # --- dispatch ------------------------------------------------------------------------------------------
    def answer(self, request: requests.PreparedRequest) -> Reply:
        """The site's answer to one request (a ``responses`` callback; the HTTP stand-in calls it too)."""
        started = time.perf_counter()
        url = urlsplit(request.url or "")
        method = (request.method or "GET").upper()
        self.calls.append((method, url.path))
        if self.validate_later:
            self.kept.append(request.copy())
        elif self.validate:
            self.violations += validate_request(request)
        for fault in self.faults:
            if fault.times > 0 and fault.method in (None, method) and fault.pattern.search(url.path):
                fault.times -= 1
                return fault.make()  # type: ignore[no-any-return]
        path = re.sub(r"^/rest/api/[23]", "", url.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        body = json.loads(request.body) if request.body else None
        try:
            for route_method, pattern, handler in self._routes():
                match = re.fullmatch(pattern, path)
                if route_method == method and match:
                    status, payload = handler(*match.groups(), query=query, body=body)
                    return status, {"Content-Type": "application/json"}, "" if payload is None else json.dumps(payload)
            return 404, {}, json.dumps({"errorMessages": [f"fake has no {method} {path}"]})
        finally:
            self.busy += time.perf_counter() - started

    def _routes(self) -> list[tuple[str, str, Callable[..., tuple[int, Any]]]]:
        return [
            ("GET", r"/serverInfo", self._server_info),
            ("GET", r"/myself", lambda **_: (200, {"accountId": "5b10ac8d82e05b22cc7d4ef5", "name": "consultant",
                                                   "displayName": "Consultant"})),
            ("GET", r"/mypermissions", self._my_permissions),
            ("GET", r"/issuetype", lambda **_: (200, self.issue_types)),
            ("POST", r"/issuetype", self._create_issue_type),
            ("GET", r"/field", lambda **_: (200, self.fields)),
            ("POST", r"/field", self._create_field),
            ("GET", r"/field/([^/]+)/context", lambda fid, query, **_: (200, _page(self.contexts.get(fid, []), query))),
            ("POST", r"/field/([^/]+)/context", self._create_context),
            ("GET", r"/field/([^/]+)/context/([^/]+)/option",
             lambda fid, cid, query, **_: (200, _page(self.options.get(cid, []), query))),
            ("POST", r"/field/([^/]+)/context/([^/]+)/option", self._create_options),
            ("PUT", r"/field/([^/]+)/context/([^/]+)/option", self._update_options),
            ("POST", r"/screens/addToDefault/([^/]+)", self._add_to_screen),
            ("GET", r"/status", lambda **_: (200, [_status_v2(s) for s in self.statuses
                                                   if s["id"] not in self.inactive_statuses])),
            ("GET", r"/statuses/search", lambda query, **_: (200, _page(
                [s for s in self.statuses if query.get("searchString", "").casefold() in s["name"].casefold()],
                query))),
            ("GET", r"/workflows/search", lambda query, **_: (200, _page(
                [w for w in self.workflows if query.get("queryString", "") in w["name"]], query))),
            ("POST", r"/workflows/create", self._create_workflow),
            ("GET", r"/issuetypescheme", lambda **_: (200, _page(self.issue_type_schemes))),
            ("POST", r"/issuetypescheme", self._create_issue_type_scheme),
            ("GET", r"/workflowscheme", lambda **_: (200, _page(self.workflow_schemes))),
            ("POST", r"/workflowscheme", self._create_workflow_scheme),
            ("GET", r"/project/([^/]+)", self._get_project),
            ("POST", r"/project", self._create_project),
            ("PUT", r"/project/([^/]+)/properties/([^/]+)", self._put_project_property),
            ("GET", r"/project/([^/]+)/properties/([^/]+)", self._get_project_property),
            ("POST", r"/issue/bulk", self._bulk_create),
            ("POST", r"/issue/bulkfetch", self._bulk_fetch),
            ("POST", r"/issue", self._create_one),
            ("POST", r"/search/jql", self._search),
            ("POST", r"/search", self._search_v2),
            ("GET", r"/issue/([^/]+)/properties/([^/]+)", self._get_issue_property),
            ("PUT", r"/issue/([^/]+)/properties/([^/]+)", self._put_issue_property),
            ("PUT", r"/issue/([^/]+)", self._edit),
            ("GET", r"/issue/([^/]+)/transitions", self._transitions),
            ("POST", r"/issue/([^/]+)/transitions", self._transition),
            ("GET", r"/issue/([^/]+)/changelog", self._changelog),
            ("GET", r"/worklog/updated", lambda query, **_: self._feed(query, "updated", [
                (wid, w["updated"]) for wid, w in self.worklogs.items()])),
            ("GET", r"/worklog/deleted", lambda query, **_: self._feed(query, "deleted", list(self.deleted.items()))),
            ("POST", r"/worklog/list", self._worklog_list),
        ]

    # --- handlers ------------------------------------------------------------------------------------------
    def _server_info(self, **_: Any) -> tuple[int, Any]:
        return 200, {"baseUrl": self.base_url, "version": "1001.0.0-SNAPSHOT", "deploymentType": self.deployment,
                     "serverTitle": "Fake Jira"}

    def _my_permissions(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        asked = [p for p in query.get("permissions", "").split(",") if p]
        return 200, {"permissions": {p: {"key": p, "havePermission": p in self.permissions} for p in asked}}

    def _create_issue_type(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        # Names are unique among global types only: a team-managed project's type may share one.
        if any(t["name"].casefold() == body["name"].casefold() for t in self.issue_types if "scope" not in t):
            return 409, {"errorMessages": ["An issue type with this name already exists."]}
        it = {"id": str(next(self._ids)), "name": body["name"], "hierarchyLevel": body.get("hierarchyLevel", 0),
              "subtask": False, "description": body.get("description", "")}
        self.issue_types.append(it)
        return 201, it

    def _create_field(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        fid = f"customfield_{next(self._ids)}"
        f = {"id": fid, "key": fid, "name": body["name"], "custom": True, "schema": {"custom": body["type"]}}
        self.fields.append(f)
        if self.default_context:
            self.contexts[fid] = [{"id": str(next(self._ids)), "name": f"Default Configuration Scheme for {f['name']}",
                                   "description": "Default configuration scheme generated by Jira",
                                   "isGlobalContext": True, "isAnyIssueType": True}]
        return 201, f

    def _create_context(self, fid: str, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        is_global = not body.get("projectIds")
        if is_global and any(c["isGlobalContext"] for c in self.contexts.get(fid, [])):
            return 400, {"errorMessages": ["A global context already exists for this custom field."], "errors": {}}
        ctx = {"id": str(next(self._ids)), "name": body["name"], "description": body.get("description", ""),
               "isGlobalContext": is_global, "isAnyIssueType": not body.get("issueTypeIds")}
        self.contexts.setdefault(fid, []).append(ctx)
        return 201, {**ctx, "issueTypeIds": body.get("issueTypeIds", []), "projectIds": body.get("projectIds", [])}

    def _create_options(self, fid: str, cid: str, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        new = [{"id": str(next(self._ids)), "value": o["value"], "disabled": False} for o in body["options"]]
        self.options.setdefault(cid, []).extend(new)
        return 200, {"options": new}

    def _update_options(self, fid: str, cid: str, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        by_id = {o["id"]: o for o in self.options.get(cid, [])}
        for change in body["options"]:
            if change["id"] not in by_id:
                return 404, {"errorMessages": [f"option {change['id']} not found"], "errors": {}}
            by_id[change["id"]].update({k: v for k, v in change.items() if k != "id"})
        return 200, {"options": [by_id[c["id"]] for c in body["options"]]}

    def _add_to_screen(self, fid: str, **_: Any) -> tuple[int, Any]:
        self.on_default_screen.add(fid)
        return 200, {}

    def _create_workflow(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        for status in body["statuses"]:
            if "id" in status:
                self.inactive_statuses.discard(status["id"])
                continue
            if any(s["name"].casefold() == status["name"].casefold() for s in self.statuses
                   if s["scope"]["type"] == "GLOBAL"):
                return 400, {"errorMessages": [f"A status named {status['name']} already exists"]}
            self.statuses.append({"id": str(next(self._ids)), "name": status["name"],
                                  "statusCategory": status["statusCategory"], "scope": {"type": "GLOBAL"}})
        created = [{"id": str(next(self._ids)), "name": w["name"]} for w in body["workflows"]]
        self.workflows.extend(created)
        return 200, {"workflows": created, "statuses": []}

    def _create_issue_type_scheme(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        scheme = {"id": str(next(self._ids)), "name": body["name"], "issueTypeIds": body["issueTypeIds"]}
        self.issue_type_schemes.append(scheme)
        return 201, {"issueTypeSchemeId": scheme["id"]}

    def _create_workflow_scheme(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        scheme = {"id": next(self._ids), "name": body["name"], "issueTypeMappings": body.get("issueTypeMappings")}
        self.workflow_schemes.append(scheme)
        return 201, scheme

    def _get_project(self, key: str, **_: Any) -> tuple[int, Any]:
        project = self.projects.get(key)
        if project is None:
            return 404, {"errorMessages": [f"No project could be found with key '{key}'."]}
        return 200, project

    def _create_project(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        if body["key"] in self.projects:
            return 400, {"errors": {"projectKey": "A project with that project key already exists."}}
        project = self.add_project(body["key"], body["name"])
        project.update(issueTypeScheme=body.get("issueTypeScheme"), workflowScheme=body.get("workflowScheme"))
        return 201, {"id": int(project["id"]), "key": project["key"], "self": project["self"]}

    def _put_project_property(self, key: str, prop: str, body: Any, **_: Any) -> tuple[int, Any]:
        if key not in self.projects:
            return 404, {"errorMessages": ["project not found"]}
        created = (key, prop) not in self.project_properties
        self.project_properties[(key, prop)] = body
        return (201 if created else 200), None

    def _get_project_property(self, key: str, prop: str, **_: Any) -> tuple[int, Any]:
        if (key, prop) not in self.project_properties:
            return 404, {"errorMessages": ["property not found"]}
        return 200, {"key": prop, "value": self.project_properties[(key, prop)]}

    def _issue_errors(self, fields: dict[str, Any], properties: list[dict[str, Any]] | None = None) -> dict[str, str]:
        errors: dict[str, str] = {}
        for prop in properties or []:
            if prop.get("key") == "erp-playbook" and prop["value"].get("key") in self.refuse:
                errors["customfield_refused"] = self.refuse[prop["value"]["key"]]
        project = fields.get("project", {})
        if not any(p["id"] == project.get("id") or p["key"] == project.get("key") for p in self.projects.values()):
            errors["project"] = "valid project is required"
        for name in fields:
            # Data Center projects here get the fields on their screens by hand (docs/jira.md); Cloud by REST.
            if self.deployment == "Cloud" and name.startswith("customfield_") and name not in self.on_default_screen:
                errors[name] = f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."
        parent = fields.get("parent", {}).get("key")
        if parent and parent not in self.issues:
            errors["parent"] = "Parent issue not found"
        return errors

    def _new_issue(self, fields: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
        if self.kill_after_issues is not None and len(self.issues) >= self.kill_after_issues:
            raise Killed(f"killed after {len(self.issues)} issues")
        return self._store(fields, properties)

    def _store(self, fields: dict[str, Any], properties: dict[str, Any], *, issue_id: str | None = None,
               key: str | None = None) -> dict[str, Any]:
        ref = fields["project"]
        project = next(p for p in self.projects.values() if p["id"] == ref.get("id") or p["key"] == ref.get("key"))
        number = sum(1 for k in self.issues if k.rsplit("-", 1)[0] == project["key"]) + 1
        key = key or f"{project['key']}-{number}"
        issue_id = issue_id or str(next(self._ids))
        issue = {"id": issue_id, "key": key, "self": f"{self.base_url}/rest/api/3/issue/{issue_id}",
                 "fields": fields, "properties": dict(properties)}
        self.issues.add(issue)
        return issue

    def _create_one(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        errors = self._issue_errors(body.get("fields", {}), body.get("properties"))
        if errors:
            return 400, {"errors": errors}
        props = {p["key"]: p["value"] for p in body.get("properties") or []}
        issue = self._new_issue(body["fields"], props)
        return 201, {"id": issue["id"], "key": issue["key"], "self": issue["self"]}

    def _bulk_create(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        updates = body.get("issueUpdates") or []
        if len(updates) > 50:
            return 400, {"errorMessages": ["Maximum 50 issues can be created in one request."]}
        created, errors = [], []
        for n, update in enumerate(updates):
            problems = self._issue_errors(update.get("fields", {}), update.get("properties"))
            if problems:
                errors.append({"failedElementNumber": n, "status": 400,
                               "elementErrors": {"errorMessages": [], "errors": problems}})
                continue
            props = {p["key"]: p["value"] for p in update.get("properties") or []}
            issue = self._new_issue(update["fields"], props)
            created.append({"id": issue["id"], "key": issue["key"], "self": issue["self"]})
        if self.reverse_bulk_answer:
            created.reverse()
        return (201 if not errors else 400 if not created else 201), {"issues": created, "errors": errors}

    def _bulk_fetch(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        wanted = set(body["issueIdsOrKeys"])
        if len(wanted) > 100:
            return 400, {"errorMessages": ["You can request up to 100 issues."], "errors": {}}
        props = body.get("properties") or []
        found = sorted((i for i in self.issues.values() if i["id"] in wanted or i["key"] in wanted),
                       key=lambda i: int(i["id"]))  # Jira answers in ascending id order
        return 200, {"issueErrors": [], "issues": [
            {"id": i["id"], "key": i["key"], "fields": {"summary": i["fields"].get("summary")},
             "properties": {k: v for k, v in i["properties"].items() if k in props}} for i in found]}

    def _matching(self, jql: str) -> list[dict[str, Any]] | None:
        """The issues a JQL query finds (None: a query this fake does not read). Clauses joined by AND:
        ``id in (...)``, ``project = X`` / ``project in (...)``, ``issuetype = X`` / ``issuetype in (...)`` (names or
        ids), then ``ORDER BY created ASC``; otherwise in creation order."""
        query, _, order = jql.partition(" ORDER BY ")
        hits = list(self.issues.values())
        type_names = {t["id"]: t["name"] for t in self.issue_types}
        for clause in query.split(" AND "):
            m = re.fullmatch(r"\s*(id|project|issuetype)\s*(=|in)\s*(.+?)\s*", clause)
            if not m:
                return None
            name, _op, raw = m.groups()
            values = {v.strip().strip('"') for v in raw.strip("()").split(",")}
            if name == "id":
                hits = [i for i in hits if i["id"] in values]
            elif name == "project":
                hits = [i for i in hits if i["key"].rsplit("-", 1)[0] in values]
            else:
                wanted = {type_names.get(v, v) for v in values}
                hits = [i for i in hits if self._type_name(i) in wanted]
        if order.strip() == "created ASC":
            hits.sort(key=lambda i: i["fields"].get("created") or "")
        elif order:
            return None
        return hits

    def _type_name(self, issue: dict[str, Any]) -> str:
        it = issue["fields"].get("issuetype") or {}
        return str(it.get("name") or next((t["name"] for t in self.issue_types if t["id"] == it.get("id")), ""))

    def _issue_json(self, issue: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """An issue as search answers it: the fields asked for (the summary when none), properties asked for."""
        wanted = body.get("fields") or ["summary"]
        fields = {k: v for k, v in issue["fields"].items() if k in wanted}
        if "issuetype" in fields and "name" not in fields["issuetype"]:
            fields["issuetype"] = {**fields["issuetype"], "name": self._type_name(issue)}
        out: dict[str, Any] = {"id": issue["id"], "key": issue["key"], "fields": fields}
        props = body.get("properties") or []
        if props:
            out["properties"] = {k: v for k, v in issue["properties"].items() if k in props}
        return out

    def _search(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        """Cloud's ``POST /search/jql``: ``nextPageToken`` paging, at most 100 a page."""
        hits = self._matching(body.get("jql", ""))
        if hits is None:
            return 400, {"errorMessages": [f"fake Jira does not understand {body.get('jql')!r}"]}
        start = int(body.get("nextPageToken") or 0)
        size = min(int(body.get("maxResults") or 50), 100)
        more = start + size < len(hits)
        out: dict[str, Any] = {"issues": [self._issue_json(i, body) for i in hits[start:start + size]],
                               "isLast": not more}
        if more:
            out["nextPageToken"] = str(start + size)
        return 200, out

    def _search_v2(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        """Data Center's ``/rest/api/2/search``: startAt paging and a total instead of page tokens."""
        hits = self._matching(body.get("jql", ""))
        if hits is None:
            return 400, {"errorMessages": [f"fake Jira does not understand {body.get('jql')!r}"]}
        start, size = int(body.get("startAt", 0)), min(int(body.get("maxResults") or 50), 100)
        return 200, {"issues": [self._issue_json(i, body) for i in hits[start:start + size]], "startAt": start,
                     "maxResults": size, "total": len(hits)}

    def _get_issue_property(self, key: str, prop: str, **_: Any) -> tuple[int, Any]:
        issue = self.issues.get(key)
        if issue is None or prop not in issue["properties"]:
            return 404, {"errorMessages": ["not found"]}
        return 200, {"key": prop, "value": issue["properties"][prop]}

    def _put_issue_property(self, key: str, prop: str, body: Any, **_: Any) -> tuple[int, Any]:
        issue = self.issues.get(key)
        if issue is None:
            return 404, {"errorMessages": ["not found"]}
        issue["properties"][prop] = body
        return 200, None


    # --- editing, workflow, worklogs ---------------------------------------------------------------------------
    def _edit(self, ref: str, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        issue = self.issues.get(ref)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}
        self.edits.setdefault(issue["id"], {}).update(body.get("fields") or {})
        issue["fields"].update(body.get("fields") or {})
        labels = self.labels.setdefault(issue["id"], set())
        for op in (body.get("update") or {}).get("labels") or []:
            if "add" in op:
                labels.add(op["add"])
            else:
                labels.discard(op["remove"])
        return 204, None

    def _offered(self, issue: dict[str, Any]) -> list[dict[str, Any]]:
        """The sign-off workflow's transitions out of the issue's status (other types have none here)."""
        if self._type_name(issue) != "Sign-off":
            return []
        ref = STATUSES[issue["fields"]["status"]["name"]]["ref"]
        names = {st["statusReference"]: st["name"] for st in WORKFLOW["statuses"]}
        return [{"id": t["id"], "name": t["name"], "to": names[t["toStatusReference"]]} for t in SIGNOFF_TRANSITIONS
                if t["type"] == "DIRECTED" and any(link.get("fromStatusReference") == ref for link in t["links"])]

    def _transitions(self, ref: str, **_: Any) -> tuple[int, Any]:
        issue = self.issues.get(ref)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}
        return 200, {"expand": "transitions", "transitions": [
            {"id": t["id"], "name": t["name"], "to": status_json(t["to"]), "hasScreen": False, "isGlobal": False,
             "isInitial": False, "isAvailable": True, "isConditional": False, "isLooped": False}
            for t in self._offered(issue)]}

    def _transition(self, ref: str, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        issue = self.issues.get(ref)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}
        wanted = ((body or {}).get("transition") or {}).get("id")
        self.transitions_posted.append((issue["key"], wanted))
        step = next((t for t in self._offered(issue) if t["id"] == wanted), None)  # "21" != 21, as in Jira
        if step is None:
            return 400, {"errorMessages": [f"Transition id '{wanted}' is not valid for this issue."], "errors": {}}
        self.set_status(issue["id"], step["to"], by="Sync Bot", email="sync@example.test")
        return 204, None

    def _changelog(self, ref: str, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        issue = self.issues.get(ref)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}
        start, size = int(query.get("startAt", 0)), int(query.get("maxResults", 100))
        history = issue.get("history") or []
        return 200, {"startAt": start, "maxResults": size, "total": len(history),
                     "isLast": start + size >= len(history), "values": history[start:start + size]}

    def _feed(self, query: dict[str, str], feed: str, changes: list[tuple[int, int]]) -> tuple[int, Any]:
        """``worklog/updated`` or ``deleted``: changes at or after ``since``, ``page_size`` a page."""
        since = int(query.get("since", 0))
        items = sorted((t, wid) for wid, t in changes if t >= since)
        page, rest = items[:self.page_size], items[self.page_size:]
        until = page[-1][0] if page else since
        body: dict[str, Any] = {
            "self": f"{self.base_url}/rest/api/3/worklog/{feed}?since={since}", "since": since, "until": until,
            "lastPage": not rest, "values": [{"worklogId": wid, "updatedTime": t, "properties": []} for t, wid in page],
        }
        if rest:
            body["nextPage"] = f"{self.base_url}/rest/api/3/worklog/{feed}?since={until}"
        return 200, body

    def _worklog_list(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        ids = body["ids"]
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
                "self": f"{self.base_url}/rest/api/3/issue/{w['issueId']}/worklog/{w['id']}",
            })
        return 200, out


def _page(values: list[Any], query: dict[str, str] | None = None) -> dict[str, Any]:
    """One page of a ``startAt``/``maxResults`` paged list, as Jira answers it."""
    start = int((query or {}).get("startAt", 0))
    size = int((query or {}).get("maxResults", 50))
    page = values[start:start + size]
    return {"values": page, "startAt": start, "maxResults": size, "total": len(values),
            "isLast": start + size >= len(values)}


def _status_v2(status: dict[str, Any]) -> dict[str, Any]:
    """A status as ``GET /status`` shows it (StatusDetails: category as an object)."""
    key = {"TODO": "new", "IN_PROGRESS": "indeterminate", "DONE": "done"}[status["statusCategory"]]
    out = {"id": status["id"], "name": status["name"], "statusCategory": {"key": key}}
    if status["scope"]["type"] == "PROJECT":
        out["scope"] = status["scope"]
    return out


def status_json(name: str) -> dict[str, Any]:
    """A status as an issue shows it (the sign-off workflow's, To Do, In Progress, Done)."""
    status = STATUSES[name]
    key, category = status["category"]
    return {"id": status["id"], "name": name, "self": f"{BASE_URL}/rest/api/3/status/{status['id']}",
            "statusCategory": {"id": {"new": 2, "indeterminate": 4, "done": 3}[key], "key": key, "name": category}}


def account_id_of(name: str) -> str:
    """A stable Jira Cloud account id per display name (24 hex digits, like Atlassian's)."""
    return hashlib.sha1(name.encode()).hexdigest()[:24]
