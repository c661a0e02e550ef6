"""The portfolio report: every implementation project side by side, from the addon's portfolio view.

The same pipeline as the other reports (gather → analysis → report model → document → renderers): the figures
are the addon's ``erp.portfolio`` rows (man-days, forecast at completion, gates waiting, payments due and overdue,
cash expected in 30/60/90 days), read in a fixed number of calls (``connector.odoo.erp_reads.portfolio_rows``)
and never recomputed here; this module only totals, orders and words them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from connector.odoo.records import OdooExecutor
from connector.reports.analysis import EPSILON_DAYS
from connector.reports.document import Cell as C
from connector.reports.document import Chart, Column, Document, Facts, Paragraph, Section, Table, cell
from connector.reports.fmt import fmt_date, fmt_days, fmt_money
from connector.reports.i18n import t

CASH_WINDOWS = (30, 60, 90)
CHART_PROJECTS = 25  # the chart shows the projects furthest over their budget; the table lists every one


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PortfolioProject(_Row):
    id: int
    name: str
    customer: str | None
    manager: str | None
    size: str | None
    industry: str | None
    phase: str | None = Field(description="the phase in progress (the latest one)")
    currency: str | None
    budget: float
    spent: float
    forecast: float
    variance: float = Field(description="forecast at completion minus budget")
    gates_waiting: int
    gate_wait_days: int | None = Field(description="days the oldest requested sign-off waits")
    due: float
    overdue: float
    cash_30: float
    cash_60: float
    cash_90: float
    cadence_adherence: float | None = Field(default=None, description="percent of cadence periods kept on time")
    cadence_missed: int = 0
    risk_level: str = Field(default="none", description="none / medium / high, as the addon ranks its risks")
    risks: int = 0


class MoneyTotal(_Row):
    currency: str | None
    due: float
    overdue: float
    cash_30: float
    cash_60: float
    cash_90: float


class PortfolioReport(_Row):
    kind: str = "portfolio"
    as_of: date
    lang: str
    projects: list[PortfolioProject]
    budget: float
    spent: float
    forecast: float
    variance: float
    over_budget: int = Field(description="projects whose forecast exceeds their budget")
    high_risk: int = Field(default=0, description="projects the addon ranks at high risk")
    gates_waiting: int
    oldest_wait: int | None
    money: list[MoneyTotal] = Field(description="money totals per currency (never added across currencies)")


# --- gather ------------------------------------------------------------------------------------------
def _name(value: Any) -> str | None:
    return str(value[1]) if isinstance(value, (list, tuple)) and len(value) > 1 else None


def _project(row: dict[str, Any]) -> PortfolioProject:
    def num(key: str) -> float:
        return float(row.get(key) or 0.0)

    return PortfolioProject(
        id=int(row["id"]), name=_name(row["project_id"]) or f"#{row['id']}", customer=_name(row["partner_id"]),
        manager=_name(row["user_id"]), size=row["size"] or None, industry=row["industry"] or None,
        phase=_name(row["current_phase_id"]), currency=_name(row["currency_id"]), budget=num("budget_man_days"),
        spent=num("spent_man_days"), forecast=num("forecast_man_days"), variance=num("forecast_variance"),
        gates_waiting=int(row["gates_waiting"] or 0),
        gate_wait_days=int(row["gate_wait_days"]) if row["gate_wait_days"] not in (None, False) else None,
        due=num("due_amount"), overdue=num("overdue_amount"), cash_30=num("cash_30"), cash_60=num("cash_60"),
        cash_90=num("cash_90"),
        cadence_adherence=num("cadence_adherence") if "cadence_adherence" in row else None,
        cadence_missed=int(row.get("cadence_missed") or 0), risk_level=str(row.get("risk_level") or "none"),
        risks=int(row.get("risk_count") or 0),
    )


def read_portfolio(odoo: OdooExecutor) -> list[PortfolioProject]:
    from connector.odoo.erp_reads import portfolio_rows

    return [_project(row) for row in portfolio_rows(odoo)]


# --- analysis and the report model ---------------------------------------------------------------------
def build_portfolio(projects: list[PortfolioProject], as_of: date, lang: str) -> PortfolioReport:
    """Totals, and the projects ordered by how far their forecast runs over their budget (worst first)."""
    ordered = sorted(projects, key=lambda p: (-p.variance, p.customer or "", p.name))
    money: dict[str | None, dict[str, float]] = {}
    for p in ordered:
        sums = money.setdefault(p.currency, dict.fromkeys(("due", "overdue", "cash_30", "cash_60", "cash_90"), 0.0))
        for key in sums:
            sums[key] += getattr(p, key)
    waits = [p.gate_wait_days for p in ordered if p.gate_wait_days is not None]
    return PortfolioReport(
        as_of=as_of, lang=lang, projects=ordered, budget=sum(p.budget for p in ordered),
        spent=sum(p.spent for p in ordered), forecast=sum(p.forecast for p in ordered),
        variance=sum(p.variance for p in ordered),
        over_budget=sum(1 for p in ordered if p.variance > EPSILON_DAYS),
        high_risk=sum(1 for p in ordered if p.risk_level == "high"),
        gates_waiting=sum(p.gates_waiting for p in ordered), oldest_wait=max(waits) if waits else None,
        money=[MoneyTotal(currency=cur, **sums) for cur, sums in sorted(money.items(), key=lambda i: i[0] or "")],
    )


# --- the document --------------------------------------------------------------------------------------
RISK_STYLE = {"high": "bad", "medium": "warn", "none": "ok"}


def _variance(value: float) -> C:
    over = value > EPSILON_DAYS
    return C(f"{'+' if over else ''}{fmt_days(value)}", "bad" if over else None)


def portfolio_document(rep: PortfolioReport, *, today: date, with_chart: bool = True) -> Document:
    lang = rep.lang
    facts = Facts([
        (t(lang, "fact.as_of"), cell(fmt_date(rep.as_of))),
        (t(lang, "fact.projects"), cell(str(len(rep.projects)))),
        (t(lang, "fact.portfolio_man_days"), cell(f"{fmt_days(rep.budget)} / {fmt_days(rep.spent)} / "
                                                  f"{fmt_days(rep.forecast)}")),
        (t(lang, "fact.over_budget"), cell(str(rep.over_budget), "bad" if rep.over_budget else "ok")),
        (t(lang, "fact.high_risk"), cell(str(rep.high_risk), "bad" if rep.high_risk else "ok")),
        (t(lang, "fact.gates_waiting"), cell(
            t(lang, "gates_waiting", count=rep.gates_waiting, days=rep.oldest_wait) if rep.oldest_wait is not None
            else "0", "warn" if rep.gates_waiting else None)),
        *[(t(lang, "fact.cash", currency=m.currency or ""), cell(
            " / ".join(fmt_money(v) for v in (m.cash_30, m.cash_60, m.cash_90)))) for m in rep.money],
        *[(t(lang, "fact.overdue_due", currency=m.currency or ""), cell(
            f"{fmt_money(m.overdue)} / {fmt_money(m.due)}", "bad" if m.overdue else None)) for m in rep.money],
    ])
    sections = []
    if with_chart and rep.projects:
        from connector.reports.charts import portfolio_chart

        shown = rep.projects[:CHART_PROJECTS]
        sections.append(Section(t(lang, "sec.portfolio_chart", count=len(shown)),
                                [Chart(portfolio_chart(shown, lang), t(lang, "chart_alt_portfolio"), "portfolio")]))
    sections.append(Section(t(lang, "sec.portfolio_man_days"), [_man_day_table(rep)]))
    sections.append(Section(t(lang, "sec.portfolio_money"), [_money_table(rep)]))
    if not rep.projects:
        sections = [Section(t(lang, "sec.portfolio_man_days"), [Paragraph(t(lang, "no_projects"), "muted")])]
    return Document(kind="portfolio", lang=lang, title=t(lang, "title.portfolio"),
                    subtitle=t(lang, "subtitle.portfolio", count=len(rep.projects), date=fmt_date(rep.as_of)),
                    facts=facts, sections=sections,
                    footer=t(lang, "footer_portfolio", date=fmt_date(today)))


def _man_day_table(rep: PortfolioReport) -> Table:
    lang = rep.lang
    rows = [[C(p.name), C(p.customer or "—"), C(p.manager or "—"), C(p.phase or "—", None if p.phase else "muted"),
             C(fmt_days(p.budget)), C(fmt_days(p.spent)), C(fmt_days(p.forecast)), _variance(p.variance),
             C(t(lang, "gates_waiting", count=p.gates_waiting, days=p.gate_wait_days) if p.gates_waiting else "—",
               "warn" if p.gates_waiting else "muted"),
             C(f"{p.cadence_adherence:.0f}%" if p.cadence_adherence is not None else "—",
               "warn" if p.cadence_missed else None),
             C(t(lang, f"severity.{p.risk_level}") if p.risk_level in ("high", "medium") else "—",
               RISK_STYLE.get(p.risk_level))]
            for p in rep.projects]
    total = [C(t(lang, "col.total")), C(""), C(""), C(""), C(fmt_days(rep.budget)), C(fmt_days(rep.spent)),
             C(fmt_days(rep.forecast)), _variance(rep.variance), C(str(rep.gates_waiting)), C(""),
             C(str(rep.high_risk))]
    return Table([Column(t(lang, "col.project"), weight=2.0), Column(t(lang, "col.customer"), weight=1.6),
                  Column(t(lang, "col.pm"), weight=1.1), Column(t(lang, "col.phase"), weight=1.4),
                  Column(t(lang, "col.budget"), "right"), Column(t(lang, "col.spent"), "right"),
                  Column(t(lang, "col.forecast"), "right"), Column(t(lang, "col.variance"), "right"),
                  Column(t(lang, "col.gates_waiting"), weight=2.0), Column(t(lang, "col.adherence"), "right"),
                  Column(t(lang, "col.risk_level"))], rows, total=total,
                 empty=t(lang, "no_projects"))


def _money_table(rep: PortfolioReport) -> Table:
    lang = rep.lang
    rows = [[C(p.name), C(p.currency or ""), C(fmt_money(p.overdue), "bad" if p.overdue else None),
             C(fmt_money(p.due)), C(fmt_money(p.cash_30)), C(fmt_money(p.cash_60)), C(fmt_money(p.cash_90))]
            for p in sorted(rep.projects, key=lambda p: (-p.overdue, -p.cash_30, p.name))]
    totals = None
    if len(rep.money) == 1:
        m = rep.money[0]
        totals = [C(t(lang, "col.total")), C(m.currency or ""), C(fmt_money(m.overdue), "bad" if m.overdue else None),
                  C(fmt_money(m.due)), C(fmt_money(m.cash_30)), C(fmt_money(m.cash_60)), C(fmt_money(m.cash_90))]
    return Table([Column(t(lang, "col.project"), weight=2.2), Column(t(lang, "col.currency"), weight=0.8),
                  Column(t(lang, "col.overdue"), "right"), Column(t(lang, "col.due_now"), "right"),
                  Column(t(lang, "col.cash_30"), "right"), Column(t(lang, "col.cash_60"), "right"),
                  Column(t(lang, "col.cash_90"), "right")], rows, total=totals, empty=t(lang, "no_projects"))
