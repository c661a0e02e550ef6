"""`playbook`: seed Odoo or Jira with the ERP-implementation methodology and keep man-days and payments honest."""

from __future__ import annotations

import os
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from cli.app import App
from cli.jira_cmds import jira
from cli.labels import label
from cli.logs import setup_logging
from cli.odoo_cmds import odoo
from cli.options import JSON_OPTION, LANG_OPTION, playbook_option, project_options
from cli.output import console, fmt_num, name_config_file, print_error, print_json, print_warnings
from cli.register_cmds import register
from cli.report_cmds import report
from cli.sync_cmds import sync
from connector.errors import ConfigError, ConnectorError, PlaybookError
from connector.plan import TARGET_LABELS, build_plan
from connector.playbook.loader import load_playbook
from connector.playbook.model import Playbook
from connector.settings import use_config

EPILOG = """\b
Settings come from PLAYBOOK_* environment variables over a TOML file outside the repository
(~/.config/erp-playbook/config.toml, or PLAYBOOK_CONFIG / --config), for example
PLAYBOOK_ODOO_URL, PLAYBOOK_ODOO_DB, PLAYBOOK_ODOO_USER, PLAYBOOK_ODOO_PASSWORD,
PLAYBOOK_JIRA_URL, PLAYBOOK_JIRA_USER, PLAYBOOK_JIRA_TOKEN.

\b
Start here:
  playbook show                         the default methodology: phases, gates, budget shares
  playbook plan --target odoo --size medium --industry distribution \\
                --man-days 120 --contract-amount 1500000
                                        what provisioning would create (no server needed)
"""


# Options of the root command a user may also write after the subcommand (`playbook odoo doctor --config f -vv`).
_GLOBAL_FLAG = re.compile(r"-v+|--verbose")


def hoist_global_options(args: list[str]) -> list[str]:
    """``--config FILE`` and ``-v`` wherever they are written, moved in front of the subcommand; a ``--json``
    written in front of it (``playbook --json sync``) moved to the command it belongs to."""
    front: list[str] = []
    rest: list[str] = []
    tail: list[str] = []
    json_late = False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            tail = args[i:]
            break
        if arg == "--config" and i + 1 < len(args):
            front += args[i:i + 2]
            i += 2
            continue
        if arg.startswith("--config=") or _GLOBAL_FLAG.fullmatch(arg):
            front.append(arg)
        elif arg == "--json" and not any(not a.startswith("-") for a in rest):
            json_late = True
        else:
            rest.append(arg)
        i += 1
    return front + rest + (["--json"] if json_late else []) + tail


def wants_json(args: list[str]) -> bool:
    return "--json" in (args[:args.index("--")] if "--" in args else args)


class PlaybookGroup(click.Group):
    """Turns ConnectorError into one clear message and a non-zero exit, never a traceback; with --json the error
    (usage errors included) is a JSON object on stdout instead."""

    json_errors = False

    def main(self, args: Any = None, *posargs: Any, **kwargs: Any) -> Any:
        args = hoist_global_options(list(sys.argv[1:] if args is None else args))
        self.json_errors = wants_json(args)
        return super().main(args, *posargs, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            self._usage_error(exc)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConnectorError as exc:
            extra = {"problems": [p.as_dict() for p in exc.problems]} if isinstance(exc, PlaybookError) else None
            print_error(exc.message, _with_config_file(exc), exc.exit_code, as_json=self.json_errors, extra=extra)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            self._usage_error(exc)
            raise

    def _usage_error(self, exc: click.ClickException) -> None:
        if self.json_errors:
            ctx = getattr(exc, "ctx", None)
            hint = f"see `{ctx.command_path} --help`" if ctx is not None else "see `playbook --help`"
            print_error(exc.format_message(), hint, exc.exit_code, as_json=True)
            sys.exit(exc.exit_code)


def _with_config_file(exc: ConnectorError) -> str | None:
    """Hints name the config file in use (the default path, --config or PLAYBOOK_CONFIG): where they say "the config
    file", for a configuration error that does not say where to fix it, and for a hint naming PLAYBOOK_* variables
    that are not set (their values came from the file)."""
    hint = name_config_file(exc.hint)
    from connector.settings import config_in_use

    source = config_in_use()
    if hint and str(source.path) in hint:
        return hint
    variables = re.findall(r"PLAYBOOK_[A-Z_]+", hint or "")
    from_file = source.exists and any(v not in os.environ for v in variables)
    if (isinstance(exc, ConfigError) and not variables) or from_file:
        where = f"config file in use: {source.describe()}"
        return f"{hint}; {where}" if hint else where
    return hint


@click.group(cls=PlaybookGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), envvar="PLAYBOOK_CONFIG",
              help="TOML settings file (default ~/.config/erp-playbook/config.toml; also PLAYBOOK_CONFIG). "
                   "May be given before or after the subcommand.")
@click.option("-v", "--verbose", count=True,
              help="More log output: -v steps, -vv debug and HTTP requests, -vvv library dumps. Secrets are always "
                   "masked.")
@click.version_option(package_name="erp-playbook")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, verbose: int) -> None:
    """Seed Odoo or Jira with a proven ERP-implementation methodology, then keep man-days and payment
    collection honest every night."""
    setup_logging(verbose)
    use_config(config)
    ctx.obj = App(config)


@cli.command()
@playbook_option
@LANG_OPTION
@JSON_OPTION
def show(playbook_ref: str, lang: str, as_json: bool) -> None:
    """Show a playbook: phases in order, their budget share, checklist size and sign-off gates."""
    pb = load_playbook(playbook_ref)
    if as_json:
        print_json(pb.model_dump())  # python mode: shares and hours stay Decimals, i.e. exact JSON numbers
        return
    console.print(f"[bold]{escape(pb.name.get(lang))}[/]  ({pb.key} {pb.version})")
    roles = {r.key: r.name.get(lang) for r in pb.roles}
    table = Table("#", label(lang, "phase"), label(lang, "budget"), label(lang, "checklist"),
                  label(lang, "gates_signed_by"))
    for i, phase in enumerate(pb.phases, 1):
        gates = "\n".join(
            f"{'[bold red]' + label(lang, 'hard') + '[/] ' if g.hard else ''}"
            f"{'[bold red]' + label(lang, 'hard') + ' ' + '/'.join(g.hard_for) + '[/] ' if g.hard_for else ''}"
            f"{escape(g.name.get(lang))} "
            f"({escape(roles.get(g.signed_by, g.signed_by))})"
            + (f" [dim]{'/'.join(g.sizes)}[/]" if g.sizes else "")
            for g in phase.gates
        ) or f"[dim]{label(lang, 'checklist_only')}[/]"
        share = f"{fmt_num(phase.budget_share)} %"
        table.add_row(str(i), escape(phase.name.get(lang)), share, str(len(phase.checklist)), gates)
    console.print(table)
    pay = Table(label(lang, "payment_milestone"), label(lang, "share"), label(lang, "falls_due_on"),
                label(lang, "grace"))
    gate_names = {g.key: g.name.get(lang) for _, g in pb.gates()}
    for m in pb.payment_milestones:
        due = gate_names.get(m.gate or "", label(lang, "contract_signing"))
        if m.delay_days:
            due = label(lang, "plus_days", due=due, days=m.delay_days)
        pay.add_row(escape(m.name.get(lang)), f"{fmt_num(m.percent)} %", escape(due),
                    label(lang, "days", days=m.grace_days))
    console.print(pay)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@JSON_OPTION
def validate(file: Path, as_json: bool) -> None:
    """Check a playbook FILE (and what it extends): every problem with its file, line and field path."""
    try:
        pb = load_playbook(file)
    except PlaybookError as exc:
        if as_json:
            print_json({"valid": False, "ok": False, "error": exc.message, "hint": exc.hint,
                        "exit_code": exc.exit_code, "problems": [p.as_dict() for p in exc.problems]})
            sys.exit(exc.exit_code)
        raise
    summary = _summary(pb)
    if as_json:
        print_json({"valid": True, "playbook": pb.key, "version": pb.version, **summary})
        return
    console.print(f"[green]valid[/]: {file} — {pb.key} {pb.version}: "
                  + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in summary.items()))


def _summary(pb: Playbook) -> dict[str, int]:
    return {
        "phases": len(pb.phases),
        "checklist_items": sum(len(p.checklist) for p in pb.phases),
        "gates": len(pb.gates()),
        "hard_gates": len(pb.hard_gates()),
        "payment_milestones": len(pb.payment_milestones),
    }


@cli.command()
@click.option("--target", type=click.Choice(sorted(TARGET_LABELS)), required=True, help="Where it would be created.")
@click.option("--project", "project_ref", default=None, metavar="CODE",
              help="Project code the records are keyed by (default: from --name, else the playbook's name).")
@click.option("--name", "project_name", default=None, metavar="NAME",
              help="Display name of the project (default: the code, else the playbook's name).")
@project_options
@LANG_OPTION
@JSON_OPTION
def plan(target: str, project_ref: str | None, project_name: str | None, size: str, industry: str | None,
         man_days: Decimal, contract_amount: Decimal, hours_per_day: Decimal | None, playbook_ref: str, lang: str,
         as_json: bool) -> None:
    """Print exactly what provisioning would create, without touching any server."""
    from cli.projects import new_project

    pb = load_playbook(playbook_ref)
    project = new_project(project_ref, project_name, None)
    project_plan = build_plan(pb, size=size, industry=industry, man_days=man_days, contract_amount=contract_amount,
                              hours_per_day=hours_per_day, project_name=project.name, code=project.code)
    print_warnings(project_plan.warnings)
    roles = {r.key: r.name.get(lang) for r in pb.roles}
    if as_json:
        print_json(project_plan.as_dict(lang, target))
        return
    labels = TARGET_LABELS[target]
    counts = Table(label(lang, "kind"), label(lang, "target_record", target=target), label(lang, "count"),
                   title=label(lang, "records_title"))
    for kind, n in project_plan.counts().items():
        counts.add_row(label(lang, f"kind.{kind}"), labels[kind], str(n))
    counts.add_row(f"[bold]{label(lang, 'total')}[/]", "", f"[bold]{len(project_plan.records)}[/]")
    console.print(counts)

    name = project_plan.project_name if project.name else pb.name.get(lang)
    size_name = next((p.name.get(lang) for p in pb.sizes if p.key == size), size)
    industry_name = next((i.name.get(lang) for i in pb.industries if i.key == industry), industry)
    root = Tree("[bold]" + escape(label(lang, "plan_root", name=name, size=size_name,
                                        industry=industry_name or label(lang, "no_industry"),
                                        man_days=fmt_num(man_days), amount=fmt_num(contract_amount)))
                .replace(name, f"{name}[/]", 1))
    for phase in project_plan.by_kind("phase"):
        budget = fmt_num(phase.values["budget_man_days"])
        branch = root.add("[bold]" + escape(label(lang, "phase_budget", name=phase.name.get(lang), days=budget))
                          .replace(" — ", "[/] — ", 1))
        for child in project_plan.children(phase.key):
            if child.kind == "gate":
                hard = f"[bold red]{label(lang, 'hard')}[/] " if child.values["hard"] else ""
                branch.add(f"{hard}[magenta]{label(lang, 'sign_off')}[/] {escape(child.name.get(lang))} "
                           f"({escape(roles.get(child.values['signed_by'], child.values['signed_by']))})")
            else:
                tag = label(lang, "deliverable" if child.kind == "deliverable" else "check")
                branch.add(f"[dim]{tag}[/] {escape(child.name.get(lang))}")
    payments = root.add(f"[bold]{label(lang, 'payment_milestones')}[/]")
    gate_names = {g.key: g.name.get(lang) for _, g in pb.gates()}
    for pm in project_plan.by_kind("payment_milestone"):
        gate = pm.values["gate"]
        on = label(lang, "on_gate", gate=gate_names.get(gate, gate)) if gate else label(lang, "on_signing")
        payments.add(f"{escape(pm.name.get(lang))}: {fmt_num(pm.values['amount'])} ({fmt_num(pm.values['percent'])} %)"
                     + escape(on))
    cadences = project_plan.by_kind("cadence")
    if cadences:
        rhythm = root.add(f"[bold]{label(lang, 'cadences')}[/]")
        for cadence in cadences:
            owner = roles.get(cadence.values["owner_role"], cadence.values["owner_role"])
            rhythm.add(f"{escape(cadence.name.get(lang))} ({label(lang, 'freq.' + cadence.values['frequency'])}, "
                       f"{escape(owner)})")
    console.print(root)
    console.print(f"[dim]{escape(label(lang, 'plan_dry_run', target=target))}[/]")


for _command in (odoo, jira, sync, report):  # each area's commands live in cli/<area>_cmds.py
    cli.add_command(_command)
cli.add_command(register)

if __name__ == "__main__":
    cli()
