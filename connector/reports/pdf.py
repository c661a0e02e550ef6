"""PDF with fpdf2: pure Python (fontTools, Pillow), no system libraries, embeds a subset of the CJK font.

fpdf2 draws the same ``Document`` blocks as the HTML template; text stays real text (extractable, searchable),
charts are the PNGs matplotlib made.
"""

from __future__ import annotations

import io
from dataclasses import fields, is_dataclass
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace as PdfFontFace

from connector.errors import ConnectorError
from connector.reports.document import Bullets, Cell, Chart, Document, Facts, Paragraph, Signatures, Table
from connector.reports.fonts import INSTALL_HINT, cjk_font, latin_fallback

FONT = "report"
INK = (31, 41, 51)
MUTED = (107, 119, 133)
ACCENT = (47, 109, 181)
LINE = (217, 222, 229)
HEAD = (243, 245, 248)
TONES = {"ok": (46, 125, 79), "warn": (166, 99, 0), "bad": (180, 35, 24), "muted": MUTED}


class ReportPdfError(ConnectorError):
    pass


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in _texts(item)]
    if is_dataclass(value) and not isinstance(value, type):
        return [s for f in fields(value) if f.name != "png" for s in _texts(getattr(value, f.name))]
    return []


def _needs_cjk(doc: Document) -> bool:
    return any(ord(ch) >= 0x2E80 for text in _texts(doc) for ch in text)


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="R")


def render_pdf(doc: Document) -> bytes:
    face = cjk_font(doc.lang)
    if face is None and _needs_cjk(doc):
        raise ReportPdfError("no font with Chinese glyphs was found, so this PDF would show empty boxes",
                             INSTALL_HINT)
    pdf = _Pdf(format="A4", unit="mm")
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.footer_text = doc.footer
    if face is not None:
        pdf.add_font(FONT, fname=str(face.path), collection_font_number=face.index)
    else:
        pdf.add_font(FONT, fname=str(latin_fallback()))
    pdf.set_title(f"{doc.title} — {doc.subtitle}")
    pdf.set_lang({"zh_TW": "zh-TW", "zh_CN": "zh-CN"}.get(doc.lang, "en"))
    pdf.set_creator("erp-playbook")
    pdf.add_page()
    _header(pdf, doc)
    for section in doc.sections:
        _heading(pdf, section.title)
        for block in section.blocks:
            _block(pdf, block)
    return bytes(pdf.output())


def _header(pdf: FPDF, doc: Document) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=18)
    pdf.multi_cell(0, 9, doc.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 6, doc.subtitle, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.ln(4)
    _facts(pdf, doc.facts)


def _heading(pdf: FPDF, title: str) -> None:
    if pdf.get_y() > pdf.h - 45:  # keep a heading with at least a few lines of its content
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FONT, size=12.5)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, 7, title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    pdf.set_text_color(*INK)


def _color(c: Cell) -> tuple[int, int, int]:
    return TONES.get(c.tone or "", INK)


def _block(pdf: FPDF, block: Any) -> None:
    if isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Facts):
        _facts(pdf, block)
    elif isinstance(block, Paragraph):
        pdf.set_font(FONT, size=9.5)
        pdf.set_text_color(*_color(Cell(block.text, block.tone)))
        pdf.multi_cell(0, 5.2, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    elif isinstance(block, Bullets):
        pdf.set_font(FONT, size=9.5)
        for item in block.items:
            pdf.set_text_color(*_color(item))
            pdf.set_x(pdf.l_margin + 2)
            pdf.cell(4, 5.2, "•")
            pdf.multi_cell(0, 5.2, item.text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    elif isinstance(block, Chart):
        width = pdf.epw
        pdf.image(io.BytesIO(block.png), w=width, alt_text=block.alt)
        pdf.ln(2)
    elif isinstance(block, Signatures):
        _signatures(pdf, block)
    pdf.set_text_color(*INK)


def _facts(pdf: FPDF, facts: Facts) -> None:
    """Label / value pairs in two columns."""
    col = pdf.epw / 2
    pdf.set_text_color(*INK)
    for i in range(0, len(facts.items), 2):
        y = pdf.get_y()
        heights = []
        for j, (label, value) in enumerate(facts.items[i:i + 2]):
            pdf.set_xy(pdf.l_margin + j * col, y)
            pdf.set_font(FONT, size=8)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(col - 4, 4.2, label, align="L", new_x="LEFT", new_y="NEXT")
            pdf.set_font(FONT, size=10)
            pdf.set_text_color(*_color(value))
            pdf.multi_cell(col - 4, 5.2, value.text, align="L", new_x="LEFT", new_y="NEXT")
            heights.append(pdf.get_y())
        pdf.set_xy(pdf.l_margin, max(heights) + 1.2)
    pdf.set_text_color(*INK)
    pdf.ln(1)


def _table(pdf: FPDF, table: Table) -> None:
    if not table.rows:
        pdf.set_font(FONT, size=9.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 5.2, table.empty, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
        return
    pdf.set_font(FONT, size=8.5)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    aligns = [{"left": "LEFT", "right": "RIGHT", "center": "CENTER"}[c.align] for c in table.columns]
    heading = PdfFontFace(color=INK, fill_color=HEAD)
    with pdf.table(col_widths=[c.weight for c in table.columns], text_align=aligns, line_height=4.6,
                   headings_style=heading, borders_layout="HORIZONTAL_LINES", padding=1.2,
                   first_row_as_headings=True, repeat_headings=1) as out:
        out.row([c.label for c in table.columns])
        for row in table.rows:
            r = out.row()
            for c in row:
                r.cell(c.text, style=PdfFontFace(color=_color(c)))
        if table.total:
            r = out.row()
            for c in table.total:
                r.cell(c.text, style=PdfFontFace(color=_color(c), fill_color=HEAD))
    pdf.ln(2.5)


def _signatures(pdf: FPDF, block: Signatures) -> None:
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    gap = 10
    col = (pdf.epw - gap) / max(len(block.parties), 1)
    top = pdf.get_y() + 2
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    for i, party in enumerate(block.parties):
        x = pdf.l_margin + i * (col + gap)
        pdf.set_xy(x, top)
        pdf.set_font(FONT, size=10.5)
        pdf.set_text_color(*INK)
        pdf.cell(col, 6, party.title)
        y = top + 12
        for label, value in ((block.name_label, party.name), (block.signature_label, ""), (block.date_label, "")):
            pdf.set_xy(x, y)
            pdf.set_font(FONT, size=9)
            pdf.set_text_color(*MUTED)
            pdf.cell(20, 6, label)
            pdf.set_text_color(*INK)
            pdf.cell(col - 20, 6, value)
            pdf.line(x + 20, y + 6, x + col, y + 6)
            y += 13
    pdf.set_xy(pdf.l_margin, top + 12 + 3 * 13)
