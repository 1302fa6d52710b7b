"""고객관리, lower half: the reception log (전화 수/발신 이력).

Newest first, paged on the server. Moving to the next page continues after the last row seen
(keyset), so a page does not shift while new calls arrive; the automatic refresh reloads only the
visible page and keeps the selected row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from nicegui import app, ui

from core.audit import Actor
from core.errors import GogaekError, ValidationError
from core.korean import format_datetime
from models.codes import CodeKind
from models.reception import ReceptionState
from pages.components.dialogs import TransientDialog
from pages.components.list_output import dated, export_excel
from pages.components.paged_table import Page, PagedTable, PageRequest, count_label, spec_columns
from pages.components.phone_actions import PhoneOwner, phone_menu_items
from pages.receptions.form import ReceptionPrefill, open_reception_form
from pages.sales.orders import ledger_url
from pages.settings.cti import reconnect_cti
from services import codes, reception_log, receptions
from services.list_spec import EXCEL, TABLE, ListColumn, ListSpec
from services.reception_log import LogCursor, LogFilters, SearchField

ROWS_KEY = "reception_log_rows"
ROW_LIMITS = [20, 50, 100, 200, 500]
SEARCH_FIELDS = {
    SearchField.CUSTOMER.value: "거래처명",
    SearchField.PHONE.value: "전화번호",
    SearchField.CONTACT.value: "담당자",
    SearchField.INQUIRY.value: "접수사항",
}
STATE_FILTER = {"": "전체", **{s.value: s.value for s in ReceptionState}}


@dataclass(frozen=True)
class LogView:
    """How the log opens from an address (`/?mine=1&state=미처리&before=2026-12-07T09:00`): the
    오늘 screen's links into the full list."""

    state: str = ""
    assigned_to: bool = False
    received_before: dt.datetime | None = None

    @classmethod
    def from_query(cls, mine: str | None, state: str | None, before: str | None) -> LogView:
        try:
            moment = dt.datetime.fromisoformat(before) if before else None
        except ValueError:
            moment = None
        return cls(
            state=state if state in STATE_FILTER else "", assigned_to=mine == "1", received_before=moment
        )


def log_url(
    *, mine: bool = False, state: ReceptionState | None = None, before: dt.datetime | None = None
) -> str:
    query = {"mine": "1" if mine else "", "state": state.value if state else ""}
    if before:
        query["before"] = before.isoformat(timespec="minutes")
    return "/?" + urlencode({k: v for k, v in query.items() if v})


ONLY_TABLE = frozenset({TABLE})
ONLY_EXCEL = frozenset({EXCEL})
# the log (rows of reception_log.reception_log / iter_log_rows) on the screen and in 엑셀저장,
# which adds what a row's dialog shows: 수신/발신, 처리답변, 접수자, 처리자, 처리일시
RECEPTION_LOG = ListSpec(
    "접수이력",
    (
        ListColumn("seq", "순번", "number", on=ONLY_TABLE),
        ListColumn("received_at", "접수일자", "datetime_seconds", width=19),
        ListColumn("direction", "수신/발신", width=8, on=ONLY_EXCEL, value=lambda r: str(r["direction"])),
        ListColumn("type_name", "구분", width=8),
        ListColumn("customer_name", "거래처명", width=24),
        ListColumn("phone", "전화번호", width=15),
        ListColumn("extension", "내선", width=6),
        ListColumn("contact_name", "담당자", width=10),
        ListColumn("category_large", "대분류", width=12),
        ListColumn("category_medium", "중분류", width=12),
        ListColumn("category_small", "일반분류", width=12),
        ListColumn("inquiry", "접수사항", width=50, max_width=360),
        ListColumn("answer", "처리답변", width=50, on=ONLY_EXCEL),
        ListColumn(
            "state", "상태", width=8, align="center", value=lambda r: ReceptionState(r["state"]).value
        ),
        ListColumn("receiver_name", "접수자", width=10, on=ONLY_EXCEL),
        ListColumn("processor_name", "처리자", width=10, on=ONLY_EXCEL),
        ListColumn("processed_at", "처리일시", "datetime_seconds", width=19, on=ONLY_EXCEL),
    ),
)


def _columns() -> list[dict]:
    columns = spec_columns(RECEPTION_LOG)
    # 상태 at the right edge however long 접수사항 is and however narrow the screen (1024 px)
    columns[-1]["classes"] = columns[-1]["headerClasses"] = "gogaek-sticky-end"
    return columns


STATE_SLOT = r"""
<q-td :props="props">
  <q-badge :color="{'미처리': 'orange', '보류': 'grey-7', '완료': 'positive'}[props.value] || 'grey'"
           :label="props.value" />
</q-td>
"""


class ReceptionLogPanel(ui.column):
    """`show_customer(id | None)` follows the customer selected in the search panel above."""

    REFRESH_SECONDS = 20.0

    def __init__(self, actor: Actor, view: LogView | None = None) -> None:
        super().__init__()
        self.actor = actor
        self.view = view or LogView()
        self.customer_id: int | None = None
        self.cursors: dict[int, LogCursor] = {}  # page → where it ended (the next page starts after)
        self._cursor_rows = 0
        self._refreshing = False
        self.classes("w-full gap-1")
        rows_per_page = app.storage.user.get(ROWS_KEY, 50)
        with self:
            self._build_filters()
            self._build_toolbar()
            with ui.element("div").classes("w-full"):
                self.table = PagedTable(
                    columns=_columns(),
                    fetch=self._fetch,
                    rows_per_page=rows_per_page,
                    empty_text="조회된 접수가 없습니다.",
                ).mark("reception-log-table")
                self.table.props('data-testid="reception-log-table"')
                self.table.props(':rows-per-page-options="[20,50,100,200,500]"')
                self.table.classes("max-h-[60vh]")
                self.table.add_slot("body-cell-state", STATE_SLOT)
                self.table.on("rowDblclick", lambda e: self.edit(e.args[1]))
                self.table.on("rowClick", self._select_clicked_row)
                self.table.on("rowContextmenu", self._select_clicked_row)
                self._build_context_menu()
            with ui.row().classes("w-full items-center gap-2"):
                self.count = ui.label().classes("text-caption text-grey-8").mark("reception-log-count")
                self.count_hint = ui.label().classes("text-caption text-grey-6")
        self.timer = ui.timer(self.REFRESH_SECONDS, self.refresh_visible, active=False)
        ui.timer(0, self._first_load, once=True)

    # -- layout --------------------------------------------------------------------------------

    def _build_filters(self) -> None:
        with ui.row().classes("w-full items-center gap-2"):
            ui.label("접수 이력").classes("text-subtitle1 text-weight-medium")
            self.type_filter = (
                ui.select({0: "<전체>"}, label="접수구분", value=0).props("dense outlined").classes("w-32")
            ).mark("log-type")
            self.search_field = (
                ui.select(SEARCH_FIELDS, label="검색", value=SearchField.CUSTOMER.value)
                .props("dense outlined")
                .classes("w-28")
                .mark("log-search-field")
            )
            self.search_text = (
                ui.input(placeholder="검색어")
                .props("dense outlined clearable")
                .classes("w-48")
                .mark("log-search")
            )
            self.search_text.on("keydown.enter", self.search)
            self.state_filter = (
                ui.select(STATE_FILTER, label="처리상태", value=self.view.state)
                .props("dense outlined")
                .classes("w-28")
            ).mark("log-state")
            self.customer_only = ui.switch("선택 고객만", value=True).props("dense").mark("log-customer-only")
            self.customer_only.on_value_change(self.search)
            self.customer_label = ui.label().classes("text-caption text-primary").mark("log-customer-name")
            self._build_view_chips()

    def _build_view_chips(self) -> None:
        """The filters the log was opened with from 오늘, each removable (✕)."""
        if self.view.assigned_to:
            self._view_chip("내 미완료 접수", "person", "log-view-mine", assigned_to=False)
        if self.view.received_before:
            label = f"{format_datetime(self.view.received_before)} 이전 접수"
            self._view_chip(label, "schedule", "log-view-before", received_before=None)

    def _view_chip(self, label: str, icon: str, mark: str, **cleared: Any) -> None:
        ui.chip(
            label,
            icon=icon,
            removable=True,
            text_color="white",
            on_value_change=lambda e: None if e.value else self._drop_view(**cleared),
        ).props(f'dense data-testid="{mark}"').mark(mark)

    async def _drop_view(self, **changes: Any) -> None:
        self.view = replace(self.view, **changes)
        await self.search()

    def _button(self, label: str, icon: str, handler, mark: str) -> ui.button:
        return (
            ui.button(label, icon=icon, on_click=handler)
            .props(f'dense unelevated no-caps data-testid="{mark}"')
            .mark(mark)
        )

    def _build_toolbar(self) -> None:
        # The function keys belong to the customer search above, which shares this screen.
        with ui.row().classes("w-full items-center gap-1"):
            self._button("새로고침", "refresh", self.search, "log-refresh")
            self._button("추가", "add", self.add, "log-add")
            self._button("접수수정", "edit", lambda: self.edit(), "log-edit")
            self._button("엑셀저장", "grid_on", self.export, "log-excel")
            ui.separator().props("vertical")
            self._button("접수처리", "task_alt", self.process, "log-process").props("color=positive")
            self._button("접수보류", "pause_circle", self.hold, "log-hold").props("color=grey-8")
            self._button("거래내역", "receipt_long", self.ledger, "log-ledger").props("outline")
            self._button(
                "출력레코드갯수지정", "format_list_numbered", self.choose_row_limit, "log-rows"
            ).props("outline")
            self.auto = ui.switch("20초마다 갱신", value=False).props("dense").mark("log-auto-refresh")
            self.auto.on_value_change(lambda e: self.timer.activate() if e.value else self.timer.deactivate())
            if self.actor.is_admin:
                with (
                    ui.button(icon="settings_phone").props("dense flat").tooltip("CTI/센트릭스 설정"),
                    ui.menu(),
                ):
                    self._admin_items()

    def _admin_items(self) -> None:
        ui.menu_item("CTI환경설정", on_click=lambda: ui.navigate.to("/settings/cti"))
        ui.menu_item("CTI재접속", on_click=reconnect_cti).mark("log-cti-reconnect")
        ui.menu_item("LG API설정", on_click=lambda: ui.navigate.to("/settings/centrex"))

    def _build_context_menu(self) -> None:
        with ui.context_menu().mark("reception-log-menu"):
            ui.menu_item("새로고침", on_click=self.refresh_visible).mark("log-menu-refresh")
            ui.menu_item("접수처리", on_click=self.process).mark("log-menu-process")
            ui.menu_item("접수보류", on_click=self.hold).mark("log-menu-hold")
            ui.menu_item("접수수정", on_click=lambda: self.edit()).mark("log-menu-edit")
            ui.menu_item("거래내역", on_click=self.ledger).mark("log-menu-ledger")
            phone_menu_items(self.actor, lambda: {"any": self._row().get("phone", "")}, self._phone_owner)
            ui.separator()
            ui.menu_item("엑셀저장", on_click=self.export).mark("log-menu-excel")
            ui.menu_item("출력레코드갯수지정", on_click=self.choose_row_limit).mark("log-menu-rows")
            ui.menu_item(
                "20초마다 갱신 켜기/끄기", on_click=lambda: self.auto.set_value(not self.auto.value)
            ).mark("log-menu-auto")
            if self.actor.is_admin:
                ui.separator()
                self._admin_items()

    # -- data ----------------------------------------------------------------------------------

    async def _first_load(self) -> None:
        types = await codes.list_codes(CodeKind.RECEPTION_TYPE, include_inactive=False)
        self.type_filter.set_options({0: "<전체>", **{t.id: t.short_name or t.name for t in types}}, value=0)
        self.type_filter.on_value_change(self.search)
        self.state_filter.on_value_change(self.search)
        await self.search()

    def filters(self) -> LogFilters:
        return LogFilters(
            customer_id=self.customer_id if self.customer_only.value else None,
            reception_type_id=self.type_filter.value or None,
            state=ReceptionState(self.state_filter.value) if self.state_filter.value else None,
            search_field=SearchField(self.search_field.value),
            search_text=self.search_text.value or "",
            assigned_to=self.actor.id if self.view.assigned_to else None,
            received_before=self.view.received_before,
        )

    async def _fetch(self, request: PageRequest) -> Page:
        if request.rows_per_page != self._cursor_rows:
            self.cursors.clear()
            self._cursor_rows = request.rows_per_page
        after = self.cursors.get(request.page - 1) if request.page > 1 else None
        known = self.table.last_page  # its exact total lets a jump to 마지막 페이지 read the oldest end
        try:
            result = await reception_log.reception_log(
                self.filters(),
                limit=request.rows_per_page,
                offset=request.offset,
                after=after,
                total_hint=known.total if known and not known.total_is_estimate else None,
            )
        except ValidationError as error:
            ui.notify(str(error), type="warning")
            return Page(rows=[], total=0)
        if result.next_cursor:
            self.cursors[request.page] = result.next_cursor
        rows = [self._table_row(request.offset + i + 1, row) for i, row in enumerate(result.rows)]
        page = Page(rows=rows, total=result.total, total_is_estimate=result.total_is_estimate)
        self.count.set_text(f"접수 {count_label(page)}")
        self.count_hint.set_text(
            "(많은 접수에 나오는 말이라 전부 세지 않았습니다. 다음 쪽으로 계속 볼 수 있고, 조건을 좁히면 정확히 셉니다.)"
            if page.total_is_estimate
            else ""
        )
        return page

    @staticmethod
    def _table_row(seq: int, row: dict[str, Any]) -> dict[str, Any]:
        """The cells, and what the row's actions need (id, version, customer, partner)."""
        return {
            "id": row["id"],
            "version": row["version"],
            "customer_id": row["customer_id"],
            "partner_id": row["partner_id"],
            **RECEPTION_LOG.table_row({**row, "seq": seq}),
        }

    async def search(self) -> None:
        """Filters changed (or 새로고침): back to the newest page."""
        self.cursors.clear()
        await self.table.refresh(first_page=True)

    async def refresh_visible(self) -> None:
        """Reload only the page on screen, keeping the selection (the 20-second refresh)."""
        if self._refreshing or self.is_deleted:
            return
        self._refreshing = True
        try:
            await self.table.refresh()
        finally:
            self._refreshing = False

    async def show_customer(self, customer_id: int | None) -> None:
        """Filter the log to the customer selected above (None: all)."""
        self.customer_id = customer_id
        customer = await receptions.customer_brief(customer_id) if customer_id else None
        self.customer_label.set_text(customer.company_name if customer else "")
        if self.customer_only.value:
            await self.search()

    # -- actions -------------------------------------------------------------------------------

    def _select_clicked_row(self, event) -> None:
        """A click or right-click on a row selects it (the menu then acts on that row)."""
        row = event.args[1] if isinstance(event.args, list) and len(event.args) > 1 else None
        if row:
            self.table.selected = [r for r in self.table.rows if r["id"] == row["id"]]

    def _row(self) -> dict[str, Any]:
        return self.table.selected_row or {}

    def _phone_owner(self) -> PhoneOwner:
        row = self._row()
        return PhoneOwner(row.get("contact_name") or row.get("customer_name", ""), row.get("customer_id"))

    def _selected(self) -> dict[str, Any] | None:
        row = self.table.selected_row
        if row is None:
            ui.notify("먼저 접수를 선택하세요.", type="warning")
        return row

    async def add(self) -> None:
        customer_id = self.customer_id if self.customer_only.value else None
        await open_reception_form(
            self.actor, prefill=ReceptionPrefill(customer_id=customer_id), on_saved=self.reception_saved
        )

    async def edit(self, row: dict[str, Any] | None = None) -> None:
        row = row or self._selected()
        if row:
            await open_reception_form(self.actor, reception_id=row["id"], on_saved=self.reception_saved)

    async def reception_saved(self, reception_id: int) -> None:
        """A reception saved from here or from another panel on the screen: show it."""
        await self.refresh_visible()

    async def _transition(self, action, done: str) -> None:
        row = self._selected()
        if row is None:
            return
        try:
            await action(row["id"], by=self.actor, version=row["version"])
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            await self.refresh_visible()
            return
        ui.notify(done, type="positive")
        await self.refresh_visible()

    async def process(self) -> None:
        """접수처리: 완료, processed by me, now."""
        await self._transition(receptions.process_reception, "접수처리했습니다 (완료).")

    async def hold(self) -> None:
        """접수보류."""
        await self._transition(receptions.hold_reception, "접수를 보류했습니다.")

    def ledger(self) -> None:
        """거래내역: the transaction history of the customer's trading partner."""
        row = self._selected()
        if row is None:
            return
        if not row.get("customer_id"):
            ui.notify("고객이 연결되지 않은 접수입니다. 접수수정에서 고객을 먼저 연결하세요.", type="warning")
        elif not row.get("partner_id"):
            ui.notify("연결된 거래처 없음", type="warning")
        else:
            ui.navigate.to(ledger_url(row["partner_id"]))

    async def choose_row_limit(self) -> None:
        current = int(self.table.pagination.get("rowsPerPage") or 50)
        with TransientDialog() as dialog, ui.card():
            ui.label("출력레코드갯수지정").classes("text-h6")
            ui.label("한 쪽에 보여 줄 접수 건수를 고르세요.").classes("text-caption")
            choice = ui.radio(ROW_LIMITS, value=current if current in ROW_LIMITS else 50).props("inline")
            choice.mark("log-rows-choice")
            with ui.row().classes("w-full justify-end"):
                ui.button("적용", on_click=lambda: dialog.submit(choice.value)).mark("log-rows-apply")
                ui.button("취소", on_click=lambda: dialog.submit(None)).props("flat")
        chosen = await dialog
        if chosen:
            app.storage.user[ROWS_KEY] = int(chosen)
            self.table.pagination = {**self.table.pagination, "rowsPerPage": int(chosen)}
            await self.search()

    async def export(self) -> None:
        await export_excel(
            self.actor,
            RECEPTION_LOG,
            reception_log.iter_log_rows(self.filters()),
            dated("접수이력", "xlsx"),
            done_message=f"엑셀로 저장했습니다 (최대 {reception_log.EXPORT_LIMIT:,}건).",
        )
