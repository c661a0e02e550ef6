"""`playbook report ...`: the weekly executive status report, the phase documents and the portfolio, from live
Odoo, the register from Jira when the project is linked to one, and the last sync time from the sync state."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from cli.app import App, pass_app
from cli.options import JSON_OPTION, LANG_OPTION, playbook_option, project_option
from cli.output import err_console, print_json
from cli.progress import progress_bar
from connector.errors import ConnectorError
from connector.playbook.model import Playbook, slug
from connector.reports.document import Document
from connector.reports.gather import REGISTER_SOURCES, read_snapshot
from connector.reports.snapshot import ProjectSnapshot

FORMATS = ("md", "html", "pdf")
SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def _options(func: Any) -> Any:
    options = [
        project_option(required=True, extra="An Odoo project name or id also works for a project not configured."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="Output format (default: from the -o file's suffix, else md)."),
        click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Write to FILE (Markdown charts go beside it as PNG). Default: stdout; PDF: a file "
                          "named after the project in the current directory."),
        click.option("--as-of", callback=_parse_date, default=None, metavar="YYYY-MM-DD",
                     help="Figures as of this date instead of today (re-issue an older report)."),
        click.option("--register", "register_source", type=click.Choice(REGISTER_SOURCES), default="auto",
                     show_default=True,
                     help="Where the issue and requirement register comes from: Jira's Requirement / Issue issues "
                          "(auto: when the project has a jira_key and Jira is configured) or Odoo task tags."),
        playbook_option, LANG_OPTION, JSON_OPTION,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _snapshot(app: App, playbook_ref: str, project_ref: str, as_of: date, register_source: str, as_json: bool,
              **window: Any) -> tuple[Playbook, ProjectSnapshot]:
    with progress_bar(as_json=as_json) as progress:
        return read_snapshot(app.settings, playbook_ref, project_ref, as_of, register_source,
                             connect_odoo=lambda _settings: app.odoo(), connect_jira=lambda _settings: app.jira(),
                             progress=progress, **window)


def _emit(doc_factory: Callable[[bool], Document], fmt: str | None, output: Path | None, default_name: str) -> None:
    """Render in the chosen format and write to ``output`` or stdout."""
    if fmt is None:
        fmt = SUFFIX_FORMATS.get(output.suffix.lower(), "md") if output else "md"
    if fmt == "pdf" and output is None:
        output = Path(f"{default_name}.pdf")
    if output is not None and str(output) == "-":
        output = None
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConnectorError(f"cannot create {output.parent}: {exc.strerror}", "choose another -o path") from None
    if fmt == "pdf":
        from connector.reports.pdf import render_pdf

        data: bytes | str = render_pdf(doc_factory(True))
    elif fmt == "html":
        from connector.reports.render import render_html

        data = render_html(doc_factory(True))
    else:
        from connector.reports.render import render_markdown

        # Charts only when there is a folder to put them in.
        doc = doc_factory(output is not None)
        data = render_markdown(doc, output.parent if output else None, output.stem if output else "report")
    if output is None:
        click.echo(data, nl=False)
        return
    try:
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise ConnectorError(f"cannot write {output}: {exc.strerror}", "choose another -o path") from None
    err_console.print(f"wrote {output}")


@click.group()
def report() -> None:
    """Reports from the live Odoo: the weekly executive status report, the phase documents
    (plan, summary, confirmation certificate) and the portfolio of every implementation project,
    in zh_TW, zh_CN or en, as Markdown, HTML or PDF."""


@report.command()
@_options
@click.option("--week", default=None, metavar="YYYY-Wnn", help="ISO week, e.g. 2026-W48 (default: this week).")
@pass_app
def weekly(app: App, project_ref: str, fmt: str | None, output: Path | None, as_of: date | None,
           register_source: str, playbook_ref: str, lang: str, as_json: bool, week: str | None) -> None:
    """Weekly executive status report: phase progress and gates, man-day burn, this and next week's work,
    the register by disposition, payment milestones and the risks the data shows."""
    from connector.reports.weekly import build_weekly, weekly_document
    from connector.reports.weeks import IsoWeek, report_date

    today = as_of or date.today()
    iso = IsoWeek.parse(week) if week else IsoWeek.of(today)
    figures_date = report_date(iso, today)
    playbook, snap = _snapshot(app, playbook_ref, project_ref, figures_date, register_source, as_json,
                               lines_from=iso.start, lines_to=iso.end)
    rep = build_weekly(snap, playbook, iso, lang)
    if as_json:
        print_json(rep.model_dump(mode="json"))
        return
    name = f"{slug(snap.project.code or snap.project.name)}-weekly-{iso}"
    _emit(lambda charts: weekly_document(rep, today=date.today(), with_chart=charts), fmt, output, name)


def _phase_command(kind: str, help_text: str) -> click.Command:
    @pass_app
    def command(app: App, project_ref: str, fmt: str | None, output: Path | None, as_of: date | None,
                register_source: str, playbook_ref: str, lang: str, as_json: bool, phase: str) -> None:
        from connector.reports.phase_docs import build_phase_report, phase_document

        playbook, snap = _snapshot(app, playbook_ref, project_ref, as_of or date.today(), register_source, as_json,
                                   phase_key=phase)
        rep = build_phase_report(snap, playbook, phase, kind, lang)  # type: ignore[arg-type]
        if as_json:
            print_json(rep.model_dump(mode="json"))
            return
        name = f"{slug(snap.project.code or snap.project.name)}-{kind.replace('_', '-')}-{rep.phase.key}"
        _emit(lambda _charts: phase_document(rep, today=date.today()), fmt, output, name)

    command.__doc__ = help_text
    command = click.option("--phase", required=True, help="Phase key, sequence number or name.")(command)
    return report.command(name=kind.replace("_", "-"), help=help_text)(_options(command))


_phase_command("phase_plan", "Phase plan, before the phase starts: purpose, entry criteria, checklist with owners and "
                             "deadlines, deliverables, sign-offs, payments they trigger, man-days.")
_phase_command("phase_summary", "Phase summary, after the phase: results, open items carried forward, sign-offs, "
                                "man-days spent and remaining, the next phase.")
_phase_command("confirmation", "Phase confirmation certificate: the signed implementation log (customer-confirmed "
                               "timesheet lines), days invested and remaining, and a signature block.")

@report.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: from the -o file's suffix, else md).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE (Markdown charts go beside it as PNG). Default: stdout; PDF: portfolio-<date>.pdf "
                   "in the current directory.")
@LANG_OPTION
@JSON_OPTION
@pass_app
def portfolio(app: App, fmt: str | None, output: Path | None, lang: str, as_json: bool) -> None:
    """Every implementation project side by side: phase, man-day budget / spent / forecast at completion, sign-offs
    waiting and for how long, payments overdue and due, cash expected in 30 / 60 / 90 days. The figures are the
    addon's portfolio (Implementation › Portfolio in Odoo), read in two calls whatever the number of projects."""
    from connector.reports.portfolio import build_portfolio, portfolio_document, read_portfolio

    today = date.today()
    with progress_bar(as_json=as_json) as progress:
        progress("reading the portfolio from Odoo...", 0, None)
        projects = read_portfolio(app.odoo())
    rep = build_portfolio(projects, today, lang)
    if as_json:
        print_json(rep.model_dump(mode="json"))
        return
    _emit(lambda charts: portfolio_document(rep, today=today, with_chart=charts), fmt, output,
          f"portfolio-{today.isoformat()}")


if __name__ == "__main__":  # pragma: no cover
    report(sys.argv[1:])
