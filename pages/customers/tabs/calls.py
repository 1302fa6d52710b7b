"""Tab 통화·문자: the customer's calls and text messages over all its numbers (its own, its
business cards' and the numbers linked to it) and the calls recorded under it, newest first,
paged on the server. A click on a call opens the reception written from it; a message shows its
text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.korean import format_datetime
from pages.calls.log import OUTCOME_SLOT
from pages.components.paged_table import Page, PagedTable, PageRequest, count_label, spec_columns
from pages.customers.tab_lists import every_row, tab_toolbar
from pages.customers.tab_types import CustomerTab
from pages.receptions.form import open_reception_form
from services import call_log
from services.list_spec import ListColumn, ListSpec

# the customer's calls and messages, as services.call_log.customer_calls gives them
CALLS = ListSpec(
    "통화·문자",
    (
        ListColumn("occurred_at", "일시", "datetime", width=17),
        ListColumn("kind", "종류", width=6, align="center"),
        ListColumn("direction", "구분", width=6, align="center"),
        ListColumn("outcome", "결과", width=9, align="center"),
        ListColumn("number", "전화번호", width=15),
        ListColumn("staff_name", "직원", width=10),
        ListColumn("duration", "통화시간", width=8, align="right"),
        ListColumn(
            "reception",
            "접수",
            width=6,
            align="center",
            value=lambda r: "접수" if r.get("reception_id") else "",
        ),
        ListColumn("text", "내용", width=40, max_width=280),
    ),
)


class CustomerCalls(ui.column):
    def __init__(self, actor: Actor, customer_id: int) -> None:
        super().__init__()
        self.actor, self.customer_id = actor, customer_id
        self.classes("w-full gap-1")
        with self:
            tab_toolbar(
                actor, CALLS, self.all_rows, prefix="customer-calls-", search=lambda: self.table.refresh()
            )
            self.table = PagedTable(
                columns=spec_columns(CALLS),
                fetch=self.fetch,
                rows_per_page=20,
                selection=None,
                empty_text="통화나 문자가 없습니다.",
            ).mark("customer-calls-table")
            self.table.classes("cursor-pointer").props('data-testid="customer-calls-table"')
            self.table.add_slot("body-cell-outcome", OUTCOME_SLOT)
            self.table.on("rowClick", lambda e: self.open(e.args[1]))
            self.count = ui.label().classes("text-caption text-grey-8").mark("customer-calls-count")

    async def fetch(self, request: PageRequest) -> Page:
        page = await call_log.customer_calls(
            self.customer_id, limit=request.rows_per_page, offset=request.offset
        )
        self.count.set_text(f"통화·문자 {count_label(page)}")
        rows = [
            {
                **{k: v for k, v in row.items() if k not in ("occurred_at", "handled_at")},
                **CALLS.table_row(row),
                "occurred_at": format_datetime(row["occurred_at"], seconds=True),
            }
            for row in page.rows
        ]
        return Page(rows=rows, total=page.total)

    def all_rows(self) -> AsyncIterator[dict[str, Any]]:
        """Every call and message of the customer, newest first."""
        return every_row(
            lambda offset, limit: call_log.customer_calls(self.customer_id, limit=limit, offset=offset)
        )

    async def open(self, row: dict[str, Any]) -> None:
        if row.get("reception_id"):
            await open_reception_form(
                self.actor, reception_id=row["reception_id"], on_saved=lambda _id: self.table.refresh()
            )
        elif row.get("kind") == "문자":
            ui.notify(f"{row['occurred_at']} 문자: {row['text']}", multi_line=True)


async def calls_tab(actor: Actor, customer_id: int) -> None:
    await CustomerCalls(actor, customer_id).table.refresh()


TAB = CustomerTab(key="calls", label="통화·문자", build=calls_tab)
