"""`playbook report portfolio`: the addon's portfolio rows, totalled and rendered, read in a fixed number of calls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from connector.reports.portfolio import build_portfolio, portfolio_document, read_portfolio
from connector.reports.render import render_markdown
from tests.reports.conftest import AS_OF
from tests.reports.fake_odoo import FakeOdoo


def row(pid: int, name: str, customer: str, budget: float, spent: float, forecast: float, *, currency: str = "TWD",
        gates: int = 0, wait: int | bool = False, due: float = 0.0, overdue: float = 0.0,
        cash: tuple[float, float, float] = (0.0, 0.0, 0.0), adherence: float = 100.0, missed: int = 0,
        risk: str = "none", risks: int = 0) -> dict[str, Any]:
    """One erp.portfolio row as Odoo's search_read answers it (many2one as [id, name], empty as False)."""
    return {"id": pid, "project_id": [pid, name], "partner_id": [100 + pid, customer], "user_id": [7, "張經理"],
            "currency_id": [1 if currency == "TWD" else 2, currency], "size": "medium", "industry": "distribution",
            "current_phase_id": [1000 + pid, "Business survey"], "budget_man_days": budget, "spent_man_days": spent,
            "forecast_man_days": forecast, "forecast_variance": forecast - budget, "gates_waiting": gates,
            "gate_wait_days": wait, "contract_amount": 1_000_000.0, "due_amount": due, "overdue_amount": overdue,
            "cash_30": cash[0], "cash_60": cash[1], "cash_90": cash[2], "cadence_adherence": adherence,
            "cadence_missed": missed, "risk_level": risk, "risk_count": risks}


def three_projects() -> list[dict[str, Any]]:
    return [
        row(1, "Acme ERP", "宏達精密工業", 45, 18.5, 74.5, gates=1, wait=25, due=300_000, overdue=300_000,
            cash=(0, 150_000, 150_000), adherence=50.0, missed=2, risk="high", risks=2),
        row(2, "Beta ERP", "Beta Foods", 100, 20, 90, cash=(200_000, 200_000, 500_000), risk="medium", risks=1,
            adherence=75.0, missed=1),
        row(3, "Gamma ERP", "Gamma Tools", 60, 62, 62, gates=2, wait=3, due=50_000),
    ]


def fake(rows: list[dict[str, Any]]) -> FakeOdoo:
    return FakeOdoo({"ir.model": [{"id": 1, "model": "erp.portfolio"}], "erp.portfolio": rows})


@pytest.fixture
def odoo(services: Any) -> FakeOdoo:
    odoo = fake(three_projects())
    services(odoo=lambda settings: odoo)
    return odoo


def test_totals_and_order_worst_forecast_first() -> None:
    rep = build_portfolio(read_portfolio(fake(three_projects())), AS_OF, "en")
    assert [p.name for p in rep.projects] == ["Acme ERP", "Gamma ERP", "Beta ERP"]  # +29.5, +2, -10
    assert (rep.budget, rep.spent, rep.forecast, rep.variance) == (205, 100.5, 226.5, 21.5)
    assert (rep.over_budget, rep.gates_waiting, rep.oldest_wait) == (2, 3, 25)
    [twd] = rep.money
    assert (twd.overdue, twd.due, twd.cash_30, twd.cash_60, twd.cash_90) == (300_000, 350_000, 200_000, 350_000,
                                                                             650_000)
    beta = next(p for p in rep.projects if p.name == "Beta ERP")
    assert (beta.gates_waiting, beta.gate_wait_days, beta.phase) == (0, None, "Business survey")


def test_money_is_never_added_across_currencies() -> None:
    rows = [*three_projects(), row(4, "Delta ERP", "Delta GmbH", 10, 1, 10, currency="EUR", cash=(5_000, 5_000, 5_000))]
    rep = build_portfolio(read_portfolio(fake(rows)), AS_OF, "en")
    assert [(m.currency, m.cash_30) for m in rep.money] == [("EUR", 5_000), ("TWD", 200_000)]
    text = render_markdown(portfolio_document(rep, today=AS_OF, with_chart=False))
    assert "- Cash expected in 30 / 60 / 90 days EUR: **5,000 / 5,000 / 5,000**" in text


def test_markdown_shows_the_forecast_next_to_the_budget_per_project() -> None:
    rep = build_portfolio(read_portfolio(fake(three_projects())), AS_OF, "en")
    text = render_markdown(portfolio_document(rep, today=AS_OF, with_chart=False))
    assert "- Man-days (budget / spent / forecast at completion): **205 / 100.5 / 226.5**" in text
    assert "| Acme ERP | 宏達精密工業 | 張經理 | Business survey | 45 | 18.5 | 74.5 | **+29.5** | " \
           "1, the oldest for 25 days |" in text
    assert "| Beta ERP | Beta Foods | 張經理 | Business survey | 100 | 20 | 90 | -10 | — |" in text
    assert "| Acme ERP | TWD | **300,000** | 300,000 | 0 | 150,000 | 150,000 |" in text


@pytest.mark.parametrize("count", [3, 30])
def test_the_cli_reads_the_portfolio_in_two_calls_whatever_its_size(runner: CliRunner, services: Any,
                                                                     count: int) -> None:
    odoo = fake([row(i, f"Project {i:02d}", f"Customer {i % 4}", 50, i, 40 + i) for i in range(1, count + 1)])
    services(odoo=lambda settings: odoo)
    result = runner.invoke(cli, ["report", "portfolio", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["projects"]) == count
    assert dict(odoo.calls) == {"ir.model.search_count": 1, "erp.portfolio.search_read": 1}


def test_cli_chinese_markdown_with_chart_and_pdf(runner: CliRunner, odoo: FakeOdoo, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["report", "portfolio", "--lang", "zh_TW", "-o", str(tmp_path / "p.md")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "p.md").read_text(encoding="utf-8")
    assert text.startswith("# 實施專案組合\n")
    assert "- 預估超出預算的專案: **2**" in text
    assert "](p-portfolio.png)" in text and (tmp_path / "p-portfolio.png").read_bytes().startswith(b"\x89PNG")
    result = runner.invoke(cli, ["report", "portfolio", "--lang", "zh_CN", "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


def test_an_addon_without_the_portfolio_is_named(runner: CliRunner, services: Any) -> None:
    odoo = FakeOdoo({"ir.model": []})
    services(odoo=lambda settings: odoo)
    result = runner.invoke(cli, ["report", "portfolio"])
    assert result.exit_code == 2
    assert "no portfolio (erp.portfolio)" in result.output and "odoo-bin -u erp_playbook" in result.output


def test_each_project_shows_its_cadence_adherence_and_the_addons_risk_level() -> None:
    rep = build_portfolio(read_portfolio(fake(three_projects())), AS_OF, "zh_TW")
    assert rep.high_risk == 1
    acme = next(p for p in rep.projects if p.name == "Acme ERP")
    assert (acme.cadence_adherence, acme.cadence_missed, acme.risk_level, acme.risks) == (50.0, 2, "high", 2)
    text = render_markdown(portfolio_document(rep, today=AS_OF, with_chart=False))
    assert "- 高風險專案: **1**" in text
    assert "| 1 個，最久已等 25 天 | 50% | **高** |" in text  # Acme: half its periods kept, high
    assert "| — | 75% | 注意 |" in text  # Beta: one period missed, medium (the weekly report's "watch")
    assert "| 2 個，最久已等 3 天 | 100% | — |" in text  # Gamma: nothing at risk
