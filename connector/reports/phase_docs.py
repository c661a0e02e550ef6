"""The phase documents (lessons 16, 17): plan before a phase, summary after it, and the confirmation certificate
with the days invested and remaining, backed by the signed implementation log (customer-confirmed lines)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from connector.playbook.model import Playbook
from connector.reports import analysis as an
from connector.reports.document import (
    Bullets,
    Cell,
    Column,
    Document,
    Facts,
    Paragraph,
    Party,
    Section,
    Signatures,
    Table,
    cell,
)
from connector.reports.fmt import fmt_date, fmt_days, fmt_money, fmt_percent
from connector.reports.i18n import t
from connector.reports.odoo_source import find_phase
from connector.reports.snapshot import ProjectInfo, ProjectSnapshot
from connector.reports.sync_status import SyncStatus
from connector.reports.weekly import (
    GATE_TONE,
    forecast_cell,
    payment_status_cell,
    payment_trigger,
    phase_state_cell,
    sync_cell,
)

PhaseDocKind = Literal["phase_plan", "phase_summary", "confirmation"]
PHASE_DOC_KINDS: tuple[PhaseDocKind, ...] = ("phase_plan", "phase_summary", "confirmation")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemRow(_Model):
    name: str
    item_type: str  # checklist / deliverable
    role: str
    owners: list[str]
    deadline: date | None
    done: bool
    cancelled: bool
    late: bool


class LogRow(_Model):
    date: date
    employee: str
    work: str
    hours: float
    man_days: float
    confirmed_date: date | None


class ManDays(_Model):
    """One column of the certificate's figures: budget, logged, confirmed, remaining (budget - confirmed)."""

    budget: float
    logged: float
    confirmed: float

    @property
    def remaining(self) -> float:
        return self.budget - self.confirmed

    @property
    def unconfirmed(self) -> float:
        return self.logged - self.confirmed


class PhaseReport(_Model):
    kind: PhaseDocKind
    lang: str
    project: ProjectInfo
    as_of: date
    phase: an.PhaseRow
    phase_count: int
    date_start: date | None
    date_done: date | None
    purpose: str
    entry_criteria: list[str]
    entry_gates: list[an.GateRow]
    items: list[ItemRow]
    gates: list[an.GateRow]
    gate_roles: dict[str, str]
    gate_documents: dict[str, str]
    payments: list[an.PaymentRow]
    phase_days: ManDays
    project_days: ManDays
    log: list[LogRow]
    next_phase: an.PhaseRow | None
    register_open: int
    register_total: int
    risks: list[an.Risk]
    sync: SyncStatus | None = None
    acceptance_criteria: str | None = None
    unfunded: list[tuple[str, float]] = []


def build_phase_report(snap: ProjectSnapshot, playbook: Playbook | None, phase_ref: str, kind: PhaseDocKind,
                       lang: str) -> PhaseReport:
    names = an.Names(playbook, lang)
    phase_snap = find_phase(snap.phases, phase_ref)
    rows = an.phase_rows(snap, names)
    row = next(r for r in rows if r.id == phase_snap.id)
    gates = an.gate_rows(snap, names)
    pb_phase = next((p for p in playbook.phases if p.key == phase_snap.key), None) if playbook else None
    roles: dict[str, str] = {}
    if playbook:
        role_name = {r.key: names.text(r.name) for r in playbook.roles}
        for p in playbook.phases:
            roles.update({i.key: role_name.get(i.role, i.role) for i in p.checklist})
            roles.update({g.key: role_name.get(g.signed_by, g.signed_by) for g in p.gates})
        documents = {g.key: names.text(g.document) for _, g in playbook.gates()}
    else:
        documents = {}

    items = [
        ItemRow(name=names(task.item_key, task.name), item_type=task.item_type or "checklist",
                role=roles.get(task.item_key or "", ""), owners=task.assignees, deadline=task.deadline,
                done=task.state == "1_done", cancelled=task.state == "1_canceled",
                late=bool(task.deadline and task.deadline < snap.as_of and not task.closed))
        for task in snap.items_of(phase_snap.id)
    ]
    own_gates = [g for g in gates if g.phase_key == phase_snap.key]
    gate_keys = {g.key for g in own_gates}
    by_key = {g.key: g for g in snap.live_gates()}
    entry_gates = [g for g in gates if by_key[g.key].blocks_phase_id == phase_snap.id]
    pay_rows = an.payment_rows(snap, names)
    own_gate_ids = {g.id for g in snap.live_gates() if g.key in gate_keys}
    own_payments = [row for row, pay in zip(pay_rows, snap.payments, strict=True) if pay.signoff_id in own_gate_ids]
    log = [
        LogRow(date=line.date, employee=line.employee or "", work=_work(line.task, line.description),
               hours=line.hours, man_days=line.man_days, confirmed_date=line.confirmed_date)
        for line in snap.lines if line.confirmed and line.phase_id == phase_snap.id and line.date <= snap.as_of
    ]
    later = [r for r in rows if r.sequence > row.sequence or (r.sequence == row.sequence and r.id > row.id)]
    register = [i for i in snap.register_items if i.phase_id == phase_snap.id]
    return PhaseReport(
        kind=kind, lang=lang, project=snap.project, as_of=snap.as_of, phase=row, phase_count=len(rows),
        date_start=phase_snap.date_start, date_done=phase_snap.date_done,
        purpose=names.text(pb_phase.description) if pb_phase else "",
        entry_criteria=[names.text(c) for c in pb_phase.entry_criteria] if pb_phase else [],
        entry_gates=entry_gates, items=items, gates=own_gates,
        gate_roles={k: v for k, v in roles.items() if k in gate_keys},
        gate_documents={k: v for k, v in documents.items() if k in gate_keys}, payments=own_payments,
        phase_days=ManDays(budget=row.budget, logged=row.spent, confirmed=row.signed),
        project_days=ManDays(budget=snap.budget_man_days, logged=snap.spent_man_days,
                             confirmed=snap.signed_man_days),
        log=log, next_phase=later[0] if later else None,
        register_open=sum(1 for i in register if not i.closed), register_total=len(register),
        risks=[r for r in an.risks(snap, rows, gates, pay_rows, lang) if r.phase_key == phase_snap.key],
        sync=snap.sync,
        acceptance_criteria=snap.project.acceptance_criteria if _is_acceptance(phase_snap.key, playbook) else None,
        unfunded=[(c.name, c.spent_man_days) for c in snap.unfunded(phase_snap.id)],
    )


def _is_acceptance(phase_key: str, playbook: Playbook | None) -> bool:
    """The acceptance phase: the one whose gate runs the acceptance clock (lesson 23); without a playbook, by key."""
    if playbook is None:
        return phase_key == "acceptance"
    return any(gate.acceptance_clock for gate in playbook.phase(phase_key).gates) if any(
        p.key == phase_key for p in playbook.phases) else False


def _work(task: str | None, description: str) -> str:
    if task and description and description != task:
        return f"{task}: {description}"
    return task or description or "—"


# --- documents ----------------------------------------------------------------------------------------
def phase_document(rep: PhaseReport, *, today: date) -> Document:
    lang = rep.lang
    p = rep.phase
    facts = [
        (t(lang, "fact.customer"), cell(rep.project.customer or "—")),
        (t(lang, "fact.manager"), cell(rep.project.manager or "—")),
        (t(lang, "fact.phase"), cell(f"{p.sequence} / {rep.phase_count}: {p.name}")),
        (t(lang, "fact.phase_state"), phase_state_cell(lang, p)),
        (t(lang, "fact.period"), cell(f"{fmt_date(rep.date_start)} – {fmt_date(rep.date_done)}")),
        (t(lang, "fact.phase_budget"), cell(f"{fmt_days(p.budget)} {t(lang, 'chart.unit')}")),
    ]
    if p.forecast is not None:
        facts.append((t(lang, "fact.phase_forecast"), forecast_cell(p.budget, p.forecast)))
    if rep.kind != "confirmation":
        facts.append((t(lang, "fact.checklist"), cell(f"{p.items_done} / {p.items_total} ({fmt_percent(p.progress)})")))
    facts.append((t(lang, "fact.as_of"), cell(fmt_date(rep.as_of))))
    if rep.kind == "confirmation" and rep.sync is not None:
        # What the customer signs for is only as complete as the last sync of the Jira worklogs.
        facts.append((t(lang, "fact.jira_sync"), sync_cell(lang, rep.sync)))
    builder = {"phase_plan": _plan_sections, "phase_summary": _summary_sections,
               "confirmation": _confirmation_sections}[rep.kind]
    return Document(
        kind=rep.kind, lang=lang, title=t(lang, f"title.{rep.kind}"),
        subtitle=t(lang, "subtitle.phase", project=rep.project.name, sequence=p.sequence, phase=p.name),
        facts=Facts(facts), sections=builder(rep),
        footer=t(lang, "footer", date=fmt_date(today), as_of=fmt_date(rep.as_of)),
    )


def _items_table(rep: PhaseReport, item_type: str) -> Table:
    lang = rep.lang
    rows = []
    for item in (i for i in rep.items if i.item_type == item_type):
        if item.done or item.cancelled:
            status = Cell(t(lang, "task.done"), "ok") if item.done else Cell(t(lang, "task.cancelled"), "muted")
        else:
            status = Cell(t(lang, "task.open") + (f" ({t(lang, 'task.late')})" if item.late else ""),
                          "bad" if item.late else None)
        rows.append([Cell(item.name), Cell(item.role), Cell(", ".join(item.owners)), Cell(fmt_date(item.deadline)),
                     status])
    return Table([Column(t(lang, "col.item"), weight=3.2), Column(t(lang, "col.role"), weight=1.5),
                  Column(t(lang, "col.owner"), weight=1.3), Column(t(lang, "col.deadline"), weight=1.1),
                  Column(t(lang, "col.status"), weight=1.1)], rows, empty=t(lang, "no_items"))


def _gates_table(rep: PhaseReport, gates: list[an.GateRow]) -> Table:
    lang = rep.lang
    rows = []
    for g in gates:
        hard = t(lang, "gate.blocks", phase=g.blocks_phase_name) if g.hard and g.blocks_phase_name else ""
        rows.append([Cell(g.name), Cell(rep.gate_roles.get(g.key, "")), Cell(rep.gate_documents.get(g.key, "")),
                     Cell(hard, "warn" if hard and g.status != "signed" else None),
                     Cell(t(lang, f"gate.{g.status}"), GATE_TONE[g.status]), Cell(fmt_date(g.date_signed))])
    return Table([Column(t(lang, "col.gate"), weight=2.2), Column(t(lang, "col.signer_role"), weight=1.4),
                  Column(t(lang, "col.document"), weight=1.8), Column(t(lang, "col.hard"), weight=1.4),
                  Column(t(lang, "col.status"), weight=1.2), Column(t(lang, "col.signed_on"), weight=1.0)], rows,
                 empty=t(lang, "no_gates"))


def _payments_table(rep: PhaseReport) -> Table:
    lang = rep.lang
    rows = [[Cell(p.name), Cell(fmt_percent(p.percent)), Cell(fmt_money(p.amount, rep.project.currency)),
             Cell(payment_trigger(lang, p)), payment_status_cell(lang, p)] for p in rep.payments]
    return Table([Column(t(lang, "col.milestone"), weight=2), Column(t(lang, "col.percent"), "right", 0.7),
                  Column(t(lang, "col.amount"), "right", 1.3), Column(t(lang, "col.trigger"), weight=2),
                  Column(t(lang, "col.status"), weight=1.5)], rows, empty=t(lang, "no_payments"))


def _man_days_table(rep: PhaseReport, *, confirmed_basis: bool) -> Table:
    lang = rep.lang
    ph, pr = rep.phase_days, rep.project_days
    rows = [[Cell(t(lang, "col.budget")), Cell(fmt_days(ph.budget)), Cell(fmt_days(pr.budget))],
            [Cell(t(lang, "logged")), Cell(fmt_days(ph.logged)), Cell(fmt_days(pr.logged))],
            [Cell(t(lang, "invested")), Cell(fmt_days(ph.confirmed)), Cell(fmt_days(pr.confirmed))]]
    # The certificate counts what the customer confirmed; plan and summary count everything logged.
    remaining = (ph.remaining, pr.remaining) if confirmed_basis else (ph.budget - ph.logged, pr.budget - pr.logged)
    label = t(lang, "remaining_confirmed" if confirmed_basis else "remaining_after")
    rows.append([Cell(label), Cell(fmt_days(remaining[0]), "bad" if remaining[0] < 0 else None),
                 Cell(fmt_days(remaining[1]), "bad" if remaining[1] < 0 else None)])
    return Table([Column(t(lang, "chart.unit"), weight=2), Column(t(lang, "col.phase_col"), "right"),
                  Column(t(lang, "col.project_col"), "right")], rows)


def _plan_sections(rep: PhaseReport) -> list[Section]:
    lang = rep.lang
    sections = []
    if rep.purpose:
        sections.append(Section(t(lang, "sec.purpose"), [Paragraph(rep.purpose)]))
    entry: list = [Bullets([Cell(c) for c in rep.entry_criteria])] if rep.entry_criteria else []
    if rep.entry_gates:
        entry.append(_gates_table(rep, rep.entry_gates))
    if entry:
        sections.append(Section(t(lang, "sec.entry"), entry))
    sections += [
        Section(t(lang, "sec.checklist"), [_items_table(rep, "checklist")]),
        Section(t(lang, "sec.deliverables"), [_items_table(rep, "deliverable")]),
        Section(t(lang, "sec.phase_gates"), [_gates_table(rep, rep.gates)]),
    ]
    if rep.payments:
        sections.append(Section(t(lang, "sec.phase_payments"), [_payments_table(rep)]))
    sections.append(Section(t(lang, "sec.man_days"), [_man_days_table(rep, confirmed_basis=False)]))
    if rep.risks:
        sections.append(Section(t(lang, "sec.risks"), [_risks(rep)]))
    return sections


def _risks(rep: PhaseReport) -> Bullets:
    return Bullets([Cell(f"[{t(rep.lang, 'severity.' + r.severity)}] {r.message}",
                         "bad" if r.severity == "high" else "warn") for r in rep.risks])


def _summary_sections(rep: PhaseReport) -> list[Section]:
    lang = rep.lang
    p = rep.phase
    results: list = [Paragraph(t(lang, "results_line", done=p.items_done, total=p.items_total))]
    results.append(_items_table(rep, "deliverable"))
    open_items = [i for i in rep.items if not (i.done or i.cancelled) and i.item_type == "checklist"]
    open_rows = [[Cell(i.name), Cell(i.role), Cell(", ".join(i.owners)), Cell(fmt_date(i.deadline),
                  "bad" if i.late else None)] for i in open_items]
    sections = [
        Section(t(lang, "sec.results"), results),
        Section(t(lang, "sec.open_items"), [Table(
            [Column(t(lang, "col.item"), weight=3.2), Column(t(lang, "col.role"), weight=1.5),
             Column(t(lang, "col.owner"), weight=1.3), Column(t(lang, "col.deadline"), weight=1.1)], open_rows,
            empty=t(lang, "no_items"))]),
        Section(t(lang, "sec.phase_gates"), [_gates_table(rep, rep.gates)]),
        Section(t(lang, "sec.man_days"), [_man_days_table(rep, confirmed_basis=False)]),
    ]
    if rep.payments:
        sections.append(Section(t(lang, "sec.phase_payments"), [_payments_table(rep)]))
    if rep.risks:
        sections.append(Section(t(lang, "sec.risks"), [_risks(rep)]))
    if rep.next_phase:
        nxt = rep.next_phase
        text = f"{nxt.sequence}. {nxt.name} — {t(lang, 'col.budget')} {fmt_days(nxt.budget)} {t(lang, 'chart.unit')}"
        blocks: list = [Paragraph(text)]
        if nxt.blocked_by:
            blocks.append(Paragraph(t(lang, "phase.blocked", gates=", ".join(nxt.blocked_by)), "bad"))
        sections.append(Section(t(lang, "sec.next_phase"), blocks))
    return sections


def _confirmation_sections(rep: PhaseReport) -> list[Section]:
    lang = rep.lang
    ph, pr = rep.phase_days, rep.project_days
    statement = t(lang, "confirmation_text", customer=rep.project.customer or t(lang, "fact.customer"),
                  project=rep.project.name, phase=rep.phase.name, days=fmt_days(ph.confirmed),
                  budget=fmt_days(pr.budget), invested=fmt_days(pr.confirmed), remaining=fmt_days(pr.remaining))
    confirmation: list = [Paragraph(statement), _man_days_table(rep, confirmed_basis=True)]
    if ph.unconfirmed > an.EPSILON_DAYS:
        confirmation.append(Paragraph(t(lang, "unconfirmed_note", days=fmt_days(ph.unconfirmed)), "warn"))
    if rep.unfunded:
        confirmation.append(Paragraph(t(lang, "unfunded_note", days=fmt_days(sum(d for _n, d in rep.unfunded)),
                                        requests=", ".join(n for n, _d in rep.unfunded)), "bad"))
    rows = [[Cell(fmt_date(r.date)), Cell(r.employee), Cell(r.work), Cell(fmt_days(r.hours)),
             Cell(fmt_days(r.man_days)), Cell(fmt_date(r.confirmed_date))] for r in rep.log]
    total = [Cell(t(lang, "col.total")), Cell(""), Cell(""), Cell(fmt_days(sum(r.hours for r in rep.log))),
             Cell(fmt_days(sum(r.man_days for r in rep.log))), Cell("")]
    log = Table([Column(t(lang, "col.date"), weight=1.0), Column(t(lang, "col.consultant"), weight=1.2),
                 Column(t(lang, "col.work"), weight=3.6), Column(t(lang, "col.hours"), "right", 0.7),
                 Column(t(lang, "col.man_days"), "right", 0.8), Column(t(lang, "col.confirmed_on"), weight=1.0)],
                rows, total=total if rows else None, empty=t(lang, "no_log"))
    deliverables = [i for i in rep.items if i.item_type == "deliverable"]
    sections = [Section(t(lang, "sec.confirmation"), confirmation), Section(t(lang, "sec.log"), [log])]
    if rep.acceptance_criteria:
        # Lesson 2: what the customer accepts against was agreed at kickoff; the certificate quotes it.
        sections.insert(0, Section(t(lang, "sec.acceptance_criteria"), [Paragraph(rep.acceptance_criteria)]))
    if deliverables:
        sections.append(Section(t(lang, "sec.deliverables"), [_items_table(rep, "deliverable")]))
    sep = t(lang, "label_sep")
    parties = [Party(t(lang, "sign.customer") + (sep + rep.project.customer if rep.project.customer else "")),
               Party(t(lang, "sign.implementer") + (sep + rep.project.company if rep.project.company else ""),
                     rep.project.manager or "")]
    sections.append(Section(t(lang, "sec.signatures"), [Signatures(parties, t(lang, "sign.name"),
                                                                   t(lang, "sign.signature"), t(lang, "sign.date"))]))
    return sections
