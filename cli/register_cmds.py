"""`playbook register ...`: the issue and requirement register kept as records in Odoo (addon 18.0.1.4.0+)."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from cli.app import App, pass_app
from cli.labels import label
from cli.options import JSON_OPTION, LANG_OPTION, dry_run_option, playbook_option, project_option
from cli.output import console, print_json
from cli.progress import progress_bar
from connector.errors import ConnectorError
from connector.playbook.loader import load_playbook
from connector.register_import import ImportRun
from connector.reports.gather import REGISTER_SOURCES, _jira_register, _project_link, _project_refs
from connector.reports.odoo_source import OdooReportSource, ReportDataError
from connector.reports.register import register_from_tags


@click.group()
def register() -> None:
    """The issue and requirement register as records in Odoo: bring over what task tags or Jira labels hold."""


@register.command(name="import")
@project_option(required=True, extra="An Odoo project name or id also works for a project not configured.")
@click.option("--from", "source", type=click.Choice(REGISTER_SOURCES), default="auto", show_default=True,
              help="Where the register is today: Jira's Requirement / Issue issues and their disposition labels "
                   "(auto: when the project has a jira_key and Jira is configured) or Odoo task tags.")
@dry_run_option("Read Odoo (and Jira) and show what would be brought over; write nothing.")
@playbook_option
@LANG_OPTION
@JSON_OPTION
@pass_app
def import_(app: App, project_ref: str, source: str, dry_run: bool, playbook_ref: str, lang: str,
            as_json: bool) -> None:
    """Bring the project's register into Odoo's register records, one per task or Jira issue.

    Rerun it any time: an item already brought over is recognised by its source and left as it is."""
    playbook = load_playbook(playbook_ref)
    settings = app.settings
    link = _project_link(settings, project_ref)
    if source == "jira" and not (link and link.jira_key):  # said here in this command's own option names
        raise ConnectorError("--from jira needs a project with a jira_key in the configuration",
                             "add jira_key to the project's [[projects]] table, or use --from odoo")
    jira_reader = _jira_register(settings, link, playbook, source, lambda _settings: app.jira())
    odoo = app.odoo()
    reader = OdooReportSource(odoo, playbook)
    refs = _project_refs(link, project_ref)
    for i, ref in enumerate(refs):
        try:
            project_id, _code = reader.resolve_project(ref)
            break
        except ReportDataError:
            if i == len(refs) - 1:
                raise
    run = ImportRun(odoo, project_id)
    run.check()
    tasks = reader._tasks(project_id)  # the tags to read, and the tasks items link back to
    name = odoo.execute("project.project", "read", [project_id], fields=["name"])[0]["name"]
    read_items = jira_reader or (lambda tasks: register_from_tags(tasks, playbook))
    plan = run.plan(jira_reader.source if jira_reader else "odoo", read_items, tasks)
    created = 0
    if not dry_run:
        with progress_bar(as_json=as_json) as progress:
            created = run.apply(plan, progress)
    if as_json:
        print_json(plan.as_dict(dry_run=dry_run, created=created))
        return
    where = (label(lang, "reg.source_jira", key=plan.source.removeprefix("jira:")) if jira_reader
             else label(lang, "reg.source_odoo"))
    table = Table(label(lang, "reg.source"), label(lang, "kind"), label(lang, "reg.item"),
                  label(lang, "reg.disposition"), label(lang, "reg.state"),
                  title=label(lang, "reg.title", name=escape(name), id=project_id, source=escape(where)))
    register = playbook.issue_register
    names = {item.key: item.name.get(lang) for item in [*register.kinds, *register.dispositions]}
    for values in plan.creates:
        disposition = values["_disposition"]
        table.add_row(escape(values["source_ref"]), escape(names.get(values["_kind"], values["_kind"])),
                      escape(values["name"]), escape(names.get(disposition, disposition) if disposition else ""),
                      label(lang, f"reg.state.{values['state']}"))
    for skipped in plan.skipped:
        table.add_row(escape(skipped.source), "", escape(skipped.name), "",
                      f"[yellow]{label(lang, 'reg.skipped')}[/]: {escape(skipped.reason)}")
    if plan.creates or plan.skipped:
        console.print(table)
    verb = label(lang, "would_create" if dry_run else "created")
    count = len(plan.creates) if dry_run else created
    console.print(label(lang, "reg.summary", created=count, verb=verb, existing=plan.existing,
                        skipped=len(plan.skipped)))
    console.print(f"[dim]{label(lang, 'reg.dry_run' if dry_run else 'reg.rerun')}[/]")
