"""Write a ProjectPlan into Jira: project, phases (epics), checklist items, deliverables, sign-offs, payments.

Idempotent by the ``erp-playbook`` entity property (``connector.jira.binding``): every issue is created *with*
its property in the same request (``properties`` of IssueUpdateDetails), so no issue ever exists untagged, and a
re-run — after a crash, a kill, a refusal or a playbook change — reads the project's tagged issues and creates only
the missing ones. Issues are created 50 per request (``/issue/bulk``), phases first because the rest name their
epic as parent.

Which created issue is which item is read back from Jira (the issues' own property, fetched by the ids Jira
answered), never inferred from the order of the answer, which Jira does not promise. Jira may refuse some or all
issues of a bulk request (a 201 or a 400 whose ``errors`` name the failed element numbers): the rest is kept and
the run goes on; at the end each refused item is named with Jira's reason and the command fails, so a re-run
finishes the job once the cause is fixed.

Existing issues are found by reading the property through ``search/jql`` with ``properties=[erp-playbook]``
rather than by ``issue.property[...]`` JQL, which only works for properties an app has declared indexable.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from connector.errors import ConnectorError
from connector.jira.adapter import JiraAdapter, JiraError
from connector.jira.binding import PROPERTY, Tag, write_field_ids, write_project_tag
from connector.jira.issues import IssueSpec, adf, issue_specs, item_tag
from connector.jira.jql import quote
from connector.jira.search import SEARCH_PAGE, search_issues
from connector.jira.setup import SetupResult, manual_steps, run_setup
from connector.jira.site import field_named, read_fields
from connector.jira.templates import JiraTemplates
from connector.numbers import exact_float
from connector.plan import ProjectPlan
from connector.progress import Progress, no_progress

BULK_SIZE = 50  # Jira's limit for POST /issue/bulk
PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]{1,9}$")


@dataclass(frozen=True)
class Refusal:
    """An item Jira did not create, and why (Jira's own words where it gave them)."""

    kind: str
    key: str
    reason: str
    waiting: bool = False  # not sent: its phase was refused

    def line(self) -> str:
        return f"{self.kind} {self.key}: {self.reason}"


@dataclass
class ProvisionResult:
    project_key: str
    project_created: bool = False
    setup: SetupResult = field(default_factory=SetupResult)
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    issues: dict[str, str] = field(default_factory=dict)  # item key -> issue key
    obsolete: list[str] = field(default_factory=list)  # tagged issues whose item the playbook no longer has
    refused: list[Refusal] = field(default_factory=list)  # items Jira refused (or that wait for a refused phase)
    requests: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project_key, "project_created": self.project_created,
            "setup_created": self.setup.created, "warnings": self.setup.warnings,
            "issue_types": self.setup.issue_types, "fields": self.setup.fields,
            "created": dict(self.created), "existing": dict(self.existing),
            "created_total": sum(self.created.values()), "obsolete": self.obsolete,
            "refused": [{"kind": r.kind, "key": r.key, "reason": r.reason, "waiting": r.waiting}
                        for r in self.refused],
            "issues": self.issues, "requests": self.requests,
        }


class ProvisionError(ConnectorError):
    """Provisioning stopped or Jira refused items; ``result`` holds what was done (and the manual steps)."""

    def __init__(self, message: str, hint: str | None, result: ProvisionResult) -> None:
        super().__init__(message, hint)
        self.result = result


def bulk_requests(specs: list[IssueSpec]) -> int:
    """How many ``/issue/bulk`` requests creating ``specs`` takes: phases first (the rest name their epic as
    parent), each kind in batches of BULK_SIZE."""
    phases = sum(1 for s in specs if s.kind == "phase")
    rest = len(specs) - phases
    return -(-phases // BULK_SIZE) + -(-rest // BULK_SIZE)


def check_project_key(key: str) -> str:
    if not PROJECT_KEY.match(key):
        raise ConnectorError(f"{key!r} is not a Jira project key",
                             "use 2-10 capital letters or digits starting with a letter, e.g. ACME")
    return key


class JiraProvisioner:
    def __init__(self, jira: JiraAdapter, templates: JiraTemplates, plan: ProjectPlan, project_key: str, *,
                 lang: str = "en", progress: Progress | None = None, bulk: bool = True) -> None:
        self.jira = jira
        self.templates = templates
        self.plan = plan
        self.key = check_project_key(project_key)
        self.lang = lang
        self.progress = progress or no_progress
        self.bulk = bulk  # False: one request per issue (the benchmark's naive baseline)
        # The manual steps are known before anything is sent, so even a run that fails at once can print them.
        self.result = ProvisionResult(project_key, setup=SetupResult(warnings=manual_steps(templates,
                                                                                           jira.api_version)))
        self._epic_fields: dict[str, str] = {}

    # --- the run ---------------------------------------------------------------------------------------------
    def run(self) -> ProvisionResult:
        """The result; raises ProvisionError (carrying the partial result) when anything failed or was refused."""
        start = self.jira.request_count
        try:
            self._run()
        except ConnectorError as exc:
            self.result.requests = self.jira.request_count - start
            if isinstance(exc, ProvisionError):
                raise
            raise ProvisionError(exc.message, exc.hint, self.result) from exc
        self.result.requests = self.jira.request_count - start
        if self.result.refused:
            lines = "\n  ".join(r.line() for r in self.result.refused)
            waiting = sum(r.waiting for r in self.result.refused)
            refused = len(self.result.refused) - waiting
            raise ProvisionError(
                f"Jira at {self.jira.base_url} refused {refused} issue(s) of project {self.key} (POST "
                f"{self.jira.api('issue/bulk' if self.bulk else 'issue')})"
                + (f" and {waiting} more wait for a refused phase" if waiting else "") + f":\n  {lines}",
                "fix what Jira names (often a field missing from the project's create screen), then run the same "
                "command again: the issues already created are kept and not created twice",
                self.result,
            )
        return self.result

    def _run(self) -> None:
        me = self.jira.request("GET", self.jira.api("myself")) or {}
        project = self._get_project()
        run_setup(self.jira, self.templates, need_schemes=project is None, result=self.result.setup,
                  step=lambda what: self.progress(f"set-up: {what}", 0, None))
        if project is None:
            project = self._create_project(me)
            self.result.project_created = True
        self._tag_project()
        if self.jira.api_version == "2":
            self._epic_fields = self._find_epic_fields()
        existing = self._existing_issues()
        self._create_issues(str(project["id"]), existing)

    # --- project ---------------------------------------------------------------------------------------------
    def _get_project(self) -> dict[str, Any] | None:
        try:
            return self.jira.request("GET", self.jira.api(f"project/{self.key}"))
        except JiraError as exc:
            if exc.status == 404:
                return None
            raise

    def _create_project(self, me: dict[str, Any]) -> dict[str, Any]:
        proj = self.templates.project
        body: dict[str, Any] = {
            "key": self.key, "name": self.plan.project_name[:80], "projectTypeKey": proj["project_type"],
            "assigneeType": proj["assignee_type"],
            "description": f"ERP implementation ({self.plan.playbook.key} {self.plan.playbook.version}, "
                           f"{self.plan.size}, {self.plan.man_days} man-days). Provisioned by erp-playbook.",
        }
        if self.jira.api_version == "3":
            body["leadAccountId"] = me.get("accountId")
        else:
            body["lead"] = me.get("name") or me.get("key")
        setup = self.result.setup
        if proj.get("mode", "schemes") == "schemes" and setup.issue_type_scheme_id is not None:
            body["issueTypeScheme"] = setup.issue_type_scheme_id
            if setup.workflow_scheme_id is not None:
                body["workflowScheme"] = setup.workflow_scheme_id
        else:
            body["projectTemplateKey"] = proj["template_key"]
        self.progress("creating the project", 0, None)
        created = self.jira.request("POST", self.jira.api("project"), json=body)
        self.result.setup.created.append(f"project {self.key}")
        return {"id": created["id"], "key": created.get("key", self.key)}

    def _tag_project(self) -> None:
        write_project_tag(self.jira, self.key, item_tag(self.plan, "project", "project"))
        write_field_ids(self.jira, self.key, self.result.setup.fields)

    def _find_epic_fields(self) -> dict[str, str]:
        """Data Center links issues to epics through the "Epic Link" field and names epics in "Epic Name"."""
        fields = read_fields(self.jira)
        found = {role: field_named(fields, name) for role, name in (("link", "Epic Link"), ("name", "Epic Name"))}
        return {role: str(f["id"]) for role, f in found.items() if f is not None}

    # --- issues ----------------------------------------------------------------------------------------------
    def _existing_issues(self) -> dict[str, str]:
        """Item key -> issue key of every issue in the project that carries our property for this playbook."""
        found: dict[str, str] = {}
        self.progress("reading existing issues", 0, None)
        for n, issue in enumerate(search_issues(self.jira, f"project = {quote(self.key)}", ["summary"],
                                                properties=[PROPERTY]), 1):
            tag = Tag.of_issue(issue)
            if tag is not None and tag.playbook == self.plan.playbook.key:
                found.setdefault(tag.key, str(issue["key"]))
            if n % SEARCH_PAGE == 0:
                self.progress("reading existing issues", n, None)
        return found

    def _create_issues(self, project_id: str, existing: dict[str, str]) -> None:
        specs = issue_specs(self.plan, self.templates, self.lang)
        planned = {s.key for s in specs}
        self.result.obsolete = sorted(k for k in existing if k not in planned)
        self.result.issues = {k: v for k, v in existing.items() if k in planned}
        for spec in specs:
            if spec.key in existing:
                self.result.existing[spec.kind] += 1
        todo = [s for s in specs if s.key not in existing]
        total, done = len(todo), 0
        # Phases first: the others need their epic's key as parent.
        for group in ([s for s in todo if s.kind == "phase"], [s for s in todo if s.kind != "phase"]):
            ready = []
            for spec in group:
                if spec.parent and spec.parent not in self.result.issues:
                    # Its epic was refused: it waits for the re-run that creates the epic.
                    self.result.refused.append(Refusal(spec.kind, spec.key, f"waits for its phase {spec.parent}, "
                                                       "which was not created", waiting=True))
                    done += 1
                else:
                    ready.append(spec)
            size = BULK_SIZE if self.bulk else 1
            for i in range(0, len(ready), size):
                batch = ready[i:i + size]
                self.progress("creating issues", done, total)
                self._create_batch(project_id, batch)
                done += len(batch)
        self.progress("creating issues", done, total)

    def _create_batch(self, project_id: str, batch: list[IssueSpec]) -> None:
        payloads = [self._payload(project_id, spec) for spec in batch]
        path = self.jira.api("issue/bulk" if self.bulk else "issue")
        body = {"issueUpdates": payloads} if self.bulk else payloads[0]
        try:
            answer = self.jira.request("POST", path, json=body) or {}
        except JiraError as exc:
            # All refused: a bulk 400 lists each element's errors; a single create names its problem.
            if exc.status != 400 or not isinstance(exc.body, dict):
                raise
            answer = exc.body
            if not isinstance(answer.get("errors"), list):  # not per element: the whole request was refused
                answer = {"errors": [{"failedElementNumber": n, "elementErrors": exc.body, "status": 400}
                                     for n in range(len(batch))]}
        refused: dict[str, str] = {}
        for error in answer.get("errors") or []:
            n = error.get("failedElementNumber")
            if isinstance(n, int) and 0 <= n < len(batch):
                refused[batch[n].key] = _element_errors(error)
        if not self.bulk and answer.get("key"):  # one issue sent, one created: nothing to match
            created = {batch[0].key: str(answer["key"])}
        else:
            created = self._read_back([str(i["id"]) for i in answer.get("issues") or [] if i.get("id")])
        for spec in batch:
            if spec.key in created:
                self.result.issues[spec.key] = created[spec.key]
                self.result.created[spec.kind] += 1
            else:
                reason = refused.get(spec.key, "Jira neither created nor refused it; a re-run creates it if missing")
                self.result.refused.append(Refusal(spec.kind, spec.key, reason))

    def _read_back(self, issue_ids: list[str]) -> dict[str, str]:
        """Item key -> issue key of the issues just created, read from their own property."""
        if not issue_ids:
            return {}
        if self.jira.api_version == "3":
            answer = self.jira.request("POST", self.jira.api("issue/bulkfetch"), json={
                "issueIdsOrKeys": issue_ids, "fields": ["summary"], "properties": [PROPERTY]}) or {}
            issues = answer.get("issues") or []
        else:  # Data Center has no bulk fetch; its search index is updated as the issue is created
            issues = list(search_issues(self.jira, f"id in ({', '.join(issue_ids)})", ["summary"],
                                        properties=[PROPERTY]))
        out: dict[str, str] = {}
        for issue in issues:
            tag = Tag.of_issue(issue)
            if tag is not None and tag.playbook == self.plan.playbook.key:
                out[tag.key] = str(issue["key"])
        return out

    def _payload(self, project_id: str, spec: IssueSpec) -> dict[str, Any]:
        v3 = self.jira.api_version == "3"
        fields: dict[str, Any] = {
            "project": {"id": project_id},
            "issuetype": {"id": self.result.setup.issue_types[spec.issue_type]},
            "summary": spec.summary,
            "labels": list(spec.labels),
            "description": adf(spec.description) if v3 else spec.description,
        }
        if spec.parent:
            parent_key = self.result.issues[spec.parent]
            if v3:
                fields["parent"] = {"key": parent_key}
            elif "link" in self._epic_fields:
                fields[self._epic_fields["link"]] = parent_key
        if spec.kind == "phase" and not v3 and "name" in self._epic_fields:
            fields[self._epic_fields["name"]] = spec.summary
        for key, value in spec.values.items():
            field_id = self.result.setup.fields.get(key)
            tpl = self.templates.field(key)
            if field_id is None or tpl is None:
                continue
            if isinstance(value, Decimal):  # a number field holds a double: the one that prints as this Decimal
                value = exact_float(value)
            fields[field_id] = {"value": value} if tpl.options else value
        return {"fields": fields, "properties": item_tag(self.plan, spec.kind, spec.key).create_properties()}


def _element_errors(error: dict[str, Any]) -> str:
    details = error.get("elementErrors") or {}
    parts = [str(m) for m in details.get("errorMessages") or []]
    errors = details.get("errors")
    if isinstance(errors, dict):
        parts += [f"{k}: {v}" for k, v in errors.items()]
    return "; ".join(parts) or f"refused with status {error.get('status')}"


def provision(jira: JiraAdapter, templates: JiraTemplates, plan: ProjectPlan, project_key: str, *,
              lang: str = "en", progress: Progress | None = None, bulk: bool = True) -> ProvisionResult:
    return JiraProvisioner(jira, templates, plan, project_key, lang=lang, progress=progress, bulk=bulk).run()
