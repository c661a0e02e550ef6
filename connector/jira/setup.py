"""Site-level set-up provisioning needs before issues: issue types, custom fields, sign-off workflow, schemes.

Every step looks up first (``connector.jira.site``: global items before team-managed ones of the same name) and
creates only what is missing, so a re-run changes nothing. Data Center has no REST endpoint for workflows, field
contexts or options: there the steps to do by hand are returned as notes on every run (``manual_steps``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from connector.errors import ConnectorError
from connector.jira.adapter import JiraAdapter, JiraError
from connector.jira.site import (
    find_in_pages,
    find_status,
    find_workflow,
    match_field,
    match_issue_type,
    read_fields,
    read_issue_types,
)
from connector.jira.templates import FieldTemplate, JiraTemplates

CONTEXT_NAME = "erp-playbook"


@dataclass
class SetupResult:
    issue_types: dict[str, str] = field(default_factory=dict)  # template key -> Jira issue type id
    fields: dict[str, str] = field(default_factory=dict)  # template key -> Jira field id (customfield_NNNNN)
    created: list[str] = field(default_factory=list)  # what this run created, for the report
    warnings: list[str] = field(default_factory=list)  # steps to do by hand (Data Center) and other notes
    workflow_scheme_id: int | None = None
    issue_type_scheme_id: int | None = None


def manual_steps(templates: JiraTemplates, api_version: str) -> list[str]:
    """What Data Center cannot be told over REST; printed by every provisioning run there, failed ones too."""
    if api_version == "3":
        return []
    names = ", ".join(f.name for f in templates.fields)
    steps = [
        f"workflow {templates.workflow_name!r}: Data Center cannot create workflows over REST; import "
        "jira_templates/workflow-signoff.json by hand and map it to Sign-off in the project's workflow scheme "
        "(docs/jira.md)",
        f"fields {names}: add them to the project's create and edit screens and give each a context for the "
        "project (Data Center has no REST endpoint for screens of new fields or for contexts)",
    ]
    for tpl in templates.fields:
        if tpl.options:
            steps.append(f"field {tpl.name}: its context needs the options {', '.join(tpl.options)} "
                         "(Administration → Issues → Custom fields → Configure → Edit Options)")
    return steps


def ensure_issue_types(jira: JiraAdapter, templates: JiraTemplates, result: SetupResult) -> None:
    existing = read_issue_types(jira)
    for tpl in templates.issue_types:
        found = match_issue_type(existing, tpl)
        if found is not None:
            result.issue_types[tpl.key] = str(found["id"])
            continue
        if tpl.builtin:
            raise ConnectorError(f"Jira has no {tpl.name!r} issue type (needed for phases)",
                                 "enable Jira Software's epics on this site, or rename the type in "
                                 "jira_templates/issue_types.yaml to the site's epic type")
        # A team-managed type of the same name cannot be put in our scheme: a global one is created beside it.
        body: dict[str, Any] = {"name": tpl.name, "description": tpl.description, "type": "standard"}
        if jira.api_version == "3":
            body["hierarchyLevel"] = tpl.hierarchy_level
        created = jira.request("POST", jira.api("issuetype"), json=body)
        result.issue_types[tpl.key] = str(created["id"])
        result.created.append(f"issue type {tpl.name}")


def ensure_fields(jira: JiraAdapter, templates: JiraTemplates, result: SetupResult) -> None:
    existing = read_fields(jira)
    for tpl in templates.fields:
        found = match_field(existing, tpl)
        if found is not None:
            field_id = str(found["id"])
        else:
            created = jira.request("POST", jira.api("field"), json={
                "name": tpl.name, "description": tpl.description, "type": tpl.type, "searcherKey": tpl.searcher,
            })
            field_id = str(created["id"])
            result.created.append(f"field {tpl.name}")
            if jira.api_version == "3":
                # REST create/edit only sets fields that are on the screen; the default screen serves new projects.
                jira.request("POST", jira.api(f"screens/addToDefault/{field_id}"))
        result.fields[tpl.key] = field_id
        if jira.api_version == "3":
            _ensure_context(jira, tpl, field_id, result)


def _pages(jira: JiraAdapter, path: str) -> list[dict[str, Any]]:
    """Every value of a ``startAt`` paged list."""
    values: list[dict[str, Any]] = []
    while True:
        page = jira.request("GET", jira.api(path), params={"startAt": len(values), "maxResults": 100}) or {}
        got = page.get("values") or []
        values += got
        if page.get("isLast", True) or not got:
            return values


def _ensure_context(jira: JiraAdapter, tpl: FieldTemplate, field_id: str, result: SetupResult) -> None:
    """The field has a context, and every context of it has our options (enabled).

    Jira Cloud gives a field created over REST a default global context; a field someone made before may have
    several. The sync writes any option to any of our issues, so each context gets the missing options; ours is
    created only when the field has none (a second global context would be refused).
    """
    try:
        contexts = _pages(jira, f"field/{field_id}/context")
    except JiraError as exc:
        if exc.status != 403:
            raise
        # Only Jira administrators read contexts; a consultant re-running on a set-up site need not be one.
        result.warnings.append(f"field {tpl.name}: its contexts were not checked (reading them needs 'Administer "
                               "Jira'); run `playbook jira provision` once as an administrator if its options are "
                               "missing")
        return
    if not contexts:
        type_ids = [result.issue_types[t] for t in tpl.issue_types if t in result.issue_types]
        contexts = [jira.request("POST", jira.api(f"field/{field_id}/context"), json={
            "name": CONTEXT_NAME, "description": "Set up by erp-playbook", "issueTypeIds": type_ids,
            "projectIds": [],
        })]
        result.created.append(f"context of field {tpl.name}")
    if not tpl.options:
        return
    for context in contexts:
        path = f"field/{field_id}/context/{context['id']}/option"
        have = {str(o.get("value")): o for o in _pages(jira, path)}
        missing = [name for name in tpl.options if name not in have]
        disabled = [have[name] for name in tpl.options if name in have and have[name].get("disabled")]
        if missing:
            jira.request("POST", jira.api(path), json={"options": [{"value": o, "disabled": False} for o in missing]})
            result.created.append(f"{len(missing)} option(s) of field {tpl.name} (context {context.get('name')})")
        if disabled:
            jira.request("PUT", jira.api(path), json={"options": [
                {"id": str(o["id"]), "value": str(o["value"]), "disabled": False} for o in disabled]})
            result.created.append(f"re-enabled {len(disabled)} option(s) of field {tpl.name}")


def ensure_signoff_workflow(jira: JiraAdapter, templates: JiraTemplates, result: SetupResult) -> str | None:
    """The sign-off workflow's name, created when missing (Cloud only; Data Center: see ``manual_steps``)."""
    name = templates.workflow_name
    if jira.api_version != "3":
        return None
    if find_workflow(jira, name) is not None:
        return name
    body = copy.deepcopy(templates.signoff_workflow)
    # Statuses are unique by name among global ones: reuse what the site has, used by a workflow or not.
    for status in body["statuses"]:
        found = find_status(jira, status["name"])
        if found is not None:
            status["id"] = str(found["id"])
    jira.request("POST", jira.api("workflows/create"), json=body)
    result.created.append(f"workflow {name}")
    return name


def _find_by_name(jira: JiraAdapter, path: str, name: str, params: dict[str, Any] | None = None) -> Any:
    return find_in_pages(jira, path, {**(params or {}), "maxResults": 50}, lambda v: v.get("name") == name)


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
              step: Callable[[str], None] = lambda _: None, result: SetupResult | None = None) -> SetupResult:
    """``result``: where to record what is found and created (the caller keeps it when a step fails)."""
    result = result if result is not None else SetupResult(warnings=manual_steps(templates, jira.api_version))
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
