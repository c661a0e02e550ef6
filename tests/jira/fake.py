"""A small stateful Jira Cloud fake on ``responses``: issues, entity properties, types, fields, schemes, projects.

Just enough of Jira's behaviour across calls to test provisioning end to end: what one request creates the next
one reads back. Register it on the mock from ``tests.jira_contract.contract_responses()`` so that every request
it serves is also checked against Atlassian's published contract.

Faults for tests: ``fail(method, path_regex, status, times=1, headers=None)`` answers the next matching requests
with an error; ``kill_after_issues = n`` makes the server create issues up to a total of ``n`` and then raise
``Killed`` from inside the request, like a process killed after Jira committed but before the answer arrived.

Real sites' habits it reproduces: Cloud gives a new custom field a default global context (and refuses a second
global one); team-managed projects own issue types and statuses with a ``scope``; ``GET /status`` lists only
statuses an active workflow uses while ``statuses/search`` lists them all; ``refuse[item key] = reason`` makes
bulk create refuse that item per element; ``reverse_bulk_answer`` lists created issues in reverse order (Jira
does not promise the order).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import responses

BASE_URL = "https://jira.example.test"
Reply = tuple[int, dict[str, str], str]


class Killed(Exception):
    """The client process 'died' mid-request (raised from inside the fake)."""


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    headers: dict[str, str] = field(default_factory=dict)


class FakeJira:
    def __init__(self, *, base_url: str = BASE_URL, deployment: str = "Cloud",
                 permissions: set[str] | None = None) -> None:
        self.base_url = base_url
        self.deployment = deployment
        self.permissions = permissions if permissions is not None else {
            "ADMINISTER", "BROWSE_PROJECTS", "CREATE_ISSUES", "EDIT_ISSUES", "ADMINISTER_PROJECTS",
            "TRANSITION_ISSUES"}
        self._ids = itertools.count(10001)
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
        self.issues: dict[str, dict[str, Any]] = {}  # issue key -> issue
        self.faults: list[Fault] = []
        self.kill_after_issues: int | None = None
        self.refuse: dict[str, str] = {}  # item key (erp-playbook property) -> reason bulk create gives
        self.reverse_bulk_answer = False
        self.calls: list[tuple[str, str]] = []

    # --- set-up --------------------------------------------------------------------------------------------
    def install(self, rsps: responses.RequestsMock) -> FakeJira:
        for method in ("GET", "POST", "PUT", "DELETE"):
            rsps.add_callback(method, re.compile(re.escape(self.base_url) + r"/rest/api/[23]/.*"),
                              callback=self._dispatch)
        return self

    def fail(self, method: str, path_regex: str, status: int, *, times: int = 1,
             headers: dict[str, str] | None = None) -> None:
        self.faults.append(Fault(method, re.compile(path_regex), status, times, headers or {}))

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

    # --- views for assertions ------------------------------------------------------------------------------
    def tagged(self, prop: str = "erp-playbook") -> dict[str, dict[str, Any]]:
        """Item key -> issue, for issues carrying ``prop``."""
        return {i["properties"][prop]["key"]: i for i in self.issues.values() if prop in i["properties"]}

    def count(self, method: str, path_part: str) -> int:
        return sum(1 for m, p in self.calls if m == method and path_part in p)

    # --- dispatch ------------------------------------------------------------------------------------------
    def _dispatch(self, request: requests.PreparedRequest) -> Reply:
        url = urlsplit(request.url or "")
        path = re.sub(r"^/rest/api/[23]", "", url.path)
        method = (request.method or "GET").upper()
        self.calls.append((method, url.path))
        for fault in self.faults:
            if fault.times > 0 and fault.method == method and fault.pattern.search(url.path):
                fault.times -= 1
                return fault.status, fault.headers, json.dumps({"errorMessages": [f"injected {fault.status}"]})
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        body = json.loads(request.body) if request.body else None
        for route_method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if route_method == method and match:
                status, payload = handler(*match.groups(), query=query, body=body)
                return status, {"Content-Type": "application/json"}, "" if payload is None else json.dumps(payload)
        return 404, {}, json.dumps({"errorMessages": [f"fake has no {method} {path}"]})

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
        project = next(p for p in self.projects.values()
                       if p["id"] == fields["project"].get("id") or p["key"] == fields["project"].get("key"))
        key = f"{project['key']}-{len(self.issues) + 1}"
        issue = {"id": str(next(self._ids)), "key": key, "self": f"{self.base_url}/rest/api/3/issue/{key}",
                 "fields": fields, "properties": dict(properties)}
        self.issues[key] = issue
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

    def _matching(self, jql: str) -> list[dict[str, Any]]:
        """The issues of ``project = "KEY"`` or ``id in (1, 2)``: the two queries provisioning sends."""
        if ids := re.fullmatch(r"id in \(([\d, ]+)\)", jql):
            wanted = {i.strip() for i in ids.group(1).split(",")}
            return [i for i in self.issues.values() if i["id"] in wanted]
        match = re.search(r'project = "?([A-Z][A-Z0-9_]*)"?', jql)
        project = match.group(1) if match else None
        return [i for i in self.issues.values() if project is None or i["key"].rsplit("-", 1)[0] == project]

    def _search(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        hits = self._matching(body.get("jql", ""))
        start = int(body.get("nextPageToken") or 0)
        size = min(int(body.get("maxResults", 50)), 100)
        page = hits[start:start + size]
        wanted = body.get("properties") or []
        issues = [{"id": i["id"], "key": i["key"], "fields": {"summary": i["fields"].get("summary")},
                   "properties": {k: v for k, v in i["properties"].items() if k in wanted}} for i in page]
        more = start + size < len(hits)
        out: dict[str, Any] = {"issues": issues, "isLast": not more}
        if more:
            out["nextPageToken"] = str(start + size)
        return 200, out

    def _search_v2(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        """Data Center's ``/rest/api/2/search``: startAt paging and a total instead of page tokens."""
        start = int(body.get("startAt", 0))
        page = self._search({**body, "nextPageToken": str(start)})[1]
        total = len(self._matching(body.get("jql", "")))
        return 200, {"issues": page["issues"], "startAt": start, "maxResults": body.get("maxResults", 50),
                     "total": total}

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
