"""Where text lands on a rendered PDF page: each shown piece of text with its left and right edge
(in points), measured with the font the renderer embedded. Lets a test tell that a value stays
inside its table cell instead of running over the next one or off the page."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from html_forms.pdf import CID_FONT, font_files


@dataclass(frozen=True)
class Placed:
    text: str
    left: float
    right: float
    baseline: float


def _width(text: str, size: float) -> float:
    files = font_files()
    name = CID_FONT
    if files is not None:
        name = "MeasureKorean"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, files[0]))
    return pdfmetrics.stringWidth(text, name, size)


def placed_text(pdf: bytes, page: int = 0) -> tuple[float, list[Placed]]:
    """(page width, every non-blank text piece on the page with its horizontal extent)."""
    reader = PdfReader(io.BytesIO(pdf))
    target = reader.pages[page]
    pieces: list[Placed] = []

    def visit(text, cm, tm, _font, size):
        text = text.rstrip("\n")
        if not text.strip():
            return
        scale = tm[0] * cm[0] or 1
        left = tm[4] * cm[0] + cm[4]
        baseline = tm[5] * cm[3] + cm[5]
        pieces.append(Placed(text, left, left + _width(text, size * scale), baseline))

    target.extract_text(visitor_text=visit)
    return float(target.mediabox.width), pieces
