"""Checks that a list screen's table, its Excel sheet and its print come from one ListSpec and
agree: the same headers where a column shows in both, and the same values in the same order."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from nicegui import ui
from pypdf import PdfReader

from services.list_spec import EXCEL, PRINT, TABLE, ListSpec


def sheet_rows(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


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
