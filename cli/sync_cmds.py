"""`playbook sync`: the nightly run — worklogs into timesheets, sign-offs, man-days and payment status on both sides."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from cli.app import App, pass_app
from cli.labels import label
from cli.options import JSON_OPTION, LANG_OPTION, dry_run_option
from cli.output import console, fmt_num, print_json
from cli.progress import progress_bar
from connector.errors import ConfigError, ConnectorError
from connector.settings import ProjectLink, Settings
from connector.sync.engine import SyncEngine, parse_since
from connector.sync.summary import ProjectResult, SyncSummary

FAILED_EXIT = 1


@click.command(name="sync")
@click.option("--project", "project_codes", multiple=True, metavar="CODE",
              help="Only this project: its code (a configured Jira key or Odoo name naming one project also works); "
                   "repeatable. Default: every [[projects]] entry.")
@dry_run_option("Read both sides and report what would change; write nothing.")
@click.option("--since", metavar="DATE", default=None,
              help="Re-read worklogs changed since DATE (2025-06-01 or 2025-06-01T18:00) instead of the cursor.")
@click.option("--full", is_flag=True, help="Rebuild every cached mapping and re-read all worklogs (slow, safe).")
@LANG_OPTION
@JSON_OPTION
@pass_app
def sync(app: App, project_codes: tuple[str, ...], dry_run: bool, since: str | None, full: bool, lang: str,
         as_json: bool) -> None:
    """Nightly sync of man-days, sign-offs and payment status for every configured project.

    Jira worklogs become Odoo timesheets (edits update, deletions remove, nothing doubles); sign-off gates
    signed or rejected on one side are carried to the other (conflicts are listed, never overwritten); man-days
    per phase and payment status are written to the Jira epics and payment-milestone issues; overdue payments
    are listed. A killed run resumes where it stopped. Exit code 1 when any project failed (the others still
    complete), 3 when another run holds the lock.
    """
    settings = app.settings
    links = _links(settings, project_codes)
    since_ms = parse_since(since) if since else None
    summary = _run(app, links, dry_run=dry_run, since=since_ms, full=full, show_progress=not as_json)
    if as_json:
        print_json(summary.as_dict())
    else:
        _print_summary(summary, lang)
    if not summary.ok:
        sys.exit(FAILED_EXIT)


def _links(settings: Settings, codes: tuple[str, ...]) -> list[ProjectLink]:
    if not settings.projects:
        raise ConfigError("no projects to sync: the configuration has no [[projects]] table",
                          'add [[projects]] with code = "...", odoo_project = "..." and jira_key = "..." '
                          "to the config file")
    if not codes:
        return list(settings.projects)
    return list({link.code: link for link in (settings.project(c) for c in codes)}.values())


def _run(app: App, links: list[ProjectLink], *, dry_run: bool, since: int | None, full: bool,
         show_progress: bool) -> SyncSummary:
    settings = app.settings
    odoo = app.odoo()
    jira, jira_problem = None, None
    if any(link.jira_key for link in links):
        try:
            jira = app.jira()
        except ConnectorError as exc:  # Odoo-only projects still sync; the Jira ones fail with this
            jira_problem = str(exc)
    state = app.state()
    try:
        with progress_bar(as_json=not show_progress) as progress:
            engine = SyncEngine(odoo=odoo, jira=jira, state=state, dry_run=dry_run,
                                grace_days=settings.sync.grace_days, progress=progress, jira_problem=jira_problem,
                                employees=dict(settings.sync.employees))
            return engine.run(links, since=since, full=full)
    finally:
        state.close()



def _print_summary(summary: SyncSummary, lang: str = "en") -> None:
    def t(name: str, **params: object) -> str:
        return label(lang, f"sync.{name}", **params)

    table = Table(*(t(c) for c in ("project", "status", "read", "created", "updated", "deleted", "signed_kept",
                                   "jira_edits", "signoffs", "man_days", "remaining", "overdue")),
                  title=t("title_dry" if summary.dry_run else "title"))
    for p in summary.projects:
        status = f"[red]{t('failed_status')}[/]" if p.failed else f"[green]{t('ok')}[/]"
        spent = f"{fmt_num(round(p.spent, 2))} / {fmt_num(round(p.budget or 0, 2))}" if p.spent is not None else "-"
        remaining = fmt_num(round(p.remaining, 2)) if p.remaining is not None else "-"
        remaining = f"[red]{remaining}[/]" if (p.remaining or 0) < 0 else remaining
        overdue = len(p.overdue)
        kept = f"[yellow]{p.conflicts}[/]" if p.conflicts else "0"
        table.add_row(escape(p.code), status, str(p.read), str(p.created), str(p.updated), str(p.deleted), kept,
                      str(p.jira_updates), _signoffs(p), spent, remaining, f"[red]{overdue}[/]" if overdue else "0")
    console.print(table)
    overdue = summary.overdue()
    if overdue:
        pay = Table(t("project"), t("milestone"), t("due"), t("days_overdue"), t("amount_due"),
                    title=t("overdue_title"))
        for o in overdue:
            due = o["amount_residual"] if o["amount_residual"] is not None else o["amount"]
            pay.add_row(escape(o["project"]), escape(o["name"]), str(o["date_due"] or "-"), str(o["days_overdue"]),
                        fmt_num(round(due, 2)))
        console.print(pay)
    for line in _notes(summary, lang):
        console.print(line)
    costs = t("costs", jira=summary.jira_requests, odoo=summary.odoo_calls, seconds=f"{summary.seconds:.1f}")
    console.print(f"[dim]{escape(costs)}[/]")


def _signoffs(p: ProjectResult) -> str:
    """Gates signed in Odoo from Jira / Jira issues moved to match Odoo / conflicts (requests and rejections carried
    from Jira are in --json)."""
    if not p.jira_key:
        return "-"
    conflicts = f"[yellow]{p.signoff_conflicts}[/]" if p.signoff_conflicts else "0"
    return f"{p.signoffs_signed_from_jira} / {p.signoffs_to_jira} / {conflicts}"


def _notes(summary: SyncSummary, lang: str = "en") -> list[str]:
    lines: list[str] = []
    for p in summary.projects:
        lines += [f"[red]{escape(p.code)}:[/] {escape(e)}" for e in p.errors]
        lines += [f"[yellow]{escape(p.code)}:[/] {escape(w)}" for w in p.warnings]
    lines += [f"[yellow]{label(lang, 'sync.warning')}[/] {escape(w)}" for w in _dedupe(summary.warnings)]
    if summary.ignored:
        lines.append(f"[dim]{escape(label(lang, 'sync.ignored', n=summary.ignored))}[/]")
    return lines


def _dedupe(items: list[Any]) -> list[Any]:
    return list(dict.fromkeys(items))
