"""`playbook jira doctor`: can this user provision here, and what already exists? One line per finding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connector.checks import Check, DoctorResult
from connector.errors import ConnectorError
from connector.jira.adapter import JiraAdapter, JiraError
from connector.jira.binding import read_project_tag
from connector.jira.site import find_workflow, match_field, match_issue_type, read_fields, read_issue_types
from connector.jira.templates import JiraTemplates
from connector.settings import JiraSettings

# What each permission is needed for; ADMINISTER only while something site-wide is still to be created.
PERMISSIONS = {
    "ADMINISTER": "create issue types, custom fields, the sign-off workflow, schemes and the project",
    "BROWSE_PROJECTS": "read the project's issues (to find what exists)",
    "CREATE_ISSUES": "create phases, checklist items, sign-offs and payment milestones",
    "EDIT_ISSUES": "set entity properties and let the nightly sync write man-days",
    "TRANSITION_ISSUES": "let the nightly sync move sign-off issues to Signed off / Rejected",
}
# Not needed to provision, only by `playbook sync` later: missing is a warning.
SYNC_ONLY = frozenset({"TRANSITION_ISSUES"})
DEPLOYMENTS = {"Cloud": "cloud", "Server": "server", "DataCenter": "server"}


def run_doctor(settings: JiraSettings, templates: JiraTemplates, project_key: str | None = None, *,
               make_adapter: Callable[[JiraSettings], JiraAdapter] = JiraAdapter.from_settings) -> DoctorResult:
    findings: list[Check] = []
    try:
        jira = make_adapter(settings)
    except ConnectorError as exc:
        return DoctorResult([Check("settings", "fail", exc.message, exc.hint)])
    try:
        me = jira.request("GET", jira.api("myself")) or {}
    except JiraError as exc:
        return DoctorResult([Check("auth", "fail", exc.message, exc.hint)])
    who = me.get("emailAddress") or me.get("displayName") or me.get("name") or "?"
    findings.append(Check("auth", "ok", f"signed in as {who} ("
                            + ("API token, basic auth" if jira.api_version == "3" else "personal access token")
                            + ")"))
    try:
        _deployment(jira, settings, findings)
        missing_site = _site_objects(jira, templates, findings)
        project_exists = _project(jira, templates, project_key, findings)
        _permissions(jira, project_key if project_exists else None,
                     needs_admin=bool(missing_site) or not project_exists, findings=findings)
    except JiraError as exc:
        findings.append(Check("jira", "fail", exc.message, exc.hint))
    return DoctorResult(findings)


def _deployment(jira: JiraAdapter, settings: JiraSettings, findings: list[Check]) -> None:
    info = jira.request("GET", jira.api("serverInfo")) or {}
    kind = str(info.get("deploymentType", "?"))
    version = info.get("version", "?")
    expected = DEPLOYMENTS.get(kind)
    if expected and expected != settings.deployment:
        findings.append(Check("deployment", "fail", f"the site is Jira {kind} {version} but the settings say "
                                f"deployment = {settings.deployment!r}",
                                f"set PLAYBOOK_JIRA_DEPLOYMENT={expected} (or deployment = \"{expected}\" in [jira])"))
    else:
        findings.append(Check("deployment", "ok", f"Jira {kind} {version}, REST API v{jira.api_version}"))


def _site_objects(jira: JiraAdapter, templates: JiraTemplates, findings: list[Check]) -> list[str]:
    """Issue types, fields and workflow the templates need; returns what provisioning would still create.

    Judged with provisioning's own matchers (``connector.jira.site``): a localised Epic counts as the Epic, a
    team-managed type of one of our names does not count.
    """
    types = read_issue_types(jira)
    missing_types = [t.name for t in templates.issue_types if match_issue_type(types, t) is None]
    fields = read_fields(jira)
    missing_fields = [f.name for f in templates.fields if match_field(fields, f) is None]
    epic = next((t for t in templates.issue_types if t.builtin), None)
    if epic and epic.name in missing_types:
        findings.append(Check("issue types", "fail", f"no {epic.name!r} issue type on this site (phases are epics)",
                                "enable Jira Software epics, or name the site's epic type in "
                                "jira_templates/issue_types.yaml"))
        missing_types.remove(epic.name)
    findings.append(Check("issue types", "ok", "all present" if not missing_types
                            else f"provisioning will create: {', '.join(missing_types)}"))
    findings.append(Check("fields", "ok", "all present" if not missing_fields
                            else f"provisioning will create: {', '.join(missing_fields)}"))
    missing = missing_types + missing_fields
    if jira.api_version == "3":
        name = templates.workflow_name
        if find_workflow(jira, name) is not None:
            findings.append(Check("workflow", "ok", f"{name!r} present"))
        else:
            findings.append(Check("workflow", "ok", f"provisioning will create {name!r}"))
            missing.append(name)
    else:
        findings.append(Check("workflow", "ok", "Data Center: import jira_templates/workflow-signoff.json by hand "
                                "(docs/jira.md)"))
    return missing


def _project(jira: JiraAdapter, templates: JiraTemplates, key: str | None, findings: list[Check]) -> bool:
    if key is None:
        return True  # nothing to create: only the site is checked
    try:
        jira.request("GET", jira.api(f"project/{key}"))
    except JiraError as exc:
        if exc.status != 404:
            raise
        findings.append(Check("project", "ok", f"{key} does not exist yet: provisioning will create it"))
        return False
    tag = read_project_tag(jira, key)
    if tag is not None:
        findings.append(Check("project", "ok", f"{key} exists, provisioned from {tag.playbook} "
                                f"{tag.version} (a re-run adds only what is new)"))
    else:
        findings.append(Check("project", "ok", f"{key} exists, not yet provisioned by erp-playbook: provisioning "
                                "adds the issues (check it has the issue types above)"))
    return True


def _permissions(jira: JiraAdapter, project_key: str | None, *, needs_admin: bool,
                 findings: list[Check]) -> None:
    params: dict[str, Any] = {"permissions": ",".join(PERMISSIONS)}
    if project_key:
        params["projectKey"] = project_key
    answer = jira.request("GET", jira.api("mypermissions"), params=params) or {}
    have = answer.get("permissions") or {}
    for key, why in PERMISSIONS.items():
        granted = bool((have.get(key) or {}).get("havePermission"))
        if granted:
            findings.append(Check(f"permission {key}", "ok", "granted"))
        elif key == "ADMINISTER" and not needs_admin:
            findings.append(Check(f"permission {key}", "ok", "not granted, not needed: everything exists"))
        else:
            where = f" in project {project_key}" if project_key and key != "ADMINISTER" else ""
            findings.append(Check(f"permission {key}", "warn" if key in SYNC_ONLY else "fail",
                                  f"missing{where}: needed to {why}",
                                    "ask a Jira administrator to grant it"
                                    + (" (global permission 'Administer Jira')" if key == "ADMINISTER" else
                                       " in the project's permission scheme")))
