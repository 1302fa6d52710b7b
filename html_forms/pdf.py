"""HTML → PDF with xhtml2pdf, in Korean.

xhtml2pdf only embeds fonts declared with @font-face (TrueType outlines). We use, in order: the
TTF named by GOGAEK_PDF_FONT, a Korean system TTF (Windows 맑은 고딕, Debian fonts-nanum), else
ReportLab's built-in CID font HYGothic-Medium, which needs no file and still gives correct,
extractable Korean text. The renderer never fetches anything the HTML names: no network, and no
local file outside the chosen font's folder; inline `data:` images still work."""

from __future__ import annotations

import asyncio
import io
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

# ReportLab and xhtml2pdf are imported where a PDF is made: loading them is a quarter of the
# server's start, and most sessions print nothing
if TYPE_CHECKING:
    from xhtml2pdf.config.resources import ResourceAccessPolicy

FONT_FAMILY = "GogaekKorean"
CID_FONT = "HYGothic-Medium"
_CANDIDATES = [
    ("C:/Windows/Fonts/malgun.ttf", "C:/Windows/Fonts/malgunbd.ttf"),
    (
        "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
        "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
        "/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf",
    ),
    ("/Library/Fonts/AppleGothic.ttf", None),
]


@cache
def font_files() -> tuple[str, str] | None:
    """(regular, bold) TrueType files to embed, or None to use the built-in CID font."""
    configured = os.environ.get("GOGAEK_PDF_FONT")
    candidates = [(configured, os.environ.get("GOGAEK_PDF_FONT_BOLD"))] if configured else []
    for regular, bold in [*candidates, *_CANDIDATES]:
        if regular and Path(regular).is_file():
            return regular, bold if bold and Path(bold).is_file() else regular
    return None


@cache
def font_css() -> str:
    files = font_files()
    if files is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
        return f"html, body, table, td, th, p, div, span, h1, h2, h3 {{ font-family: {CID_FONT}; }}"
    regular, bold = files
    return (
        f'@font-face {{ font-family: {FONT_FAMILY}; src: url("{regular}"); }}\n'
        f'@font-face {{ font-family: {FONT_FAMILY}; src: url("{bold}"); font-weight: bold; }}\n'
        f"html, body, table, td, th, p, div, span, h1, h2, h3 {{ font-family: {FONT_FAMILY}; }}"
    )


@cache
def resource_policy() -> ResourceAccessPolicy:
    """No network at all, and local reads only from the chosen font's folder."""
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    files = font_files()
    font_dir = Path(files[0]).resolve().parent if files else None
    return ResourceAccessPolicy(allow_remote=False, base_dir=font_dir, max_render_seconds=60)


BASE_CSS = """
@page { size: a4 portrait; margin: 1.5cm 1.3cm; }
body { font-size: 10pt; line-height: 1.35; }
table { width: 100%; border-collapse: collapse; -pdf-keep-in-frame-mode: shrink; }
td, th { padding: 3px 4px; vertical-align: top; }
tr { page-break-inside: avoid; }
"""


def pdf_document(html: str, *, extra_css: str = "") -> str:
    """The complete HTML xhtml2pdf renders: the page or body given, with the fonts and base CSS."""
    document = (
        html
        if "<html" in html.lower()
        else f"<html><head><meta charset='utf-8'></head><body>{html}</body></html>"
    )
    style = f"<style>{font_css()}\n{BASE_CSS}\n{extra_css}</style>"
    return document.replace("<head>", "<head>" + style, 1) if "<head>" in document else style + document


def render_pdf(html: str, *, extra_css: str = "") -> bytes:
    """Render a full document body (or a whole HTML page) to PDF bytes. Blocking: use render_pdf_async."""
    from xhtml2pdf import pisa

    document = pdf_document(html, extra_css=extra_css)
    output = io.BytesIO()
    result = pisa.CreatePDF(document, dest=output, encoding="utf-8", resource_policy=resource_policy())
    if result.err:
        raise RuntimeError(f"PDF 생성 실패 ({result.err:,}건의 오류)")
    return output.getvalue()


async def render_pdf_async(html: str, *, extra_css: str = "") -> bytes:
    return await asyncio.to_thread(render_pdf, html, extra_css=extra_css)
