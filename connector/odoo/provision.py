"""Write a ``ProjectPlan`` into Odoo: batched, idempotent, safe to rerun after a crash.

External ids (module ``erp_playbook_rpc``), see docs/architecture.md:

    <code>__project                 project.project
    <code>__<phase>__stage           project.task.type (the phase's stage)
    <code>__<phase>__task            project.task (the phase task)
    <code>__<phase>                  erp.project.phase                  (addon)
    <code>__<item>                   project.task sub-task (checklist item, deliverable)
    <code>__<gate>                   erp.signoff                        (addon)
    <code>__<gate>__milestone        project.milestone                  (plain Odoo)
    <code>__<payment>                erp.payment.milestone              (addon)
    <code>__<cadence>                erp.cadence                        (addon; plain Odoo: not created)

A run reads what exists (by external id, and with the addon also by the project's ``key`` /
``erp_item_key`` fields, so records made by the addon's *Apply Playbook* button count too), then creates
only what is missing, one ``load`` per model: a record and its external id are written in one
transaction. Nothing existing is overwritten or deleted; the only writes to existing records fill links
that are still empty (a phase's task, a task's phase), which a run killed halfway leaves behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from connector.errors import ConnectorError
from connector.odoo.loader import DEFAULT_BATCH, Row, load_rows, read_xmlids
from connector.odoo.records import OdooExecutor, project_xmlid
from connector.plan import KINDS, PlannedRecord, ProjectPlan
from connector.progress import Progress, no_progress

ADDON_MODELS = ("erp.project.phase", "erp.signoff", "erp.payment.milestone")
# Steps a run reports through ``progress`` as (step, its number, len(STEPS)).
STEPS = ("read", "project", "stages", "phases", "phase tasks", "items", "links", "gates", "payments", "cadences")


@dataclass
class ProvisionResult:
    mode: str  # "addon" or "plain"
    project_id: int | None
    dry_run: bool
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    existing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))  # no model on this server
    linked: int = 0
    unrepresented: list[str] = field(default_factory=list)
    rpc_calls: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "project_id": self.project_id, "dry_run": self.dry_run, "created": self.created,
                "existing": self.existing, "skipped": self.skipped, "links_filled": self.linked,
                "unrepresented": self.unrepresented, "rpc_calls": self.rpc_calls}


def addon_installed(client: OdooExecutor) -> bool:
    """Whether the addon's models exist (readable by any internal user, unlike ir.module.module)."""
    found = client.execute("ir.model", "search_read", [("model", "in", list(ADDON_MODELS))], ["model"])
    return {r["model"] for r in found or []} == set(ADDON_MODELS)


def _hours(days: Decimal, per_day: Decimal) -> Decimal:
    return days * per_day


class OdooProvisioner:
    """One provisioning run of ``plan`` (see the module docstring)."""

    def __init__(self, client: Any, plan: ProjectPlan, *, customer: str | None = None, lang: str = "en",
                 batch_size: int = DEFAULT_BATCH, progress: Progress | None = None,
                 use_addon: bool | None = None) -> None:
        self.client = client
        self.plan = plan
        self.customer = customer
        self.lang = lang
        self.batch_size = batch_size
        self.progress = progress or no_progress
        self.use_addon = use_addon
        self.code = plan.code
        self.ids: dict[str, int] = {}  # external id name -> database id, for what exists or was created
        self.tasks: dict[int, dict[str, Any]] = {}  # addon: task id -> erp fields as read
        self.phase_rows: dict[int, dict[str, Any]] = {}  # addon: phase id -> fields as read
        self._project_needs_erp = False  # a project provisioned before the addon was installed
        self._linked = 0

    # -- names -----------------------------------------------------------------------------------
    def _step(self, name: str) -> None:
        self.progress(name, STEPS.index(name) + 1, len(STEPS))

    def xid(self, key: str, suffix: str = "") -> str:
        return f"{self.code}__{key}" + (f"__{suffix}" if suffix else "")

    def name(self, record: PlannedRecord) -> str:
        return record.name.get(self.lang)

    # -- entry point ------------------------------------------------------------------------------
    def run(self, dry_run: bool = False) -> ProvisionResult:
        calls_before = self.client.rpc_calls
        self.client.connect()
        addon = addon_installed(self.client) if self.use_addon is None else self.use_addon
        result = ProvisionResult("addon" if addon else "plain", None, dry_run)
        self._step("read")
        project_id = self._read_state(addon)
        result.project_id = project_id
        missing = self._missing(addon)
        if addon and (any(missing["project"].values()) or any(missing["payment_milestone"].values())):
            self._check_currency()
        for record in self.plan.records:
            if not self._names(record, addon):
                result.skipped[record.kind] += 1
                continue
            bucket = result.created if missing[record.kind].get(record.key) else result.existing
            bucket[record.kind] += 1
        if not addon:
            result.unrepresented = self._unrepresented()
        if dry_run:
            result.rpc_calls = self.client.rpc_calls - calls_before
            return result
        result.project_id = self._write(addon)
        result.linked = self._linked
        result.rpc_calls = self.client.rpc_calls - calls_before
        return result

    # -- reading ----------------------------------------------------------------------------------
    def _read_state(self, addon: bool) -> int | None:
        xmlids = read_xmlids(self.client, f"{self.code}__")
        self.ids = {name: res_id for name, (_model, res_id) in xmlids.items()}
        project_id = self.ids.get(project_xmlid(self.code))
        if project_id is None:
            clash = self.client.execute("project.project", "search_count", [("name", "=", self.plan.project_name)],
                                        context={"active_test": False})
            if clash:
                raise ConnectorError(
                    f"a project named {self.plan.project_name!r} exists in Odoo but was not provisioned by playbook",
                    "pass another --project name (provisioning never takes over a project it did not create)")
            return None
        if addon:
            self._read_addon_state(project_id)
        return project_id

    def _read_addon_state(self, project_id: int) -> None:
        """Records of this project found by key as well (Apply Playbook makes them without external ids)."""
        ctx = {"context": {"active_test": False}}
        where = [("project_id", "=", project_id)]
        tasks = self.client.search_read("project.task", where, ["erp_item_key", "erp_item_type", "erp_phase_id"],
                                        **ctx)
        phases = self.client.search_read("erp.project.phase", where, ["key", "stage_id", "task_id"])
        gates = self.client.search_read("erp.signoff", where, ["key"], **ctx)
        payments = self.client.search_read("erp.payment.milestone", where, ["key"])
        cadences = self.client.search_read("erp.cadence", where, ["key"], **ctx)
        project = self.client.search_read("project.project", [("id", "=", project_id)], ["erp_size"], **ctx)
        self._project_needs_erp = bool(project) and not project[0]["erp_size"]
        self.tasks = {t["id"]: t for t in tasks}
        self.phase_rows = {p["id"]: p for p in phases}
        by_key: dict[str, int] = {}
        for task in tasks:
            if task["erp_item_key"]:
                suffix = "task" if task["erp_item_type"] == "phase" else ""
                by_key.setdefault(self.xid(task["erp_item_key"], suffix), task["id"])
        for phase in phases:
            by_key.setdefault(self.xid(phase["key"]), phase["id"])
            if phase["stage_id"]:
                by_key.setdefault(self.xid(phase["key"], "stage"), phase["stage_id"][0])
            if phase["task_id"]:
                by_key.setdefault(self.xid(phase["key"], "task"), phase["task_id"][0])
        for record in gates + payments + cadences:
            by_key.setdefault(self.xid(record["key"]), record["id"])
        for name, res_id in by_key.items():
            self.ids.setdefault(name, res_id)

    def _check_currency(self) -> None:
        """Odoo rounds amounts to the company currency (JPY: whole yen): refuse one it would store differently.

        Whole amounts fit every currency, so the currency is only read when some amount has cents.
        """
        plan = self.plan
        amounts = [("contract amount", plan.contract_amount)]
        amounts += [(f"payment milestone {p.key!r}", p.values["amount"]) for p in plan.by_kind("payment_milestone")]
        uid = getattr(self.client, "uid", None)
        if uid is None or all(a == a.to_integral_value() for _, a in amounts):
            return
        company = self._read_one("res.users", uid, "company_id").get("company_id")
        currency = self._read_one("res.company", company[0], "currency_id").get("currency_id") if company else None
        row = self._read_one("res.currency", currency[0], "name", "rounding") if currency else {}
        step = Decimal(repr(row["rounding"])) if row.get("rounding") else Decimal(0)
        if step <= 0:
            return
        for what, amount in amounts:
            if amount % step:
                stored = (amount / step).to_integral_value(ROUND_HALF_UP) * step
                raise ConnectorError(
                    f"Odoo keeps {row['name']} amounts in steps of {format(step.normalize(), 'f')}: the {what} "
                    f"{format(amount, 'f')} would be stored as {format(stored.normalize(), 'f')}",
                    "give a contract amount whose payment milestones come out whole (check them with `playbook plan`)")

    def _read_one(self, model: str, record_id: int, *fields: str) -> dict[str, Any]:
        rows = self.client.search_read(model, [("id", "=", record_id)], list(fields))
        return rows[0] if rows else {}

    def _names(self, record: PlannedRecord, addon: bool) -> list[str]:
        """The external ids a planned record becomes (the first decides whether it exists)."""
        if record.kind == "project":
            return [project_xmlid(self.code)]
        if record.kind == "phase":
            names = [self.xid(record.key, "task"), self.xid(record.key, "stage")]
            return [self.xid(record.key), *names] if addon else names
        if record.kind == "gate" and not addon:
            return [self.xid(record.key, "milestone")]
        if record.kind in ("payment_milestone", "cadence") and not addon:
            return []
        return [self.xid(record.key)]

    def _missing(self, addon: bool) -> dict[str, dict[str, bool]]:
        missing: dict[str, dict[str, bool]] = {kind: {} for kind in KINDS}
        for record in self.plan.records:
            names = self._names(record, addon)
            missing[record.kind][record.key] = any(n not in self.ids for n in names)
        return missing

    def _unrepresented(self) -> list[str]:
        payments = self.plan.by_kind("payment_milestone")
        notes = [
            "man-day budgets: kept as allocated hours on the phase tasks and in the project description; "
            "spent / remaining man-days per phase need the erp_playbook addon",
            f"{len(self.plan.by_kind('gate'))} gates became project milestones: no hard-gate blocking, "
            "no customer signature without the addon",
        ]
        cadences = self.plan.by_kind("cadence")
        if cadences:
            notes.append(f"{len(cadences)} cadences ({', '.join(c.key for c in cadences)}) were not scheduled: "
                         "cadences, their reminders and adherence need the erp_playbook addon")
        if payments:
            notes.insert(0, f"{len(payments)} payment milestones (amounts, due dates, overdue tracking) were not "
                            "created: plain Odoo has no model for them; install the addon (`playbook odoo install`)")
        return notes

    # -- writing ----------------------------------------------------------------------------------
    def _load(self, model: str, rows: list[Row], context: dict[str, Any] | None = None) -> None:
        rows = [r for r in rows if r.xmlid not in self.ids]
        if rows:
            self.ids.update(load_rows(self.client, model, rows, batch_size=self.batch_size, context=context))

    def _write(self, addon: bool) -> int:
        plan = self.plan
        self._linked = 0
        self._step("project")
        project_row = self._project_row(addon)
        if project_row.xmlid not in self.ids:
            project_row.relations["partner_id"] = self._partner_id()
            if addon:
                project_row.relations["erp_playbook_id"] = self._playbook_id()
        self._load("project.project", [project_row])
        project_id = self.ids[project_xmlid(self.code)]
        phases = plan.by_kind("phase")

        self._step("stages")
        self._load("project.task.type", [
            Row(self.xid(p.key, "stage"), {"name": self.name(p), "sequence": p.values["sequence"]},
                {"project_ids": project_id}) for p in phases
        ])
        if addon:
            self._step("phases")
            self._load("erp.project.phase", [
                Row(self.xid(p.key), {"key": p.key, "name": self.name(p), "sequence": p.values["sequence"],
                                      "budget_man_days": p.values["budget_man_days"]},
                    {"project_id": project_id, "stage_id": self.ids[self.xid(p.key, "stage")]}) for p in phases
            ])
        self._step("phase tasks")
        self._load("project.task", [self._phase_task_row(p, project_id, addon) for p in phases],
                   context={"mail_create_nolog": True, "tracking_disable": True})
        self._step("items")
        items = [r for r in plan.records if r.kind in ("deliverable", "checklist_item")]
        self._load("project.task", [self._item_row(r, project_id, addon) for r in items],
                   context={"mail_create_nolog": True, "tracking_disable": True})
        self._step("links")
        if addon:
            self._fill_links(project_id, phases, items)
        self._step("gates")
        gates = plan.by_kind("gate")
        if addon:
            self._load("erp.signoff", [self._signoff_row(g, project_id) for g in gates])
        else:
            self._load("project.milestone", [
                Row(self.xid(g.key, "milestone"), {"name": self.name(g)}, {"project_id": project_id}) for g in gates
            ])
        self._step("payments")
        if addon:
            self._load("erp.payment.milestone", [
                self._payment_row(p, project_id, seq) for seq, p in enumerate(plan.by_kind("payment_milestone"), 1)
            ])
        self._step("cadences")
        if addon:  # the addon schedules each one's activity when it is created
            order = [c.key for c in plan.playbook.cadences]  # the playbook's position, as Apply Playbook numbers
            self._load("erp.cadence", [
                Row(self.xid(c.key), {"key": c.key, "name": self.name(c), "sequence": order.index(c.key) + 1,
                                      "frequency": c.values["frequency"], "owner_role_key": c.values["owner_role"]},
                    {"project_id": project_id}) for c in plan.by_kind("cadence")
            ])
        return project_id

    def _project_row(self, addon: bool) -> Row:
        plan = self.plan
        values: dict[str, Any] = {"name": plan.project_name}
        budget = (f"Man-day budget: {plan.man_days} ({plan.hours_per_day} h per man-day); "
                  f"contract amount: {plan.contract_amount}; playbook {plan.playbook.key} {plan.playbook.version}, "
                  f"size {plan.size}, industry {plan.industry or '-'}.")
        if addon:
            values.update(self._erp_project_values())
        else:
            values.update({"allow_milestones": True, "description": f"<p>{budget}</p>"})
        return Row(project_xmlid(self.code), values)

    def _erp_project_values(self) -> dict[str, Any]:
        plan = self.plan
        return {"erp_size": plan.size, "erp_industry": plan.industry, "erp_man_day_budget": plan.man_days,
                "erp_hours_per_day": plan.hours_per_day, "erp_contract_amount": plan.contract_amount}

    def _phase_task_row(self, phase: PlannedRecord, project_id: int, addon: bool) -> Row:
        values: dict[str, Any] = {
            "name": self.name(phase), "sequence": phase.values["sequence"],
            "allocated_hours": _hours(phase.values["budget_man_days"], self.plan.hours_per_day),
        }
        relations = {"project_id": project_id, "stage_id": self.ids[self.xid(phase.key, "stage")]}
        if addon:
            values.update({"erp_item_key": phase.key, "erp_item_type": "phase"})
            relations["erp_phase_id"] = self.ids[self.xid(phase.key)]
        return Row(self.xid(phase.key, "task"), values, relations)

    def _item_row(self, item: PlannedRecord, project_id: int, addon: bool) -> Row:
        assert item.parent is not None
        values: dict[str, Any] = {"name": self.name(item)}
        relations = {"project_id": project_id, "parent_id": self.ids[self.xid(item.parent, "task")],
                     "stage_id": self.ids[self.xid(item.parent, "stage")]}
        if addon:
            values.update({"erp_item_key": item.key,
                           "erp_item_type": "deliverable" if item.kind == "deliverable" else "checklist",
                           "erp_deliverable_kind": item.values.get("deliverable_kind")})
            relations["erp_phase_id"] = self.ids[self.xid(item.parent)]
        return Row(self.xid(item.key), values, relations)

    def _signoff_row(self, gate: PlannedRecord, project_id: int) -> Row:
        phase = next(p for p in self.plan.by_kind("phase") if p.key == gate.parent)
        siblings = [g.key for g in self.plan.children(phase.key) if g.kind == "gate"]
        blocks = gate.values.get("blocks")
        return Row(self.xid(gate.key), {
            "key": gate.key, "name": self.name(gate), "hard": bool(gate.values["hard"]),
            "evidence_required": bool(gate.values.get("evidence_required")),
            "is_certificate": bool(gate.values.get("certificate")),
            "document": gate.values["document"].get(self.lang) if gate.values.get("document") else None,
            "sequence": phase.values["sequence"] * 100 + siblings.index(gate.key) + 1,
        }, {"project_id": project_id, "phase_id": self.ids.get(self.xid(phase.key)),
            "blocks_phase_id": self.ids.get(self.xid(blocks)) if blocks else None})

    def _payment_row(self, payment: PlannedRecord, project_id: int, sequence: int) -> Row:
        gate = payment.values.get("gate")
        return Row(self.xid(payment.key), {
            "key": payment.key, "name": self.name(payment), "sequence": sequence,
            "percent": payment.values["percent"], "amount": payment.values["amount"],
            "grace_days": payment.values["grace_days"], "delay_days": payment.values["delay_days"],
        }, {"project_id": project_id, "signoff_id": self.ids.get(self.xid(gate)) if gate else None})

    def _fill_links(self, project_id: int, phases: list[PlannedRecord], items: list[PlannedRecord]) -> None:
        """Fill links a killed run (or a project provisioned before the addon) left empty; never overwrite."""
        phase_fix: list[list[str]] = []
        for p in phases:
            phase_id, task_id = self.ids[self.xid(p.key)], self.ids[self.xid(p.key, "task")]
            row = self.phase_rows.get(phase_id)
            if row is None or not row["task_id"]:  # created this run, or by a run killed before linking
                phase_fix.append([str(phase_id), str(task_id)])
        task_fix: list[list[str]] = []
        wanted = [(p.key, p.key, "phase", self.xid(p.key, "task")) for p in phases]
        wanted += [(i.key, i.parent or "", "deliverable" if i.kind == "deliverable" else "checklist", self.xid(i.key))
                   for i in items]
        for key, phase_key, item_type, name in wanted:
            task = self.tasks.get(self.ids[name])
            if task is not None and not task["erp_phase_id"]:
                task_fix.append([str(task["id"]), str(self.ids[self.xid(phase_key)]),
                                 task["erp_item_key"] or key, task["erp_item_type"] or item_type])
        if phase_fix:
            self._load_update("erp.project.phase", [".id", "task_id/.id"], phase_fix)
        if task_fix:
            self._load_update("project.task", [".id", "erp_phase_id/.id", "erp_item_key", "erp_item_type"], task_fix)
        if self._project_needs_erp:
            values = self._erp_project_values()
            columns = [".id", *values]
            self._load_update("project.project", columns,
                              [[str(project_id), *(Row("", values).cells(tuple(values)))]])
        self._linked = len(task_fix) + sum(1 for fix in phase_fix if int(fix[0]) in self.phase_rows)

    def _load_update(self, model: str, columns: list[str], rows: list[list[str]]) -> None:
        result = self.client.execute(model, "load", columns, rows)
        errors = [m for m in result.get("messages") or [] if m.get("type") == "error"]
        if errors:
            raise ConnectorError(f"Odoo refused to link {model} records: {errors[0].get('message')}",
                                 "correct what Odoo names, then rerun")

    # -- lookups ------------------------------------------------------------------------------------
    def _partner_id(self) -> int | None:
        if not self.customer:
            return None
        found = self.client.search_read("res.partner", [("name", "=ilike", self.customer)], ["id"], limit=1)
        if found:
            return int(found[0]["id"])
        return self.client.create("res.partner", [{"name": self.customer, "is_company": True}])[0]

    def _playbook_id(self) -> int | None:
        found = self.client.search_read("erp.playbook", [("key", "=", self.plan.playbook.key)], ["id"], limit=1)
        return int(found[0]["id"]) if found else None


def provision(client: Any, plan: ProjectPlan, **kwargs: Any) -> ProvisionResult:
    dry_run = kwargs.pop("dry_run", False)
    return OdooProvisioner(client, plan, **kwargs).run(dry_run=dry_run)
