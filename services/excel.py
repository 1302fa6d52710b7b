"""Excel export: write-only openpyxl (constant memory, so 100 000 rows stream), Korean headers,
formatted dates and amounts, and no formulas: a value starting with = + - @ or a tab is written
as literal text so a customer name like "=HYPERLINK(…)" can never run in someone's Excel."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# how far a long export or import is: (done, total); the screen's callback may be async
Progress = Callable[[int, int], Awaitable[None] | None]


async def report_progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is None:
        return
    result = progress(done, total)
    if asyncio.iscoroutine(result):
        await result


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    kind: str = "text"  # text | amount | date | datetime | number


class XlsxWriter:
    """Stream rows into a workbook on disk. `add_row(values)`; `close()` returns the path."""

    def __init__(self, columns: list[Column], sheet_title: str = "목록") -> None:
        self.columns = columns
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(sheet_title[:31])
        for index, column in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A2"
        header_font = Font(bold=True)
        header_fill = PatternFill("solid", fgColor="DDEBF7")
        header = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, value=column.header)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center")
            header.append(cell)
        self.sheet.append(header)
        self.rows = 0

    def _cell(self, column: Column, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            if not value.startswith(_FORMULA_START):
                return value  # plain text: openpyxl makes the cell (no second object per value)
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.data_type = "s"  # stored as a string, never parsed as a formula
            cell.quotePrefix = True  # and Excel keeps it text even when the cell is edited
            return cell
        if type(value) is dt.date:
            return value  # openpyxl formats a date as yyyy-mm-dd (DATE_FORMAT) by itself
        if isinstance(value, dt.datetime):
            # to the second, as the screens show it: a fraction would round up in Excel's number
            value = value.replace(microsecond=0)
        cell = WriteOnlyCell(self.sheet, value=value)
        if column.kind == "amount":
            cell.number_format = AMOUNT_FORMAT
        elif isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        return cell

    def add_row(self, values: Iterable[Any]) -> None:
        self.sheet.append([self._cell(c, v) for c, v in zip(self.columns, values, strict=True)])
        self.rows += 1

    def save(self, path: Path) -> Path:
        self.workbook.save(path)
        return path


def temp_xlsx_path(prefix: str = "gogaek-") -> Path:
    handle = tempfile.NamedTemporaryFile(prefix=prefix, suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    return Path(handle.name)


async def export_rows(
    columns: list[Column], rows: AsyncIterable[Iterable[Any]], *, sheet_title: str = "목록"
) -> Path:
    """Write rows from an async iterator (a service streaming its query in chunks) to a temp file,
    off the event loop. The caller sends the file and deletes it."""
    writer = XlsxWriter(columns, sheet_title)
    batch: list[Iterable[Any]] = []
    async for row in rows:
        batch.append(row)
        if len(batch) >= 2000:
            await asyncio.to_thread(_write_batch, writer, batch)
            batch = []
    if batch:
        await asyncio.to_thread(_write_batch, writer, batch)
    return await asyncio.to_thread(writer.save, temp_xlsx_path())


def _write_batch(writer: XlsxWriter, batch: list[Iterable[Any]]) -> None:
    for row in batch:
        writer.add_row(row)
