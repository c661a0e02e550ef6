"""The weekly executive status report (lesson 15): progress, gates, man-days, work, register, payments, risks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pydantic import BaseModel, ConfigDict

from connector.playbook.model import Playbook
from connector.reports import analysis as an
from connector.reports.charts import burn_chart
from connector.reports.document import (
    Bullets,
    Cell,
    Chart,
    Column,
    Document,
    Facts,
    Paragraph,
    Section,
    Table,
    Tone,
    cell,
)
from connector.reports.fmt import fmt_date, fmt_datetime, fmt_days, fmt_money, fmt_percent
from connector.reports.i18n import t
from connector.reports.snapshot import ProjectInfo, ProjectSnapshot
from connector.reports.sync_status import SyncStatus
from connector.reports.weeks import IsoWeek

GATE_TONE: dict[str, Tone] = {"signed": "ok", "waiting": "warn", "overdue": "bad", "rejected": "bad",
                              "not_due": "muted"}
PAY_TONE: dict[str, Tone] = {"paid": "ok", "partial": "warn", "overdue": "bad", "due": "warn", "not_due": "muted"}
PHASE_TONE: dict[str, Tone] = {"done": "ok", "in_progress": "warn", "draft": "muted"}
NEXT_WEEK_FALLBACK_ITEMS = 8


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkRow(_Model):
    task: str
    phase: str
    people: list[str]
    man_days: float
    confirmed_man_days: float


class PlanRow(_Model):
    task: str
    phase: str
    owners: list[str]
    deadline: date | None
    late: bool


class RegisterRow(_Model):
    disposition: str | None  # key; None = not decided yet
    name: str
    open: dict[str, int]  # kind key -> open items
    total: dict[str, int]  # kind key -> all items


class WeeklyReport(_Model):
    lang: str
    project: ProjectInfo
    week: str
    week_start: date
    week_end: date
    as_of: date
    figures: an.Figures
    phases: list[an.PhaseRow]
    gates: list[an.GateRow]
    payments: list[an.PaymentRow]
    this_week: list[WorkRow]
    this_week_man_days: float
    this_week_confirmed_man_days: float
    events: list[str]
    next_week: list[PlanRow]
    register_kinds: list[tuple[str, str]]  # (key, name)
    register_rows: list[RegisterRow]
    register_source: str = "odoo"  # odoo (task tags) or jira:<project key>
    risks: list[an.Risk]
    sync: SyncStatus | None = None
    cadences: list[an.CadenceRow] = []


def build_weekly(snap: ProjectSnapshot, playbook: Playbook | None, week: IsoWeek, lang: str) -> WeeklyReport:
    names = an.Names(playbook, lang)
    phases = an.phase_rows(snap, names)
    gates = an.gate_rows(snap, names)
    payments = an.payment_rows(snap, names)
    cadences = an.cadence_rows(snap, names)
    phase_name = {p.id: p.name for p in phases}
    outside = t(lang, "outside_phases")

    # This week: timesheet lines of the week, per task and phase.
    people: dict[tuple[str, str], list[str]] = defaultdict(list)
    spent: dict[tuple[str, str], float] = defaultdict(float)
    confirmed: dict[tuple[str, str], float] = defaultdict(float)
    for line in snap.lines:
        if not week.start <= line.date <= week.end:
            continue
        key = (line.task or line.description or "—", phase_name.get(line.phase_id or 0, outside))
        if line.employee and line.employee not in people[key]:
            people[key].append(line.employee)
        spent[key] += line.man_days
        confirmed[key] += line.man_days if line.confirmed else 0.0
    this_week = sorted((WorkRow(task=k[0], phase=k[1], people=people[k], man_days=v, confirmed_man_days=confirmed[k])
                        for k, v in spent.items()), key=lambda r: -r.man_days)

    events = []
    for gate in gates:
        if gate.date_signed and week.start <= gate.date_signed <= week.end:
            events.append(t(lang, "signed_this_week", gate=gate.name, date=fmt_date(gate.date_signed)))
    for phase in snap.phases:
        if phase.date_start and week.start <= phase.date_start <= week.end:
            events.append(t(lang, "started_this_week", phase=phase_name[phase.id], date=fmt_date(phase.date_start)))
        if phase.date_done and week.start <= phase.date_done <= week.end:
            events.append(t(lang, "done_this_week", phase=phase_name[phase.id], date=fmt_date(phase.date_done)))

    return WeeklyReport(
        lang=lang, project=snap.project, week=str(week), week_start=week.start, week_end=week.end, as_of=snap.as_of,
        figures=an.figures(snap, gates, payments), phases=phases, gates=gates, payments=payments,
        this_week=this_week, this_week_man_days=sum(r.man_days for r in this_week),
        this_week_confirmed_man_days=sum(r.confirmed_man_days for r in this_week), events=events,
        next_week=_next_week(snap, week, names, phase_name),
        register_kinds=_register_kinds(snap, playbook, names), register_rows=_register(snap, playbook, names, lang),
        register_source=snap.register_source, risks=an.risks(snap, phases, gates, payments, lang, cadences),
        sync=snap.sync, cadences=cadences,
    )


def _next_week(snap: ProjectSnapshot, week: IsoWeek, names: an.Names, phase_name: dict[int, str]) -> list[PlanRow]:
    """Open tasks due by the end of next week (late ones first); without deadlines, the open items of the
    phases in progress, so the meeting always has a plan to agree on."""
    horizon = week.next().end
    outside = ""
    open_tasks = [task for task in snap.tasks if not task.closed and task.item_type != "phase"]
    due = sorted((task for task in open_tasks if task.deadline and task.deadline <= horizon),
                 key=lambda task: (task.deadline, task.id))
    if not due:
        current = {p.id for p in snap.phases if p.state == "in_progress"}
        due = [task for task in open_tasks if task.phase_id in current
               and task.item_type in ("checklist", "deliverable")][:NEXT_WEEK_FALLBACK_ITEMS]
    return [PlanRow(task=names(task.item_key, task.name), phase=phase_name.get(task.phase_id or 0, outside),
                    owners=task.assignees, deadline=task.deadline,
                    late=bool(task.deadline and task.deadline < snap.as_of)) for task in due]


def _register_kinds(snap: ProjectSnapshot, playbook: Playbook | None, names: an.Names) -> list[tuple[str, str]]:
    keys = [k.key for k in playbook.issue_register.kinds] if playbook else []
    keys += sorted({i.kind for i in snap.register_items} - set(keys))
    return [(key, names(key, key)) for key in keys]


def _register(snap: ProjectSnapshot, playbook: Playbook | None, names: an.Names, lang: str) -> list[RegisterRow]:
    """Counts per disposition (the playbook's order, then undecided), open and all, per register kind."""
    open_: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    total: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in snap.register_items:
        total[item.disposition][item.kind] += 1
        if not item.closed:
            open_[item.disposition][item.kind] += 1
    order: list[str | None] = [d.key for d in playbook.issue_register.dispositions] if playbook else []
    order += sorted(k for k in total if k is not None and k not in order)
    order.append(None)
    return [RegisterRow(disposition=key, name=names(key, key or "") if key else t(lang, "undecided"),
                        open=dict(open_[key]), total=dict(total[key])) for key in order]


# --- the document ---------------------------------------------------------------------------------------
def weekly_document(rep: WeeklyReport, *, today: date, with_chart: bool = True) -> Document:
    lang = rep.lang
    fig = rep.figures
    cur = rep.project.currency
    facts = Facts([
        (t(lang, "fact.customer"), cell(rep.project.customer or "—")),
        (t(lang, "fact.manager"), cell(rep.project.manager or "—")),
        (t(lang, "fact.week"), cell(f"{rep.week} ({fmt_date(rep.week_start)} – {fmt_date(rep.week_end)})")),
        (t(lang, "fact.as_of"), cell(fmt_date(rep.as_of))),
        (t(lang, "fact.man_days"), cell(f"{fmt_days(fig.budget)} / {fmt_days(fig.spent)} / {fmt_days(fig.remaining)}",
                                        "bad" if fig.remaining < 0 else None)),
        *([(t(lang, "fact.forecast"), forecast_cell(fig.budget, fig.forecast))] if fig.forecast is not None else []),
        (t(lang, "fact.burn"), cell(fmt_percent(fig.burn_percent), "bad" if fig.burn_percent > 100 else None)),
        (t(lang, "fact.gates"), cell(f"{fig.gates_signed} / {fig.gates_total}")),
        (t(lang, "fact.contract"), cell(fmt_money(fig.contract, cur))),
        (t(lang, "fact.collected"), cell(fmt_money(fig.paid, cur))),
        (t(lang, "fact.overdue"), cell(fmt_money(fig.overdue_amount, cur), "bad" if fig.overdue_amount else "ok")),
        *([(t(lang, "fact.jira_sync"), sync_cell(lang, rep.sync))] if rep.sync else []),
        *([(t(lang, "fact.cadences"), _adherence_cell(lang, rep.project))]
          if rep.project.cadence_adherence is not None else []),
    ])
    sections = [
        Section(t(lang, "sec.risks"), [_risk_block(rep)]),
        Section(t(lang, "sec.phases"), [_phase_table(rep)]),
        Section(t(lang, "sec.gates"), [_gate_table(rep)]),
    ]
    burn: list = []
    if with_chart and rep.phases:
        burn.append(Chart(burn_chart(rep.phases, lang), t(lang, "chart_alt"), "burn"))
    sections.append(Section(t(lang, "sec.burn"), [*burn, _burn_table(rep)]))
    sections.append(Section(t(lang, "sec.this_week"), _this_week_blocks(rep)))
    sections.append(Section(t(lang, "sec.next_week"), _next_week_blocks(rep)))
    sections.append(Section(t(lang, "sec.register"), _register_blocks(rep)))
    sections.append(Section(t(lang, "sec.payments"), [_payment_table(rep)]))
    if rep.cadences:
        sections.append(Section(t(lang, "sec.cadences"), [_cadence_table(rep)]))
    return Document(
        kind="weekly", lang=lang, title=t(lang, "title.weekly"),
        subtitle=t(lang, "subtitle.week", project=rep.project.name, week=rep.week, start=fmt_date(rep.week_start),
                   end=fmt_date(rep.week_end)),
        facts=facts, sections=sections, footer=t(lang, "footer", date=fmt_date(today), as_of=fmt_date(rep.as_of)),
    )


def sync_cell(lang: str, sync: SyncStatus) -> Cell:
    """The header line saying how fresh the Jira figures are."""
    jira = sync.jira_key or ""
    if sync.state == "odoo_only":
        return Cell(t(lang, "sync.odoo_only"), "muted")
    if sync.state == "never":
        return Cell(t(lang, "sync.never", jira=jira), "bad")
    if sync.state == "unknown":
        return Cell(t(lang, "sync.unknown", jira=jira), "warn")
    if sync.state == "failed":
        return Cell(t(lang, "sync.failed", jira=jira, when=fmt_datetime(sync.last_attempt)), "bad")
    key = "sync.at" if sync.basis == "run" else "sync.cursor"
    text = t(lang, key, jira=jira, when=fmt_datetime(sync.last_sync))
    if sync.state == "stale":
        return Cell(t(lang, "sync.ago", text=text, days=int(sync.age_days or 0)), "warn")
    return Cell(text, "ok")


def _risk_block(rep: WeeklyReport) -> Bullets | Paragraph:
    if not rep.risks:
        return Paragraph(t(rep.lang, "no_risks"), "ok")
    return Bullets([Cell(f"[{t(rep.lang, 'severity.' + r.severity)}] {r.message}",
                         "bad" if r.severity == "high" else "warn") for r in rep.risks])


def phase_state_cell(lang: str, row: an.PhaseRow) -> Cell:
    text = t(lang, f"phase.{row.state}")
    if row.blocked_by and row.state == "draft":
        return Cell(f"{text} ({t(lang, 'phase.blocked', gates=', '.join(row.blocked_by))})", "bad")
    return Cell(text, PHASE_TONE.get(row.state))


def _phase_table(rep: WeeklyReport) -> Table:
    lang = rep.lang
    gates_by_phase: dict[str | None, list[an.GateRow]] = defaultdict(list)
    for gate in rep.gates:
        gates_by_phase[gate.phase_key].append(gate)
    rows = []
    for p in rep.phases:
        gate_text = "; ".join(f"{g.name}: {t(lang, 'gate.' + g.status)}" for g in gates_by_phase[p.key])
        worst = _worst([GATE_TONE[g.status] for g in gates_by_phase[p.key]])
        rows.append([Cell(f"{p.sequence}. {p.name}"), phase_state_cell(lang, p),
                     Cell(f"{p.items_done}/{p.items_total} ({fmt_percent(p.progress)})"),
                     Cell(gate_text or "—", worst)])
    return Table([Column(t(lang, "col.phase"), weight=2.2), Column(t(lang, "col.status"), weight=1.2),
                  Column(t(lang, "col.checklist"), "right", 1.0), Column(t(lang, "sec.gates"), weight=2.6)], rows)


def _worst(tones: list[Tone]) -> Tone | None:
    for tone in ("bad", "warn", "ok", "muted"):
        if tone in tones:
            return tone  # type: ignore[return-value]
    return None


def _gate_table(rep: WeeklyReport) -> Table:
    lang = rep.lang
    rows = []
    for g in rep.gates:
        status = t(lang, f"gate.{g.status}")
        if g.waiting_days is not None and g.status in ("waiting", "overdue"):
            status += f" ({t(lang, 'gate.waited', days=g.waiting_days)})"
        hard = t(lang, "gate.blocks", phase=g.blocks_phase_name) if g.hard and g.blocks_phase_name else ""
        if g.override:
            hard += " " + t(lang, "gate.overridden", override=g.override)
        rows.append([Cell(g.name), Cell(g.phase_name), Cell(hard, "warn" if hard and g.status != "signed" else None),
                     Cell(status, GATE_TONE[g.status]), Cell(fmt_date(g.date_requested)),
                     Cell(fmt_date(g.date_signed)), Cell(g.signer or "")])
    return Table([Column(t(lang, "col.gate"), weight=2.2), Column(t(lang, "col.phase"), weight=1.6),
                  Column(t(lang, "col.hard"), weight=1.4), Column(t(lang, "col.status"), weight=1.5),
                  Column(t(lang, "col.requested"), weight=1.0), Column(t(lang, "col.signed_on"), weight=1.0),
                  Column(t(lang, "col.signer"), weight=1.1)], rows, empty=t(lang, "no_gates"))


def forecast_cell(budget: float, forecast: float | None) -> Cell:
    """The forecast at completion with its variance to the budget; bad when it heads over the budget."""
    if forecast is None:
        return Cell("—", "muted")
    variance = forecast - budget
    sign = "+" if variance > an.EPSILON_DAYS else ""
    return Cell(f"{fmt_days(forecast)} ({sign}{fmt_days(variance)})", "bad" if variance > an.EPSILON_DAYS else None)


def _burn_table(rep: WeeklyReport) -> Table:
    lang = rep.lang
    rows = [[Cell(f"{p.sequence}. {p.name}"), Cell(fmt_days(p.budget)), forecast_cell(p.budget, p.forecast),
             Cell(fmt_days(p.spent)), Cell(fmt_days(p.remaining), "bad" if p.remaining < 0 else None),
             Cell(fmt_days(p.signed))]
            for p in rep.phases]
    fig = rep.figures
    unphased = fig.spent - sum(p.spent for p in rep.phases)
    if abs(unphased) > an.EPSILON_DAYS:
        rows.append([Cell(t(lang, "outside_phases"), "muted"), Cell(""), Cell(fmt_days(unphased)),
                     Cell(fmt_days(unphased)), Cell(""),
                     Cell(fmt_days(fig.signed - sum(p.signed for p in rep.phases)))])
    total = [Cell(t(lang, "col.total")), Cell(fmt_days(fig.budget)), forecast_cell(fig.budget, fig.forecast),
             Cell(fmt_days(fig.spent)), Cell(fmt_days(fig.remaining), "bad" if fig.remaining < 0 else None),
             Cell(fmt_days(fig.signed))]
    return Table([Column(t(lang, "col.phase"), weight=3), Column(t(lang, "col.budget"), "right"),
                  Column(t(lang, "col.forecast"), "right"), Column(t(lang, "col.spent"), "right"),
                  Column(t(lang, "col.remaining"), "right"), Column(t(lang, "col.signed_days"), "right")],
                 rows, total=total)


def _this_week_blocks(rep: WeeklyReport) -> list:
    lang = rep.lang
    blocks: list = []
    if rep.events:
        blocks.append(Bullets([Cell(e, "ok") for e in rep.events]))
    if not rep.this_week:
        blocks.append(Paragraph(t(lang, "no_work"), "muted"))
        return blocks
    blocks.append(Paragraph(t(lang, "week_total", days=fmt_days(rep.this_week_man_days),
                              confirmed=fmt_days(rep.this_week_confirmed_man_days))))
    rows = [[Cell(r.task), Cell(r.phase), Cell(", ".join(r.people)), Cell(fmt_days(r.man_days)),
             Cell(fmt_days(r.confirmed_man_days))] for r in rep.this_week]
    blocks.append(Table([Column(t(lang, "col.task"), weight=3), Column(t(lang, "col.phase"), weight=2),
                         Column(t(lang, "col.people"), weight=1.6), Column(t(lang, "col.man_days"), "right", 0.9),
                         Column(t(lang, "col.signed_days"), "right", 1.0)], rows))
    return blocks


def _next_week_blocks(rep: WeeklyReport) -> list:
    lang = rep.lang
    blocks: list = []
    chase = [g for g in rep.gates if g.state == "requested"]
    if chase:
        blocks.append(Bullets([Cell(t(lang, "awaiting_signature", gate=g.name, date=fmt_date(g.date_requested)),
                                    GATE_TONE[g.status]) for g in chase]))
    if not rep.next_week:
        blocks.append(Paragraph(t(lang, "no_plan"), "muted"))
        return blocks
    rows = [[Cell(r.task), Cell(r.phase), Cell(", ".join(r.owners)),
             Cell(fmt_date(r.deadline) + (f" ({t(lang, 'task.late')})" if r.late else ""), "bad" if r.late else None)]
            for r in rep.next_week]
    blocks.append(Table([Column(t(lang, "col.task"), weight=3), Column(t(lang, "col.phase"), weight=2),
                         Column(t(lang, "col.owner"), weight=1.5), Column(t(lang, "col.deadline"), weight=1.3)], rows))
    return blocks


def _register_blocks(rep: WeeklyReport) -> list:
    lang = rep.lang
    jira = rep.register_source.removeprefix("jira:") if rep.register_source.startswith("jira:") else None
    if not any(r.total for r in rep.register_rows):
        return [Paragraph(t(lang, "no_register_jira", jira=jira) if jira else t(lang, "no_register"), "muted")]
    columns = [Column(t(lang, "col.disposition"), weight=2.5)]
    columns += [Column(f"{name} ({t(lang, 'col.open')} / {t(lang, 'col.total')})", "right", 1.4)
                for _, name in rep.register_kinds]
    rows = []
    for r in rep.register_rows:
        undecided_open = r.disposition is None and r.open.get("requirement", 0) > 0
        rows.append([Cell(r.name, "bad" if undecided_open else None)]
                    + [Cell(f"{r.open.get(k, 0)} / {r.total.get(k, 0)}") for k, _ in rep.register_kinds])
    regs = rep.register_rows
    total = [Cell(t(lang, "col.total"))] + [
        Cell(f"{sum(r.open.get(k, 0) for r in regs)} / {sum(r.total.get(k, 0) for r in regs)}")
        for k, _ in rep.register_kinds]
    blocks: list = [Table(columns, rows, total=total), Paragraph(t(lang, "register_note"), "muted")]
    if jira:
        labels = ", ".join(r.disposition for r in regs if r.disposition)
        blocks.append(Paragraph(t(lang, "register_source_jira", jira=jira, labels=labels), "muted"))
    return blocks


def payment_status_cell(lang: str, p: an.PaymentRow) -> Cell:
    if p.status == "overdue":
        return Cell(t(lang, "pay.overdue", days=p.days_overdue), "bad")
    if p.status == "due":
        return Cell(t(lang, "pay.due", grace=p.grace_left if p.grace_left is not None else 0), "warn")
    return Cell(t(lang, f"pay.{p.status}"), PAY_TONE[p.status])


def payment_trigger(lang: str, p: an.PaymentRow) -> str:
    trigger = p.gate_name or t(lang, "pay.on_signing")
    return t(lang, "pay.plus_days", gate=trigger, days=p.delay_days) if p.delay_days else trigger


def _payment_table(rep: WeeklyReport) -> Table:
    lang = rep.lang
    cur = rep.project.currency
    rows = [[Cell(p.name), Cell(fmt_percent(p.percent)), Cell(fmt_money(p.amount)), Cell(payment_trigger(lang, p)),
             Cell(fmt_date(p.date_due)), payment_status_cell(lang, p), Cell(fmt_money(p.paid))] for p in rep.payments]
    fig = rep.figures
    total = [Cell(t(lang, "col.total") + (f" ({cur})" if cur else "")),
             Cell(fmt_percent(sum(p.percent for p in rep.payments))),
             Cell(fmt_money(sum(p.amount for p in rep.payments))), Cell(""), Cell(""),
             Cell(fmt_money(fig.overdue_amount) if fig.overdue_amount else "", "bad" if fig.overdue_amount else None),
             Cell(fmt_money(fig.paid))]
    return Table([Column(t(lang, "col.milestone"), weight=2.2), Column(t(lang, "col.percent"), "right", 0.7),
                  Column(t(lang, "col.amount"), "right", 1.2), Column(t(lang, "col.trigger"), weight=2.0),
                  Column(t(lang, "col.due"), weight=1.0), Column(t(lang, "col.status"), weight=1.7),
                  Column(t(lang, "col.paid"), "right", 1.1)], rows, total=total if rows else None,
                 empty=t(lang, "no_payments"))


CADENCE_TONE: dict[str, Tone] = {"on_time": "ok", "late": "warn", "missed": "bad", "open": "muted"}


def _adherence_cell(lang: str, project: ProjectInfo) -> Cell:
    adherence = project.cadence_adherence or 0.0
    text = t(lang, "cadence.adherence", percent=fmt_percent(adherence), missed=project.cadence_missed)
    return Cell(text, "bad" if project.cadence_missed else "ok")


def _status_cell(lang: str, status: str | None) -> Cell:
    return Cell(t(lang, f"cadence.{status}") if status else "—", CADENCE_TONE.get(status or ""))


def _cadence_table(rep: WeeklyReport) -> Table:
    """Per cadence: this week's (or this phase's) status, the last decided period and the counts so far."""
    lang = rep.lang
    rows = [[Cell(c.name), Cell(t(lang, f"cadence.freq.{c.frequency}")), _status_cell(lang, c.this_period),
             _status_cell(lang, c.last_period), Cell(str(c.on_time)), Cell(str(c.late), "warn" if c.late else None),
             Cell(str(c.missed), "bad" if c.missed else None), Cell(fmt_percent(c.adherence)),
             Cell(fmt_date(c.date_next))] for c in rep.cadences]
    return Table([Column(t(lang, "col.cadence"), weight=2.2), Column(t(lang, "col.frequency"), weight=1.0),
                  Column(t(lang, "col.this_period"), weight=1.1), Column(t(lang, "col.last_period"), weight=1.1),
                  Column(t(lang, "cadence.on_time"), "right", 0.8), Column(t(lang, "cadence.late"), "right", 0.7),
                  Column(t(lang, "cadence.missed"), "right", 0.7), Column(t(lang, "col.adherence"), "right", 0.9),
                  Column(t(lang, "col.next_due"), weight=1.0)], rows)
