"""Checks that a list's screen, 엑셀 and 인쇄 agree (services.list_spec): the table's column labels,
the workbook's header row and the printed PDF (kept on disk by the print preview, not in memory)."""

from __future__ import annotations

import io

from nicegui.testing import User
from openpyxl import load_workbook
from pypdf import PdfReader

from pages.components import print_preview
from tests.utils import eventually, previewed_pdf


def _elements(user: User, marker: str) -> list:
    try:
        return list(user.find(marker).elements)
    except AssertionError:  # not shown yet
        return []


def table_labels(user: User, marker: str) -> list[str]:
    """The column headings of the table marked `marker`."""
    table = next(iter(user.find(marker).elements))
    return [column["label"] for column in table.columns]


async def excel_rows(user: User, marker: str) -> list[list]:
    """Click 엑셀 (`marker`) and read the downloaded workbook's first sheet back."""
    user.find(marker).click()
    response = await user.download.next(timeout=30)
    assert response.request.url.path.startswith("/downloads/")  # streamed from its file
    workbook = load_workbook(io.BytesIO(response.content))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


async def printed_text(user: User, marker: str, title: str) -> str:
    """Click 인쇄 (`marker`): the preview titled `title` streams its PDF from a file on disk (no
    bytes kept in memory); the PDF's text."""
    user.find(marker).click()
    frames = await eventually(lambda: _elements(user, "pdf-frame"), within=60)
    kept = print_preview._store[frames[0].props["src"].rsplit("/", 1)[1]]
    assert kept.path is not None and kept.path.is_file() and kept.data == b"", "PDF held in memory"
    pdf = await previewed_pdf(user, title)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
