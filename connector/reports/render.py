"""HTML and Markdown through Jinja2 templates (``templates/``); PDF in ``connector.reports.pdf``."""

from __future__ import annotations

import base64
import functools
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from connector.reports.document import Cell, Document

HTML_LANG = {"zh_TW": "zh-Hant-TW", "zh_CN": "zh-Hans-CN", "en": "en"}
# The reader's own fonts render HTML; these are the usual ones with the right regional glyphs.
FONT_STACK = {
    "zh_TW": '"Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", sans-serif',
    "zh_CN": '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
    "en": '"Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans CJK TC", "PingFang TC", sans-serif',
}


def _md(text: str) -> str:
    """Markdown-safe inline text: no accidental emphasis, links or HTML."""
    for char in ("\\", "*", "_", "`", "<", ">"):
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")


def _cell(text: str) -> str:
    return _md(text).replace("|", "\\|")


def _cellmark(c: Cell) -> str:
    text = _cell(c.text)
    return f"**{text}**" if c.tone == "bad" and text else text


@functools.cache
def _env(autoescape: bool) -> Environment:
    # Through the package (importlib), so an installed wheel renders like a checkout.
    env = Environment(loader=PackageLoader("connector.reports", "templates"), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=autoescape)
    env.filters.update(b64=lambda data: base64.b64encode(data).decode("ascii"), md=_md, cell=_cell,
                       cellmark=_cellmark, totalmark=lambda c: f"**{_cell(c.text)}**" if c.text else "")
    return env


def render_html(doc: Document) -> str:
    """One self-contained HTML file: styles inline, charts as data: URIs."""
    return _env(True).get_template("document.html.j2").render(
        doc=doc, html_lang=HTML_LANG.get(doc.lang, "en"), font_stack=FONT_STACK.get(doc.lang, FONT_STACK["en"]))


def render_markdown(doc: Document, image_dir: Path | None = None, stem: str = "report") -> str:
    """Markdown; with ``image_dir`` each chart is written there as ``<stem>-<slug>.png`` and linked,
    without it (stdout) charts are left out — their numbers are in the tables."""
    images: dict[str, str | None] = {}
    for chart in doc.charts():
        images[chart.slug] = None
        if image_dir is not None:
            name = f"{stem}-{chart.slug}.png"
            (image_dir / name).write_bytes(chart.png)
            images[chart.slug] = name
    text = _env(False).get_template("document.md.j2").render(doc=doc, images=images)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text
