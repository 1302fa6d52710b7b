"""Tab 방문일지: the customer's visit reports (작성일자, 방문일자, 시간, 진행상태, 문서분류) with
조회·추가·수정·삭제·인쇄; double-click or 수정 opens the visit editor."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from pages.components import tab_counts
from pages.components.paged_table import Page, PagedTable, PageRequest
from pages.components.print_preview import show_pdf
from pages.components.toolbar import Toolbar
from pages.customers.tab_types import CustomerTab
from pages.visits.editor import delete_visit_asking, open_visit_editor
from services import visits

COLUMNS = [
    {"name": "written_on", "label": "작성일자", "field": "written_on", "align": "center", "sortable": True},
    {"name": "visit_date", "label": "방문일자", "field": "visit_date", "align": "center", "sortable": True},
    {"name": "visit_time", "label": "시간", "field": "visit_time", "align": "center", "sortable": True},
    {"name": "state", "label": "진행상태", "field": "state", "align": "center", "sortable": True},
    {"name": "template", "label": "문서분류", "field": "template", "align": "left", "sortable": True},
    {"name": "purpose", "label": "방문목적", "field": "purpose", "align": "left", "sortable": True},
    {"name": "visitor", "label": "방문자", "field": "visitor", "align": "left", "sortable": True},
    {"name": "document_number", "label": "문서번호", "field": "document_number", "align": "center"},
]


class CustomerVisits(ui.column):
    def __init__(self, actor: Actor, customer_id: int) -> None:
        super().__init__()
        self.actor, self.customer_id = actor, customer_id
        self.classes("w-full gap-1")
        with self:
            # the customer window holds several tabs with toolbars: F-keys stay with the main screen
            Toolbar(
                prefix="visits-",
                shortcuts=False,
                search=self.refresh,
                add=self.add,
                edit=self.edit_selected,
                delete=self.delete_selected,
                print=self.print_selected,
            )
            self.table = PagedTable(
                columns=COLUMNS,
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
