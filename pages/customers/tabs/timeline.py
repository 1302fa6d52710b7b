"""Tab 전체 이력 (고객 타임라인): everything that happened with the customer, newest first, one line
each — filtered by kind (chips) and period, paged on the server; a click on a line opens the record
(접수 form, visit editor, quote, 거래내역, mail outbox, or the tab holding it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

from nicegui import ui

from core.audit import Actor
from pages.components.date_input import DateInput
from pages.components.paged_table import Page, PagedTable, PageRequest, spec_columns
from pages.customers.links import customer_url
from pages.customers.tab_lists import every_row, tab_toolbar
from pages.customers.tab_types import CustomerTab
from pages.receptions.form import open_reception_form
from pages.sales.orders import ledger_url
from pages.sales.quote_editor import quote_url
from pages.visits.editor import open_visit_editor
from services import timeline
from services.list_spec import ListColumn, ListSpec
from services.timeline import KINDS, Kind, Target

# the customer's history lines, as services.timeline.customer_timeline gives them
HISTORY = ListSpec(
    "전체 이력",
    (
        ListColumn("when", "일시", width=17, align="center"),
        ListColumn("kind", "구분", width=8, align="center"),
        ListColumn("staff", "담당자", width=10),
        ListColumn("text", "내용", width=70, max_width=560),
    ),
)


class CustomerTimeline(ui.column):
    def __init__(self, actor: Actor, customer_id: int) -> None:
        super().__init__()
        self.actor, self.customer_id = actor, customer_id
        self.kinds: set[Kind] = set(KINDS)
        self.classes("w-full gap-1")
        with self:
            with ui.row().classes("w-full items-center gap-1").mark("timeline-kinds"):
                self.chips = {
                    kind: ui.chip(kind.value, on_click=partial(self._toggle, kind))
                    .props("dense clickable")
                    .mark(f"timeline-kind-{kind.name.lower()}")
                    for kind in KINDS
                }
                for kind in KINDS:
                    self._paint(kind)
            with ui.row().classes("w-full items-center gap-2"):
                self.date_from = DateInput("기간 부터").classes("w-40").mark("timeline-from")
                self.date_to = DateInput("까지").classes("w-40").mark("timeline-to")
                ui.button("조회", icon="search", on_click=self.search).props("dense unelevated no-caps").mark(
                    "timeline-search"
                )
                ui.button("모두 선택", on_click=self.select_all).props("dense flat no-caps").mark(
                    "timeline-all"
                )
                ui.space()
                tab_toolbar(actor, HISTORY, self.all_rows, prefix="timeline-")
            self.table = PagedTable(
                columns=spec_columns(HISTORY),
                fetch=self.fetch,
                rows_per_page=20,
                selection=None,
                empty_text="이력이 없습니다.",
            ).mark("timeline-table")
            self.table.classes("cursor-pointer").props('data-testid="timeline-table"')
            self.table.on("rowClick", lambda e: self.open(e.args[1]))

    def _paint(self, kind: Kind) -> None:
        """A chosen kind: a filled chip with a check; a left-out one: an outline."""
        chip = self.chips[kind]
        if kind in self.kinds:
            chip.props(remove="outline", add="color=primary text-color=white icon=check")
        else:
            chip.props(remove="color text-color icon", add="outline")

    async def _toggle(self, kind: Kind) -> None:
        (self.kinds.discard if kind in self.kinds else self.kinds.add)(kind)
        self._paint(kind)
        await self.table.refresh(first_page=True)

    async def select_all(self) -> None:
        self.kinds = set(KINDS)
        for kind in KINDS:
            self._paint(kind)
        await self.table.refresh(first_page=True)

    async def search(self) -> None:
        if (self.date_from.value and not self.date_from.date) or (
            self.date_to.value and not self.date_to.date
        ):
            ui.notify("기간은 연-월-일로 입력하세요 (예: 2019-03-31).", type="warning")
            return
        await self.table.refresh(first_page=True)

    async def fetch(self, request: PageRequest) -> Page:
        return await timeline.customer_timeline(
            self.customer_id,
            kinds=self.kinds,
            date_from=self.date_from.date,
            date_to=self.date_to.date,
            limit=request.rows_per_page,
            offset=request.offset,
        )

    def all_rows(self) -> AsyncIterator[dict]:
        """Every line the chosen kinds and period give, newest first."""
        return every_row(
            lambda offset, limit: self.fetch(PageRequest(page=offset // limit + 1, rows_per_page=limit))
        )

    async def refresh(self) -> None:
        await self.table.refresh()

    async def open(self, row: dict) -> None:
        target, target_id = Target(row["target"]), row["target_id"]
        if target is Target.RECEPTION:
            await open_reception_form(self.actor, reception_id=target_id, on_saved=lambda _id: self.refresh())
        elif target is Target.VISIT:
            await open_visit_editor(
                self.actor, visit_id=target_id, customer_fixed=True, on_saved=lambda _id: self.refresh()
            )
        elif target is Target.QUOTE:
            ui.navigate.to(quote_url(target_id))
        elif target is Target.LEDGER:
            ui.navigate.to(ledger_url(target_id))
        elif target is Target.MAIL:
            ui.navigate.to("/status/mail")
        elif target is Target.INFO:
            ui.navigate.to(f"{customer_url(self.customer_id)}?tab=info")
        elif target is Target.MAINTENANCE:
            ui.navigate.to(f"{customer_url(self.customer_id)}?tab=maintenance")
        else:  # 문자, 통화: no screen of their own, the line says what happened
            ui.notify(f"{row['when']} {row['kind']}: {row['text']}")


async def timeline_tab(actor: Actor, customer_id: int) -> None:
    tab = CustomerTimeline(actor, customer_id)
    await tab.refresh()


TAB = CustomerTab(key="timeline", label="전체 이력", build=timeline_tab)
