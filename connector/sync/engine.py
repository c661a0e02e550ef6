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

import hashlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from connector.errors import ConnectorError
from connector.jira.binding import PROPERTY, Tag
from connector.jira.templates import default_templates
from connector.odoo.records import XMLID_MODULE, m2o_id, project_xmlid
from connector.settings import ProjectLink
from connector.sync.authors import Author, EmployeeDirectory
from connector.sync.held import HeldLines, blocked_phases
from connector.sync.jira_side import JiraField, JiraSide, adf_text
from connector.sync.odoo_side import OdooSide
from connector.sync.ports import JiraPort, OdooPort
from connector.sync.signed_log import conflict_message, is_signed, issue_key, split_signed
from connector.sync.signoffs import SignoffSync, SignoffWorkflow
from connector.sync.state import REBUILDABLE, DryRunState, StateStore
from connector.sync.summary import ProjectResult, SyncSummary
from connector.transport import TRANSPORT_ERRORS, describe_transport_error

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]  # (what, done, total or None)
PARENT_DEPTH = 3  # sub-task → task → epic
FIELD_REFRESH_SECONDS = 24 * 3600
FIRST_RUN_MARGIN_MS = 3600 * 1000  # a first run starts an hour before the project's oldest issue was created
OVERDUE_LABEL = "payment-overdue"
# Keys of the "Payment status" options; jira_templates/fields.yaml gives each its name in Jira.
STATUS_NOT_DUE, STATUS_INVOICED, STATUS_PAID, STATUS_OVERDUE = "not_due", "invoiced", "paid", "overdue"


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
        self.odoo = OdooSide(odoo)
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
        before = self.state.get_many("run", [p.code for p in projects])
        self.state.put_many("run", {p.code: {
            "finished_at": finished, "ok": not p.result.failed,
            "error": p.result.errors[0] if p.result.errors else None,
            "last_ok_at": finished if not p.result.failed else (before.get(p.code) or {}).get("last_ok_at"),
        } for p in projects})

    def _forget(self, projects: list[_Project]) -> None:
        """--full: re-read every worklog and rebuild every cached mapping."""
        for ns in REBUILDABLE:
            if ns == "cursor":
                self.state.delete(ns, [f"{feed}:{p.code}" for p in projects for feed in ("updated", "deleted")])
            else:
                self.state.delete(ns)

    def _resolve_projects(self, projects: list[_Project]) -> list[_Project]:
        self.progress("Odoo projects", 0, None)
        try:
            found = self.odoo.projects([p.link for p in projects])
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
        keys = [f"{feed}:{p.code}" for p in projects for feed in ("updated", "deleted")]
        cursors = {k: int(v) for k, v in self.state.get_many("cursor", keys).items()}

        first = {} if since is not None else self._first_run_starts([p for p in projects if not all(
            f"{feed}:{p.code}" in cursors for feed in ("updated", "deleted"))])

        if not self._live(projects):
            return

        def start(feed: str) -> int:
            if since is not None:
                return since
            return min(cursors.get(f"{feed}:{p.code}", first.get(p.code, 0))
                       for p in self._live(projects) or projects)

        seen: set[str] = set()
        self._guard(self._live(projects), "importing held worklogs", self._release_held, projects, by_jira_key, summary)
        complete = self._feed_updated(projects, by_jira_key, summary, start("updated"), cursors, seen)
        self._feed_deleted(projects, start("deleted"), cursors)
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
            key = f"{feed}:{p.code}"
            if until > cursors.get(key, 0):
                moved[key] = cursors[key] = until
        self.state.put_many("cursor", moved)

    def _fail_all(self, projects: list[_Project], what: str, exc: ConnectorError) -> None:
        for p in self._live(projects):
            p.result.fail(f"{what}: {exc.message}" + (f" (fix: {exc.hint})" if exc.hint else ""))

    def _feed_updated(self, projects: list[_Project], by_jira_key: dict[str | None, _Project], summary: SyncSummary,
                      since: int, cursors: dict[str, int], seen: set[str]) -> bool:
        """Worklogs changed since ``since``, page by page; True when the feed was read to its end."""
        assert self.jira is not None
        done = 0
        try:
            for ids, until in self.jira.changed_pages("updated", since):
                if not self._live(projects):
                    return False
                if ids:
                    seen.update(self._page(ids, projects, by_jira_key, summary, False))
                    done += len(ids)
                self._commit_cursors("updated", projects, until, cursors)
                self.progress("worklogs", done, None)
        except ConnectorError as exc:
            self._fail_all(projects, "reading changed worklogs", exc)
            return False
        return True

    def _page(self, ids: list[int], projects: list[_Project], by_jira_key: dict[str | None, _Project],
              summary: SyncSummary, strict: bool = True) -> set[str]:
        """Read these worklogs and bring their lines in Odoo in line; the ids Jira returned."""
        assert self.jira is not None
        worklogs = self.jira.worklogs(ids, strict)
        issues = self._issue_map({str(w["issueId"]) for w in worklogs})
        routed = self._route(worklogs, issues, by_jira_key, summary)
        existing = {row["erp_jira_worklog_id"]: row
                    for row in self.odoo.lines_by_worklog([str(w["id"]) for w in worklogs])}
        self.directory.sync_uid = getattr(self.odoo_port, "uid", None)
        employees = self.directory.resolve(Author.of(w) for ws in routed.values() for w in ws)
        for p in self._live(projects):
            self._apply(p, routed.get(p.code, []), issues, existing, employees)
        return {str(w["id"]) for w in worklogs}

    def _release_held(self, projects: list[_Project], by_jira_key: dict[str | None, _Project],
                      summary: SyncSummary) -> None:
        """Worklogs held by earlier runs go through again: imported if their phase is open now (sync/held.py)."""
        codes = [p.code for p in self._live(projects)]
        if ids := self.held.waiting(codes):
            self.held.forget_gone(codes, ids, self._page(ids, projects, by_jira_key, summary, False))

    def _route(self, worklogs: list[dict[str, Any]], issues: dict[str, dict[str, Any]],
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
            p = by_jira_key.get(issue.get("project"))
            if p is None:
                summary.ignored += 1  # another Jira project: not ours to sync
                continue
            routed[p.code].append(w)
        return routed

    def _apply(self, p: _Project, worklogs: list[dict[str, Any]], issues: dict[str, dict[str, Any]],
               existing: dict[str, dict[str, Any]], employees: dict[str, int]) -> None:
        """Create, update or leave each worklog's timesheet line: one ``create`` per 500 new lines, one ``write``
        per distinct change; a line the customer confirmed keeps what was signed (counted as a conflict)."""
        result = p.result
        try:
            if worklogs and not p.phase_tasks:
                rows = self.odoo.phases([p.odoo_id])
                p.phase_tasks = {ph["key"]: m2o_id(ph["task_id"]) for ph in rows if m2o_id(ph["task_id"])}
                p.blocked = blocked_phases(rows)
            worklogs = self.held.sift(p.code, result, worklogs, issues, existing, p.blocked, p.phase_tasks)
            creates = []
            writes: dict[str, list[int]] = defaultdict(list)
            no_phase: dict[str, int] = defaultdict(int)
            for w in worklogs:
                result.read += 1
                issue = issues[str(w["issueId"])]
                task_id = p.phase_tasks.get(issue.get("phase") or "")
                if task_id is None:
                    no_phase[issue.get("key") or str(w["issueId"])] += 1
                values = self._line_values(w, issue, p.odoo_id, task_id, employees.get(Author.of(w).key))
                row = existing.get(values["erp_jira_worklog_id"])
                if row is None:
                    creates.append(values)
                    continue
                diff, conflict = _diff(row, values), False
                if is_signed(row):
                    diff, changed = split_signed(diff)
                    if conflict := bool(changed):
                        self._conflict(p, values["erp_jira_worklog_id"], issue.get("key") or issue_key(row),
                                       "changed", row)
                if diff:
                    writes[json.dumps(diff, sort_keys=True)].append(int(row["id"]))
                if not conflict:
                    result.updated += bool(diff)
                    result.unchanged += not diff
            if not self.dry_run:
                for diff_json, line_ids in writes.items():
                    self.odoo.write_lines(line_ids, json.loads(diff_json))
                if creates:
                    self.odoo.create_lines(creates)
            result.created += len(creates)
            for key, n in no_phase.items():
                message = (f"{n} worklog(s) on {key}, which belongs to no phase epic known in Odoo: "
                           "booked on the project without a task")
                log.warning("project %s: %s", p.code, message)
                result.warnings.append(message)
        except ConnectorError as exc:
            if employees:
                self.directory.forget()  # an employee may have been archived since it was cached
            result.fail(f"writing timesheets failed: {exc.message}" + (f" (fix: {exc.hint})" if exc.hint else ""))

    def _conflict(self, p: _Project, worklog_id: str, key: str, what: str, row: dict[str, Any]) -> None:
        if worklog_id in p.conflicts:  # --full meets a deletion twice: in the feed and in the reconcile
            return
        p.conflicts.add(worklog_id)
        message = conflict_message(worklog_id, key, what, row)
        log.warning("project %s: %s", p.code, message)
        p.result.conflicts += 1
        p.result.warnings.append(message)

    @staticmethod
    def _line_values(w: dict[str, Any], issue: dict[str, Any], project_id: int, task_id: int | None,
                     employee_id: int | None = None) -> dict[str, Any]:
        author = (w.get("author") or {}).get("displayName") or ""
        comment = adf_text(w.get("comment"))
        label = f"[{issue.get('key') or w['issueId']}]"
        name = " ".join(part for part in (label, author + (":" if comment and author else ""), comment) if part)
        values = {
            "erp_jira_worklog_id": str(w["id"]),
            "project_id": project_id,
            "task_id": task_id or False,
            "date": _started_date(str(w.get("started") or "")),
            "unit_amount": round(int(w.get("timeSpentSeconds") or 0) / 3600.0, 4),
            "name": name[:500],
        }
        if employee_id:  # else Odoo books the line on the sync user's employee
            values["employee_id"] = employee_id
        return values

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
        gone = [row for row in rows if not is_signed(row)]
        if gone and not self.dry_run:
            self.odoo.unlink_lines([int(row["id"]) for row in gone])
        for row in rows:
            p = by_project[m2o_id(row["project_id"]) or 0]
            if is_signed(row):
                self._conflict(p, str(row["erp_jira_worklog_id"]), issue_key(row), "deleted", row)
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
    def _issue_map(self, issue_ids: set[str]) -> dict[str, dict[str, Any]]:
        """Issue id → {key, project, kind, item, phase, parent}; cached in the state, fetched in batches."""
        assert self.jira is not None
        known = self.state.get_many("issue", issue_ids)
        new: dict[str, dict[str, Any]] = {}
        wanted = issue_ids - set(known)
        asked: set[str] = set()
        for _ in range(PARENT_DEPTH + 1):
            if not wanted:
                break
            asked |= wanted
            for issue_id, issue in self.jira.issues_by_id(wanted).items():
                new[issue_id] = _mapping(issue)
            parents = {m["parent"] for m in new.values() if m["parent"] and not m["phase"]}
            parents -= set(new) | set(known) | asked
            known.update(self.state.get_many("issue", parents))
            wanted = parents - set(known)
        # Items inherit the phase of their epic (or their parent's epic).
        everything = {**known, **new}
        for _ in range(PARENT_DEPTH):
            for m in new.values():
                if not m["phase"] and m["parent"] in everything:
                    m["phase"] = everything[m["parent"]].get("phase")
        self.state.put_many("issue", new)
        return everything

    # ---------------------------------------------------------------------------- figures, payments
    def _read_figures(self, projects: list[_Project]) -> None:
        """Man-days per phase and project as the addon computes them, and payment status; 3-4 calls in all."""
        self.progress("man-days and payments", 0, None)
        by_id = {p.odoo_id: p for p in projects}
        if not by_id:
            return
        try:
            # Man-days only change with timesheets: without a write this run, the rows read at the start stand.
            stale = [pid for pid, p in by_id.items() if p.result.changed or p.odoo is None]
            figures = {pid: p.odoo for pid, p in by_id.items() if pid not in stale and p.odoo is not None}
            if stale:
                figures.update(self.odoo.project_figures(stale))
            phases = self.odoo.phases(list(by_id))
            milestones = self._milestones(list(by_id))
            invoices = self.odoo.invoices(sorted({i for m in milestones if (i := m2o_id(m["invoice_id"]))}))
        except ConnectorError as exc:
            for p in projects:
                p.result.fail(f"reading man-days and payments failed: {exc.message}")
            return
        for pid, row in figures.items():
            r = by_id[pid].result
            r.budget = _num(row.get("erp_man_day_budget"))
            r.spent = _num(row.get("erp_man_days_spent"))
            r.remaining = _num(row.get("erp_man_days_remaining"))
        for ph in phases:
            by_id[m2o_id(ph["project_id"]) or 0].result.phases.append({
                "key": ph["key"], "name": ph["name"], "budget": _num(ph["budget_man_days"]),
                "spent": _num(ph["spent_man_days"]), "remaining": _num(ph["remaining_man_days"]),
            })
        seen_invoices = self.state.all("invoice")
        remember: dict[str, Any] = {}
        for m in milestones:
            p = by_id[m2o_id(m["project_id"]) or 0]
            slot = f"{p.code}:{m['key']}"
            invoice = invoices.get(m2o_id(m["invoice_id"]) or 0)
            before = seen_invoices.get(slot)
            if before and invoice is None:
                message = (f"the invoice {before['name']} of payment milestone {m['name']!r} was deleted in Odoo: "
                           "its payment status falls back to the milestone's due date")
                log.warning("project %s: %s", p.code, message)
                p.result.warnings.append(message)
            if invoice is not None:
                remember[slot] = {"id": invoice["id"], "name": invoice["name"]}
            elif before:
                remember[slot] = None
            p.result.payments.append(_payment(m, invoice))
        self.state.delete("invoice", [k for k, v in remember.items() if v is None])
        self.state.put_many("invoice", {k: v for k, v in remember.items() if v is not None})
        for p in projects:
            for pay in p.result.overdue:
                log.warning("project %s: payment milestone %r is overdue by %d days (%s due)", p.code, pay["name"],
                            pay["days_overdue"], _fmt(pay["amount_residual"] or pay["amount"]))

    def _milestones(self, project_ids: list[int]) -> list[dict[str, Any]]:
        milestones = self.odoo.milestones(project_ids)
        if self.grace_days is None:
            return milestones
        # [sync] grace_days overrides the playbook's: written to Odoo, so both sides flag the same milestones.
        differ = [int(m["id"]) for m in milestones if m.get("grace_days") != self.grace_days]
        if not differ or self.dry_run:
            return milestones
        self.odoo_port.execute("erp.payment.milestone", "write", differ, {"grace_days": self.grace_days})
        return self.odoo.milestones(project_ids)

    # ------------------------------------------------------------------------------------ to Jira
    def _push_to_jira(self, projects: list[_Project], summary: SyncSummary) -> None:
        """Man-days on the phase epics, payment status on the milestone issues: only what changed."""
        assert self.jira is not None
        if not projects:
            return
        self.progress("Jira fields", 0, None)
        try:
            fields = self._fields(summary, projects)
            epics = self._epics(projects)
        except ConnectorError as exc:
            self._fail_all(projects, "reading Jira fields and epics", exc)
            return
        digests = self.state.get_many("pushed", [str(v) for v in epics.values()])
        for p in projects:
            edits: list[tuple[str, dict[str, Any], dict[str, bool]]] = []
            missing = []
            for ph in p.result.phases:
                issue = epics.get(f"{p.code}|phase|{ph['key']}")
                if issue is None:
                    missing.append(ph["key"])
                    continue
                values = {"spent": round(ph["spent"], 2), "remaining": round(ph["remaining"], 2)}
                edits.append((str(issue), _fields(fields, values), {}))
            for pay in p.result.payments:
                issue = epics.get(f"{p.code}|payment_milestone|{pay['key']}")
                if issue is None:
                    missing.append(pay["key"])
                    continue
                values = {"payment_status": pay["status"], "due_date": pay["date_due"]}
                edits.append((str(issue), _fields(fields, values), {OVERDUE_LABEL: pay["overdue"]}))
            if missing:
                p.result.warnings.append(f"no Jira issue carries the {PROPERTY} property for {', '.join(missing)}: "
                                         "not written to Jira (run `playbook jira provision` for this project)")
            try:
                for issue_id, values, labels in edits:
                    digest = _digest(values, labels)
                    if not values or digests.get(issue_id) == digest:
                        continue
                    if not self.dry_run:
                        self.jira.update_issue(issue_id, values, labels)
                    self.state.put_many("pushed", {issue_id: digest})
                    p.result.jira_updates += 1
            except ConnectorError as exc:
                p.result.fail(f"writing man-days and payment status to Jira failed: {exc.message}")

    def _fields(self, summary: SyncSummary, projects: list[_Project]) -> dict[str, JiraField]:
        assert self.jira is not None
        cached = self.state.all("field")
        wanted = ("spent", "remaining", "payment_status", "due_date")
        stale = time.time() - float(cached.get("_fetched", 0)) > FIELD_REFRESH_SECONDS
        if not cached or (stale and any(w not in cached for w in wanted)):
            cached = self.jira.discover_fields(str(p.link.jira_key) for p in projects)
            self.state.delete("field")
            self.state.put_many("field", cached)
        missing = [w for w in wanted if w not in cached]
        if missing:
            summary.warnings.append(
                f"Jira has no custom field for {', '.join(missing)} (neither the projects' erp-playbook-fields "
                "property nor a field of that name): those values are not written; create the fields with "
                "`playbook jira provision`")
        return {k: JiraField(v["id"], v["type"]) for k, v in cached.items() if k in wanted}

    def _epics(self, projects: list[_Project]) -> dict[str, Any]:
        """``code|kind|key`` → Jira issue id of the phase epics and payment-milestone issues (cached)."""
        assert self.jira is not None
        cached = self.state.all("epic")
        todo = [p for p in projects if f"{p.code}|_found" not in cached]
        if todo:
            by_jira_key = {p.link.jira_key: p.code for p in todo}
            found: dict[str, Any] = {f"{p.code}|_found": True for p in todo}
            for issue in self.jira.tracked_issues([str(p.link.jira_key) for p in todo]):
                tag = Tag.of_issue(issue)
                code = by_jira_key.get(((issue.get("fields") or {}).get("project") or {}).get("key"))
                if code and tag is not None and tag.kind in ("phase", "payment_milestone"):
                    found[f"{code}|{tag.kind}|{tag.key}"] = str(issue["id"])
            self.state.put_many("epic", found)
            cached.update(found)
        return {k: v for k, v in cached.items() if not k.endswith("|_found")}


# ---------------------------------------------------------------------------------------- helpers
def _mapping(issue: dict[str, Any]) -> dict[str, Any]:
    fields = issue.get("fields") or {}
    tag = Tag.of_issue(issue)
    kind = tag.kind if tag else None
    return {
        "key": issue.get("key"),
        "project": (fields.get("project") or {}).get("key"),
        "kind": kind,
        "item": tag.key if tag else None,
        "phase": tag.key if tag and kind == "phase" else None,
        "parent": str((fields.get("parent") or {}).get("id") or "") or None,
    }


def _started_date(started: str) -> str:
    """The day the work was done, in the worklog's own time zone."""
    try:
        return datetime.fromisoformat(started).date().isoformat()
    except ValueError:
        return started[:10] or date.today().isoformat()


def _diff(row: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    diff = {}
    for name, want in values.items():
        have = row.get(name)
        if name in ("project_id", "task_id", "employee_id"):
            have = m2o_id(have) or False
        if name == "unit_amount":
            if abs(float(have or 0) - float(want)) > 1e-6:
                diff[name] = want
        elif (have or False) != (want or False):
            diff[name] = want
    return diff


def _num(value: Any) -> float:
    return round(float(value or 0.0), 4)


def _fmt(value: Any) -> str:
    return f"{float(value or 0):,.2f}"


# The addon decides where a milestone stands (erp.payment.milestone.collection_status); Jira shows it as an option.
STATUS_OPTIONS = {"not_due": STATUS_NOT_DUE, "invoiced": STATUS_INVOICED, "paid": STATUS_PAID,
                  "overdue": STATUS_OVERDUE}


def _payment(m: dict[str, Any], invoice: dict[str, Any] | None) -> dict[str, Any]:
    status = STATUS_OPTIONS[m.get("collection_status") or "not_due"]
    overdue = status == STATUS_OVERDUE
    payment_state = invoice.get("payment_state") if invoice else None
    return {
        "key": m["key"],
        "name": m["name"],
        "amount": _num(m.get("amount")),
        "invoice": invoice["name"] if invoice else None,
        "payment_state": payment_state,
        "amount_residual": _num(invoice.get("amount_residual")) if invoice else None,
        "invoice_date_due": (invoice.get("invoice_date_due") or None) if invoice else None,
        "date_due": m.get("date_due") or None,
        "days_overdue": int(m.get("days_overdue") or 0),
        "overdue": overdue,
        "status": default_templates().payment_status[status],
    }


def _fields(fields: dict[str, JiraField], values: dict[str, Any]) -> dict[str, Any]:
    return {fields[k].id: fields[k].value(v) for k, v in values.items() if k in fields}


def _digest(values: dict[str, Any], labels: dict[str, bool]) -> str:
    return hashlib.sha256(json.dumps([values, labels], sort_keys=True).encode()).hexdigest()[:16]


def parse_since(text: str) -> int:
    """``--since``: a date or ISO date-time (local time unless it names a zone) → Jira's epoch milliseconds."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConnectorError(f"--since {text!r} is not a date", "give a date like 2025-06-01 or 2025-06-01T18:00") \
            from None
    return int(moment.timestamp() * 1000)

