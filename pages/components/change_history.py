"""변경 이력: a button each record screen adds with one line; it opens who changed what and when,
field by field, paged on the server (services.audit_log.record_history)."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from core.korean import format_datetime
from pages.components.dialogs import TransientDialog
from pages.components.paged_table import Page, PagedTable, PageRequest
from services import audit_log

NOT_SAVED = "아직 저장하지 않았습니다."

COLUMNS = [
    {"name": "at", "label": "일시", "field": "at", "align": "left", "style": "width: 130px"},
    {"name": "actor", "label": "작업자", "field": "actor", "align": "left", "style": "width: 80px"},
    {"name": "action", "label": "작업", "field": "action", "align": "center", "style": "width: 50px"},
    {
        "name": "lines",
        "label": "변경 내용",
        "field": "lines",
        "align": "left",
        "style": "white-space: pre-wrap; word-break: break-all",
    },
]


def history_rows(page: Page) -> Page:
    """The service's rows as the dialog's table shows them."""
    return Page(
        rows=[
            {
                "id": row["id"],
                "at": format_datetime(row["at"]),
                "actor": row["actor_name"],
                "action": row["action_label"],
                "lines": "\n".join(row["lines"]) or "(변경 내용 없음)",
            }
            for row in page.rows
        ],
        total=page.total,
    )


async def open_change_history(table: str, record_id: int, title: str = "변경 이력") -> None:
    async def fetch(request: PageRequest) -> Page:
        page = await audit_log.record_history(
            table, record_id, limit=request.rows_per_page, offset=request.offset
        )
        return history_rows(page)

    with TransientDialog() as dialog, ui.card().classes("w-[960px] max-w-[96vw]"):
        with ui.row().classes("w-full items-center"):
            ui.label(title).classes("text-h6")
            ui.space()
            ui.button("닫기", icon="close", on_click=dialog.close).props("dense flat no-caps").mark(
                "change-history-close"
            )
        table_view = PagedTable(
            columns=COLUMNS, fetch=fetch, rows_per_page=20, selection=None, empty_text="변경 이력이 없습니다."
        )
        table_view.classes("max-h-[70vh]").mark("change-history-table")
    dialog.open()
    await table_view.refresh()


def change_history_button(table: str, record_id: int | Callable[[], int | str | None] | None) -> ui.button:
    """`record_id` may be a function (the record shown now, the selected row of a list), which may
    answer a message instead ("먼저 … 선택하세요."). No id: the record is new and has no history
    yet — the button says so."""

    def current() -> int | str | None:
        return record_id() if callable(record_id) else record_id

    async def show() -> None:
        shown = current()
        if shown is None or isinstance(shown, str):
            ui.notify(shown or NOT_SAVED, type="warning")
            return
        await open_change_history(table, shown)

    button = ui.button("변경 이력", icon="history", on_click=show).props("dense flat no-caps")
    button.mark("change-history")
    if not callable(record_id) and record_id is None:
        button.tooltip(NOT_SAVED)
    return button
