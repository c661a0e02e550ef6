"""The first step of the report pipeline: gather one project's snapshot — Odoo's records, the register (Jira's
Requirement / Issue issues when the project is linked to Jira, else Odoo's task tags) and the last sync time —
for the pure analysis that follows (snapshot → analysis → report model → document → renderers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from connector.errors import ConnectorError
from connector.jira.adapter import JiraError
from connector.odoo.records import OdooExecutor
from connector.playbook.loader import load_playbook
from connector.playbook.model import Playbook
from connector.progress import Progress, no_progress
from connector.reports.odoo_source import OdooReportSource, RegisterReader, ReportDataError
from connector.reports.snapshot import ProjectSnapshot
from connector.reports.sync_status import read_sync_status
from connector.settings import ProjectLink, Settings

REGISTER_SOURCES = ("auto", "jira", "odoo")


def _project_link(settings: Settings, *refs: str | None) -> ProjectLink | None:
    """The configured project (``[[projects]]``) a reference names: its code, Jira key or Odoo name."""
    for ref in refs:
        link = settings.find_project(ref)
        if link is not None:
            return link
    return None


def _project_refs(link: ProjectLink | None, ref: str) -> list[str]:
    """What to look up in Odoo: the configured project's code and Odoo name, or the argument itself."""
    return [r for r in (link.code, link.odoo_project) if r] if link else [ref]


def _jira_register(settings: Settings, link: ProjectLink | None, playbook: Any, wanted: str,
                   connect_jira: Callable[[Settings], Any]) -> RegisterReader | None:
    """The Jira register reader when asked for (or, with auto, when the project has a Jira key and Jira is set up)."""
    if wanted == "odoo":
        return None
    jira_ready = bool(settings.jira.url and settings.jira.token)
    if wanted == "jira" and not (link and link.jira_key):
        raise ConnectorError("--register jira needs a project with a jira_key in the configuration",
                             "add jira_key to the project's [[projects]] table, or use --register odoo")
    if wanted == "auto" and not (link and link.jira_key and jira_ready):
        return None
    from connector.jira.templates import load_templates
    from connector.reports.jira_register import JiraRegisterReader

    assert link is not None and link.jira_key
    return JiraRegisterReader(connect_jira(settings), link.jira_key, playbook, load_templates())


def read_snapshot(settings: Settings, playbook_ref: str, project_ref: str, as_of: date, register_source: str = "auto",
                  *, connect_odoo: Callable[[Settings], OdooExecutor], connect_jira: Callable[[Settings], Any],
                  progress: Progress = no_progress, **window: Any) -> tuple[Playbook, ProjectSnapshot]:
    """The playbook and the project's snapshot as of ``as_of``; ``window`` narrows the timesheet lines read
    (``lines_from``/``lines_to``) or the phase (``phase_key``)."""
    playbook = load_playbook(playbook_ref)
    link = _project_link(settings, project_ref)
    reader = _jira_register(settings, link, playbook, register_source, connect_jira)
    where = "Odoo and Jira" if reader else "Odoo"
    progress(f"reading the project from {where}...", 0, None)
    source = OdooReportSource(connect_odoo(settings), playbook, register_reader=reader)
    refs = _project_refs(link, project_ref)
    for i, ref in enumerate(refs):
        try:
            snap = source.snapshot(ref, as_of, **window)
            break
        except ReportDataError as exc:
            if i == len(refs) - 1 or "no Odoo project" not in exc.message:
                raise
        except JiraError as exc:
            if register_source != "auto":
                raise
            # Jira is down or refuses us: say so, and how to report from Odoo alone meanwhile.
            raise ConnectorError(f"reading the register from Jira failed: {exc.message}",
                                 f"{exc.hint + '; or ' if exc.hint else ''}report the register from the Odoo "
                                 "task tags with --register odoo") from None
    else:
        raise AssertionError("unreachable")
    # The project may have been named by its Odoo id or name: find its configured link by what Odoo says.
    link = link or _project_link(settings, snap.project.code, snap.project.name)
    sync = read_sync_status(settings.sync, link, datetime.now(UTC))
    return playbook, snap.model_copy(update={"sync": sync})
