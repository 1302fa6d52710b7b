"""Checks that a list's screen, 엑셀 and 인쇄 come from one ListSpec (services.list_spec) and agree:
the table's column labels, the workbook's header row and values (the same value, row for row, where
a column shows in both) and the printed PDF (kept on disk by the print preview, not in memory)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from nicegui import ui
from nicegui.testing import User
from openpyxl import load_workbook
from pypdf import PdfReader

from pages.components import print_preview
from services.list_spec import EXCEL, PRINT, TABLE, ListSpec
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


def sheet_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_table_and_sheet_agree(
    spec: ListSpec, table: ui.table, rows: Sequence[Sequence], *, data_rows: int | None = None
) -> None:
    """The table shows the spec's table columns, the sheet's header is the spec's Excel columns,
    and every column both show holds the same value, row for row (the sheet's value as the
    screen formats it). `data_rows`: how many sheet rows below the header are data (the rest
    is a totals line)."""
    assert [c["label"] for c in table.columns] == [c.label for c in spec.shown(TABLE)]
    excel = spec.shown(EXCEL)
    assert list(rows[0]) == [c.excel_label or c.label for c in excel]
    body = list(rows[1:]) if data_rows is None else list(rows[1 : 1 + data_rows])
    assert table.rows and len(body) >= len(table.rows)
    index = {c.key: i for i, c in enumerate(excel)}
    both = [c for c in spec.shown(TABLE) if c.key in index]
    assert both, "the table and the sheet share no column"
    for shown, written in zip(table.rows, body, strict=False):
        for c in both:
            assert c.text(written[index[c.key]]) == shown[c.key], (c.label, shown, written)


def assert_printed_headers(spec: ListSpec, text: str) -> None:
    """Every printed column's header is in the printed text (the print is the spec's columns)."""
    for c in spec.shown(PRINT):
        assert c.label in text, c.label
