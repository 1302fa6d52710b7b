"""엑셀 and 인쇄 of a customer window tab's list: just this customer's rows, the file and the
printed heading named after the customer (pages.components.list_output does the work)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from nicegui import ui

from core.audit import Actor
from pages.components.list_output import RowSource, export_excel, print_list
from pages.components.toolbar import Toolbar
from pages.customers.editor import current_editor
from services.list_spec import ListSpec
from services.paging import Page

PRINT_LIMIT = 2000
EXPORT_CHUNK = 500  # rows read at a time for 엑셀/인쇄 of a paged tab list


def customer_name() -> str:
    editor = current_editor()
    return editor.company_name if editor else ""


def _filename(list_name: str, extension: str) -> str:
    name = customer_name().replace("/", "_").replace("\\", "_")
    return f"{list_name}_{name}_{dt.date.today():%Y%m%d}.{extension}"


async def tab_excel(actor: Actor, spec: ListSpec, rows: RowSource, button: ui.button | None = None) -> None:
    """엑셀 of the customer's `spec.title` list, e.g. 제품관리_재근상사_20260312.xlsx."""
    await export_excel(actor, spec, rows, _filename(spec.title, "xlsx"), button=button)


async def tab_print(actor: Actor, spec: ListSpec, rows: RowSource, button: ui.button | None = None) -> None:
    """인쇄 of the customer's `spec.title` list, headed "제품관리 — 재근상사"."""
    await print_list(
        actor,
        spec,
        rows,
        _filename(spec.title, "pdf"),
        preview_title=f"{spec.title} 인쇄",
        button=button,
        title=f"{spec.title} — {customer_name()}",
        limit=PRINT_LIMIT,
        cut_note=f"처음 {PRINT_LIMIT:,}건만 인쇄했습니다. 전체는 엑셀로 저장하세요.",
    )


def tab_toolbar(
    actor: Actor, spec: ListSpec, rows: Callable[[], RowSource], *, prefix: str, **handlers: Any
) -> Toolbar:
    """A tab's toolbar: `handlers` (조회, 추가, …) and 엑셀 of `spec` with the rows `rows()` gives,
    and 인쇄 of it unless the tab's 인쇄 prints something else (a `print` handler: the tab then
    offers 목록 인쇄 itself). The customer window holds several tabs with toolbars: function keys
    stay with the main screen."""

    def excel() -> Any:
        return tab_excel(actor, spec, rows(), toolbar.buttons["excel"])

    def print_list_() -> Any:
        return tab_print(actor, spec, rows(), toolbar.buttons["print"])

    handlers.setdefault("print", print_list_)
    toolbar = Toolbar(prefix=prefix, shortcuts=False, excel=excel, **handlers)
    return toolbar


async def every_row(fetch: Callable[[int, int], Awaitable[Page]]) -> AsyncIterator[Any]:
    """Every row of a paged list, `fetch(offset, limit)` a chunk at a time."""
    offset = 0
    while True:
        page = await fetch(offset, EXPORT_CHUNK)
        for row in page.rows:
            yield row
        offset += EXPORT_CHUNK
        if not page.rows or offset >= page.total:
            return
