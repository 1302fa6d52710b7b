"""Tab 방문일지: the customer's visit reports (작성일자, 방문일자, 시간, 진행상태, 문서분류) with
조회·추가·수정·삭제·인쇄; double-click or 수정 opens the visit editor."""

from __future__ import annotations

from collections.abc import AsyncIterator

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from pages.components import tab_counts
from pages.components.paged_table import Page, PagedTable, PageRequest, spec_columns
from pages.components.print_preview import show_pdf
from pages.customers.tab_lists import every_row, tab_print, tab_toolbar
from pages.customers.tab_types import CustomerTab
from pages.visits.editor import delete_visit_asking, open_visit_editor
from services import visits
from services.list_spec import ListColumn, ListSpec

# the customer's visit reports, as services.visits.customer_visits gives them
VISITS = ListSpec(
    "방문일지",
    (
        ListColumn("written_on", "작성일자", width=11, align="center", sortable=True),
        ListColumn("visit_date", "방문일자", width=11, align="center", sortable=True),
        ListColumn("visit_time", "시간", width=7, align="center", sortable=True),
        ListColumn("state", "진행상태", width=9, align="center", sortable=True),
        ListColumn("template", "문서분류", width=14, sortable=True),
        ListColumn("purpose", "방문목적", width=30, sortable=True),
        ListColumn("visitor", "방문자", width=10, sortable=True),
        ListColumn("document_number", "문서번호", width=14, align="center"),
    ),
)


class CustomerVisits(ui.column):
    def __init__(self, actor: Actor, customer_id: int) -> None:
        super().__init__()
        self.actor, self.customer_id = actor, customer_id
        self.classes("w-full gap-1")
        with self:
            toolbar = tab_toolbar(
                actor,
                VISITS,
                self.all_rows,
                prefix="visits-",
                search=self.refresh,
                add=self.add,
                edit=self.edit_selected,
                delete=self.delete_selected,
                print=self.print_selected,
            )
            with toolbar:
                list_print = ui.button(
                    "목록 인쇄",
                    icon="print",
                    on_click=lambda: tab_print(actor, VISITS, self.all_rows(), list_print),
                ).props("dense outline no-caps")
                list_print.mark("visits-list-print").tooltip(
                    "방문일지 목록을 인쇄합니다 (인쇄는 선택한 방문일지)"
                )
            self.table = PagedTable(
                columns=spec_columns(VISITS),
                fetch=self.fetch,
                sort_by="written_on",
                descending=True,
                rows_per_page=20,
                empty_text="작성된 방문일지가 없습니다.",
            ).mark("visits-table")
            self.table.on("rowDblclick", lambda e: self.edit(e.args[1]["id"]))
            self.table.on("rowContextmenu", self._select_row)
            with self.table, ui.context_menu():
                ui.menu_item("수정", on_click=self.edit_selected)
                ui.menu_item("인쇄", on_click=self.print_selected)
                ui.separator()
                ui.menu_item("삭제", on_click=self.delete_selected).classes("text-negative")

    async def fetch(self, request: PageRequest) -> Page:
        page = await visits.customer_visits(
            self.customer_id,
            offset=request.offset,
            limit=request.rows_per_page,
            sort_by=request.sort_by,
            descending=request.descending,
        )
        return Page(page.rows, page.total)

    def all_rows(self) -> AsyncIterator[dict]:
        """Every visit report of the customer, in the table's order."""
        sort = self.table.pagination
        return every_row(
            lambda offset, limit: visits.customer_visits(
                self.customer_id,
                offset=offset,
                limit=limit,
                sort_by=sort.get("sortBy"),
                descending=bool(sort.get("descending")),
            )
        )

    async def refresh(self) -> None:
        await self.table.refresh()
        tab_counts.rows_changed()

    def _select_row(self, event) -> None:
        self.table.selected = [event.args[1]]

    def _selected(self) -> dict | None:
        row = self.table.selected_row
        if row is None:
            ui.notify("먼저 목록에서 방문일지를 선택하세요.", type="warning")
        return row

    async def add(self) -> None:
        await open_visit_editor(
            self.actor, customer_id=self.customer_id, customer_fixed=True, on_saved=lambda _id: self.refresh()
        )

    async def edit(self, visit_id: int) -> None:
        await open_visit_editor(
            self.actor, visit_id=visit_id, customer_fixed=True, on_saved=lambda _id: self.refresh()
        )

    async def edit_selected(self) -> None:
        if row := self._selected():
            await self.edit(row["id"])

    async def delete_selected(self) -> None:
        if not (row := self._selected()):
            return
        what = f"{row['written_on']} 방문일지 ({row['document_number']}{', ' + row['purpose'] if row['purpose'] else ''})"
        if await delete_visit_asking(self.actor, row["id"], what):
            await self.refresh()

    async def print_selected(self) -> None:
        if not (row := self._selected()):
            return
        notice = ui.notification("PDF를 만드는 중입니다…", spinner=True, timeout=None)
        try:
            printed = await visits.visit_pdf(row["id"])
        except GogaekError as error:
            ui.notify(str(error), type="negative")
            return
        finally:
            notice.dismiss()
        show_pdf(self.actor, printed.filename, printed.pdf, title="방문일지 미리보기")


async def visits_tab(actor: Actor, customer_id: int) -> None:
    tab = CustomerVisits(actor, customer_id)
    await tab.refresh()


TAB = CustomerTab(key="visits", label="방문일지", build=visits_tab)
