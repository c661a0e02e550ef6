"""The forecast at completion in the weekly report: the addon's figure (read, never recomputed), next to the budget."""

from __future__ import annotations

from typing import Any

from connector.playbook.model import Playbook
from connector.reports.odoo_source import OdooReportSource
from connector.reports.render import render_markdown
from connector.reports.weekly import build_weekly, weekly_document
from tests.reports.conftest import AS_OF, WEEK
from tests.reports.fake_odoo import FakeOdoo, acme_records


class ContextRecorder(FakeOdoo):
    """The fake Odoo, remembering the context each read of a forecast was asked with."""

    def __init__(self, records: dict[str, list[dict[str, Any]]]) -> None:
        super().__init__(records)
        self.forecast_contexts: list[dict[str, Any]] = []

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        fields = kwargs.get("fields") or []
        if "forecast_man_days" in fields or "erp_man_days_forecast" in fields:
            self.forecast_contexts.append(kwargs.get("context") or {})
        return super().execute(model, method, *args, **kwargs)


def markdown(odoo: FakeOdoo, playbook: Playbook, lang: str = "en") -> str:
    snap = OdooReportSource(odoo, playbook).snapshot("acme_erp", AS_OF, lines_from=WEEK.start, lines_to=WEEK.end)
    return render_markdown(weekly_document(build_weekly(snap, playbook, WEEK, lang), today=AS_OF, with_chart=False),
                           None, "report")


def test_weekly_report_shows_the_forecast_next_to_the_budget(playbook: Playbook) -> None:
    text = markdown(FakeOdoo(acme_records()), playbook)
    # Budget 45, forecast 74.5: 29.5 man-days over, in the header and the burn table's total.
    assert "- Man-days (budget / spent / remaining): **45 / 18.5 / 26.5**" in text
    assert "- Forecast at completion (variance to budget), man-days: **74.5 (+29.5)**" in text
    assert "| Phase | Budget | Forecast | Spent | Remaining |" in text
    # The survey: budget 12, forecast 40 (10 man-days for 2 of 8 items); done phases: what they spent.
    assert "| 3. Business survey and process analysis | 12 | **40 (+28)** | 10 |" in text
    assert "| 4 | **5 (+1)** | 5 |" in text
    assert "| 3 | 2.5 (-0.5) | 2.5 |" in text
    assert "| **Total** | **45** | **74.5 (+29.5)** | **18.5** |" in text


def test_forecast_is_read_from_odoo_on_the_report_date_never_recomputed(playbook: Playbook) -> None:
    records = acme_records()
    records["project.project"][0]["erp_man_days_forecast"] = 50.0
    odoo = ContextRecorder(records)
    text = markdown(odoo, playbook, "zh_TW")
    assert "- 完工預估人天（與預算差異）: **50 (+5)**" in text
    assert odoo.forecast_contexts == [{"today": AS_OF.isoformat()}] * 2  # phases and project, as of the report


def test_phase_documents_show_the_phase_forecast(playbook: Playbook) -> None:
    from connector.reports.phase_docs import build_phase_report, phase_document

    snap = OdooReportSource(FakeOdoo(acme_records()), playbook).snapshot("acme_erp", AS_OF,
                                                                         phase_key="business_survey")
    rep = build_phase_report(snap, playbook, "business_survey", "phase_summary", "en")
    text = render_markdown(phase_document(rep, today=AS_OF), None, "report")
    assert "- Phase budget: **12 man-days**" in text
    assert "- Forecast at completion (variance), man-days: **40 (+28)**" in text
