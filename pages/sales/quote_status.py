"""견적현황 (/status/quotes) and the list part of the customer window's 견적서관리 tab.

Filters, tabs 전체/견적진행/신청완료/견적취소/유효기간초과 with their counts, a server-paged list
(one service call gives counts, sums and the page), the selected quote's 갑지/을지 below, and
주문처리 / 출고처리, 엑셀, 인쇄."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from core.korean import format_amount, format_date, josa
from models.codes import CodeKind
from pages.components.date_input import DateInput, parse_date
from pages.components.dialogs import confirm
from pages.components.list_output import dated, export_excel, print_list
from pages.components.mail_dialog import open_mail_dialog
from pages.components.paged_table import Page, PagedTable, PageRequest, column, count_label, spec_columns
from pages.components.print_preview import show_pdf
from pages.components.toolbar import Toolbar
from pages.frame import protected_page
from pages.sales.orders import Processing, process_quote
from pages.sales.quote_editor import copied_message, quote_url
from services import codes, document_lines, mail_drafts, quote_list, quotes
from services.list_spec import EXCEL, PRINT, TABLE, ListColumn, ListSpec
from services.quote_list import QuoteFilters, QuoteRow, QuoteTab
from services.staff import staff_choices

TAB_LABELS = {
    QuoteTab.ALL: "전체",
    QuoteTab.IN_PROGRESS: "견적진행",
    QuoteTab.ACCEPTED: "신청완료",
    QuoteTab.CANCELLED: "견적취소",
    QuoteTab.EXPIRED: "유효기간초과",
}
# 정렬조건: label → (sort key, descending)
SORT_CHOICES: dict[str, tuple[str, str, bool]] = {
    "date_desc": ("1. 내림차순 (견적일자별, 고객분류)", "quote_date", True),
    "date_asc": ("2. 오름차순 (견적일자별, 고객분류)", "quote_date", False),
    "number": ("3. 견적번호순", "number", False),
    "recipient": ("4. 거래처명순", "recipient", False),
    "amount": ("5. 합계금액 큰 순", "total_amount", True),
}
PRINT_LIMIT = 2000


# the manual's order, but the amounts right after the title: at 1024 px they are in view
# without scrolling sideways; long names and titles are cut with "…"
ON_TABLE = frozenset({TABLE})
NOT_PRINTED = frozenset({TABLE, EXCEL})
ON_FILES = frozenset({EXCEL, PRINT})
EXCEL_ONLY = frozenset({EXCEL})


def _quote(pair: tuple[int, QuoteRow]) -> QuoteRow:
    return pair[1]


def _of(name: str) -> Callable[[tuple[int, QuoteRow]], Any]:
    return lambda pair: getattr(pair[1], name)


# 견적현황's list: (순번, QuoteRow) pairs, on the screen, in Excel and printed, with the sums of
# the amounts under them; the keys are the sort keys of quote_list.quote_status
QUOTES = ListSpec(
    "견적현황",
    (
        ListColumn("seq", "순번", "number", value=lambda pair: pair[0], on=frozenset({TABLE, PRINT})),
        ListColumn(
            "state", "견적상태", width=10, sortable=True, value=lambda pair: state_label(_quote(pair))
        ),
        ListColumn("quote_date", "견적일자", "date", align="center", sortable=True, value=_of("quote_date")),
        ListColumn("recipient", "거래처", width=24, sortable=True, max_width=150, value=_of("recipient")),
        ListColumn("title", "견적제목", width=30, sortable=True, max_width=180, value=_of("title")),
        ListColumn(
            "supply_total",
            "공급가액",
            "amount",
            width=14,
            total=True,
            sortable=True,
            value=_of("supply_total"),
        ),
        ListColumn("vat_total", "부가세", "amount", total=True, value=_of("vat_total")),
        ListColumn(
            "total_amount",
            "합계금액",
            "amount",
            width=14,
            total=True,
            sortable=True,
            value=_of("total_amount"),
        ),
        ListColumn("number", "견적번호", sortable=True, value=_of("number")),
        ListColumn(
            "valid_until", "유효일자", "date", align="center", sortable=True, value=_of("valid_until")
        ),
        ListColumn(
            "delivery_site", "납품현장", width=20, max_width=150, value=_of("delivery_site"), on=NOT_PRINTED
        ),
        ListColumn("customer_class", "고객분류", width=10, value=_of("customer_class"), on=NOT_PRINTED),
        ListColumn("progress", "진행분류", width=10, value=_of("progress"), on=NOT_PRINTED),
        ListColumn("staff", "담당자", width=10, sortable=True, value=_of("staff_name")),
        ListColumn("contact", "고객담당", width=10, value=_of("contact_name"), on=EXCEL_ONLY),
        ListColumn("phone", "전화번호", width=14, value=_of("phone"), on=NOT_PRINTED),
        ListColumn("processed", "처리", value=lambda pair: processed_label(_quote(pair)), on=ON_TABLE),
        ListColumn("order_number", "수주번호", value=_of("order_number"), on=EXCEL_ONLY),
        ListColumn("shipment_number", "출고번호", value=_of("shipment_number"), on=EXCEL_ONLY),
    ),
    total_label="[합계]",
)
# the customer window's 견적 tab shows fewer columns (and 고객담당, 팩스번호); its 엑셀 and 인쇄
# are QUOTES' (just this customer's quotes)
TAB_KEYS = (
    "seq", "state", "quote_date", "title", "staff", "contact", "supply_total", "total_amount",
    "phone", "fax", "number", "processed",
)  # fmt: skip
FAX = ListColumn("fax", "팩스번호", value=_of("fax"), on=ON_TABLE)
IN_TAB = ListSpec(
    "견적현황",
    tuple(
        FAX if key == "fax" else replace(QUOTES.by_key[key], on=ON_TABLE, max_width=None) for key in TAB_KEYS
    ),
)
LINE_COLUMNS = [
    column("seq", "순번", align="right"),
    column("item_code", "품번"),
    column("name", "품명"),
    column("spec", "규격"),
    column("unit", "단위"),
    column("quantity", "수량", align="right"),
    column("unit_price", "단가", align="right"),
    column("supply", "공급가액", align="right"),
    column("vat", "부가세", align="right"),
    column("total", "합계금액", align="right"),
]


def state_label(row: QuoteRow) -> str:
    return "유효기간초과" if row.expired else row.state.value


def processed_label(row: QuoteRow) -> str:
    return " · ".join(p for p in (row.order_number and "수주", row.shipment_number and "출고") if p)


PATH = "/status/quotes"


def expiring_quotes_url(start: dt.date, end: dt.date) -> str:
    """견적진행 quotes whose 유효기간 ends within [start, end], of any quote date (오늘's link)."""
    query = {"all": "1", "tab": QuoteTab.IN_PROGRESS.value, "valid_from": start, "valid_to": end}
    return f"{PATH}?{urlencode(query)}"


def _this_year() -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def _this_month() -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    following = dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return today.replace(day=1), following - dt.timedelta(days=1)


class QuoteBrowser(ui.column):
    """The list with its filters, tabs and detail. `customer_id` set: the 견적서관리 tab of that
    customer (its quotes only, the tab's toolbar); otherwise the full 견적현황 screen."""

    def __init__(self, actor: Actor, *, customer_id: int | None = None) -> None:
        super().__init__()
        self.classes("w-full gap-1")
        self.actor = actor
        self.customer_id = customer_id
        self.tab = QuoteTab.ALL
        self.selected: dict[str, Any] | None = None
        self.on_changed: Callable[[], Any] | None = None

    async def build(self, view: Mapping[str, str] | None = None) -> None:
        """`view`: the screen as it was left (its address's query, see `view_url`), restored."""
        in_tab = self.customer_id is not None
        view = view or {}
        self.valid_from, self.valid_to = parse_date(view.get("valid_from")), parse_date(view.get("valid_to"))
        start, end = _this_year()
        start, end = parse_date(view.get("from")) or start, parse_date(view.get("to")) or end
        sort = view.get("sort") if view.get("sort") in SORT_CHOICES else "date_desc"
        if view.get("tab") in {tab.value for tab in QuoteTab}:
            self.tab = QuoteTab(view["tab"])
        with self:
            with ui.row().classes("w-full items-end gap-2"):
                self.date_from = DateInput("견적일자 부터", start).classes("w-40").mark("quote-date-from")
                self.date_to = DateInput("까지", end).classes("w-40").mark("quote-date-to")
                ui.button("금년", on_click=lambda: self._set_range(*_this_year())).props("flat dense no-caps")
                ui.button("금월", on_click=lambda: self._set_range(*_this_month())).props(
                    "flat dense no-caps"
                )
                self.all_dates = ui.checkbox("기간 전체", value=in_tab or view.get("all") == "1").mark(
                    "quote-all-dates"
                )
                self.sort = (
                    ui.select({k: v[0] for k, v in SORT_CHOICES.items()}, label="정렬조건", value=sort)
                    .props("dense outlined stack-label")
                    .classes("w-72")
                )
                self.sort.on_value_change(self._sort_changed)
                self.text = (
                    ui.input(
                        "거래처·견적번호·제목",
                        value=view.get("text", "")[:100],
                        placeholder="일부만 입력해도 됩니다",
                    )
                    .props("dense outlined stack-label clearable")
                    .classes("w-56")
                    .mark("quote-text")
                )
                self.text.on("keydown.enter", self.search)
                if self.valid_from or self.valid_to:
                    ui.chip(
                        self._valid_label(),
                        icon="event_busy",
                        removable=True,
                        text_color="white",
                        on_value_change=lambda e: None if e.value else self._drop_valid_range(),
                    ).props('dense data-testid="quote-valid-range"').mark("quote-valid-range")
                if not in_tab:
                    self.department = self._select(
                        await codes.code_choices(CodeKind.DEPARTMENT), "입력부서", view.get("department")
                    )
                    self.staff = self._select(await staff_choices(), "입력사원", view.get("staff")).mark(
                        "quote-staff-filter"
                    )
                    self.customer_class = self._select(
                        await codes.code_choices(CodeKind.CUSTOMER_CLASS_A), "고객분류", view.get("class")
                    )
                    self.progress = self._select(
                        await codes.code_choices(CodeKind.CUSTOMER_STATUS), "진행분류", view.get("progress")
                    )
            with ui.row().classes("w-full items-center gap-1"):
                if in_tab:
                    self.toolbar = Toolbar(
                        prefix="quotes-",
                        shortcuts=False,
                        search=self.search,
                        add=self.add,
                        edit=self.open_selected,
                        delete=self.delete_selected,
                        print=self.print_selected,
                    )
                    with self.toolbar:
                        ui.button("복사", icon="content_copy", on_click=self.copy_selected).props(
                            "dense outline no-caps"
                        ).mark("quotes-copy")
                else:
                    self.toolbar = Toolbar(
                        prefix="quotes-", search=self.search, excel=self.excel, print=self.print_list
                    )
                    with self.toolbar:
                        ui.button("열기", icon="open_in_new", on_click=self.open_selected).props(
                            "dense outline no-caps"
                        )
                        ui.button("견적서 인쇄", icon="description", on_click=self.print_selected).props(
                            "dense outline no-caps"
                        ).mark("quotes-print-quote")
                with self.toolbar:
                    ui.button("메일 발송", icon="mail", on_click=self.mail_selected).props(
                        "dense outline no-caps"
                    ).mark("quotes-mail")
                    ui.button(
                        "주문처리", icon="shopping_cart", on_click=lambda: self.process(Processing.ORDER)
                    ).props("dense outline no-caps").mark("quotes-order")
                    ui.button(
                        "출고처리", icon="local_shipping", on_click=lambda: self.process(Processing.SHIPMENT)
                    ).props("dense outline no-caps").mark("quotes-ship")
                ui.space()
                self.count = ui.label().classes("text-caption text-grey-8").mark("quotes-count")
            with ui.tabs(value=self.tab.value).props("dense align=left no-caps").classes("w-full") as tabs:
                self.tab_handles = {
                    key: ui.tab(key.value, label=label).mark(f"quote-tab-{key.value}")
                    for key, label in TAB_LABELS.items()
                }
            tabs.on_value_change(self._tab_changed)
            self.spec = IN_TAB if in_tab else QUOTES
            self.table = PagedTable(
                columns=spec_columns(self.spec),
                fetch=self.fetch,
                sort_by=SORT_CHOICES[sort][1],
                descending=SORT_CHOICES[sort][2],
                rows_per_page=20 if in_tab else 50,
                empty_text="조건에 맞는 견적서가 없습니다.",
            ).mark("quote-table")
            self.table.classes("max-h-[55vh]")
            self.table.on("rowClick", lambda e: self.select(e.args[1]))
            self.table.on("rowDblclick", lambda e: self.open(e.args[1]))
            self.table.on("rowContextmenu", lambda e: self.select(e.args[1]))
            self.table.on("selection", self._selection_changed)
            with self.table, ui.context_menu():
                ui.menu_item("열기", on_click=self.open_selected)
                ui.menu_item("견적서 인쇄", on_click=self.print_selected)
                ui.menu_item("복사", on_click=self.copy_selected)
                ui.separator()
                ui.menu_item("주문처리", on_click=lambda: self.process(Processing.ORDER))
                ui.menu_item("출고처리", on_click=lambda: self.process(Processing.SHIPMENT))
            self.sums = ui.label().classes("text-caption text-right w-full tabular-nums").mark("quotes-sums")
            with ui.card().classes("w-full p-2"):
                with ui.tabs(value="cover").props("dense align=left no-caps") as detail_tabs:
                    ui.tab("cover", label="갑지").mark("quote-detail-cover")
                    ui.tab("lines", label="을지").mark("quote-detail-lines")
                with ui.tab_panels(detail_tabs, value="cover").classes("w-full"):
                    with ui.tab_panel("cover").classes("p-1"):
                        self.cover = ui.column().classes("w-full gap-1")
                    with ui.tab_panel("lines").classes("p-1"):
                        self.lines_table = (
                            ui.table(columns=LINE_COLUMNS, rows=[], row_key="key", pagination=0)
                            .props('dense flat bordered no-data-label="견적서를 선택하세요."')
                            .classes("w-full max-h-[40vh]")
                            .mark("quote-detail-table")
                        )
        self._show_detail(None)
        page = await self.table.refresh()
        if chosen := next((r for r in page.rows if str(r["id"]) == view.get("quote")), None):
            await self.select(chosen)

    # -- the screen as it was left: kept in its address, so closing a quote opened from here (or F5)
    # comes back to the same filters, tab and quote ----------------------------------------------

    def view_url(self) -> str:
        state = {
            "from": "" if self.all_dates.value else self.date_from.value,
            "to": "" if self.all_dates.value else self.date_to.value,
            "all": "1" if self.all_dates.value else "",
            "sort": self.sort.value,
            "text": self.text.value or "",
            "department": self.department.value or "",
            "staff": self.staff.value or "",
            "class": self.customer_class.value or "",
            "progress": self.progress.value or "",
            "tab": self.tab.value,
            "valid_from": self.valid_from or "",
            "valid_to": self.valid_to or "",
            "quote": self.selected["id"] if self.selected else "",
        }
        return f"{PATH}?{urlencode({k: v for k, v in state.items() if v not in ('', None)})}"

    def _remember(self) -> None:
        if self.customer_id is None:
            ui.navigate.history.replace(self.view_url())

    def _select(self, options: dict, label: str, chosen: str | None = None) -> ui.select:
        """A filter select; `chosen` (from the screen's address) is taken when it is one of the options."""
        value = int(chosen) if chosen and chosen.isdigit() else None
        return (
            ui.select(options, label=label, clearable=True, value=value if value in options else None)
            .props("dense outlined stack-label")
            .classes("w-36")
        )

    # -- filters -----------------------------------------------------------------------------

    def _set_range(self, start: dt.date, end: dt.date) -> None:
        self.date_from.set_date(start)
        self.date_to.set_date(end)
        self.all_dates.value = False

    def filters(self) -> QuoteFilters:
        use_dates = not self.all_dates.value
        in_tab = self.customer_id is not None
        return QuoteFilters(
            date_from=self.date_from.date if use_dates else None,
            date_to=self.date_to.date if use_dates else None,
            customer_id=self.customer_id,
            department_id=None if in_tab else self.department.value,
            staff_id=None if in_tab else self.staff.value,
            customer_class_id=None if in_tab else self.customer_class.value,
            progress_id=None if in_tab else self.progress.value,
            text=self.text.value or "",
            valid_from=self.valid_from,
            valid_to=self.valid_to,
        )

    def _valid_label(self) -> str:
        return f"유효기간 {format_date(self.valid_from)} ~ {format_date(self.valid_to)}"

    async def _drop_valid_range(self) -> None:
        self.valid_from = self.valid_to = None
        await self.search()

    def filter_summary(self) -> str:
        filters = self.filters()
        parts = []
        if filters.date_from or filters.date_to:
            parts.append(f"견적일자 {format_date(filters.date_from)} ~ {format_date(filters.date_to)}")
        else:
            parts.append("기간 전체")
        if filters.text:
            parts.append(f"검색어 '{filters.text}'")
        if self.valid_from or self.valid_to:
            parts.append(self._valid_label())
        parts.append(f"탭 {TAB_LABELS[self.tab]}")
        return " · ".join(parts)

    async def _sort_changed(self, event) -> None:
        _, sort_by, descending = SORT_CHOICES[event.value]
        self.table.pagination = {**self.table.pagination, "sortBy": sort_by, "descending": descending}
        await self.table.refresh(first_page=True)
        self._remember()

    async def _tab_changed(self, event) -> None:
        self.tab = QuoteTab(event.value)
        self._show_detail(None)
        await self.table.refresh(first_page=True)
        self._remember()

    async def search(self) -> None:
        if not self.all_dates.value and (self.date_from.date is None or self.date_to.date is None):
            ui.notify(
                "조회 기간을 연-월-일(예: 2019-03-31)로 입력하거나 '기간 전체'를 선택하세요.", type="warning"
            )
            return
        self._show_detail(None)
        await self.table.refresh(first_page=True)
        self._remember()

    # -- list --------------------------------------------------------------------------------

    def _row(self, row: QuoteRow, seq: int) -> dict[str, Any]:
        return {
            **self.spec.table_row((seq, row)),
            "id": row.id,
            "number": row.number,  # what the actions name, in the customer tab too
            "recipient": row.recipient,
            "order_number": row.order_number,
            "shipment_number": row.shipment_number,
        }

    async def fetch(self, request: PageRequest) -> Page:
        result = await quote_list.quote_status(
            self.filters(),
            tab=self.tab,
            offset=request.offset,
            limit=request.rows_per_page,
            sort_by=request.sort_by or "quote_date",
            descending=request.descending,
        )
        for key, handle in self.tab_handles.items():
            handle.props(f'label="{TAB_LABELS[key]} ({result.counts[key]:,})"')
        self.sums.set_text(
            f"[합계] 공급가액 {format_amount(result.supply_total)} · 부가세 {format_amount(result.vat_total)}"
            f" · 합계금액 {format_amount(result.total_amount)}"
        )
        page = Page(
            rows=[self._row(r, request.offset + i + 1) for i, r in enumerate(result.rows)],
            total=result.total,
        )
        self.count.set_text(count_label(page))
        return page

    async def refresh(self) -> None:
        await self.table.refresh()
        if self.selected:
            still = next((r for r in self.table.rows if r["id"] == self.selected["id"]), None)
            await self.select(still)

    # -- selection and detail ----------------------------------------------------------------

    async def _selection_changed(self, _event=None) -> None:
        await self.select(self.table.selected[0] if self.table.selected else None)

    async def select(self, row: dict[str, Any] | None) -> None:
        self.selected = row
        self.table.selected = [row] if row else []
        self.table.update()
        self._remember()
        if row is None:
            self._show_detail(None)
            return
        try:
            detail = await quotes.get_quote(row["id"])
        except GogaekError:
            self._show_detail(None)
            return
        self._show_detail(detail)

    def _show_detail(self, detail: quotes.QuoteDetail | None) -> None:
        self.cover.clear()
        with self.cover:
            if detail is None:
                ui.label("목록에서 견적서를 선택하면 갑지와 을지가 여기에 보입니다.").classes("text-grey-7")
                self.lines_table.rows = []
                self.lines_table.update()
                return
            quote = detail.quote
            pairs = [
                ("견적번호", quote.number),
                ("견적일자", format_date(quote.quote_date)),
                ("유효일자", format_date(quote.valid_until)),
                ("견적상태", "유효기간초과" if detail.expired else quote.state.value),
                ("고객", detail.customer_name),
                ("거래처", detail.partner_name),
                ("견적제목", quote.title),
                ("담당자", detail.staff_name),
                ("고객담당", quote.contact_name),
                ("전화", quote.phone),
                ("결제조건", quote.payment_terms),
                ("납품조건", quote.delivery_terms),
                ("납품현장", quote.delivery_site),
                (
                    "처리",
                    " · ".join(
                        p
                        for p in (
                            detail.order_number and f"수주 {detail.order_number}",
                            detail.shipment_number and f"출고 {detail.shipment_number}",
                        )
                        if p
                    ),
                ),
            ]
            with ui.element("div").classes("grid grid-cols-2 md:grid-cols-4 gap-x-4 gap-y-0 w-full"):
                for label, value in pairs:
                    with ui.row().classes("gap-2 no-wrap"):
                        ui.label(label).classes("text-grey-7 w-16 shrink-0")
                        ui.label(value or "")
            ui.label(
                f"공급가액 {format_amount(quote.supply_total)} · 부가세 {format_amount(quote.vat_total)}"
                f" · 합계금액 {format_amount(quote.total_amount)}"
            ).classes("text-subtitle2").mark("quote-detail-totals")
            ui.label(document_lines.total_in_words(quote.total_amount)).classes(
                "text-subtitle1 text-weight-medium"
            )
            if quote.remarks:
                ui.label(f"비고: {quote.remarks}").classes("whitespace-pre-wrap")
        rows = [
            {
                "key": line.id,
                "seq": index,
                "item_code": line.item_code,
                "name": line.name,
                "spec": line.spec,
                "unit": line.unit,
                "quantity": format_amount(line.quantity) if line.quantity else "",
                "unit_price": format_amount(line.unit_price) if line.unit_price else "",
                "supply": format_amount(line.supply_amount) if line.quantity or line.unit_price else "",
                "vat": format_amount(line.vat_amount) if line.quantity or line.unit_price else "",
                "total": format_amount(line.total_amount) if line.quantity or line.unit_price else "",
            }
            for index, line in enumerate(detail.lines, start=1)
        ]
        rows.append(
            {
                "key": "total",
                "seq": "",
                "name": "[합계]",
                "supply": format_amount(quote.supply_total),
                "vat": format_amount(quote.vat_total),
                "total": format_amount(quote.total_amount),
            }
        )
        self.lines_table.rows = rows
        self.lines_table.update()

    def _need_selection(self) -> dict[str, Any] | None:
        if self.selected is None:
            ui.notify("먼저 목록에서 견적서를 선택하세요.", type="warning")
        return self.selected

    # -- actions -----------------------------------------------------------------------------

    def add(self) -> None:
        ui.navigate.to(quote_url(None, customer_id=self.customer_id))

    async def open(self, row: dict[str, Any]) -> None:
        if self.customer_id is not None:
            ui.navigate.to(quote_url(row["id"]))
            return
        await self.select(row)  # it is the one selected when 견적현황 comes back
        ui.navigate.to(quote_url(row["id"], back=self.view_url()))

    async def open_selected(self) -> None:
        if row := self._need_selection():
            await self.open(row)

    async def print_selected(self) -> None:
        if not (row := self._need_selection()):
            return
        notice = ui.notification("견적서 PDF를 만드는 중입니다…", spinner=True, timeout=None)
        try:
            filename, pdf = await quotes.quote_pdf(row["id"])
        finally:
            notice.dismiss()
        show_pdf(self.actor, filename, pdf, title="견적서 미리보기")

    async def mail_selected(self) -> None:
        if row := self._need_selection():
            await open_mail_dialog(self.actor, lambda: mail_drafts.quote_draft(row["id"]))

    async def copy_selected(self) -> None:
        if not (row := self._need_selection()):
            return
        copy = await quotes.copy_quote(row["id"], by=self.actor)
        ui.notify(copied_message(row["number"], copy), type="positive", multi_line=True)
        await self.table.refresh()

    async def delete_selected(self) -> None:
        if not (row := self._need_selection()):
            return
        if not await confirm(
            f"견적서 {row['number']} ({row['title'] or row['recipient']}){josa(row['number'], '을')} 삭제할까요? 품목 줄도 함께 삭제됩니다.",
            action="삭제",
            danger=True,
        ):
            return
        try:
            await quotes.delete_quote(row["id"], by=self.actor)
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        ui.notify(f"견적서 {row['number']}{josa(row['number'], '을')} 삭제했습니다.")
        self._show_detail(None)
        self.selected = None
        await self.table.refresh()

    async def process(self, kind: Processing) -> None:
        if not (row := self._need_selection()):
            return
        done = row["order_number"] if kind == Processing.ORDER else row["shipment_number"]
        if done:
            document = "수주번호" if kind == Processing.ORDER else "출고번호"
            ui.notify(
                f"견적서 {row['number']}{josa(row['number'], '은')} 이미 {kind.value}되었습니다 ({document} {done}).",
                type="warning",
            )
            return
        if await process_quote(self.actor, row["id"], row["number"], row["recipient"], kind):
            await self.refresh()
            if self.on_changed:
                result = self.on_changed()
                if asyncio.iscoroutine(result):
                    await result

    async def _all_rows(self, limit: int | None = None) -> AsyncIterator[tuple[int, QuoteRow]]:
        """Every quote the list holds (at most `limit`), numbered, in the table's order."""
        sort_by = self.table.pagination.get("sortBy") or "quote_date"
        descending = bool(self.table.pagination.get("descending"))
        seq = 0
        async for row in quote_list.iter_quote_rows(
            self.filters(), tab=self.tab, sort_by=sort_by, descending=descending, limit=limit
        ):
            seq += 1
            yield seq, row

    async def excel(self) -> None:
        await export_excel(
            self.actor,
            QUOTES,
            self._all_rows(),
            dated("견적현황", "xlsx"),
            button=self.toolbar.buttons["excel"],
            done_message="",
        )

    async def print_list(self) -> None:
        await print_list(
            self.actor,
            QUOTES,
            self._all_rows(limit=PRINT_LIMIT + 1),
            dated("견적현황", "pdf"),
            preview_title="견적현황 인쇄",
            button=self.toolbar.buttons["print"],
            subtitle=self.filter_summary(),
            limit=PRINT_LIMIT,
            cut_note=f"앞의 {PRINT_LIMIT:,}건만 인쇄했습니다. 조건을 좁히거나 엑셀을 사용하세요.",
        )


def register() -> None:
    @protected_page(PATH, "견적현황")
    async def quote_status_page(actor: Actor) -> None:
        ui.label("견적현황").classes("text-h6")
        await QuoteBrowser(actor).build(ui.context.client.request.query_params)
