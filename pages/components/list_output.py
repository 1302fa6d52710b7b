"""엑셀 and 인쇄 of every list, from its ListSpec (services.list_spec): the file is written to a
temp file off the event loop and sent from disk — the Excel file through pages.downloads (one
authenticated, streamed download, deleted once sent), the PDF through the print preview (streamed
from its file). While it is made the button waits (a double click does not export twice) and a
notice says how far it is."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from pages.components.print_preview import show_pdf
from pages.downloads import offer_file
from services.excel import Progress
from services.list_spec import ListSpec, temp_pdf, write_pdf, write_xlsx

# what a list's rows come from: an async iterator (a service streaming its query), a list in
# hand (or a coroutine giving one), or a function given the progress callback that returns one
Rows = AsyncIterable[Any] | Iterable[Any] | Awaitable[Iterable[Any]]
RowSource = Rows | Callable[[Progress], Rows]

EXCEL_WORKING = "엑셀 파일을 만드는 중입니다…"
EXCEL_DONE = "엑셀 파일을 내려받습니다."
PRINT_WORKING = "인쇄용 PDF를 만드는 중입니다…"


def dated(name: str, extension: str) -> str:
    """A file name as every export names it: 품목_20260312.xlsx."""
    return f"{name}_{dt.date.today():%Y%m%d}.{extension}"


async def _aiter(rows: Rows) -> AsyncIterable[Any]:
    if inspect.isawaitable(rows):
        rows = await rows
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            yield row
    else:
        for row in rows:
            yield row


def _rows(source: RowSource, progress: Progress) -> AsyncIterable[Any]:
    rows = source(progress) if callable(source) else source
    return _aiter(rows)


async def _busy(
    button: ui.button | None, working: str, make: Callable[[Progress], Awaitable[Path]]
) -> Path | None:
    """Run `make` with the button waiting and a notice showing its progress; a refusal (a
    GogaekError) is shown and gives None."""
    if button is not None:
        button.disable()
    notice = ui.notification(working, spinner=True, timeout=None, type="ongoing")

    def progress(done: int, total: int) -> None:
        notice.message = f"{working} {done:,} / {total:,}건"

    try:
        return await make(progress)
    except GogaekError as error:
        ui.notify(str(error), type="negative", multi_line=True)
        return None
    finally:
        notice.dismiss()
        if button is not None:
            button.enable()


async def export_excel(
    actor: Actor,
    spec: ListSpec,
    rows: RowSource,
    filename: str,
    *,
    button: ui.button | None = None,
    total: int | None = None,
    done_message: str = EXCEL_DONE,
) -> None:
    """엑셀: every row of `rows` into the spec's sheet, sent as `filename`. A source that knows
    how far it is reports through the progress callback it is given; else give `total`."""

    async def make(progress: Progress) -> Path:
        return await write_xlsx(spec, _rows(rows, progress), progress=progress, total=total)

    await send_excel(actor, make, filename, button=button, done_message=done_message)


async def send_excel(
    actor: Actor,
    make: Callable[[Progress], Awaitable[Path]],
    filename: str,
    *,
    button: ui.button | None = None,
    done_message: str = EXCEL_DONE,
) -> None:
    """엑셀 of a workbook a service writes itself (`make(progress)` returns its temp file)."""
    path = await _busy(button, EXCEL_WORKING, make)
    if path is None:
        return
    offer_file(actor, path, filename)
    if done_message:
        ui.notify(done_message, type="positive")


async def print_list(
    actor: Actor,
    spec: ListSpec,
    rows: RowSource,
    filename: str,
    *,
    preview_title: str,
    button: ui.button | None = None,
    title: str = "",
    subtitle: str = "",
    note: str = "",
    limit: int | None = None,
    cut_note: str = "",
) -> None:
    """인쇄: the rows (at most `limit`; when there were more, `cut_note` says so) printed as the
    spec's table and shown in the print preview."""

    async def make(progress: Progress) -> Path:
        printed: list[Any] = []
        more = False
        async for row in _rows(rows, progress):
            if limit is not None and len(printed) >= limit:
                more = True
                break
            printed.append(row)
        notes = " ".join(n for n in (note, cut_note if more else "") if n)
        return await write_pdf(spec, printed, title=title, subtitle=subtitle, note=notes)

    await send_pdf(actor, make, filename, preview_title=preview_title, button=button)


async def send_pdf(
    actor: Actor,
    make: Callable[[Progress], Awaitable[Path | bytes]],
    filename: str,
    *,
    preview_title: str,
    button: ui.button | None = None,
) -> None:
    """인쇄 of a PDF a service renders itself (`make(progress)` returns its temp file, or its
    bytes, which are written to one): the print preview, streamed from the file."""

    async def to_file(progress: Progress) -> Path:
        made = await make(progress)
        return made if isinstance(made, Path) else await asyncio.to_thread(temp_pdf, made)

    path = await _busy(button, PRINT_WORKING, to_file)
    if path is not None:
        show_pdf(actor, filename, path=path, title=preview_title)
