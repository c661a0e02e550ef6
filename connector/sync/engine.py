"""The nightly sync: Jira worklogs → Odoo timesheets, man-days and payment status → both sides.

One pass over Jira's global worklog feeds serves every configured project, so a run with nothing changed costs
the same handful of requests for one project or a hundred. Each project has its own cursors
(``updated:<code>``, ``deleted:<code>``), written only after the batch they cover is committed in Odoo; a run
killed anywhere re-reads at most one batch, and the Odoo side stays idempotent through ``erp_jira_worklog_id``.
A failing project is recorded and left behind; the others complete. Lines the customer confirmed keep what was
signed (``signed_log``); lines are booked on the worklog author's employee (``authors``). Sign-off gates are
brought in line on both sides (``signoffs``) before payments are read, so a gate signed in Jira makes its payment
fall due in the same run.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from connector.errors import ConnectorError
from connector.odoo.records import XMLID_MODULE, m2o_id, project_xmlid
from connector.settings import ProjectLink
from connector.sync.authors import Author, EmployeeDirectory
from connector.sync.figures import NS_INVOICE, PhaseFigures, fmt, invoice_memory, num, payment
from connector.sync.held import HeldLines, blocked_phases
from connector.sync.issues import IssueInfo, IssueMap
from connector.sync.jira_push import JiraTargets, edits, missing_message
from connector.sync.jira_side import JiraSide
from connector.sync.line_creator import HAND_OVER, Batch, LineCreator, OneAtATime
from connector.sync.odoo_side import OdooSide
from connector.sync.ports import JiraPort, OdooPort
from connector.sync.signed_log import conflict_message, issue_key
from connector.sync.signoffs import SignoffSync, SignoffWorkflow
from connector.sync.state import (
    FEEDS,
    NS_CURSOR,
    NS_PROJECT,
    NS_RUN,
    REBUILDABLE,
    DryRunState,
    StateStore,
    cursor_key,
    project_cursor_keys,
    run_record,
)
from connector.sync.summary import ProjectResult, SyncSummary
from connector.sync.timesheets import DELETE, Conflict, LinePlan, decide, plan_lines
from connector.transport import TRANSPORT_ERRORS, describe_transport_error

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]  # (what, done, total or None)
FIRST_RUN_MARGIN_MS = 3600 * 1000  # a first run starts an hour before the project's oldest issue was created


@dataclass
class _Project:
    link: ProjectLink
    result: ProjectResult
    odoo: dict[str, Any] | None = None
    phase_tasks: dict[str, int] = field(default_factory=dict)
    blocked: dict[str, str] = field(default_factory=dict)  # phase key -> unsigned hard gates (sync/held.py)
    conflicts: set[str] = field(default_factory=set)  # worklog ids reported as conflicts in this run

    @property
    def code(self) -> str:
        return self.link.code

    @property
    def odoo_id(self) -> int:
        assert self.odoo is not None
        return int(self.odoo["id"])


class SyncEngine:
    def __init__(self, *, odoo: OdooPort, jira: JiraPort | None, state: StateStore, dry_run: bool = False,
                 grace_days: int | None = None, progress: Progress | None = None,
                 jira_problem: str | None = None, employees: dict[str, str] | None = None,
                 signoff_workflow: SignoffWorkflow | None = None) -> None:
        """``employees``: the explicit ``[sync] employees`` mapping (Jira account id or e-mail → employee name)."""
        self.odoo_port, self.jira_port = odoo, jira
        # New lines are created on a worker thread while the next Jira pages are read (sync/line_creator.py), over
        # a connection of its own when the client can open one; else the connection is shared, one call at a time.
        self._second = getattr(odoo, "another_connection", None)
        self.odoo = OdooSide(odoo if callable(self._second) else OneAtATime(odoo))
        self._creating: OdooSide | None = None  # the creator's side, opened with the first batch of new lines
        self.creator = LineCreator(self._create_lines, threaded=not dry_run)
        self._cursors: dict[str, int] = {}  # the feed's cursors while it is read (moved as batches are created)
        self.jira = JiraSide(jira) if jira is not None else None
        # A dry run reads the real state but keeps its own writes in memory.
        self.state: StateStore = DryRunState(state) if dry_run else state
        self.dry_run = dry_run
        self.grace_days = grace_days
        self.jira_problem = jira_problem or "Jira is not configured (set PLAYBOOK_JIRA_URL, _USER and _TOKEN)"
        self.progress: Progress = progress or (lambda what, done, total: None)
        self.directory = EmployeeDirectory(self.odoo, self.state, employees)
        self.held = HeldLines(self.state)
        self.signoff_workflow = signoff_workflow
        self.issue_map = IssueMap(self.jira, self.state) if self.jira is not None else None
        self.targets = JiraTargets(self.jira, self.state) if self.jira is not None else None
        self._pending: dict[str, tuple[_Project, dict[str, Any]]] = {}  # worklog id → (project, line to create)

    # ------------------------------------------------------------------------------------------ run
    def run(self, links: list[ProjectLink], *, since: int | None = None, full: bool = False) -> SyncSummary:
        started = time.monotonic()
        jira_before = getattr(self.jira_port, "request_count", 0)
        odoo_before = getattr(self.odoo_port, "rpc_calls", 0)
        summary = SyncSummary(dry_run=self.dry_run, full=full)
        projects = [_Project(link, ProjectResult(link.code, link.jira_key, link.odoo_project)) for link in links]
        summary.projects = [p.result for p in projects]
        with self.state.lock():
            if full:
                self._forget(projects)
            live = self._resolve_projects(projects)
            jira_projects = [p for p in live if p.link.jira_key]
            if jira_projects and self.jira is None:
                for p in jira_projects:
                    p.result.fail(f"the project has a jira_key but Jira cannot be used: {self.jira_problem}")
                jira_projects = []
            # A fault no step foresaw fails the projects still running, never the run: the summary and the run
            # record are still written.
            if jira_projects:
                self._guard(jira_projects, "syncing worklogs", self._sync_worklogs, jira_projects, summary, since, full)
                self._guard(jira_projects, "syncing sign-offs", self._sync_signoffs, self._live(jira_projects))
            self._guard(live, "reading man-days and payments", self._read_figures, live)
            if jira_projects:
                self._guard(jira_projects, "writing to Jira", self._push_to_jira, self._live(jira_projects), summary)
            self._record_runs(projects)
        for message in self.directory.warnings():
            log.warning(message)
            summary.warnings.append(message)
        summary.jira_requests = getattr(self.jira_port, "request_count", 0) - jira_before
        summary.odoo_calls = getattr(self.odoo_port, "rpc_calls", 0) - odoo_before
        summary.seconds = time.monotonic() - started
        for p in projects:
            for message in p.result.errors:
                log.error("project %s failed: %s", p.code, message)
        return summary

    def _guard(self, projects: list[_Project], what: str, step: Callable[..., None], *args: Any) -> None:
        try:
            step(*args)
        except ConnectorError as exc:
            self._fail_all(projects, what, exc)
        except TRANSPORT_ERRORS as exc:
            self._fail_all(projects, what, ConnectorError(describe_transport_error(exc), "run again; a re-run resumes"))

    def _record_runs(self, projects: list[_Project]) -> None:
        """``run/<code>``: when each project's last run finished and whether it failed (the reports show it)."""
        finished = datetime.now(UTC).isoformat(timespec="seconds")
        before = self.state.get_many(NS_RUN, [p.code for p in projects])
        self.state.put_many(NS_RUN, {p.code: run_record(finished, not p.result.failed,
                                                        p.result.errors[0] if p.result.errors else None,
                                                        before.get(p.code)) for p in projects})

    def _forget(self, projects: list[_Project]) -> None:
        """--full: re-read every worklog and rebuild every cached mapping."""
        for ns in REBUILDABLE:
            if ns == NS_CURSOR:
                self.state.delete(ns, [k for p in projects for k in project_cursor_keys(p.code)])
            else:
                self.state.delete(ns)

    def _resolve_projects(self, projects: list[_Project]) -> list[_Project]:
        self.progress("Odoo projects", 0, None)
        try:
            known = {k: int(v) for k, v in self.state.get_many(NS_PROJECT, [p.code for p in projects]).items()}
            found, by_xmlid = self.odoo.projects([p.link for p in projects], known)
            if by_xmlid != known:
                self.state.delete(NS_PROJECT, [code for code in known if code not in by_xmlid])
                self.state.put_many(NS_PROJECT, {k: v for k, v in by_xmlid.items() if known.get(k) != v})
        except ConnectorError as exc:
            for p in projects:
                p.result.fail(f"reading the Odoo projects failed: {exc.message}")
            return []
        live = []
        for p in projects:
            p.odoo = found.get(p.code)
            if p.odoo is None:
                by_name = f" or name {p.link.odoo_project!r}" if p.link.odoo_project else ""
                p.result.fail(f"no Odoo project with external id {XMLID_MODULE}.{project_xmlid(p.code)}{by_name}; "
                              "provision it (`playbook odoo provision`) or set odoo_project to its exact name")
                continue
            p.result.odoo_project = p.odoo["name"]
            p.result.hours_per_day = float(p.odoo.get("erp_hours_per_day") or 8.0)
            if p.link.hours_per_day and float(p.link.hours_per_day) != p.result.hours_per_day:
                p.result.warnings.append(
                    f"hours_per_day {p.link.hours_per_day} in the config differs from the Odoo project's "
                    f"{p.result.hours_per_day:g}; man-days follow Odoo (set Hours per Man-day on the project)")
            live.append(p)
        return live

    # -------------------------------------------------------------------------------------- worklogs
    def _sync_worklogs(self, projects: list[_Project], summary: SyncSummary, since: int | None, full: bool) -> None:
        assert self.jira is not None
        by_jira_key = {p.link.jira_key: p for p in projects}
        keys = [k for p in projects for k in project_cursor_keys(p.code)]
        cursors = {k: int(v) for k, v in self.state.get_many(NS_CURSOR, keys).items()}

        first = {} if since is not None else self._first_run_starts([p for p in projects if not all(
            k in cursors for k in project_cursor_keys(p.code))])

        if not self._live(projects):
            return

        def start(feed: str) -> int:
            if since is not None:
                return since
            return min(cursors.get(cursor_key(feed, p.code), first.get(p.code, 0))
                       for p in self._live(projects) or projects)

        seen: set[str] = set()
        updated, deleted = FEEDS
        self._guard(self._live(projects), "importing held worklogs", self._release_held, projects, by_jira_key, summary)
        complete = self._feed_updated(projects, by_jira_key, summary, start(updated), cursors, seen)
        self._feed_deleted(projects, start(deleted), cursors)
        if full and since is None and complete:
            self._reconcile(projects, seen)

    def _first_run_starts(self, projects: list[_Project]) -> dict[str, int]:
        """Where a project without a cursor starts reading the site-wide worklog feeds: when its oldest Jira issue was
        created (for a project set up by `playbook jira provision`, its provisioning), since no worklog of its issues
        can have changed before; not the beginning of the site's history. ``--since`` reads further back."""
        assert self.jira is not None
        starts = {}
        for p in projects:
            try:
                created = self.jira.first_created(str(p.link.jira_key))
            except ConnectorError as exc:
                self._fail_all([p], "finding where the first run starts", exc)
                continue
            now = int(time.time() * 1000)
            starts[p.code] = max(0, (created if created is not None else now) - FIRST_RUN_MARGIN_MS)
        return starts

    def _live(self, projects: list[_Project]) -> list[_Project]:
        return [p for p in projects if not p.result.failed]

    def _commit_cursors(self, feed: str, projects: list[_Project], until: int, cursors: dict[str, int]) -> None:
        """Move the cursors of the projects whose batch is committed; never backwards (``--since`` re-reads)."""
        moved = {}
        for p in self._live(projects):
            key = cursor_key(feed, p.code)
            if until > cursors.get(key, 0):
                moved[key] = cursors[key] = until
        self.state.put_many(NS_CURSOR, moved)

    def _fail_all(self, projects: list[_Project], what: str, exc: ConnectorError) -> None:
        for p in self._live(projects):
            p.result.fail(f"{what}: {exc.message}" + (f" (fix: {exc.hint})" if exc.hint else ""))

    def _feed_updated(self, projects: list[_Project], by_jira_key: dict[str | None, _Project], summary: SyncSummary,
                      since: int, cursors: dict[str, int], seen: set[str]) -> bool:
        """Worklogs changed since ``since``, page by page; True when the feed was read to its end."""
        assert self.jira is not None
        done = 0
        self._pending.clear()
        self._cursors = cursors
        read_to: int | None = None  # the end of the last page whose worklogs are applied or pending
        try:
            for ids, until in self.jira.changed_pages("updated", since):
                self._settle(projects)
                if not self._live(projects):
                    return False
                if ids:
                    seen.update(self._page(ids, projects, by_jira_key, summary))
                    done += len(ids)
                read_to = until
                # New lines go to the creator as soon as it is idle (else once a thousand wait), created while the
                # next pages are read; a cursor moves only past pages whose lines are all in Odoo (``_settle``).
                self._settle(projects)
                if not self._pending or not self.creator.busy or len(self._pending) >= HAND_OVER:
                    self._hand_over(projects, until)
                self.progress("worklogs", done, None)
            if self._pending:
                self._hand_over(projects, read_to)
            self._settle(projects, wait=True)
        except ConnectorError as exc:
            if self._pending and read_to is not None:  # what was read before the fault is kept
                self._hand_over(projects, read_to)
            self._pending.clear()
            self._settle(projects, wait=True)
            self._fail_all(projects, "reading changed worklogs", exc)
            return False
        finally:
            self.creator.stop()  # on any other error or Ctrl-C: nothing more is created, no thread is left
            self._pending.clear()
        return True

    def _page(self, ids: list[int], projects: list[_Project], by_jira_key: dict[str | None, _Project],
              summary: SyncSummary, strict: bool = True) -> set[str]:
        """Read these worklogs and bring their lines in Odoo in line; the ids Jira returned."""
        assert self.jira is not None
        worklogs = self.jira.worklogs(ids, strict)
        issues = self._issues({str(w["issueId"]) for w in worklogs})
        routed = self._route(worklogs, issues, by_jira_key, summary)
        if self.creator.holds({str(w["id"]) for w in worklogs}):
            self._settle(projects, wait=True)  # a worklog met again: its line is read once it is created
        existing = {row["erp_jira_worklog_id"]: row
                    for row in self.odoo.lines_by_worklog([str(w["id"]) for w in worklogs])}
        self.directory.sync_uid = getattr(self.odoo_port, "uid", None)
        employees = self.directory.resolve(Author.of(w) for ws in routed.values() for w in ws)
        for p in self._live(projects):
            self._apply(p, routed.get(p.code, []), issues, existing, employees)
        return {str(w["id"]) for w in worklogs}

    def _release_held(self, projects: list[_Project], by_jira_key: dict[str | None, _Project],
                      summary: SyncSummary) -> None:
        """Worklogs held by earlier runs go through again: imported if their phase is open now (sync/held.py).
        Not strict: a held worklog deleted in Jira meanwhile is simply forgotten."""
        codes = [p.code for p in self._live(projects)]
        if ids := self.held.waiting(codes):
            found = self._page(ids, projects, by_jira_key, summary, strict=False)
            self._hand_over(projects, None)
            self._settle(projects, wait=True)
            self.held.forget_gone(codes, ids, found)

    def _route(self, worklogs: list[dict[str, Any]], issues: dict[str, IssueInfo],
               by_jira_key: dict[str | None, _Project], summary: SyncSummary) -> dict[str, list[dict[str, Any]]]:
        routed: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for w in worklogs:
            issue = issues.get(str(w["issueId"]))
            if issue is None:
                message = (f"worklog {w['id']} is on issue id {w['issueId']}, which Jira did not return "
                           "(deleted, or the sync user cannot browse it): skipped")
                log.warning(message)
                summary.warnings.append(message)
                continue
            p = by_jira_key.get(issue.project)
            if p is None:
                summary.ignored += 1  # another Jira project: not ours to sync
                continue
            routed[p.code].append(w)
        return routed

    def _apply(self, p: _Project, worklogs: list[dict[str, Any]], issues: dict[str, IssueInfo],
               existing: dict[str, dict[str, Any]], employees: dict[str, int]) -> None:
        """Create, update or leave each worklog's timesheet line (``timesheets.plan_lines``): new lines wait for one
        large ``create``, one ``write`` per distinct change; a line the customer confirmed keeps what was signed."""
        result = p.result
        try:
            if worklogs and not p.phase_tasks:
                rows = self.odoo.phases([p.odoo_id])
                p.phase_tasks = {ph["key"]: m2o_id(ph["task_id"]) for ph in rows if m2o_id(ph["task_id"])}
                p.blocked = blocked_phases(rows)
            worklogs = self.held.sift(p.code, result, worklogs, issues, existing, p.blocked, p.phase_tasks)
            plan = plan_lines(worklogs, issues, p.odoo_id, p.phase_tasks, employees, existing)
            self._write_plan(p, plan)
        except ConnectorError as exc:
            if employees:
                self.directory.forget()  # an employee may have been archived since it was cached
            result.fail(f"writing timesheets failed: {exc.message}" + (f" (fix: {exc.hint})" if exc.hint else ""))

    def _write_plan(self, p: _Project, plan: LinePlan) -> None:
        """Writes at once; the new lines (``plan.creates``) join the pending creates (``_hand_over``)."""
        result = p.result
        result.read += plan.read
        for c in plan.conflicts:
            self._conflict(p, c)
        if not self.dry_run:
            for line_ids, values in plan.write_batches():
                self.odoo.write_lines(line_ids, values)
        for values in plan.creates:  # a worklog met again before its line was created: the later values win
            self._pending[values["erp_jira_worklog_id"]] = (p, values)
        result.updated += plan.updated
        result.unchanged += plan.unchanged
        for key, n in plan.no_phase.items():
            message = (f"{n} worklog(s) on {key}, which belongs to no phase epic known in Odoo: "
                       "booked on the project without a task")
            log.warning("project %s: %s", p.code, message)
            result.warnings.append(message)

    def _hand_over(self, projects: list[_Project], until: int | None) -> None:
        """The pending lines go to the creator as one batch (one ``create`` per project), with the cursor they
        cover and the held worklogs they release (sync/held.py)."""
        lines: dict[str, list[dict[str, Any]]] = {}
        for p, values in self._pending.values():
            if not p.result.failed:  # else its cursor stays: the next run reads these worklogs again
                lines.setdefault(p.code, []).append(values)
        self._pending.clear()
        if lines and self._creating is None and not self.dry_run:
            self._creating = OdooSide(self._second()) if callable(self._second) else self.odoo
        by_code = {p.code: p for p in projects}
        self.creator.submit(Batch(lines, until, self.held.take_released(),
                                  skip=lambda code: by_code[code].result.failed))

    def _settle(self, projects: list[_Project], *, wait: bool = False) -> None:
        """Take in the batches created since (all of them with ``wait``), oldest first: count their lines, let go of
        the held worklogs they release and move the cursors past them. A worklog leaves the held list and a cursor
        moves only once the lines are in Odoo, so a run killed in between reads them again."""
        by_code = {p.code: p for p in projects}
        for batch in self.creator.finished(wait=wait):
            for code, exc in batch.failed.items():
                self.directory.forget()  # an employee may have been archived since it was cached
                by_code[code].result.fail(f"writing timesheets failed: {exc.message}"
                                          + (f" (fix: {exc.hint})" if exc.hint else ""))
            for code, n in batch.created.items():
                by_code[code].result.created += n
            self.held.commit(batch.released, [p.code for p in projects if not p.result.failed])
            if batch.until is not None:
                self._commit_cursors("updated", projects, batch.until, self._cursors)

    def _create_lines(self, lines: list[dict[str, Any]]) -> None:
        """On the creator's thread: one project's new lines (a dry run only counts them)."""
        if not self.dry_run:
            assert self._creating is not None
            self._creating.create_lines(lines)

    def _conflict(self, p: _Project, c: Conflict) -> None:
        if c.worklog_id in p.conflicts:  # --full meets a deletion twice: in the feed and in the reconcile
            return
        p.conflicts.add(c.worklog_id)
        message = conflict_message(c.worklog_id, c.issue_key or issue_key(c.row), c.what, c.row)
        log.warning("project %s: %s", p.code, message)
        p.result.conflicts += 1
        p.result.warnings.append(message)

    def _feed_deleted(self, projects: list[_Project], since: int, cursors: dict[str, int]) -> None:
        assert self.jira is not None
        try:
            for ids, until in self.jira.changed_pages("deleted", since):
                live = self._live(projects)
                if not live:
                    return
                if ids:
                    by_project = {p.odoo_id: p for p in live}
                    rows = self.odoo.lines_by_worklog([str(i) for i in ids], list(by_project))
                    self._remove(rows, by_project)
                self._commit_cursors("deleted", projects, until, cursors)
        except ConnectorError as exc:
            self._fail_all(projects, "removing deleted worklogs", exc)

    def _reconcile(self, projects: list[_Project], seen: set[str]) -> None:
        """--full: a synced line whose worklog Jira no longer has (its deletion aged out of the feed) goes."""
        live = {p.odoo_id: p for p in self._live(projects)}
        if not live:
            return
        try:
            stale = [row for row in self.odoo.synced_lines(list(live)) if row["erp_jira_worklog_id"] not in seen]
            self._remove(stale, live)
        except ConnectorError as exc:
            self._fail_all(list(live.values()), "removing timesheets of vanished worklogs", exc)

    def _remove(self, rows: list[dict[str, Any]], by_project: dict[int, _Project]) -> None:
        """Unlink the lines of worklogs gone from Jira, except the signed ones (a conflict each)."""
        decisions = [(row, decide({}, row, gone=True)) for row in rows]
        gone = [int(row["id"]) for row, d in decisions if d.action == DELETE]
        if gone and not self.dry_run:
            self.odoo.unlink_lines(gone)
        for row, d in decisions:
            p = by_project[m2o_id(row["project_id"]) or 0]
            if d.conflict:
                self._conflict(p, Conflict(str(row["erp_jira_worklog_id"]), None, "deleted", row))
            else:
                p.result.deleted += 1

    # ------------------------------------------------------------------------------------ sign-offs
    def _sync_signoffs(self, projects: list[_Project]) -> None:
        """Sign-off state on both sides: one Jira search and one Odoo read for every project (``signoffs``)."""
        assert self.jira is not None
        if not projects:
            return
        self.progress("sign-offs", 0, None)
        by_code = {p.code: p for p in projects}

        def fail(code: str, exc: ConnectorError) -> None:
            by_code[code].result.fail(f"syncing sign-offs failed: {exc.message}"
                                      + (f" (fix: {exc.hint})" if exc.hint else ""))

        if self.signoff_workflow is None:
            try:
                self.signoff_workflow = SignoffWorkflow.from_templates()
            except ConnectorError as exc:  # a broken jira_templates/: the rest of the run still completes
                for p in projects:
                    fail(p.code, exc)
                return
        SignoffSync(odoo=self.odoo, jira=self.jira, state=self.state, dry_run=self.dry_run,
                    workflow=self.signoff_workflow).run(
            {p.code: (str(p.link.jira_key), p.odoo_id, p.result) for p in projects}, fail)

    # ------------------------------------------------------------------------------- issue mapping
    def _issues(self, issue_ids: set[str]) -> dict[str, IssueInfo]:
        assert self.issue_map is not None
        return self.issue_map.resolve(issue_ids)

    # ---------------------------------------------------------------------------- figures, payments
    def _read_figures(self, projects: list[_Project]) -> None:
        """Man-days per phase and project as the addon computes them, and payment status: one call in all."""
        self.progress("man-days and payments", 0, None)
        by_id = {p.odoo_id: p for p in projects}
        if not by_id:
            return
        try:
            rows = self._figures(list(by_id))
        except ConnectorError as exc:
            for p in projects:
                p.result.fail(f"reading man-days and payments failed: {exc.message}")
            return
        seen_invoices = self.state.all(NS_INVOICE)
        remember: dict[str, Any] = {}
        forget: list[str] = []
        for row in rows:
            p = by_id[int(row["id"])]
            r = p.result
            r.budget = num(row.get("erp_man_day_budget"))
            r.spent = num(row.get("erp_man_days_spent"))
            r.remaining = num(row.get("erp_man_days_remaining"))
            r.phases.extend(PhaseFigures.of_row(ph) for ph in row.get("erp_phase_ids") or [])
            for m in row.get("erp_payment_ids") or []:
                slot = f"{p.code}:{m['key']}"
                invoice = m.get("invoice_id") or None
                memory = invoice_memory(slot, m["name"], invoice, seen_invoices.get(slot))
                if memory.deleted:
                    log.warning("project %s: %s", p.code, memory.deleted)
                    r.warnings.append(memory.deleted)
                remember.update(memory.remember)
                forget += memory.forget
                r.payments.append(payment(m, invoice))
        self.state.delete(NS_INVOICE, forget)
        self.state.put_many(NS_INVOICE, remember)
        for p in projects:
            for pay in p.result.overdue:
                log.warning("project %s: payment milestone %r is overdue by %d days (%s due)", p.code, pay.name,
                            pay.days_overdue, fmt(pay.amount_residual or pay.amount))

    def _figures(self, project_ids: list[int]) -> list[dict[str, Any]]:
        rows = self.odoo.figures(project_ids)
        if self.grace_days is None:
            return rows
        # [sync] grace_days overrides the playbook's: written to Odoo, so both sides flag the same milestones.
        differ = [int(m["id"]) for row in rows for m in row.get("erp_payment_ids") or []
                  if m.get("grace_days") != self.grace_days]
        if not differ or self.dry_run:
            return rows
        self.odoo.set_grace_days(differ, self.grace_days)
        return self.odoo.figures(project_ids)

    # ------------------------------------------------------------------------------------ to Jira
    def _push_to_jira(self, projects: list[_Project], summary: SyncSummary) -> None:
        """Man-days on the phase epics, payment status on the milestone issues: only what changed (``jira_push``)."""
        assert self.jira is not None and self.targets is not None
        if not projects:
            return
        self.progress("Jira fields", 0, None)
        try:
            fields, missing_fields = self.targets.fields(str(p.link.jira_key) for p in projects)
            epics = self.targets.epics({p.code: str(p.link.jira_key) for p in projects})
        except ConnectorError as exc:
            self._fail_all(projects, "reading Jira fields and epics", exc)
            return
        if missing_fields:
            summary.warnings.append(
                f"Jira has no custom field for {', '.join(missing_fields)} (neither the projects' erp-playbook-fields "
                "property nor a field of that name): those values are not written; create the fields with "
                "`playbook jira provision`")
        digests = self.state.get_many("pushed", list(epics.values()))
        for p in projects:
            todo, missing = edits(p.code, p.result.phases, p.result.payments, epics, fields)
            if missing:
                p.result.warnings.append(missing_message(missing))
            try:
                for edit in todo:
                    if not edit.values or digests.get(edit.issue_id) == edit.digest:
                        continue
                    if not self.dry_run:
                        self.jira.update_issue(edit.issue_id, edit.values, edit.labels)
                    self.state.put_many("pushed", {edit.issue_id: edit.digest})
                    p.result.jira_updates += 1
            except ConnectorError as exc:
                p.result.fail(f"writing man-days and payment status to Jira failed: {exc.message}")


def parse_since(text: str) -> int:
    """``--since``: a date or ISO date-time (local time unless it names a zone) → Jira's epoch milliseconds."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConnectorError(f"--since {text!r} is not a date", "give a date like 2025-06-01 or 2025-06-01T18:00") \
            from None
    return int(moment.timestamp() * 1000)

