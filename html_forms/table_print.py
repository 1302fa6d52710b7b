"""인쇄 of a list screen: a title, the filter summary and a dense table (header repeated on every
page), as PDF. Cell values are escaped here; callers pass plain text."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

from core.korean import format_datetime

CSS = """
body { font-size: 8pt; }
h1 { font-size: 14pt; margin: 0 0 4px 0; }
p.sub { margin: 0 0 6px 0; color: #333333; }
table.list { border: 1px solid #555555; }
table.list th { background-color: #e8eef6; border: 1px solid #555555; padding: 2px 3px; }
table.list td { border: 1px solid #999999; padding: 2px 3px; }
td.r { text-align: right; }
td.c { text-align: center; }
tr.total td { background-color: #f2f2f2; font-weight: bold; }
p.note { color: #aa3333; }
"""
LANDSCAPE = "@page { size: a4 landscape; margin: 1cm; }"
PORTRAIT = ""


@dataclass(frozen=True)
class PrintColumn:
    header: str
    align: str = "left"  # left | right | center
    width: str = ""  # e.g. "8%"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _width(column: PrintColumn) -> str:
    return f' width="{_e(column.width)}"' if column.width else ""


def _cells(columns: Sequence[PrintColumn], values: Sequence[object]) -> str:
    cells = []
    for column, value in zip(columns, values, strict=True):
        css = {"right": " class='r'", "center": " class='c'"}.get(column.align, "")
        cells.append(f"<td{css}>{_e(value)}</td>")
    return "".join(cells)


def render_table_html(
    title: str,
    columns: Sequence[PrintColumn],
    rows: Sequence[Sequence[object]],
    *,
    subtitle: str = "",
    footer: Sequence[object] | None = None,
    note: str = "",
    printed_at: dt.datetime | None = None,
) -> str:
    header = "".join(f"<th{_width(c)}>{_e(c.header)}</th>" for c in columns)
    body = "\n".join(f"<tr>{_cells(columns, row)}</tr>" for row in rows)
    if not rows:
        body = f"<tr><td colspan='{len(columns)}' class='c'>조회된 자료가 없습니다.</td></tr>"
    total = f"<tr class='total'>{_cells(columns, footer)}</tr>" if footer else ""
    stamp = f"출력 {format_datetime(printed_at)}" if printed_at else ""
    if stamp and subtitle:
        stamp = f" · {stamp}"
    return (
        f"<h1>{_e(title)}</h1><p class='sub'>{_e(subtitle)}{_e(stamp)}</p>"
        f"{f'<p class=note>{_e(note)}</p>' if note else ''}"
        f"<table class='list' repeat='1'><thead><tr>{header}</tr></thead>{body}{total}</table>"
    )
