"""`playbook jira ...`: check a Jira site and provision an implementation project into it."""

from __future__ import annotations

import logging
import sys
from decimal import Decimal
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from cli.app import App, pass_app
from cli.labels import label
from cli.options import JSON_OPTION, LANG_OPTION, dry_run_option, name_option, project_option, project_options
from cli.output import console, err_console, print_doctor, print_json, print_warnings
from cli.progress import progress_bar
from cli.projects import CODE, new_project
from connector.errors import ConfigError
from connector.jira.doctor import run_doctor
from connector.jira.issues import issue_specs, item_tag
from connector.jira.provision import JiraProvisioner, ProvisionError, ProvisionResult, bulk_requests, check_project_key
from connector.jira.templates import JiraTemplates, load_templates
from connector.plan import ProjectPlan, build_plan
from connector.playbook.loader import load_playbook
from connector.settings import Settings, config_in_use

log = logging.getLogger("cli.jira")


@click.group()
def jira() -> None:
    """Provision an ERP implementation project into Jira (Cloud, or Data Center) and check the site first."""


@jira.command()
@project_option(required=False, extra="Also check this project: whether it exists and your permissions in it.")
@click.option("--jira-key", default=None, metavar="KEY",
              help="The project's Jira key (default: the jira_key configured for --project).")
@LANG_OPTION
@JSON_OPTION
@pass_app
def doctor(app: App, project_ref: str | None, jira_key: str | None, lang: str, as_json: bool) -> None:
    """Check credentials, deployment type, permissions and what already exists; say exactly what to fix.

    Exit code 0: ready; 1: works with warnings (e.g. the nightly sync could not move sign-offs); 2: something
    would make provisioning fail.
    """
    settings = app.settings
    project_key = _jira_key(settings, project_ref, jira_key, required=False) if project_ref or jira_key else None
    result = run_doctor(settings.jira, load_templates(), project_key, make_adapter=lambda _jira_settings: app.jira())
    print_doctor(result, lang, as_json)
    sys.exit(result.exit_code)


def _jira_key(settings: Settings, ref: str | None, jira_key: str | None, *, required: bool = True) -> str | None:
    """The Jira key of the project: --jira-key, the configured one, or (the older form) --project itself."""
    if jira_key:
        return check_project_key(jira_key)
    if ref and not CODE.match(ref) and settings.find_project(ref) is None:
        return check_project_key(ref)  # older usage: --project was the Jira key
    link = settings.find_project(ref)
    if link and link.jira_key:
        return check_project_key(link.jira_key)
    if required or ref:
        raise ConfigError(f"no Jira key for the project {ref!r}",
                          f"pass --jira-key KEY, or add jira_key to its [[projects]] entry in {config_in_use().path}")
    return None


@jira.command("provision")
@project_option(required=True, extra="Recorded in every issue's entity property, so re-runs find what exists.")
@click.option("--jira-key", default=None, metavar="KEY",
              help="Jira project key, e.g. ACME (default: the jira_key configured for --project).")
@name_option
@click.option("--code", default=None, hidden=True, help="Deprecated: the code is --project.")
@project_options
@dry_run_option("Print what would be created; send no request.")
@LANG_OPTION
@JSON_OPTION
@pass_app
def provision_cmd(app: App, project_ref: str, jira_key: str | None, project_name: str | None,
                  code: str | None, size: str, industry: str | None, man_days: Decimal, contract_amount: Decimal,
                  hours_per_day: Decimal | None, playbook_ref: str, dry_run: bool, lang: str, as_json: bool) -> None:
    """Create the project, its phases (epics), checklist items, deliverables, sign-offs and payment milestones.

    Safe to re-run: issues carry the entity property `erp-playbook`, so a second run creates nothing, a run after
    a playbook change adds only what is new, and a killed run resumes without duplicates.
    """
    settings = app.settings
    if jira_key is None and not CODE.match(project_ref) and settings.find_project(project_ref) is None:
        # Older usage: --project was the Jira key; the code is the configured one, else the key in lower case.
        project_key = check_project_key(project_ref)
        link = next((p for p in settings.projects if p.jira_key == project_key), None)
        project = new_project(link.code if link else project_key.lower(), project_name, settings)
    else:
        project = new_project(project_ref, project_name, settings, jira_key=jira_key)
        project_key = str(_jira_key(settings, project.code, project.jira_key))
    if code is not None:
        log.warning("--code is deprecated: the project code is --project (using %r)", code)
    templates = load_templates()
    pb = load_playbook(playbook_ref)
    plan = build_plan(pb, size=size, industry=industry, man_days=man_days, contract_amount=contract_amount,
                      hours_per_day=hours_per_day, project_name=project.name if project.link or project_name else None,
                      code=code or project.code)
    print_warnings(plan.warnings)
    if dry_run:
        _print_dry_run(plan, templates, project_key, lang, as_json)
        return
    jira_client = app.jira()
    try:
        with progress_bar(as_json=as_json) as progress:
            result = JiraProvisioner(jira_client, templates, plan, project_key, lang=lang, progress=progress).run()
    except ProvisionError as exc:
        _print_stopped(exc.result)  # what was kept and the manual steps, then the error itself
        raise
    if as_json:
        data = result.as_dict()
        print_json({**data, "warnings": [*plan.warnings, *data.get("warnings", [])]})
        return
    _print_result(result.as_dict(), lang)


def _print_stopped(result: ProvisionResult) -> None:
    """On stderr, so that ``--json`` output stays one document: what the failed run did and still needs."""
    for line in result.setup.created:
        err_console.print(f"[green]created[/] {escape(line)}")
    created = sum(result.created.values())
    if created:
        err_console.print(f"{created} issue(s) created and kept; a re-run adds only what is missing")
    for line in result.setup.warnings:
        err_console.print(f"[yellow]note[/] {escape(line)}")


def _print_dry_run(plan: ProjectPlan, templates: JiraTemplates, key: str, lang: str, as_json: bool) -> None:
    specs = issue_specs(plan, templates, lang)
    if as_json:
        print_json({
            "dry_run": True, "project": key, "code": plan.code, "playbook": plan.playbook.key,
            "playbook_version": plan.playbook.version,
            "site_objects": {"issue_types": [t.name for t in templates.issue_types],
                             "fields": [f.name for f in templates.fields], "workflow": templates.workflow_name},
            "issues": [{"key": s.key, "kind": s.kind, "issue_type": templates.issue_type(s.issue_type).name,
                        "summary": s.summary, "parent": s.parent, "labels": list(s.labels),
                        "values": s.values, "property": item_tag(plan, s.kind, s.key).value()} for s in specs],
            "bulk_requests": bulk_requests(specs), "warnings": plan.warnings,
            "not_created": {"cadence": [c.key for c in plan.by_kind("cadence")]},
        })
        return
    console.print(escape(label(lang, "jira_dry_head", name=plan.project_name, key=key, playbook=plan.playbook.key,
                               version=plan.playbook.version, code=plan.code)))
    console.print(escape(label(lang, "ensured", types=", ".join(t.name for t in templates.issue_types),
                               fields=", ".join(f.name for f in templates.fields),
                               workflow=repr(templates.workflow_name))))
    table = Table(label(lang, "kind"), label(lang, "issue_type"), label(lang, "summary"), label(lang, "parent"),
                  label(lang, "values"), title=label(lang, "issues_title"))
    for s in specs:
        values = ", ".join(f"{k}={v}" for k, v in s.values.items())
        table.add_row(label(lang, f"kind.{s.kind}"), templates.issue_type(s.issue_type).name, escape(s.summary),
                      s.parent or "", values)
    console.print(table)
    console.print(f"[dim]{escape(label(lang, 'jira_dry_tail', n=len(specs), bulk=bulk_requests(specs)))}[/]")
    cadences = plan.by_kind("cadence")
    if cadences:
        console.print(f"[yellow]{label(lang, 'note')}[/] " + escape(label(
            lang, "jira_no_cadences", n=len(cadences), keys=", ".join(c.key for c in cadences))))


def _print_result(data: dict[str, Any], lang: str) -> None:
    created, existing = data["created"], data["existing"]
    table = Table(label(lang, "kind"), label(lang, "created"), label(lang, "already_there"),
                  title=label(lang, "jira_title", key=data["project"]))
    for kind in ("phase", "deliverable", "checklist_item", "gate", "payment_milestone"):
        table.add_row(label(lang, f"kind.{kind}"), str(created.get(kind, 0)), str(existing.get(kind, 0)))
    console.print(table)
    for line in data["setup_created"]:
        console.print(f"[green]{label(lang, 'created_line')}[/] {escape(line)}")
    for line in data["warnings"]:
        console.print(f"[yellow]{label(lang, 'note')}[/] {escape(line)}")
    if data["obsolete"]:
        console.print(f"[yellow]{label(lang, 'obsolete')}[/] {', '.join(data['obsolete'])}")
    total = data["created_total"]
    console.print(label(lang, "issues_created", n=total, requests=data["requests"])
                  + ("" if total else label(lang, "up_to_date")))
