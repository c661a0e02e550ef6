"""`playbook odoo doctor | install | provision`: a live Odoo over RPC."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from decimal import Decimal

import click
from rich.markup import escape
from rich.table import Table

from cli.app import App, pass_app
from cli.labels import label
from cli.options import (
    JSON_OPTION,
    LANG_OPTION,
    dry_run_option,
    name_option,
    playbook_option,
    project_option,
    project_options,
)
from cli.output import console, err_console, print_doctor, print_json, print_warnings
from cli.progress import progress_bar
from cli.projects import new_project
from connector.odoo.doctor import run_doctor
from connector.odoo.install import install_addon
from connector.odoo.provision import OdooProvisioner
from connector.plan import KINDS, build_plan
from connector.playbook.loader import load_playbook

DRY_RUN_OPTION = dry_run_option("Read the server and say what would change; write nothing.")


@click.group()
def odoo() -> None:
    """A live Odoo over RPC: check the connection, install the addon, provision projects.

    Connection settings: PLAYBOOK_ODOO_URL, PLAYBOOK_ODOO_DB, PLAYBOOK_ODOO_USER, PLAYBOOK_ODOO_PASSWORD
    (or an API key; required on Odoo 19+), or the [odoo] table of the config file.
    """


@odoo.command()
@LANG_OPTION
@JSON_OPTION
@pass_app
def doctor(app: App, lang: str, as_json: bool) -> None:
    """Check URL, database, login, rights and the erp_playbook addon; say exactly what to fix.

    Exit code 0: ready; 1: works with warnings (e.g. no addon: plain projects); 2: cannot provision.
    """
    report = run_doctor(app.odoo())
    print_doctor(report, lang, as_json)
    sys.exit(report.exit_code)


@odoo.command()
@playbook_option
@click.option("--no-playbook", is_flag=True, help="Only install/upgrade the addon; do not load the playbook.")
@click.option("--upgrade", is_flag=True, help="Upgrade even when the installed version is current.")
@DRY_RUN_OPTION
@JSON_OPTION
@pass_app
def install(app: App, playbook_ref: str, no_playbook: bool, upgrade: bool, dry_run: bool,
            as_json: bool) -> None:
    """Install or upgrade the erp_playbook addon (it must be on the server's addons path), then load the playbook.

    Needs an administrator. Rerunning changes nothing when the addon and the playbook are current.
    """
    pb = None if no_playbook else load_playbook(playbook_ref)
    client = app.odoo()
    with err_console.status("installing erp_playbook (Odoo reloads its registry: up to a minute)",
                            spinner="dots") if not (dry_run or as_json) else nullcontext():
        result = install_addon(client, pb, upgrade=upgrade, dry_run=dry_run)
    if as_json:
        print_json(result.as_dict())
        return
    version = result.version_after or result.version_before or "-"
    console.print(f"erp_playbook: [bold]{result.action}[/] (was {result.state_before}, version {version})")
    if result.playbook.get("key"):
        p = result.playbook
        console.print(f"playbook {p['key']} {p['version']}: {p.get('created', 0)} created, "
                      f"{p.get('updated', 0)} updated, {p.get('archived', 0)} archived")
    elif result.playbook.get("would_load"):
        console.print(f"playbook {result.playbook['would_load']} would be loaded")
    if dry_run:
        console.print("[dim]dry run: nothing was written[/]")


@odoo.command()
@project_option(required=True, extra="It prefixes the external ids, so re-runs find what exists.")
@name_option
@click.option("--customer", default=None, help="Customer (res.partner) name; created when not found.")
@project_options
@LANG_OPTION
@click.option("--batch-size", type=click.IntRange(1), default=1000, show_default=True, hidden=True)
@DRY_RUN_OPTION
@JSON_OPTION
@pass_app
def provision(app: App, project_ref: str, project_name: str | None, customer: str | None, size: str,
              industry: str | None, man_days: Decimal, contract_amount: Decimal, hours_per_day: Decimal | None,
              playbook_ref: str, lang: str, batch_size: int, dry_run: bool, as_json: bool) -> None:
    """Create the project, phases, checklist, deliverables, gates and payment milestones in Odoo.

    Idempotent: rerunning creates only what is missing (never changes or deletes what exists), so a newer
    playbook adds its new items and an interrupted run can simply be run again.
    """
    project = new_project(project_ref, project_name, app.settings)
    pb = load_playbook(playbook_ref)
    plan = build_plan(pb, size=size, industry=industry, man_days=man_days, contract_amount=contract_amount,
                      hours_per_day=hours_per_day, project_name=project.name, code=project.code)
    print_warnings(plan.warnings)
    client = app.odoo()
    with progress_bar(as_json=as_json) as progress:
        result = OdooProvisioner(client, plan, customer=customer, lang=lang, batch_size=batch_size,
                                 progress=progress).run(dry_run=dry_run)
    if as_json:
        print_json({"project": {"code": plan.code, "name": plan.project_name}, **result.as_dict(),
                    "warnings": plan.warnings})
        return
    verb = label(lang, "would_create" if dry_run else "created")
    table = Table(label(lang, "kind"), verb, label(lang, "already_there"), label(lang, "not_representable"),
                  title=label(lang, "odoo_title", name=plan.project_name, mode=result.mode,
                              id=result.project_id or "-"))
    for kind in KINDS:
        table.add_row(label(lang, f"kind.{kind}"), str(result.created[kind]), str(result.existing[kind]),
                      str(result.skipped[kind]) if result.skipped[kind] else "")
    console.print(table)
    for note in result.unrepresented:
        console.print(f"[yellow]{label(lang, 'not_represented')}[/] {escape(note)}")
    if result.linked:
        console.print(label(lang, "filled_links", n=result.linked))
    tail = label(lang, "rpc_tail_dry" if dry_run else "rpc_tail", n=result.rpc_calls)
    console.print(f"[dim]{escape(tail)}[/]")
