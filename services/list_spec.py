"""One declaration per list: its columns (label, how a row gives the value, format, width,
alignment, whether it is totalled, where it shows) from which the screen table's columns
(pages.components.paged_table.spec_columns), the Excel sheet (services.excel) and the printed
table (html_forms.table_print) are all derived, so the three never drift apart.

`write_xlsx` and `write_pdf` write a list to a temp file; the page sends it and deletes it
(pages.components.list_output)."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.korean import format_amount, format_date, format_datetime
from html_forms.pdf import render_pdf_async
from html_forms.table_print import CSS as PRINT_CSS
from html_forms.table_print import LANDSCAPE, PORTRAIT, PrintColumn, render_table_html
from services.excel import Column, Progress, XlsxWriter, report_progress, temp_xlsx_path
from services.print_widths import column_widths

TABLE = "table"
EXCEL = "excel"
PRINT = "print"
EVERYWHERE = frozenset({TABLE, EXCEL, PRINT})

FORMATS = ("text", "amount", "date", "datetime", "datetime_seconds", "number", "duration")
# how a format lines up when the column does not say: figures to the right, the rest to the left
_ALIGN = {"amount": "right", "number": "right", "duration": "right"}
# the Excel cell kind of each format (services.excel.Column.kind); a duration is written as shown
_EXCEL_KIND = {
    "amount": "amount",
    "date": "date",
    "datetime": "datetime",
    "datetime_seconds": "datetime",
    "number": "number",
}
EXCEL_BATCH = 2000  # rows handed to the writer thread at a time


def duration_text(seconds: int | None) -> str:
    """A duration in seconds as m:ss ("1:05"); empty when unknown."""
    if seconds is None or seconds == "":
        return ""
    minutes, rest = divmod(max(int(seconds), 0), 60)
    return f"{minutes}:{rest:02d}"


@dataclass(frozen=True)
class ListColumn:
    """A column of a list. `value(row)` gives the raw value (default: the row's `key`, as a
    mapping key or an attribute); the screen and the print show it formatted by `format`, Excel
    keeps dates and amounts as such. `width` is the Excel width in characters (the print sizes
    its columns by their content). `on` says where the column shows; `excel_label` is the
    sheet's header where it differs (an export that imports back uses the import's words)."""

    key: str
    label: str
    format: str = "text"
    width: int = 12
    align: str = ""
    total: bool = False
    value: Callable[[Any], Any] | None = None
    sortable: bool = False
    on: frozenset[str] = EVERYWHERE
    excel_label: str = ""
    max_width: int | None = None  # px on the screen: longer text is cut with "…"

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"unknown list format: {self.format}")

    @property
    def alignment(self) -> str:
        return self.align or _ALIGN.get(self.format, "left")

    def raw(self, row: Any) -> Any:
        if self.value is not None:
            return self.value(row)
        if isinstance(row, Mapping):
            return row.get(self.key)
        return getattr(row, self.key, None)

    def text(self, value: Any) -> str:
        """The value as the screen and the print show it."""
        if value is None or value == "":
            return ""
        if self.format == "amount":
            return format_amount(value)
        if self.format == "number":
            return f"{value:,}" if isinstance(value, int | float) else str(value)
        if self.format == "datetime" and isinstance(value, dt.datetime):
            return format_datetime(value)
        if self.format == "datetime_seconds" and isinstance(value, dt.datetime):
            return format_datetime(value, seconds=True)  # a log's moments (접수일자 15:01:17)
        if self.format in ("date", "datetime", "datetime_seconds") and isinstance(value, dt.date):
            return format_date(value)
        if self.format == "duration":
            return duration_text(value)
        return str(value)

    def excel_value(self, value: Any) -> Any:
        if self.format == "duration":
            return duration_text(value)
        if self.format == "text" and value is not None and not isinstance(value, str):
            return str(value)
        return value


@dataclass(frozen=True)
class ListSpec:
    """A list: its title (the sheet's name, the printed heading) and its columns in order."""

    title: str
    columns: tuple[ListColumn, ...]
    sheet_title: str = ""
    total_label: str = "합계"
    landscape: bool = True
    by_key: dict[str, ListColumn] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.title}: a column key is used twice")
        object.__setattr__(self, "by_key", {c.key: c for c in self.columns})

    def shown(self, where: str) -> list[ListColumn]:
        return [c for c in self.columns if where in c.on]

    # the screen -----------------------------------------------------------------------------

    def table_row(self, row: Any) -> dict[str, str]:
        """The screen's cells of a row: each table column's text under its key."""
        return {c.key: c.text(c.raw(row)) for c in self.shown(TABLE)}

    # Excel ----------------------------------------------------------------------------------

    def excel_columns(self) -> list[Column]:
        return [
            Column(c.excel_label or c.label, c.width, _EXCEL_KIND.get(c.format, "text"))
            for c in self.shown(EXCEL)
        ]

    def excel_row(self, row: Any) -> list[Any]:
        return [c.excel_value(c.raw(row)) for c in self.shown(EXCEL)]

    # print ----------------------------------------------------------------------------------

    def print_columns(self) -> list[PrintColumn]:
        return [PrintColumn(c.label, c.alignment) for c in self.shown(PRINT)]

    def print_row(self, row: Any) -> list[str]:
        return [c.text(c.raw(row)) for c in self.shown(PRINT)]

    # totals ---------------------------------------------------------------------------------

    @property
    def has_totals(self) -> bool:
        return any(c.total for c in self.columns)

    def add_to_totals(self, totals: dict[str, Any], row: Any) -> None:
        for c in self.columns:
            if c.total:
                totals[c.key] = totals.get(c.key, 0) + (c.raw(row) or 0)

    def totals(self, rows: Iterable[Any]) -> dict[str, Any]:
        """The sum of every totalled column over `rows`, by column key."""
        sums: dict[str, Any] = {c.key: 0 for c in self.columns if c.total}
        for row in rows:
            self.add_to_totals(sums, row)
        return sums

    def total_row(self, totals: Mapping[str, Any], where: str) -> list[Any]:
        """The totals line under the columns of `where`: the sums under their columns and the
        label in the first column that is not totalled."""
        columns = self.shown(where)
        cells: list[Any] = [None] * len(columns)
        labelled = False
        for index, c in enumerate(columns):
            if c.total:
                amount = totals.get(c.key, 0)
                cells[index] = amount if where == EXCEL else c.text(amount)
            elif not labelled:
                cells[index] = self.total_label
                labelled = True
        return cells if where == EXCEL else ["" if cell is None else cell for cell in cells]


# writing ------------------------------------------------------------------------------------


async def write_xlsx(
    spec: ListSpec,
    rows: AsyncIterable[Any],
    *,
    progress: Progress | None = None,
    total: int | None = None,
    footer: Any = None,
) -> Path:
    """The list as a workbook in a temp file (write-only, so any number of rows streams through in
    constant memory; formulas stay text), with a totals line when the spec totals a column.
    `progress(done, total)` is told after each batch when `total` is known. `footer`, a row the
    caller summed itself (e.g. a count of customers under 거래처명), is the totals line instead."""
    writer = XlsxWriter(spec.excel_columns(), spec.sheet_title or spec.title)
    sums: dict[str, Any] = {c.key: 0 for c in spec.columns if c.total}
    batch: list[list[Any]] = []
    done = 0
    async for row in rows:
        batch.append(spec.excel_row(row))
        if sums:
            spec.add_to_totals(sums, row)
        if len(batch) >= EXCEL_BATCH:
            await asyncio.to_thread(_write, writer, batch)
            done += len(batch)
            batch = []
            if total is not None:
                await report_progress(progress, done, total)
    if footer is not None:
        batch.append(spec.excel_row(footer))
    elif sums:
        batch.append(spec.total_row(sums, EXCEL))
    if batch:
        await asyncio.to_thread(_write, writer, batch)
    return await asyncio.to_thread(writer.save, temp_xlsx_path())


def _write(writer: XlsxWriter, batch: list[list[Any]]) -> None:
    for values in batch:
        writer.add_row(values)


def print_html(
    spec: ListSpec,
    rows: Sequence[Any],
    *,
    title: str = "",
    subtitle: str = "",
    note: str = "",
    printed_at: dt.datetime | None = None,
    footer: Any = None,
) -> str:
    """The printed list's HTML: the heading, the conditions, the table (each column as wide as
    its content needs) and the totals line when the spec totals a column (or `footer`, a row the
    caller summed itself)."""
    columns = spec.print_columns()
    cells = [spec.print_row(row) for row in rows]
    widths = column_widths([c.header for c in columns], cells)
    columns = [
        PrintColumn(c.header, c.align, f"{width:g}%") for c, width in zip(columns, widths, strict=True)
    ]
    if footer is not None:
        footer = spec.print_row(footer)
    elif spec.has_totals and rows:
        footer = spec.total_row(spec.totals(rows), PRINT)
    return render_table_html(
        title or spec.title,
        columns,
        cells,
        subtitle=" · ".join(part for part in (subtitle, f"{len(cells):,}건") if part),
        footer=footer,
        note=note,
        printed_at=printed_at or dt.datetime.now(),
    )


async def write_pdf(
    spec: ListSpec,
    rows: Sequence[Any],
    *,
    title: str = "",
    subtitle: str = "",
    note: str = "",
    footer: Any = None,
) -> Path:
    """The printed list as a PDF in a temp file (rendered off the event loop)."""
    markup = print_html(spec, rows, title=title, subtitle=subtitle, note=note, footer=footer)
    return await write_sections_pdf([markup], landscape=spec.landscape)


async def write_sections_pdf(sections: Sequence[str], *, landscape: bool = True) -> Path:
    """Printed lists (`print_html`'s markup) one after the other, as one PDF in a temp file."""
    page = LANDSCAPE if landscape else PORTRAIT
    pdf = await render_pdf_async("".join(sections), extra_css=PRINT_CSS + page)
    return await asyncio.to_thread(temp_pdf, pdf)


def temp_pdf(data: bytes) -> Path:
    """`data` in a temp .pdf file (the caller sends it and deletes it)."""
    with tempfile.NamedTemporaryFile(prefix="gogaek-", suffix=".pdf", delete=False) as handle:
        handle.write(data)
    return Path(handle.name)
