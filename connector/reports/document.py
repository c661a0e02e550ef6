"""A report as a list of typed blocks, rendered alike to HTML, Markdown and PDF.

Report builders (``weekly``, ``phase_docs``) decide *what* a report says; the renderers only decide how a
table, a chart or a signature block looks in their format. So the numbers cannot differ between formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

Tone = Literal["ok", "warn", "bad", "muted"]
Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Cell:
    text: str
    tone: Tone | None = None


def cell(value: str | Cell, tone: Tone | None = None) -> Cell:
    return value if isinstance(value, Cell) else Cell(str(value), tone)


@dataclass(frozen=True)
class Column:
    label: str
    align: Align = "left"
    weight: float = 1.0  # relative width in the PDF


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    columns: list[Column]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    empty: str = ""


@dataclass(frozen=True)
class Facts:
    kind: ClassVar[str] = "facts"
    items: list[tuple[str, Cell]]


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str
    tone: Tone | None = None


@dataclass(frozen=True)
class Bullets:
    kind: ClassVar[str] = "bullets"
    items: list[Cell]


@dataclass(frozen=True)
class Chart:
    kind: ClassVar[str] = "chart"
    png: bytes
    alt: str
    slug: str  # file-name part when the chart is written beside a Markdown file


@dataclass(frozen=True)
class Party:
    title: str
    name: str = ""


@dataclass(frozen=True)
class Signatures:
    kind: ClassVar[str] = "signatures"
    parties: list[Party]
    name_label: str
    signature_label: str
    date_label: str


Block = Table | Facts | Paragraph | Bullets | Chart | Signatures


@dataclass(frozen=True)
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    kind: str  # weekly / phase_plan / phase_summary / confirmation
    lang: str
    title: str
    subtitle: str
    facts: Facts
    sections: list[Section]
    footer: str = ""

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]
