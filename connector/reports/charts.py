"""Charts as PNG images (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io
import logging
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: headless servers and CI have no display
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from connector.reports.analysis import PhaseRow
from connector.reports.fonts import cjk_font
from connector.reports.i18n import t

log = logging.getLogger(__name__)

COLORS = {"budget": "#c9d3df", "spent": "#2f6db5", "over": "#c0392b", "remaining": "#3c9d5d"}


def _font_family(lang: str) -> list[str]:
    face = cjk_font(lang)
    if face is None:
        log.warning("no CJK font found: Chinese text in charts will show as boxes (see docs/reports.md)")
        return ["DejaVu Sans"]
    font_manager.fontManager.addfont(str(face.path))
    return [face.family, "DejaVu Sans"]


def burn_chart(phases: list[PhaseRow], lang: str) -> bytes:
    """Budget, spent and remaining man-days per phase as grouped horizontal bars; over-budget in red."""
    family = _font_family(lang)
    height = 1.2 + 0.55 * max(len(phases), 1)
    fig = Figure(figsize=(8.0, height), dpi=150, layout="constrained")
    ax = fig.subplots()
    bar = 0.26
    labels = [f"{p.sequence}. {p.name}" for p in phases]
    for i, phase in enumerate(phases):
        over = phase.remaining < 0
        ax.barh(i - bar, phase.budget, bar, color=COLORS["budget"])
        ax.barh(i, phase.spent, bar, color=COLORS["over" if over else "spent"])
        ax.barh(i + bar, phase.remaining, bar, color=COLORS["over" if over else "remaining"])
        for offset, value in ((-bar, phase.budget), (0, phase.spent), (bar, phase.remaining)):
            if value:
                ax.annotate(f"{value:.1f}".removesuffix(".0"), (value, i + offset), xytext=(3 if value > 0 else -3, 0),
                            textcoords="offset points", va="center", ha="left" if value > 0 else "right",
                            fontsize=7, family=family, color="#333333")
    ax.set_yticks(range(len(phases)), labels, family=family, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#888888", linewidth=0.8)
    ax.set_xlabel(t(lang, "chart.unit"), family=family, fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.12)
    # Proxy patches: the first phase's bars may be red (over budget), the legend must show the usual colours.
    legend = [Patch(color=COLORS[k], label=t(lang, f"chart.{k}")) for k in ("budget", "spent", "remaining")]
    legend.append(Patch(color=COLORS["over"], label=t(lang, "chart.over")))
    ax.legend(handles=legend, prop={"family": family, "size": 8}, loc="lower right", frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def portfolio_chart(projects: list[Any], lang: str) -> bytes:
    """Budget and forecast at completion per project (``PortfolioProject``), forecasts over budget in red."""
    family = _font_family(lang)
    height = 1.2 + 0.45 * max(len(projects), 1)
    fig = Figure(figsize=(8.0, height), dpi=150, layout="constrained")
    ax = fig.subplots()
    bar = 0.38
    for i, project in enumerate(projects):
        over = project.forecast > project.budget
        ax.barh(i - bar / 2, project.budget, bar, color=COLORS["budget"])
        ax.barh(i + bar / 2, project.forecast, bar, color=COLORS["over" if over else "spent"])
    ax.set_yticks(range(len(projects)), [p.name for p in projects], family=family, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(t(lang, "chart.unit"), family=family, fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    legend = [Patch(color=COLORS["budget"], label=t(lang, "chart.budget")),
              Patch(color=COLORS["spent"], label=t(lang, "chart.forecast")),
              Patch(color=COLORS["over"], label=t(lang, "chart.over"))]
    ax.legend(handles=legend, prop={"family": family, "size": 8}, loc="lower right", frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
