"""`playbook jira ...`: check a Jira site and provision an implementation project into it."""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.main import project_options
from cli.output import JSON_OPTION, LANG_OPTION, console, err_console, print_checks, print_json, print_warnings
from connector.checks import exit_code
from connector.jira.adapter import JiraAdapter
from connector.jira.doctor import run_doctor
from connector.jira.issues import issue_specs, item_tag
from connector.jira.provision import BULK_SIZE, ProvisionError, ProvisionResult, check_project_key, provision
from connector.jira.templates import JiraTemplates, load_templates
from connector.plan import ProjectPlan, build_plan
from connector.playbook.loader import load_playbook
from connector.settings import Settings, load_settings


@click.group()
def jira() -> None:
    """Provision an ERP implementation project into Jira (Cloud, or Data Center) and check the site first."""


def _settings(ctx: click.Context) -> Settings:
    return load_settings((ctx.find_root().obj or {}).get("config"))


@jira.command()
@click.option("--project", "project_key", default=None, metavar="KEY",
              help="Also check this project: whether it exists and your permissions in it.")
@JSON_OPTION
@click.pass_context
def doctor(ctx: click.Context, project_key: str | None, as_json: bool) -> None:
    """Check credentials, deployment type, permissions and what already exists; say exactly what to fix.

    Exit code 0: ready; 1: works with warnings (e.g. the nightly sync could not move sign-offs); 2: something
    would make provisioning fail.
    """
    if project_key:
        check_project_key(project_key)
    checks = run_doctor(_settings(ctx).jira, load_templates(), project_key)
    code = exit_code(checks)
    if as_json:
        print_json({"ok": code == 0, "exit_code": code, "checks": [c.as_dict() for c in checks]})
    else:
        print_checks(checks, code)
    sys.exit(code)


@jira.command("provision")
@click.option("--project", "project_key", required=True, metavar="KEY", help="Jira project key, e.g. ACME.")
@click.option("--name", "project_name", default=None, help="Project name (default: the playbook's name).")
@click.option("--code", default=None,
              help="Project code in the entity properties (default: the [[projects]] entry with this jira_key, "
                   "else the key in lower case).")
@project_options
@click.option("--dry-run", is_flag=True, help="Print what would be created; send no request.")
@LANG_OPTION
@JSON_OPTION
@click.pass_context
def provision_cmd(ctx: click.Context, project_key: str, project_name: str | None, code: str | None, size: str,
                  industry: str | None, man_days: Decimal, contract_amount: Decimal, hours_per_day: Decimal | None,
                  playbook_ref: str, dry_run: bool, lang: str, as_json: bool) -> None:
    """Create the project, its phases (epics), checklist items, deliverables, sign-offs and payment milestones.

    Safe to re-run: issues carry the entity property `erp-playbook`, so a second run creates nothing, a run after
    a playbook change adds only what is new, and a killed run resumes without duplicates.
    """
    check_project_key(project_key)
    templates = load_templates()
    settings = None if dry_run else _settings(ctx)
    if code is None:
        link = next((p for p in settings.projects if p.jira_key == project_key), None) if settings else None
        code = link.code if link else project_key.lower()
    pb = load_playbook(playbook_ref)
    plan = build_plan(pb, size=size, industry=industry, man_days=man_days, contract_amount=contract_amount,
                      hours_per_day=hours_per_day, project_name=project_name, code=code)
    print_warnings(plan.warnings)
    if dry_run:
        _print_dry_run(plan, templates, project_key, lang, as_json)
        return
    assert settings is not None
    jira_client = JiraAdapter.from_settings(settings.jira)
    try:
        if as_json:
            result = provision(jira_client, templates, plan, project_key, lang=lang)
            data = result.as_dict()
            print_json({**data, "warnings": [*plan.warnings, *data.get("warnings", [])]})
            return
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err_console, transient=True) as bar:
            task = bar.add_task("connecting", total=None)

            def progress(what: str, done: int, total: int) -> None:
                bar.update(task, description=what, completed=done, total=total or None)

            result = provision(jira_client, templates, plan, project_key, lang=lang, progress=progress)
    except ProvisionError as exc:
        _print_stopped(exc.result)  # what was kept and the manual steps, then the error itself
        raise
    _print_result(result.as_dict())


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
            "bulk_requests": _bulk_requests(specs), "warnings": plan.warnings,
        })
        return
    console.print(f"[bold]{escape(plan.project_name)}[/] → Jira project [bold]{key}[/] "
                  f"({plan.playbook.key} {plan.playbook.version}, code {plan.code})")
    console.print("Ensured on the site (created when missing): issue types "
                  + ", ".join(t.name for t in templates.issue_types) + "; fields "
                  + ", ".join(f.name for f in templates.fields) + f"; workflow {templates.workflow_name!r}")
    table = Table("kind", "issue type", "summary", "parent", "values", title="Issues (skipped when already there)")
    for s in specs:
        values = ", ".join(f"{k}={v}" for k, v in s.values.items())
        table.add_row(s.kind.replace("_", " "), templates.issue_type(s.issue_type).name, escape(s.summary),
                      s.parent or "", values)
    console.print(table)
    console.print(f"[dim]dry run: no request sent. {len(specs)} issues in {_bulk_requests(specs)} bulk requests.[/]")


def _bulk_requests(specs: list[Any]) -> int:
    phases = sum(1 for s in specs if s.kind == "phase")
    rest = len(specs) - phases
    return -(-phases // BULK_SIZE) + -(-rest // BULK_SIZE)


def _print_result(data: dict[str, Any]) -> None:
    created, existing = data["created"], data["existing"]
    table = Table("kind", "created", "already there", title=f"Jira project {data['project']}")
    for kind in ("phase", "deliverable", "checklist_item", "gate", "payment_milestone"):
        table.add_row(kind.replace("_", " "), str(created.get(kind, 0)), str(existing.get(kind, 0)))
    console.print(table)
    for line in data["setup_created"]:
        console.print(f"[green]created[/] {escape(line)}")
    for line in data["warnings"]:
        console.print(f"[yellow]note[/] {escape(line)}")
    if data["obsolete"]:
        console.print(f"[yellow]not in the playbook any more[/] (left untouched): {', '.join(data['obsolete'])}")
    total = data["created_total"]
    console.print(f"{total} issue(s) created, {data['requests']} requests"
                  + ("" if total else " — nothing to do, the project is up to date"))

