"""인쇄 of a list screen: a dense landscape table as PDF. Every value is escaped here, so callers
pass plain user text."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence

from core.korean import format_datetime
from html_forms.pdf import render_pdf_async

LIST_CSS = """
@page { size: a4 landscape; margin: 1.2cm 1cm; }
body { font-size: 8pt; }
h1 { font-size: 14pt; margin: 0 0 2px 0; }
.meta { color: #555; margin-bottom: 6px; }
table.list { border: 0.5px solid #888; }
table.list th { background-color: #dde8f5; border: 0.5px solid #888; font-weight: bold; }
table.list td { border: 0.5px solid #aaa; }
td.num { text-align: right; }
"""


async def render_list_pdf(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    conditions: str = "",
    note: str = "",
    right_aligned: frozenset[int] = frozenset(),
) -> bytes:
    """`rows` are already formatted strings (dates, amounts); `right_aligned` are column indexes."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    count = 0
    for row in rows:
        count += 1
        cells = "".join(
            f"<td class='num'>{html.escape(str(v))}</td>"
            if i in right_aligned
            else f"<td>{html.escape(str(v))}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    if not body:
        body.append(f"<tr><td colspan='{len(headers)}'>조회된 자료가 없습니다.</td></tr>")
    meta = f"출력일시 {format_datetime(dt.datetime.now())} · {count:,}건"
    if conditions:
        meta += f" · 조건: {conditions}"
    document = (
        f"<h1>{html.escape(title)}</h1><div class='meta'>{html.escape(meta)}</div>"
        + (f"<div class='meta'>{html.escape(note)}</div>" if note else "")
        + f"<table class='list' repeat='1'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return await render_pdf_async(document, extra_css=LIST_CSS)
