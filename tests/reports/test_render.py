"""Every format in every language: what a reader sees, including Chinese text a PDF reader can extract."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from connector.playbook.model import LANGUAGES, Playbook
from connector.reports import i18n
from connector.reports.charts import burn_chart
from connector.reports.document import Document
from connector.reports.fonts import cjk_font
from connector.reports.odoo_source import OdooReportSource
from connector.reports.pdf import render_pdf
from connector.reports.phase_docs import build_phase_report, phase_document
from connector.reports.render import render_html, render_markdown
from connector.reports.snapshot import ProjectSnapshot
from connector.reports.weekly import build_weekly, weekly_document
from tests.reports.conftest import AS_OF, WEEK
from tests.reports.fake_odoo import FakeOdoo

TITLES = {"zh_TW": "高層狀態週報", "zh_CN": "高层状态周报", "en": "Weekly executive status report"}
OVERDUE = {"zh_TW": "逾期 18 天", "zh_CN": "逾期 18 天", "en": "Overdue 18 days"}


def weekly_doc(snap: ProjectSnapshot, playbook: Playbook, lang: str, chart: bool = False) -> Document:
    return weekly_document(build_weekly(snap, playbook, WEEK, lang), today=AS_OF, with_chart=chart)


def pdf_text(data: bytes) -> str:
    """Text as PDFium (Chrome's PDF engine) extracts it, without whitespace (lines wrap anywhere in CJK)."""
    pdf = pdfium.PdfDocument(data)
    return re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in pdf))


def test_every_text_exists_in_every_language_with_the_same_placeholders() -> None:
    fields = string.Formatter()
    for key in i18n.text_keys():
        texts = i18n.all_languages(key)
        names = {lang: {f for _, f, _, _ in fields.parse(text) if f} for lang, text in texts.items()}
        assert names["zh_TW"] == names["zh_CN"] == names["en"], key
        assert all(texts.values()), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_in_each_language(acme: ProjectSnapshot, playbook: Playbook, lang: str) -> None:
    html = render_html(weekly_doc(acme, playbook, lang))
    assert TITLES[lang] in html and OVERDUE[lang] in html
    assert '<html lang="' + {"zh_TW": "zh-Hant-TW", "zh_CN": "zh-Hans-CN", "en": "en"}[lang] + '"' in html
    assert "1,500,000 TWD" in html and "<script" not in html


def test_html_escapes_odoo_text(acme: ProjectSnapshot, playbook: Playbook) -> None:
    project = acme.project.model_copy(update={"customer": "<b>Acme & Co</b>"})
    html = render_html(weekly_doc(acme.model_copy(update={"project": project}), playbook, "en"))
    assert "&lt;b&gt;Acme &amp; Co&lt;/b&gt;" in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_markdown_in_each_language(acme: ProjectSnapshot, playbook: Playbook, lang: str) -> None:
    md = render_markdown(weekly_doc(acme, playbook, lang))
    assert md.startswith(f"# {TITLES[lang]}\n")
    # The burn table: one row per phase plus the work outside phases, and the total (budget, forecast, spent, ...).
    assert re.search(r"^\| \*\*.+\*\* \| \*\*45\*\* \| \*\*74\.5 \(\+29\.5\)\*\* \| \*\*18\.5\*\* \| \*\*26\.5\*\* "
                     r"\| \*\*8\*\* \|$", md, re.M)
    assert "![" not in md  # no chart without a folder to put it in


def test_markdown_writes_the_chart_beside_the_file(acme: ProjectSnapshot, playbook: Playbook, tmp_path: Path) -> None:
    md = render_markdown(weekly_doc(acme, playbook, "zh_TW", chart=True), tmp_path, "acme")
    assert "](acme-burn.png)" in md
    assert (tmp_path / "acme-burn.png").read_bytes().startswith(b"\x89PNG")


def test_chart_is_a_png_sized_by_the_phases(acme: ProjectSnapshot, playbook: Playbook) -> None:
    rows = build_weekly(acme, playbook, WEEK, "zh_TW").phases
    small, large = burn_chart(rows[:2], "zh_TW"), burn_chart(rows, "zh_TW")
    height = int.from_bytes(small[20:24], "big"), int.from_bytes(large[20:24], "big")
    assert small.startswith(b"\x89PNG") and height[0] < height[1]


@pytest.mark.skipif(cjk_font("zh_TW") is None, reason="no CJK font installed (pip install noto-cjk-sans-otc)")
@pytest.mark.parametrize("lang", ["zh_TW", "zh_CN"])  # en: see the CLI test
def test_weekly_pdf_is_valid_with_extractable_text(acme: ProjectSnapshot, playbook: Playbook, lang: str) -> None:
    data = render_pdf(weekly_doc(acme, playbook, lang, chart=True))
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert TITLES[lang].replace(" ", "") in text
    assert OVERDUE[lang].replace(" ", "") in text
    assert "宏達精密工業" in text  # Odoo's own Chinese data, in every language


@pytest.mark.skipif(cjk_font("zh_TW") is None, reason="no CJK font installed (pip install noto-cjk-sans-otc)")
def test_confirmation_pdf_has_the_log_and_signature_block(acme_odoo: FakeOdoo, playbook: Playbook) -> None:
    snap = OdooReportSource(acme_odoo, playbook).snapshot("acme_erp", AS_OF, phase_key="kickoff")
    doc = phase_document(build_phase_report(snap, playbook, "kickoff", "confirmation", "zh_TW"), today=AS_OF)
    text = pdf_text(render_pdf(doc))
    assert "階段確認書" in text and "本階段投入5人天" in text
    assert "2026-09-08" in text and "2026-09-15" in text
    assert "客戶方：宏達精密工業" in text and "實施方：頂尖顧問" in text and "簽名" in text


@pytest.mark.parametrize("kind", ["phase_plan", "phase_summary"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_phase_documents_render(acme: ProjectSnapshot, playbook: Playbook, kind: str, lang: str) -> None:
    doc = phase_document(build_phase_report(acme, playbook, "business_survey", kind, lang), today=AS_OF)  # type: ignore[arg-type]
    md, html = render_markdown(doc), render_html(doc)
    title = i18n.t(lang, f"title.{kind}")
    assert md.startswith(f"# {title}") and title in html
    assert i18n.t(lang, "sec.checklist") in md


def test_pdf_without_a_cjk_font_refuses_chinese(acme: ProjectSnapshot, playbook: Playbook,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from connector.reports import pdf

    monkeypatch.setattr(pdf, "cjk_font", lambda lang: None)
    with pytest.raises(pdf.ReportPdfError) as err:
        pdf.render_pdf(weekly_doc(acme, playbook, "zh_TW"))
    assert "noto-cjk-sans-otc" in (err.value.hint or "")
