"""The one in-memory Odoo of the tests: a small ORM answering ``execute(model, method, *args, **kwargs)`` as Odoo's
``execute_kw`` does, for any model, plus the few things the ``erp_playbook`` addon (and hr_timesheet) compute or
refuse on the server that the connector relies on.

Records are dicts per model (``tables[model][id]``). A many2one is stored as an id (or ``[id, name]``, as the
reports' data set writes it); reads answer it as RPC does: ``[id, name]`` from ``read``/``search_read``, the id (or
a dict the specification opens) from ``web_read``. One domain matcher (``tests.fakes.odoo_domain``); an unknown
method or domain operator fails the test instead of passing silently.

Server-side behaviour, kept explicit (each names the addon code it stands for, and the sync scenarios of
``tests/sync/test_sync_scenarios.py`` hold it to a real Odoo by the same assertions):

- ``_compute``: man-days spent/remaining per phase and project, a phase's ``blocked_by`` (unsigned hard gates),
  a line's ``erp_phase_id`` (related to its task), a milestone's amount, due date and payment rule
  (``collection_status``, ``days_overdue``, ``is_overdue``: on the context date ``today``);
- refusals: a second line for one Jira worklog, time on a blocked phase, an inactive employee, changing a line the
  customer signed, changing a signed sign-off;
- actions: the sign-off workflow (request, sign, reject, supersede), ``message_post``, the customer's confirmation
  of lines, a milestone's draft invoice and posting it.

A data set may instead carry the addon's answers as of one date (``as_of``): then nothing is computed, and a read
of the date-dependent models must ask for that date (context ``today``).
"""

from __future__ import annotations

import copy
import html
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from connector.errors import ConnectorError
from connector.odoo.errors import server_error
from tests.fakes.kill import Killed, KillSwitch
from tests.fakes.odoo_domain import matches, value

__all__ = ["KillSwitch", "Killed", "OdooFake"]

# Many2one fields (model -> field -> comodel): what reads render as [id, name] and web_read specs may open.
M2O: dict[str, dict[str, str]] = {
    "account.analytic.line": {"project_id": "project.project", "task_id": "project.task",
                              "employee_id": "hr.employee", "erp_phase_id": "erp.project.phase",
                              "erp_change_request_id": "erp.change.request"},
    "project.task": {"project_id": "project.project", "erp_phase_id": "erp.project.phase",
                     "stage_id": "project.task.type"},
    "erp.project.phase": {"project_id": "project.project", "task_id": "project.task"},
    "erp.payment.milestone": {"project_id": "project.project", "invoice_id": "account.move",
                              "signoff_id": "erp.signoff"},
    "erp.signoff": {"project_id": "project.project", "signer_id": "res.partner", "partner_id": "res.partner",
                    "phase_id": "erp.project.phase", "blocks_phase_id": "erp.project.phase"},
    "project.project": {"partner_id": "res.partner", "user_id": "res.users", "company_id": "res.company",
                        "erp_playbook_id": "erp.playbook", "currency_id": "res.currency"},
    "res.partner": {"commercial_partner_id": "res.partner", "parent_id": "res.partner"},
    "hr.employee": {"user_id": "res.users"},
    "account.move": {"partner_id": "res.partner"},
}
# One2many fields web_read opens: model -> field -> (comodel, inverse many2one).
O2M = {"project.project": {"erp_phase_ids": ("erp.project.phase", "project_id"),
                           "erp_payment_ids": ("erp.payment.milestone", "project_id")}}
# Field defaults Odoo (or the addon) gives a record created without them.
DEFAULTS: dict[str, dict[str, Any]] = {
    "project.project": {"erp_hours_per_day": 8.0, "erp_man_day_budget": 0.0, "erp_contract_amount": 0.0,
                        "partner_id": False, "erp_contract_date": False},
    "erp.project.phase": {"sequence": 10, "budget_man_days": 0.0, "state": "draft"},
    "erp.signoff": {"state": "draft", "hard": False, "blocks_phase_id": False, "signer_id": False,
                    "date_signed": False, "date_requested": False, "rejection_reason": False, "sequence": 10,
                    "overridden_by_id": False},
    "erp.payment.milestone": {"sequence": 10, "percent": 0.0, "amount": 0.0, "grace_days": 30, "delay_days": 0,
                              "signoff_id": False, "invoice_id": False},
    "account.analytic.line": {"erp_customer_confirmed": False, "erp_confirmed_date": False, "task_id": False},
    "hr.employee": {"active": True, "work_email": False, "user_id": False},
    "res.partner": {"parent_id": False, "email": False, "is_company": False},
    "account.move": {"state": "draft", "payment_state": "not_paid", "invoice_date": False,
                     "invoice_date_due": False},
}
SIGNED_FIELDS = ("unit_amount", "date", "project_id", "task_id", "employee_id", "user_id")  # as the addon has them
LOCKED_SIGNOFF = ("signed", "superseded")
RELEASED_SIGNOFF = ("signed", "superseded")  # a hard gate in these no longer holds its phase
SETTLED_PAYMENT_STATES = ("paid", "in_payment", "reversed")
DATED_MODELS = ("erp.payment.milestone", "erp.signoff", "erp.cadence")  # computed on the context date


def _id(stored: Any) -> Any:
    """A many2one's id, stored as an id or ``[id, name]``."""
    return stored[0] if isinstance(stored, (list, tuple)) and len(stored) == 2 else stored


class OdooFake:
    def __init__(self, records: dict[str, list[dict[str, Any]]] | None = None, *, as_of: str | None = None,
                 today: date | None = None, switch: KillSwitch | None = None) -> None:
        """``records``: a data set (model -> rows with their ids); ``as_of``: the date its computed fields were
        answered on (nothing is computed then); ``today``: the server's today (a test may move it on)."""
        self.tables: dict[str, dict[int, dict[str, Any]]] = {}
        self.as_of = as_of
        self.today = today or date.today()
        self.rpc_calls = 0
        self.writes = 0
        self.switch = switch or KillSwitch()
        self.faults: list[tuple[str, str, ConnectorError]] = []
        self.called: list[tuple[str, str]] = []
        self._next = 1
        for model, rows in (records or {}).items():
            table = self.tables.setdefault(model, {})
            for row in rows:
                table[row["id"]] = row
                self._next = max(self._next, row["id"] + 1)
        self.uid = self.insert("res.users", name="Sync Bot", login="sync@example.test", email="sync@example.test")
        self.sync_employee = self.add_employee("Sync Bot", user=self.uid)

    @property
    def calls(self) -> Any:
        """``(model, method)`` of every call, in order."""
        return self.called

    @property
    def records(self) -> dict[str, list[dict[str, Any]]]:
        return {model: list(table.values()) for model, table in self.tables.items()}

    # -- building a database (no RPC counted) -------------------------------------------------------------
    def insert(self, table: str, /, **values: Any) -> int:
        rid = self._next
        self._next += 1
        self.tables.setdefault(table, {})[rid] = {"id": rid, **DEFAULTS.get(table, {}), **values}
        return rid

    def add_employee(self, name: str, *, work_email: str = "", user: int | None = None, login: str = "",
                     active: bool = True) -> int:
        """An employee; ``login`` makes a user for it (login and e-mail both ``login``)."""
        if login:
            user = self.insert("res.users", name=name, login=login, email=login)
        return self.insert("hr.employee", name=name, work_email=work_email, user_id=user or False, active=active)

    def confirm(self, line_ids: list[int], on: str = "2025-06-30") -> None:
        """The customer signs these lines (the addon's action_erp_customer_confirm)."""
        for rid in line_ids:
            self.tables["account.analytic.line"][rid].update(erp_customer_confirmed=True, erp_confirmed_date=on)

    def add_project(self, code: str, name: str, *, budget: float = 100.0, hours_per_day: float = 8.0,
                    phases: tuple[tuple[str, float], ...] = (("analysis", 30.0), ("build", 70.0))) -> int:
        """A project as provisioning leaves it: external id, phases with their tasks, budget."""
        pid = self.insert("project.project", name=name, erp_hours_per_day=hours_per_day, erp_man_day_budget=budget)
        self.insert("ir.model.data", module="erp_playbook_rpc", model="project.project", name=f"{code}__project",
                    res_id=pid)
        for seq, (key, days) in enumerate(phases, 1):
            task = self.insert("project.task", name=key.title(), project_id=pid, erp_item_key=key,
                               erp_item_type="phase")
            phase = self.insert("erp.project.phase", project_id=pid, key=key, name=key.title(), sequence=seq,
                                task_id=task, budget_man_days=days)
            self.tables["project.task"][task]["erp_phase_id"] = phase
        return pid

    def add_milestone(self, project_id: int, key: str, *, amount: float = 1000.0, date_due: str | bool = False,
                      invoice: dict[str, Any] | None = None, signoff: int | None = None,
                      delay_days: int = 0) -> int:
        """``signoff``: the gate it falls due with (date_due then follows the sign-off, as the addon computes it)."""
        invoice_id = self.insert("account.move", **invoice) if invoice else False
        return self.insert("erp.payment.milestone", project_id=project_id, key=key, name=key.title(), sequence=1,
                           amount=amount, invoice_id=invoice_id, date_due=date_due, signoff_id=signoff or False,
                           delay_days=delay_days)

    def add_partner(self, name: str, *, email: str = "", parent: int | None = None) -> int:
        """A company, or with ``parent`` one of its contacts (``commercial_partner_id`` as Odoo computes it)."""
        rid = self.insert("res.partner", name=name, email=email or False, parent_id=parent or False)
        self.tables["res.partner"][rid]["commercial_partner_id"] = parent or rid
        return rid

    def add_signoff(self, project_id: int, key: str, *, state: str = "draft", date_signed: str | bool = False,
                    signer: int | None = None, hard: bool = False, blocks: int | None = None) -> int:
        """``blocks``: the phase a hard gate holds (with every later one)."""
        return self.insert("erp.signoff", project_id=project_id, key=key, name=key.replace("_", " ").title(),
                           state=state, date_signed=date_signed, signer_id=signer or False, hard=hard,
                           blocks_phase_id=blocks or False)

    def signoff(self, key: str) -> dict[str, Any]:
        """The live (not superseded) sign-off of a gate key."""
        return max((r for r in self.tables["erp.signoff"].values() if r["key"] == key and r["state"] != "superseded"),
                   key=lambda r: r["id"])

    def notes(self, signoff_id: int) -> list[str]:
        return [m["body"] for m in self.tables.get("mail.message", {}).values()
                if m["model"] == "erp.signoff" and m["res_id"] == signoff_id]

    def lines(self) -> list[dict[str, Any]]:
        return list(self.tables.get("account.analytic.line", {}).values())

    def fail(self, model: str, method: str, error: ConnectorError) -> None:
        """The next ``model.method`` call raises ``error`` (applied nothing)."""
        self.faults.append((model, method, error))

    # -- RPC --------------------------------------------------------------------------------------------------
    def search_read(self, model: str, domain: list[Any], fields: list[str], **kw: Any) -> list[dict[str, Any]]:
        return self.execute(model, "search_read", domain, fields, **kw)  # type: ignore[no-any-return]

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        self.rpc_calls += 1
        self.called.append((model, method))
        for i, (m, meth, error) in enumerate(self.faults):
            if m == model and meth == method:
                del self.faults[i]
                raise error
        context = kwargs.pop("context", None) or {}
        handler: Callable[..., Any] | None = getattr(self, f"_{method}", None)
        if handler is None:
            raise AssertionError(f"{model}.{method} not supported by the Odoo fake")
        today = self._today(model, method, context)
        result = handler(model, *args, **kwargs) if today is None else handler(model, *args, today=today, **kwargs)
        self.switch.tick(f"{model}.{method}")
        return result

    def _today(self, model: str, method: str, context: dict[str, Any]) -> date | None:
        """The context date of a read (None for other calls); a data set as of a date must be read on that date."""
        if method not in ("search_read", "read", "web_read"):
            return None
        if self.as_of is not None and model in DATED_MODELS:
            assert context.get("today") == self.as_of, (model, method, context)
        return date.fromisoformat(context["today"]) if context.get("today") else self.today

    # reads
    def _rows(self, model: str, domain: list[Any], order: str | None = None) -> list[dict[str, Any]]:
        rows = [r for r in self.tables.get(model, {}).values() if matches(r, domain)]
        for part in reversed([p.strip() for p in (order or "id").split(",") if p.strip()]):
            name, _, direction = part.partition(" ")
            rows.sort(key=lambda r, n=name: (value(r, n) is False, value(r, n)), reverse=direction.lower() == "desc")
        return rows

    def _display(self, model: str, name: str, stored: Any) -> Any:
        """A field as ``read`` answers it: a many2one as ``[id, name]``."""
        target = M2O.get(model, {}).get(name)
        if not target or not stored or isinstance(stored, (list, tuple)):
            return copy.deepcopy(stored)
        row = self.tables.get(target, {}).get(stored) or {}
        return [stored, row.get("display_name") or row.get("name") or ""]

    def _pick(self, model: str, row: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
        names = fields or [n for n in row if n != "id"]
        return {"id": row["id"], **{f: self._display(model, f, row.get(f, False)) for f in names}}

    def _search(self, model: str, domain: list[Any], offset: int = 0, limit: int | None = None,
                order: str | None = None) -> list[int]:
        return [r["id"] for r in self._rows(model, domain, order)[offset:offset + limit if limit else None]]

    def _search_count(self, model: str, domain: list[Any]) -> int:
        return len(self._rows(model, domain))

    def _search_read(self, model: str, domain: list[Any] | None = None, fields: list[str] | None = None,
                     offset: int = 0, limit: int | None = None, order: str | None = None,
                     today: date | None = None) -> list[dict[str, Any]]:
        self._compute(model, today)
        rows = self._rows(model, domain or [], order)[offset:offset + limit if limit else None]
        return [self._pick(model, r, fields) for r in rows]

    def _read(self, model: str, ids: list[int], fields: list[str] | None = None,
              today: date | None = None) -> list[dict[str, Any]]:
        self._compute(model, today)
        table = self.tables.get(model, {})
        return [self._pick(model, table[i], fields) for i in ids if i in table]

    def _read_group(self, model: str, domain: list[Any], fields: list[str], groupby: list[str],
                    lazy: bool = True, **_: Any) -> list[dict[str, Any]]:
        assert lazy is False, "the fake groups by every field at once only (lazy=False)"
        self._compute(model, None)
        groups: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in self._rows(model, domain):
            key = tuple(value(row, g) for g in groupby)
            group = groups.setdefault(key, {**{g: self._display(model, g, row.get(g, False)) for g in groupby},
                                            "__count": 0})
            group["__count"] += 1
            for spec in fields:
                name, _agg = spec.split(":")
                group[name] = group.get(name, 0.0) + (row.get(name) or 0.0)
        return list(groups.values())

    def _web_read(self, model: str, ids: list[int], specification: dict[str, Any],
                  today: date | None = None) -> list[dict[str, Any]]:
        """Odoo 17+'s ``web_read``: many2ones as ids (or dicts when the spec opens them), one2manys as lists."""
        self._compute(model, today)
        out = []
        for rid in ids:
            row = self.tables.get(model, {}).get(rid)
            if row is None:
                continue
            values: dict[str, Any] = {"id": rid}
            for name, spec in specification.items():
                if name in O2M.get(model, {}):
                    comodel, inverse = O2M[model][name]
                    children = [r["id"] for r in self._rows(comodel, [(inverse, "=", rid)], "sequence, id")]
                    values[name] = self._web_read(comodel, children, spec.get("fields") or {}, today)
                elif name in M2O.get(model, {}):
                    target = _id(row.get(name)) or False
                    opened = (spec or {}).get("fields")
                    values[name] = target if opened is None or not target else \
                        (self._web_read(M2O[model][name], [target], opened, today) or [False])[0]
                else:
                    values[name] = copy.deepcopy(row.get(name, False))
            out.append(values)
        return out

    def _web_search_read(self, model: str, domain: list[Any], specification: dict[str, Any],
                         **_: Any) -> dict[str, Any]:
        """Employees with their users, as the sync reads them (hr.employee.public: active ones only)."""
        assert model == "hr.employee.public", model
        ids = [e["id"] for e in self._rows("hr.employee", [("active", "=", True), *domain])]
        records = self._web_read("hr.employee", ids, specification)
        return {"length": len(records), "records": records}

    # writes
    def _create(self, model: str, vals: dict[str, Any] | list[dict[str, Any]]) -> int | list[int]:
        vals_list = [vals] if isinstance(vals, dict) else vals
        if model == "account.analytic.line":
            self._compute("erp.project.phase", None)
            table = self.tables.get(model, {})
            taken = {r.get("erp_jira_worklog_id") for r in table.values()} - {None, False}
            vals_list = [{"employee_id": self.sync_employee, **v} for v in vals_list]  # hr_timesheet's default
            for v in vals_list:
                if v.get("erp_jira_worklog_id") and v["erp_jira_worklog_id"] in taken:
                    raise server_error("odoo.exceptions.ValidationError", "This Jira worklog is already recorded "
                                       "as a timesheet line.", "account.analytic.line.create")
                taken.add(v.get("erp_jira_worklog_id"))
                self._check_employee(v, "create")
                self._check_phase_open(v)
        self.writes += 1
        ids = [self.insert(model, **v) for v in vals_list]
        return ids[0] if isinstance(vals, dict) else ids

    def _write(self, model: str, ids: list[int], vals: dict[str, Any]) -> bool:
        if model == "erp.signoff":
            self._check_signoff_unlocked(ids, vals)
        if model == "account.analytic.line":
            if set(vals) & set(SIGNED_FIELDS):
                self._check_not_signed(ids, "write")
            self._check_employee(vals, "write")
        self.writes += 1
        for rid in ids:
            row = self.tables[model][rid]
            for name, new in vals.items():
                if isinstance(new, list) and new and isinstance(new[0], (list, tuple)):  # x2many commands (4, id)
                    row[name] = sorted({*row.get(name, []), *(c[1] for c in new if c[0] == 4)})
                else:
                    row[name] = new
        return True

    def _unlink(self, model: str, ids: list[int]) -> bool:
        if model == "account.analytic.line":
            self._check_not_signed(ids, "unlink")
        self.writes += 1
        for rid in ids:
            self.tables[model].pop(rid, None)
        return True

    # -- the addon's actions --------------------------------------------------------------------------------
    def _action_erp_customer_confirm(self, model: str, ids: list[int]) -> bool:
        self.confirm(ids, on=self.today.isoformat())
        return True

    def _signoffs(self, ids: list[int], allowed: tuple[str, ...], what: str) -> list[dict[str, Any]]:
        rows = [self.tables["erp.signoff"][rid] for rid in ids]
        for row in rows:
            if row["state"] not in allowed:
                raise server_error("odoo.exceptions.UserError", f"Only a {what} sign-off can be changed so "
                                   f"('{row['name']}').", "erp.signoff")
        return rows

    def _action_request(self, model: str, ids: list[int]) -> bool:
        self._signoffs(ids, ("draft", "rejected"), "draft or rejected")
        self._write(model, ids, {"state": "requested", "date_requested": self.today.isoformat()})
        return True

    def _action_sign(self, model: str, ids: list[int], signer_id: int | None = None,
                     date_signed: str | None = None, jira_issue: str | None = None) -> bool:
        """erp_signoff_customer.action_sign: the paper attached unless signed from Jira, by a customer contact."""
        for row in self._signoffs(ids, ("requested",), "requested"):
            signer = signer_id or row["signer_id"]
            if not jira_issue and not row.get("attachment_ids") and signer:
                raise server_error("odoo.exceptions.UserError", f"Attach the paper the customer signed to "
                                   f"'{row['name']}' before recording the signature.", "erp.signoff.action_sign")
            if not signer:
                raise server_error("odoo.exceptions.UserError", f"Set who signed '{row['name']}' (Signed By) before "
                                   "marking it signed.", "erp.signoff.action_sign")
            customer = self.tables["project.project"][_id(row["project_id"])].get("partner_id")
            if not customer or self._commercial(signer) != self._commercial(_id(customer)):
                raise server_error("odoo.exceptions.ValidationError", f"'{row['name']}' must be signed by a contact "
                                   "of the customer.", "erp.signoff.action_sign")
            self._write(model, [row["id"]], {"state": "signed", "signer_id": signer,
                                             "signed_via": "jira" if jira_issue else "paper",
                                             "date_signed": date_signed or self.today.isoformat()})
        return True

    def _action_reject(self, model: str, ids: list[int], reason: str | None = None) -> bool:
        self._signoffs(ids, ("requested",), "requested")
        self._write(model, ids, {"state": "rejected", "rejection_reason": reason or False})
        return True

    def _action_supersede(self, model: str, ids: list[int]) -> bool:
        for row in self._signoffs(ids, ("signed",), "signed"):
            values = {k: v for k, v in row.items() if k != "id"}
            successor = self.insert(model, **{**values, "state": "requested", "date_signed": False,
                                              "signer_id": False})
            row.update(state="superseded", superseded_by_id=successor)
        return True

    def _message_post(self, model: str, ids: list[int], body: str = "", **kw: Any) -> int:
        self.writes += 1
        (rid,) = ids
        # Odoo stores a plain-text body escaped, as HTML.
        return self.insert("mail.message", model=model, res_id=rid, body=f"<p>{html.escape(body)}</p>",
                           subtype=kw.get("subtype_xmlid"))

    def _action_create_invoice(self, model: str, ids: list[int]) -> dict[str, Any]:
        """The milestone's draft customer invoice for its amount (erp_payment_milestone.action_create_invoice)."""
        self._compute(model, None)
        (milestone,) = (self.tables[model][rid] for rid in ids)
        invoice = self.insert("account.move", name="/", move_type="out_invoice", amount_residual=milestone["amount"])
        milestone["invoice_id"] = invoice
        return {"type": "ir.actions.act_window", "res_model": "account.move", "res_id": invoice}

    def _action_post(self, model: str, ids: list[int]) -> bool:
        for rid in ids:
            move = self.tables[model][rid]
            move.update(state="posted", name=f"INV/{self.today.year}/{rid:05d}",
                        invoice_date=move.get("invoice_date") or self.today.isoformat())
        return False

    # -- the addon's refusals ---------------------------------------------------------------------------------
    def _check_signoff_unlocked(self, ids: list[int], vals: dict[str, Any]) -> None:
        for rid in ids:
            row = self.tables["erp.signoff"][rid]
            changed = [k for k, v in vals.items() if row.get(k) != v and not k.startswith("message_")]
            if row["state"] in LOCKED_SIGNOFF and changed:
                raise server_error("odoo.exceptions.UserError", f"Sign-off '{row['name']}' is {row['state']} and "
                                   f"cannot be changed ({', '.join(sorted(changed))}).", "erp.signoff.write")

    def _check_not_signed(self, ids: list[int], method: str) -> None:
        signed = [rid for rid in ids if self.tables["account.analytic.line"].get(rid, {}).get("erp_customer_confirmed")]
        if signed:
            raise server_error("odoo.exceptions.UserError", f"{len(signed)} timesheet line(s) are part of the "
                               "implementation log the customer signed and cannot be changed or deleted.",
                               f"account.analytic.line.{method}")

    def _check_phase_open(self, vals: dict[str, Any]) -> None:
        """The addon refuses time on a phase an unsigned hard gate holds (account_analytic_line.py)."""
        task = self.tables.get("project.task", {}).get(vals.get("task_id") or 0) or {}
        phase = self.tables.get("erp.project.phase", {}).get(_id(task.get("erp_phase_id")) or 0) or {}
        if phase.get("blocked_by"):
            raise server_error("odoo.exceptions.UserError", f"No time can be booked on phase '{phase['name']}' yet: "
                               f"the hard gate {phase['blocked_by']} is not signed.", "account.analytic.line.create")

    def _check_employee(self, vals: dict[str, Any], method: str) -> None:
        employee = self.tables["hr.employee"].get(vals.get("employee_id") or 0) if "employee_id" in vals else {}
        if employee is None or (employee and not employee.get("active", True)):
            raise server_error("odoo.exceptions.ValidationError", "Timesheets must be created with an active "
                               "employee in the selected companies.", f"account.analytic.line.{method}")

    # -- the addon's computed fields --------------------------------------------------------------------------
    def _compute(self, model: str, today: date | None) -> None:
        if self.as_of is not None:
            return
        tables = self.tables
        if model == "res.partner":
            for row in tables.get(model, {}).values():
                row["commercial_partner_id"] = self._commercial(row["id"])
        if model == "erp.signoff":
            for row in tables.get(model, {}).values():
                row["partner_id"] = tables["project.project"][_id(row["project_id"])].get("partner_id") or False
        if model == "erp.payment.milestone":
            for m in tables.get(model, {}).values():
                self._compute_milestone(m, today or self.today)
        if model in ("account.analytic.line", "erp.project.phase", "project.project"):
            tasks = tables.get("project.task", {})
            for line in self.lines():  # stored related: task_id.erp_phase_id
                task = tasks.get(_id(line.get("task_id")) or 0)
                line["erp_phase_id"] = _id(task.get("erp_phase_id")) or False if task else False
        if model == "erp.project.phase":
            for phase in tables.get(model, {}).values():
                hpd = tables["project.project"][_id(phase["project_id"])]["erp_hours_per_day"]
                hours = sum(ln["unit_amount"] for ln in self.lines() if ln["erp_phase_id"] == phase["id"])
                phase["spent_man_days"] = hours / hpd
                phase["remaining_man_days"] = phase["budget_man_days"] - phase["spent_man_days"]
                phase["blocked_by"] = self._gate_names(phase) or False
        if model == "project.project":
            for project in tables.get(model, {}).values():
                hours = sum(ln["unit_amount"] for ln in self.lines() if _id(ln["project_id"]) == project["id"])
                project["erp_man_days_spent"] = hours / project["erp_hours_per_day"]
                project["erp_man_days_remaining"] = project["erp_man_day_budget"] - project["erp_man_days_spent"]

    def _commercial(self, partner_id: int) -> int:
        """res.partner.commercial_partner_id: the company at the top of a contact's parents."""
        row = self.tables["res.partner"][partner_id]
        return self._commercial(_id(row["parent_id"])) if row.get("parent_id") else partner_id

    def _gate_names(self, phase: dict[str, Any]) -> str:
        """erp_project_phase._erp_gate_names: unsigned, not overridden hard gates naming this phase or an earlier."""
        phases = self.tables["erp.project.phase"]
        gates = [g for g in self.tables.get("erp.signoff", {}).values()
                 if _id(g["project_id"]) == _id(phase["project_id"]) and g.get("hard") and g.get("blocks_phase_id")
                 and phases[_id(g["blocks_phase_id"])]["sequence"] <= phase["sequence"]
                 and g["state"] not in RELEASED_SIGNOFF and not g.get("overridden_by_id")]
        return ", ".join(f"'{g['name']}'" for g in gates)

    def _compute_milestone(self, m: dict[str, Any], today: date) -> None:
        """erp_payment_milestone: amount from percent, due date from the gate (or contract date), the payment rule
        on ``today`` (without the acceptance clock)."""
        project = self.tables["project.project"][_id(m["project_id"])]
        if m.get("percent"):
            m["amount"] = project.get("erp_contract_amount", 0.0) * m["percent"] / 100.0
        gate = self.tables.get("erp.signoff", {}).get(_id(m.get("signoff_id")) or 0)
        if gate:
            m["signoff_state"] = gate["state"]
            trigger = gate["date_signed"] if gate["state"] == "signed" else False
            m["date_due"] = (date.fromisoformat(trigger) + timedelta(days=m["delay_days"])).isoformat() \
                if trigger else False
        else:
            m["signoff_state"] = False
        invoice = self.tables.get("account.move", {}).get(_id(m.get("invoice_id")) or 0)
        m["payment_state"] = invoice.get("payment_state", False) if invoice else False
        m["amount_residual"] = invoice.get("amount_residual", 0.0) if invoice else 0.0
        settled = bool(invoice) and invoice.get("payment_state") in SETTLED_PAYMENT_STATES
        days = 0
        if m.get("date_due") and not settled:
            days = (today - (date.fromisoformat(m["date_due"]) + timedelta(days=m["grace_days"]))).days
        m["days_overdue"], m["is_overdue"] = max(days, 0), days > 0
        m["collection_status"] = ("overdue" if days > 0 else "paid" if settled
                                  else "invoiced" if invoice else "not_due")
