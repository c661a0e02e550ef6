"""Build a ``ProjectSnapshot`` from a live Odoo with the ``erp_playbook`` addon, in about ten RPC calls.

``odoo`` is anything with ``execute(model, method, *args, **kwargs)`` (``connector.odoo.client.OdooClient``,
the test harness's ``OdooDatabase``, or a fake). Only ``search_read``, ``read``, ``read_group`` and
``search_count`` are used, so a read-only user in the addon's user group is enough.

Man-days are hours summed by ``read_group`` (in SQL) over lines dated on or before the report date, divided by
the project's hours per day — the addon's own formula, so an up-to-date snapshot matches the Odoo screens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from connector.errors import ConnectorError
from connector.odoo.erp_reads import PHASE_FORECAST_FIELD, PROJECT_FORECAST_FIELD, project_ids_by_code
from connector.odoo.records import OdooExecutor, m2o_id
from connector.playbook.model import Playbook
from connector.reports.register import register_from_tags
from connector.reports.register_model import REGISTER_MODEL, read_register_rows, register_items
from connector.reports.snapshot import (
    CadenceSnap,
    ChangeRequestSnap,
    GateSnap,
    PaymentSnap,
    PhaseSnap,
    ProjectInfo,
    ProjectSnapshot,
    RegisterItem,
    TaskSnap,
    TimesheetLine,
)

# Tasks in, register items out; a reader may name where it reads (``source``: "odoo", "jira:<key>").
RegisterReader = Callable[[list[TaskSnap]], list[RegisterItem]]


class ReportDataError(ConnectorError):
    """The project or phase a report asks for is not in Odoo (or the addon is missing)."""


# --- value helpers: Odoo sends False for empty values and [id, name] for many2one ---------------------

def _name(value: Any) -> str | None:
    return str(value[1]) if isinstance(value, (list, tuple)) and len(value) > 1 else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _str(value: Any) -> str | None:
    return str(value) if value not in (None, False, "") else None


def _float(value: Any) -> float:
    return float(value or 0.0)


class OdooReportSource:
    """Reads one project for a report. Keep calls few: every one is a round trip to a remote server."""

    def __init__(self, odoo: OdooExecutor, playbook: Playbook | None = None,
                 register_reader: RegisterReader | None = None) -> None:
        self.odoo = odoo
        self.playbook = playbook
        self.register_reader = register_reader
        self.has_register_model = False

    # --- project ------------------------------------------------------------------------------------
    def _check_addon(self) -> None:
        # One call for both: the addon, and whether it keeps the register as records (erp.register.item).
        models = {row["model"] for row in self.odoo.execute(
            "ir.model", "search_read", [["model", "in", ["erp.project.phase", REGISTER_MODEL]]], fields=["model"])}
        self.has_register_model = REGISTER_MODEL in models
        if "erp.project.phase" not in models:
            raise ReportDataError("the erp_playbook addon is not installed in this Odoo database",
                                  "install it with `playbook odoo install`, then provision the project")

    def resolve_project(self, ref: str) -> tuple[int, str | None]:
        """(project id, code) for an id, a connector project code (external id) or an exact project name."""
        ref = ref.strip()
        if ref.isdigit():
            found = self.odoo.execute("project.project", "search", [["id", "=", int(ref)]])
            if found:
                return int(found[0]), None
        by_code = project_ids_by_code(self.odoo, [ref])
        if ref in by_code:
            return by_code[ref], ref
        named = self.odoo.execute("project.project", "search_read", [["name", "=", ref]], fields=["id"], limit=2)
        if len(named) == 1:
            return int(named[0]["id"]), None
        if len(named) > 1:
            raise ReportDataError(f"more than one Odoo project is named {ref!r}",
                                  "pass the project's id or its connector code (`--project <code>`) instead")
        similar = self.odoo.execute("project.project", "search_read", [["name", "ilike", ref]],
                                    fields=["name"], limit=5)
        known = ", ".join(repr(row["name"]) for row in similar)
        raise ReportDataError(
            f"no Odoo project {ref!r} (looked for an id, the code's external id and an exact name)",
            f"did you mean {known}?" if known else "check the project's name in Odoo, or its code in the config file",
        )

    def _project_info(self, project_id: int, code: str | None, as_of: date) -> tuple[ProjectInfo, float]:
        """The project and the addon's forecast at completion on ``as_of`` (context date ``today``); cadence
        adherence is counted on that date too, like the payment rule."""
        row = self.odoo.execute(
            "project.project", "read", [project_id],
            fields=["name", "partner_id", "company_id", "user_id", "erp_playbook_id", "erp_size", "erp_industry",
                    "erp_man_day_budget", "erp_hours_per_day", "erp_contract_amount", "currency_id",
                    "date_start", "date", "erp_contract_date", "erp_acceptance_criteria", "erp_cadence_ids",
                    "erp_cadence_adherence", "erp_cadence_missed", PROJECT_FORECAST_FIELD],
            context={"today": as_of.isoformat()},
        )[0]
        return ProjectInfo(
            id=project_id, name=row["name"], code=code, customer=_name(row["partner_id"]),
            company=_name(row["company_id"]), manager=_name(row["user_id"]),
            playbook_key=_name(row["erp_playbook_id"]), size=_str(row["erp_size"]),
            industry=_str(row["erp_industry"]), man_day_budget=_float(row["erp_man_day_budget"]),
            hours_per_day=_float(row["erp_hours_per_day"]) or 8.0,
            contract_amount=_float(row["erp_contract_amount"]), currency=_name(row["currency_id"]),
            date_start=_date(row["date_start"]), date_end=_date(row["date"]),
            contract_date=_date(row.get("erp_contract_date")),
            acceptance_criteria=_str(row.get("erp_acceptance_criteria")),
            cadence_adherence=_float(row.get("erp_cadence_adherence")) if row.get("erp_cadence_ids") else None,
            cadence_missed=int(row.get("erp_cadence_missed") or 0),
        ), _float(row.get(PROJECT_FORECAST_FIELD))

    # --- the snapshot ---------------------------------------------------------------------------------
    def snapshot(self, project_ref: str, as_of: date, *, lines_from: date | None = None,
                 lines_to: date | None = None, phase_key: str | None = None) -> ProjectSnapshot:
        """The project as of ``as_of``; ``lines`` holds the timesheet lines between ``lines_from`` and
        ``lines_to`` (inclusive), or of phase ``phase_key`` up to ``as_of``."""
        self._check_addon()
        project_id, code = self.resolve_project(project_ref)
        info, forecast = self._project_info(project_id, code, as_of)
        per_day = info.hours_per_day
        in_project = [["project_id", "=", project_id]]

        hours = self._hours_by_phase(project_id, as_of)
        phase_rows = self.odoo.execute(
            "erp.project.phase", "search_read", in_project,
            fields=["key", "name", "sequence", "state", "date_start", "date_done", "budget_man_days",
                    "item_count", "item_done_count", PHASE_FORECAST_FIELD], order="sequence, id",
            context={"today": as_of.isoformat()},
        )
        phases = [
            PhaseSnap(
                id=row["id"], key=row["key"], name=row["name"], sequence=row["sequence"], state=row["state"],
                date_start=_date(row["date_start"]), date_done=_date(row["date_done"]),
                budget_man_days=_float(row["budget_man_days"]),
                spent_man_days=hours.get((row["id"], None), 0.0) / per_day,
                signed_man_days=hours.get((row["id"], True), 0.0) / per_day,
                item_count=int(row["item_count"] or 0), item_done_count=int(row["item_done_count"] or 0),
                forecast_man_days=_float(row[PHASE_FORECAST_FIELD]),
            )
            for row in phase_rows
        ]
        phase_ids = {p.id for p in phases}
        unphased = sum(v for (pid, c), v in hours.items() if c is None and pid not in phase_ids)
        unphased_signed = sum(v for (pid, c), v in hours.items() if c is True and pid not in phase_ids)

        selected_phase = None
        if phase_key is not None:
            selected_phase = find_phase(phases, phase_key)

        tasks = self._tasks(project_id)
        register, register_source = self._register(project_id, tasks)
        return ProjectSnapshot(
            project=info, as_of=as_of, phases=phases, gates=self._gates(project_id, as_of),
            change_requests=self._change_requests(project_id, per_day, as_of),
            payments=self._payments(project_id, as_of), tasks=tasks, register_items=register,
            register_source=register_source,
            lines=self._lines(project_id, per_day, as_of, lines_from, lines_to, selected_phase),
            lines_from=lines_from, lines_to=lines_to, lines_phase_id=selected_phase.id if selected_phase else None,
            unphased_spent_man_days=unphased / per_day, unphased_signed_man_days=unphased_signed / per_day,
            cadences=self._cadences(project_id, as_of) if info.cadence_adherence is not None else [],
            forecast_man_days=forecast,
        )

    def _register(self, project_id: int, tasks: list[TaskSnap]) -> tuple[list[RegisterItem], str]:
        """The register and where it was read: the reader asked for (Jira), else the addon's register records once
        the project has any (``playbook register import`` brings tags over), else the tasks' tags."""
        if self.register_reader is not None:
            return self.register_reader(tasks), str(getattr(self.register_reader, "source", "odoo"))
        if self.has_register_model:
            items = register_items(read_register_rows(self.odoo, project_id))
            if items:
                return items, "odoo:register"
        return register_from_tags(tasks, self.playbook), "odoo"

    def _hours_by_phase(self, project_id: int, as_of: date) -> dict[tuple[int | None, bool | None], float]:
        """{(phase id, None): all hours, (phase id, True): confirmed hours}; phase id None = outside phases."""
        groups = self.odoo.execute(
            "account.analytic.line", "read_group",
            [["project_id", "=", project_id], ["date", "<=", as_of.isoformat()]],
            ["unit_amount:sum"], ["erp_phase_id", "erp_customer_confirmed"], lazy=False,
        )
        out: dict[tuple[int | None, bool | None], float] = {}
        for group in groups:
            phase = m2o_id(group["erp_phase_id"])
            amount = _float(group["unit_amount"])
            out[(phase, None)] = out.get((phase, None), 0.0) + amount
            if group["erp_customer_confirmed"]:
                out[(phase, True)] = out.get((phase, True), 0.0) + amount
        return out

    def _tasks(self, project_id: int) -> list[TaskSnap]:
        rows = self.odoo.execute(
            "project.task", "search_read", [["project_id", "=", project_id]],
            fields=["name", "erp_phase_id", "erp_item_key", "erp_item_type", "erp_deliverable_kind", "state",
                    "stage_id", "date_deadline", "user_ids", "tag_ids"], order="id",
        )
        tag_ids = sorted({t for row in rows for t in row["tag_ids"]})
        user_ids = sorted({u for row in rows for u in row["user_ids"]})
        tags = self._names("project.tags", tag_ids)
        users = self._names("res.users", user_ids)
        return [
            TaskSnap(
                id=row["id"], name=row["name"], phase_id=m2o_id(row["erp_phase_id"]),
                item_key=_str(row["erp_item_key"]),
                item_type=_str(row["erp_item_type"]), deliverable_kind=_str(row["erp_deliverable_kind"]),
                state=row["state"], stage=_name(row["stage_id"]), deadline=_date(row["date_deadline"]),
                assignees=[users[u] for u in row["user_ids"] if u in users],
                tags=[tags[t] for t in row["tag_ids"] if t in tags],
            )
            for row in rows
        ]

    def _names(self, model: str, ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        return {row["id"]: row["name"] for row in self.odoo.execute(model, "read", list(ids), fields=["name"])}

    def _gates(self, project_id: int, as_of: date) -> list[GateSnap]:
        # The acceptance clock counts late days on the context date, as the payment rule does.
        rows = self.odoo.execute(
            "erp.signoff", "search_read", [["project_id", "=", project_id]],
            fields=["key", "name", "phase_id", "hard", "blocks_phase_id", "state", "document", "date_requested",
                    "date_signed", "signer_id", "signed_by_name", "date_acceptance_due", "days_late",
                    "override_reason", "overridden_by_id", "date_overridden"],
            order="sequence, id", context={"today": as_of.isoformat()},
        )
        return [
            GateSnap(
                id=row["id"], key=row["key"], name=row["name"], phase_id=m2o_id(row["phase_id"]),
                hard=bool(row["hard"]),
                blocks_phase_id=m2o_id(row["blocks_phase_id"]), state=row["state"], document=_str(row["document"]),
                date_requested=_date(row["date_requested"]), date_signed=_date(row["date_signed"]),
                signer=_str(row["signed_by_name"]) or _name(row["signer_id"]),
                acceptance_due=_date(row.get("date_acceptance_due")), days_late=int(row.get("days_late") or 0),
                override_reason=_str(row.get("override_reason")), overridden_by=_name(row.get("overridden_by_id")),
                date_overridden=_date(row.get("date_overridden")),
            )
            for row in rows
        ]

    def _payments(self, project_id: int, as_of: date) -> list[PaymentSnap]:
        # The addon counts overdue days on the context date: ask for the report's date, not the server's today.
        rows = self.odoo.execute(
            "erp.payment.milestone", "search_read", [["project_id", "=", project_id]],
            fields=["key", "name", "percent", "amount", "signoff_id", "invoice_id", "payment_state",
                    "amount_residual", "date_due", "grace_days", "delay_days", "collection_status", "days_overdue",
                    "acceptance_late"],
            order="sequence, id", context={"today": as_of.isoformat()},
        )
        return [
            PaymentSnap(
                id=row["id"], key=row["key"], name=row["name"], percent=_float(row["percent"]),
                amount=_float(row["amount"]), signoff_id=m2o_id(row["signoff_id"]), invoice=_name(row["invoice_id"]),
                payment_state=_str(row["payment_state"]),
                amount_residual=_float(row["amount_residual"]) if row["invoice_id"] else None,
                date_due=_date(row["date_due"]), grace_days=int(row["grace_days"] or 0),
                delay_days=int(row["delay_days"] or 0), collection_status=row["collection_status"] or "not_due",
                days_overdue=int(row["days_overdue"] or 0), acceptance_late=bool(row.get("acceptance_late")),
            )
            for row in rows
        ]

    def _cadences(self, project_id: int, as_of: date) -> list[CadenceSnap]:
        """The cadences and their adherence as the addon counts them on the report date (one call)."""
        rows = self.odoo.execute(
            "erp.cadence", "search_read", [["project_id", "=", project_id]],
            fields=["key", "name", "frequency", "period_status", "last_status", "on_time_count", "late_count",
                    "missed_count", "adherence", "date_next"],
            order="sequence, id", context={"today": as_of.isoformat()},
        )
        cadences = [
            CadenceSnap(id=row["id"], key=row["key"], name=row["name"], frequency=row["frequency"],
                        period_status=_str(row["period_status"]), last_status=_str(row["last_status"]),
                        on_time=int(row["on_time_count"] or 0), late=int(row["late_count"] or 0),
                        missed=int(row["missed_count"] or 0), adherence=_float(row["adherence"]),
                        date_next=_date(row["date_next"]))
            for row in rows
        ]
        return cadences

    def _change_requests(self, project_id: int, per_day: float, as_of: date) -> list[ChangeRequestSnap]:
        rows = self.odoo.execute("erp.change.request", "search_read", [["project_id", "=", project_id]],
                                 fields=["name", "state", "man_days", "phase_id"], order="id")
        if not rows:
            return []
        groups = self.odoo.execute(
            "account.analytic.line", "read_group",
            [["project_id", "=", project_id], ["date", "<=", as_of.isoformat()],
             ["erp_change_request_id", "!=", False]],
            ["unit_amount:sum"], ["erp_change_request_id"], lazy=False,
        )
        hours = {m2o_id(g["erp_change_request_id"]): _float(g["unit_amount"]) for g in groups}
        return [
            ChangeRequestSnap(id=row["id"], name=row["name"], state=row["state"], man_days=_float(row["man_days"]),
                              phase_id=m2o_id(row["phase_id"]), spent_man_days=hours.get(row["id"], 0.0) / per_day)
            for row in rows
        ]

    def _lines(self, project_id: int, per_day: float, as_of: date, lines_from: date | None, lines_to: date | None,
               phase: PhaseSnap | None) -> list[TimesheetLine]:
        if phase is None and lines_from is None:
            return []
        domain: list[Any] = [["project_id", "=", project_id], ["date", "<=", (lines_to or as_of).isoformat()]]
        if lines_from is not None:
            domain.append(["date", ">=", lines_from.isoformat()])
        if phase is not None:
            domain.append(["erp_phase_id", "=", phase.id])
        rows = self.odoo.execute(
            "account.analytic.line", "search_read", domain,
            fields=["date", "erp_phase_id", "task_id", "employee_id", "name", "unit_amount",
                    "erp_customer_confirmed", "erp_confirmed_date"], order="date, id",
        )
        return [
            TimesheetLine(
                id=row["id"], date=_date(row["date"]) or as_of, phase_id=m2o_id(row["erp_phase_id"]),
                task=_name(row["task_id"]), employee=_name(row["employee_id"]),
                description="" if row["name"] in (False, "/") else str(row["name"]),
                hours=_float(row["unit_amount"]), man_days=_float(row["unit_amount"]) / per_day,
                confirmed=bool(row["erp_customer_confirmed"]), confirmed_date=_date(row["erp_confirmed_date"]),
            )
            for row in rows
        ]


def find_phase(phases: Sequence[PhaseSnap], ref: str) -> PhaseSnap:
    """A phase by key, sequence number or exact name; a clear error listing the keys otherwise."""
    wanted = ref.strip()
    for phase in phases:
        if wanted in (phase.key, phase.name) or (wanted.isdigit() and int(wanted) == phase.sequence):
            return phase
    keys = ", ".join(p.key for p in phases) or "none: the project has no phases yet"
    raise ReportDataError(f"the project has no phase {ref!r}", f"use one of the phase keys: {keys}")
