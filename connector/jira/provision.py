"""Write a ProjectPlan into Jira: project, phases (epics), checklist items, deliverables, sign-offs, payments.

Idempotent by the ``erp-playbook`` entity property: every issue is created *with* its property in the same
request (``properties`` of IssueUpdateDetails), so no issue ever exists untagged, and a re-run — after a crash,
a kill or a playbook change — reads the project's tagged issues and creates only the missing ones. Issues are
created 50 per request (``/issue/bulk``), phases first because the rest name their epic as parent.

Existing issues are found by reading the property through ``search/jql`` with ``properties=[erp-playbook]``
rather than by ``issue.property[...]`` JQL, which only works for properties an app has declared indexable.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from connector.errors import ConnectorError
from connector.jira.adapter import JiraAdapter, JiraError
from connector.jira.issues import IssueSpec, adf, issue_specs, property_value
from connector.jira.search import SEARCH_PAGE, search_issues
from connector.jira.setup import SetupResult, run_setup
from connector.jira.templates import JiraTemplates
from connector.numbers import exact_float
from connector.plan import ProjectPlan

BULK_SIZE = 50  # Jira's limit for POST /issue/bulk
PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]{1,9}$")

Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class ProvisionResult:
    project_key: str
    project_created: bool = False
    setup: SetupResult = field(default_factory=SetupResult)
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    issues: dict[str, str] = field(default_factory=dict)  # item key -> issue key
    obsolete: list[str] = field(default_factory=list)  # tagged issues whose item the playbook no longer has
    requests: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project_key, "project_created": self.project_created,
            "setup_created": self.setup.created, "warnings": self.setup.warnings,
            "issue_types": self.setup.issue_types, "fields": self.setup.fields,
            "created": dict(self.created), "existing": dict(self.existing),
            "created_total": sum(self.created.values()), "obsolete": self.obsolete,
            "issues": self.issues, "requests": self.requests,
        }


def check_project_key(key: str) -> str:
    if not PROJECT_KEY.match(key):
        raise ConnectorError(f"{key!r} is not a Jira project key",
                             "use 2-10 capital letters or digits starting with a letter, e.g. ACME")
    return key


class Provisioner:
    def __init__(self, jira: JiraAdapter, templates: JiraTemplates, plan: ProjectPlan, project_key: str, *,
                 lang: str = "en", progress: Progress | None = None, bulk: bool = True) -> None:
        self.jira = jira
        self.templates = templates
        self.plan = plan
        self.key = check_project_key(project_key)
        self.lang = lang
        self.progress = progress or (lambda what, done, total: None)
        self.bulk = bulk  # False: one request per issue (the benchmark's naive baseline)
        self.result = ProvisionResult(project_key)
        self._epic_fields: dict[str, str] = {}

    # --- the run ---------------------------------------------------------------------------------------------
    def run(self) -> ProvisionResult:
        start = self.jira.request_count
        me = self.jira.request("GET", self.jira.api("myself")) or {}
        project = self._get_project()
        self.result.setup = run_setup(self.jira, self.templates, need_schemes=project is None,
                                      step=lambda what: self.progress(f"set-up: {what}", 0, 0))
        if project is None:
            project = self._create_project(me)
            self.result.project_created = True
        self._tag_project()
        if self.jira.api_version == "2":
            self._epic_fields = self._find_epic_fields()
        existing = self._existing_issues()
        self._create_issues(str(project["id"]), existing)
        self.result.requests = self.jira.request_count - start
        return self.result

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
        self.progress("creating the project", 0, 0)
        created = self.jira.request("POST", self.jira.api("project"), json=body)
        self.result.setup.created.append(f"project {self.key}")
        return {"id": created["id"], "key": created.get("key", self.key)}

    def _tag_project(self) -> None:
        # PUT replaces the value: harmless to repeat, and it records the playbook version last applied.
        self.jira.request("PUT", self.jira.api(f"project/{self.key}/properties/{self.templates.property_key}"),
                          json=property_value(self.plan, "project", "project"))
        self.jira.request("PUT", self.jira.api(f"project/{self.key}/properties/{self.templates.fields_property_key}"),
                          json=self.result.setup.fields)

    def _find_epic_fields(self) -> dict[str, str]:
        """Data Center links issues to epics through the "Epic Link" field and names epics in "Epic Name"."""
        fields = self.jira.request("GET", self.jira.api("field")) or []
        wanted = {"epic link": "link", "epic name": "name"}
        return {wanted[f["name"].casefold()]: f["id"] for f in fields if f.get("name", "").casefold() in wanted}

    # --- issues ----------------------------------------------------------------------------------------------
    def _existing_issues(self) -> dict[str, str]:
        """Item key -> issue key of every issue in the project that carries our property for this playbook."""
        prop = self.templates.property_key
        found: dict[str, str] = {}
        self.progress("reading existing issues", 0, 0)
        for n, issue in enumerate(search_issues(self.jira, f'project = "{self.key}"', ["summary"],
                                                properties=[prop]), 1):
            value = (issue.get("properties") or {}).get(prop)
            if isinstance(value, dict) and value.get("playbook") == self.plan.playbook.key and value.get("key"):
                found.setdefault(str(value["key"]), str(issue["key"]))
            if n % SEARCH_PAGE == 0:
                self.progress("reading existing issues", n, 0)
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
            size = BULK_SIZE if self.bulk else 1
            for i in range(0, len(group), size):
                batch = group[i:i + size]
                self.progress("creating issues", done, total)
                self._create_batch(project_id, batch)
                done += len(batch)
        self.progress("creating issues", done, total)

    def _create_batch(self, project_id: str, batch: list[IssueSpec]) -> None:
        payloads = [self._payload(project_id, spec) for spec in batch]
        if not self.bulk:
            created = self.jira.request("POST", self.jira.api("issue"), json=payloads[0])
            self._record(batch[0], created)
            return
        answer = self.jira.request("POST", self.jira.api("issue/bulk"), json={"issueUpdates": payloads}) or {}
        failed = {int(e.get("failedElementNumber", -1)): e for e in answer.get("errors") or []}
        succeeded = [spec for n, spec in enumerate(batch) if n not in failed]
        for spec, issue in zip(succeeded, answer.get("issues") or [], strict=False):
            self._record(spec, issue)
        if failed:
            # What was created is tagged and kept; the failures are named so they can be fixed and re-run.
            lines = [f"{batch[n].kind} {batch[n].key}: {_element_errors(e)}" for n, e in sorted(failed.items())
                     if 0 <= n < len(batch)]
            raise ConnectorError(
                f"Jira refused {len(failed)} of {len(batch)} issues:\n  " + "\n  ".join(lines),
                "fix what Jira names (often a field missing from the project's create screen), then run the same "
                "command again: issues already created are kept and not created twice",
            )

    def _record(self, spec: IssueSpec, issue: dict[str, Any]) -> None:
        self.result.issues[spec.key] = str(issue.get("key"))
        self.result.created[spec.kind] += 1

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
            parent_key = self.result.issues.get(spec.parent)
            if parent_key is None:
                raise ConnectorError(f"{spec.kind} {spec.key}: its phase {spec.parent} was not created",
                                     "run the command again; if it persists, check the phase issue in Jira")
            if v3:
                fields["parent"] = {"key": parent_key}
            elif "link" in self._epic_fields:
                fields[self._epic_fields["link"]] = parent_key
        if spec.kind == "phase" and not v3 and "name" in self._epic_fields:
            fields[self._epic_fields["name"]] = spec.summary
        for key, value in spec.values.items():
            field_id = self.result.setup.fields.get(key)
            if field_id is None:
                continue
            option = next((f for f in self.templates.fields if f.key == key and f.options), None)
            if isinstance(value, Decimal):  # a number field holds a double: the one that prints as this Decimal
                value = exact_float(value)
            fields[field_id] = {"value": value} if option else value
        return {"fields": fields,
                "properties": [{"key": self.templates.property_key,
                                "value": property_value(self.plan, spec.kind, spec.key)}]}


def _element_errors(error: dict[str, Any]) -> str:
    details = error.get("elementErrors") or {}
    parts = [str(m) for m in details.get("errorMessages") or []]
    parts += [f"{k}: {v}" for k, v in (details.get("errors") or {}).items()]
    return "; ".join(parts) or f"status {error.get('status')}"


def provision(jira: JiraAdapter, templates: JiraTemplates, plan: ProjectPlan, project_key: str, *,
              lang: str = "en", progress: Progress | None = None, bulk: bool = True) -> ProvisionResult:
    return Provisioner(jira, templates, plan, project_key, lang=lang, progress=progress, bulk=bulk).run()
