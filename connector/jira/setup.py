"""Site-level set-up provisioning needs before issues: issue types, custom fields, sign-off workflow, schemes.

Every step looks up by name first and creates only what is missing, so a re-run changes nothing. Data Center
has no REST endpoint to create workflows: there the sign-off workflow is reported for a manual import.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from connector.errors import ConnectorError
from connector.jira.adapter import JiraAdapter
from connector.jira.templates import JiraTemplates

CONTEXT_NAME = "erp-playbook"


@dataclass
class SetupResult:
    issue_types: dict[str, str] = field(default_factory=dict)  # template key -> Jira issue type id
    fields: dict[str, str] = field(default_factory=dict)  # template key -> Jira field id (customfield_NNNNN)
    created: list[str] = field(default_factory=list)  # what this run created, for the report
    warnings: list[str] = field(default_factory=list)
    workflow_scheme_id: int | None = None
    issue_type_scheme_id: int | None = None


def ensure_issue_types(jira: JiraAdapter, templates: JiraTemplates, result: SetupResult) -> None:
    existing = jira.request("GET", jira.api("issuetype")) or []
    by_name: dict[str, dict[str, Any]] = {}
    for it in existing:
        by_name.setdefault(str(it.get("name", "")).casefold(), it)
    for tpl in templates.issue_types:
        found = by_name.get(tpl.name.casefold())
        if found is None and tpl.builtin:
            # Epic is named per site language; recognise it by its level when the name differs.
            found = next((it for it in existing if it.get("hierarchyLevel") == tpl.hierarchy_level
                          and not it.get("scope")), None)
        if found is not None:
            result.issue_types[tpl.key] = str(found["id"])
            continue
        if tpl.builtin:
            raise ConnectorError(f"Jira has no {tpl.name!r} issue type (needed for phases)",
                                 "enable Jira Software's epics on this site, or rename the type in "
                                 "jira_templates/issue_types.yaml to the site's epic type")
        body: dict[str, Any] = {"name": tpl.name, "description": tpl.description, "type": "standard"}
        if jira.api_version == "3":
            body["hierarchyLevel"] = tpl.hierarchy_level
        created = jira.request("POST", jira.api("issuetype"), json=body)
        result.issue_types[tpl.key] = str(created["id"])
        result.created.append(f"issue type {tpl.name}")


def ensure_fields(jira: JiraAdapter, templates: JiraTemplates, result: SetupResult) -> None:
    existing = jira.request("GET", jira.api("field")) or []
    by_name = {str(f.get("name", "")).casefold(): f for f in existing if f.get("custom")}
    for tpl in templates.fields:
        found = by_name.get(tpl.name.casefold())
        if found is not None:
            result.fields[tpl.key] = str(found["id"])
            if jira.api_version == "3":
                _ensure_context(jira, tpl.key, str(found["id"]), templates, result)
            continue
        created = jira.request("POST", jira.api("field"), json={
            "name": tpl.name, "description": tpl.description, "type": tpl.type, "searcherKey": tpl.searcher,
        })
        field_id = str(created["id"])
        result.fields[tpl.key] = field_id
        result.created.append(f"field {tpl.name}")
        if jira.api_version == "3":
            _ensure_context(jira, tpl.key, field_id, templates, result)
            # REST create/edit only sets fields that are on the screen; the default screen serves new projects.
            jira.request("POST", jira.api(f"screens/addToDefault/{field_id}"))
        else:
            result.warnings.append(f"field {tpl.name}: add it to the project's screens and give it a context "
                                   "(Data Center has no REST endpoint for contexts)")


def _ensure_context(jira: JiraAdapter, key: str, field_id: str, templates: JiraTemplates,
                    result: SetupResult) -> None:
    tpl = next(f for f in templates.fields if f.key == key)
    contexts = jira.request("GET", jira.api(f"field/{field_id}/context"), params={"maxResults": 100}) or {}
    context = next((c for c in contexts.get("values", []) if c.get("name") == CONTEXT_NAME), None)
    if context is None:
        if contexts.get("values"):
            # A field someone else set up: its contexts are theirs to manage; ours would compete with them.
            return
        type_ids = [result.issue_types[t] for t in tpl.issue_types if t in result.issue_types]
        context = jira.request("POST", jira.api(f"field/{field_id}/context"), json={
            "name": CONTEXT_NAME, "description": "Set up by erp-playbook", "issueTypeIds": type_ids,
            "projectIds": [],
        })
        result.created.append(f"context of field {tpl.name}")
    if tpl.options:
        context_id = str(context["id"])
        have = jira.request("GET", jira.api(f"field/{field_id}/context/{context_id}/option"),
                            params={"maxResults": 100}) or {}
        names = {o.get("value") for o in have.get("values", [])}
        missing = [o for o in tpl.options if o not in names]
        if missing:
            jira.request("POST", jira.api(f"field/{field_id}/context/{context_id}/option"),
                         json={"options": [{"value": o, "disabled": False} for o in missing]})
            result.created.append(f"{len(missing)} option(s) of field {tpl.name}")


def ensure_signoff_workflow(jira: JiraAdapter, templates: JiraTemplates, result: SetupResult) -> str | None:
    """The sign-off workflow's name, created when missing (Cloud only)."""
    name = templates.workflow_name
    if jira.api_version != "3":
        result.warnings.append(f"workflow {name!r}: Data Center cannot create workflows over REST; import "
                               "jira_templates/workflow-signoff.json by hand (docs/jira.md)")
        return None
    found = jira.request("GET", jira.api("workflows/search"), params={"queryString": name, "maxResults": 50}) or {}
    if any(w.get("name") == name for w in found.get("values", [])):
        return name
    body = copy.deepcopy(templates.signoff_workflow)
    # Statuses are global and unique by name: reuse the ids of the ones the site already has.
    statuses = jira.request("GET", jira.api("status")) or []
    ids = {str(s.get("name", "")).casefold(): str(s["id"]) for s in statuses if "id" in s}
    for status in body["statuses"]:
        if status["name"].casefold() in ids:
            status["id"] = ids[status["name"].casefold()]
    jira.request("POST", jira.api("workflows/create"), json=body)
    result.created.append(f"workflow {name}")
    return name


def _find_by_name(jira: JiraAdapter, path: str, name: str, params: dict[str, Any] | None = None) -> Any:
    start = 0
    while True:
        page = jira.request("GET", jira.api(path), params={**(params or {}), "startAt": start, "maxResults": 50})
        values = (page or {}).get("values", [])
        hit = next((v for v in values if v.get("name") == name), None)
        if hit is not None or page.get("isLast", True) or not values:
            return hit
        start += len(values)


def ensure_schemes(jira: JiraAdapter, templates: JiraTemplates, result: SetupResult, workflow: str | None) -> None:
    """Issue type scheme (our types) and workflow scheme (sign-off workflow on Sign-off) for a new project."""
    proj = templates.project
    type_ids = [result.issue_types[t.key] for t in templates.issue_types]
    scheme = _find_by_name(jira, "issuetypescheme", proj["issue_type_scheme"],
                           {"queryString": proj["issue_type_scheme"]})
    if scheme is None:
        scheme = jira.request("POST", jira.api("issuetypescheme"), json={
            "name": proj["issue_type_scheme"], "description": "Set up by erp-playbook",
            "issueTypeIds": type_ids, "defaultIssueTypeId": result.issue_types["checklist_item"],
        })
        result.created.append(f"issue type scheme {proj['issue_type_scheme']}")
    result.issue_type_scheme_id = int(scheme.get("issueTypeSchemeId") or scheme["id"])
    if workflow is None:
        return
    wf_scheme = _find_by_name(jira, "workflowscheme", proj["workflow_scheme"])
    if wf_scheme is None:
        mappings = {result.issue_types[t.key]: workflow for t in templates.issue_types if t.workflow == "signoff"}
        wf_scheme = jira.request("POST", jira.api("workflowscheme"), json={
            "name": proj["workflow_scheme"], "description": "Set up by erp-playbook",
            "defaultWorkflow": proj["default_workflow"], "issueTypeMappings": mappings,
        })
        result.created.append(f"workflow scheme {proj['workflow_scheme']}")
    result.workflow_scheme_id = int(wf_scheme["id"])


def run_setup(jira: JiraAdapter, templates: JiraTemplates, *, need_schemes: bool,
              step: Callable[[str], None] = lambda _: None) -> SetupResult:
    result = SetupResult()
    step("issue types")
    ensure_issue_types(jira, templates, result)
    step("custom fields")
    ensure_fields(jira, templates, result)
    step("sign-off workflow")
    workflow = ensure_signoff_workflow(jira, templates, result)
    if need_schemes and templates.project.get("mode", "schemes") == "schemes":
        step("schemes")
        ensure_schemes(jira, templates, result, workflow)
    return result
