"""고객관리, upper half: customer search (filters of the manual, a server-paged list, 엑셀 and 인쇄)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import ValidationError
from core.inputs import WRONG_DATE
from models.codes import CodeKind
from pages.components.forms import FieldErrors
from pages.components.list_output import dated, print_list, send_excel
from pages.components.paged_table import Page, PagedTable, PageRequest, count_label, spec_columns
from pages.components.phone_actions import PhoneOwner, phone_menu_items
from pages.components.toolbar import Toolbar
from pages.customers.fields import choice, date_field, text_input, typed_date
from pages.customers.links import open_customer
from pages.receptions.form import ReceptionPrefill, open_reception_form
from services import codes, customer_list, staff
from services.customer_import import ImportKind
from services.customer_list import CUSTOMER_LIST, CustomerFilters, list_spec

PRINT_LIMIT = 1000

TABLE_CSS = """
.gogaek-list .q-table__middle { max-height: var(--gogaek-list-height, 45vh); }
.gogaek-list thead tr th { position: sticky; top: 0; z-index: 1; background: #eef3fa; }
.gogaek-list td, .gogaek-list th { padding: 2px 6px !important; height: 26px !important; }
"""


def list_styles() -> None:
    """Dense tables with sticky headers and a scroll height (shared by the customer and card lists)."""
    ui.add_css(TABLE_CSS)


class CustomerSearchPanel(ui.column):
    """Filters + a server-paged customer list. `on_select(customer_id | None)` is called when the
    selected customer changes (the reception log below follows it)."""

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.on_select: Callable[[int | None], Awaitable[None]] | None = None
        self.on_reception_saved: Callable[[int], Awaitable[None]] | None = None  # the log shows it
        self.context_row: dict[str, Any] | None = None
        self.classes("w-full gap-1")
        list_styles()
        with self:
            self._build()
        ui.timer(0, self._load, once=True)

    def _build(self) -> None:
        today = dt.date.today()
        with ui.row().classes("w-full items-center gap-2 wrap"):
            self.service_class = choice({}, "서비스분류", mark="filter-service-class").classes("w-36")
            self.use_dates = ui.checkbox("등록일자", value=False).mark("filter-use-dates")
            self.date_from = date_field("부터", today.replace(month=1, day=1), mark="filter-from").classes(
                "w-36"
            )
            ui.label("~")
            self.date_to = date_field("까지", today, mark="filter-to").classes("w-36")
            self.stopped_only = ui.checkbox("중지업체만").mark("filter-stopped")
            self.show_balance = ui.checkbox("외상잔액표시", on_change=self._balance_toggled).mark(
                "filter-balance"
            )
            self.row_limit = (
                ui.number("조회건수지정", min=1, step=100, format="%d")
                .props("outlined dense stack-label clearable")
                .classes("w-32")
                .mark("filter-limit")
            )
        with ui.row().classes("w-full items-center gap-2 wrap"):
            self.staff = choice({}, "담당자", mark="filter-staff").classes("w-32")
            self.company_name = text_input("법인상호 (초성 가능)", mark="filter-company").classes("w-48")
            self.business_number = text_input("사업자번호", mark="filter-brn").classes("w-36")
            self.phone = text_input("전화번호", mark="filter-phone").classes("w-36")
            for element in (self.company_name, self.business_number, self.phone):
                element.on("keydown.enter", self.search)
            self.toolbar = Toolbar(
                prefix="customers-",
                search=self.search,
                add=lambda: open_customer(None),
                excel=self.export,
                print=self.print,
            )
            ui.button("엑셀 가져오기", icon="upload_file", on_click=self.open_import).props(
                "dense flat no-caps"
            ).mark("customers-import")
            ui.space()
            self.count = ui.label().classes("text-caption text-grey-8").mark("customers-count")
        self.errors = FieldErrors(
            {
                "business_number": self.business_number,
                "phone": self.phone,
                "registered_from": self.date_from,
                "registered_to": self.date_to,
            }
        )
        with ui.element("div").classes("w-full gogaek-list"):
            self.table = PagedTable(
                columns=spec_columns(CUSTOMER_LIST),
                fetch=self._fetch,
                sort_by="code",
                descending=True,
                empty_text="조건에 맞는 고객이 없습니다.",
            ).mark("customers-table")
            with ui.context_menu().mark("customers-menu"):
                ui.menu_item("고객정보 열기", on_click=lambda: self._open(self.context_row))
                ui.menu_item("접수 작성", on_click=self._new_reception).mark("menu-new-reception")
                phone_menu_items(self.actor, self._context_numbers, self._context_owner)
        self.table.on("rowDblclick", lambda e: self._open(e.args[1]))
        self.table.on("rowClick", lambda e: self._select(e.args[1]))
        self.table.on("rowContextmenu", lambda e: self._context(e.args[1]))
        self.table.on("selection", self._selection_changed)

    async def _load(self) -> None:
        self.service_class.set_options(await codes.code_choices(CodeKind.SERVICE_CLASS))
        self.staff.set_options(await staff.staff_choices())
        await self.table.refresh()

    def filters(self) -> CustomerFilters:
        """The filters on screen; a ValidationError names a field typed wrongly."""
        try:
            date_from = typed_date(self.date_from)
        except ValueError as exc:
            raise ValidationError({"registered_from": WRONG_DATE}) from exc
        try:
            date_to = typed_date(self.date_to)
        except ValueError as exc:
            raise ValidationError({"registered_to": WRONG_DATE}) from exc
        return CustomerFilters(
            service_class_id=self.service_class.value,
            use_dates=bool(self.use_dates.value),
            registered_from=date_from,
            registered_to=date_to,
            stopped_only=bool(self.stopped_only.value),
            show_balance=bool(self.show_balance.value),
            row_limit=int(self.row_limit.value) if self.row_limit.value else None,
            staff_id=self.staff.value,
            company_name=self.company_name.value or "",
            business_number=self.business_number.value or "",
            phone=self.phone.value or "",
        )

    async def _fetch(self, request: PageRequest) -> Page:
        try:
            filters = self.filters()
            result = await customer_list.search_customers(filters, request)
        except ValidationError as error:
            self.errors.show(error.fields)
            self.count.set_text("")
            return Page(rows=[], total=0)
        self.errors.clear()
        spec = list_spec(filters)
        page = Page(rows=[{**row, **spec.table_row(row)} for row in result.rows], total=result.total)
        self.count.set_text(f"고객 {count_label(page)}")
        return page

    async def search(self) -> None:
        await self.table.refresh(first_page=True)

    async def _balance_toggled(self) -> None:
        self.table.columns = spec_columns(
            list_spec(CustomerFilters(show_balance=bool(self.show_balance.value)))
        )
        await self.table.refresh()

    def _open(self, row: dict[str, Any] | None) -> None:
        if row:
            open_customer(row["id"])
        else:
            ui.notify("먼저 고객을 선택하세요.", type="warning")

    async def _select(self, row: dict[str, Any]) -> None:
        self.table.selected = [row]
        await self._selection_changed()

    async def _selection_changed(self, _event=None) -> None:
        if self.on_select:
            selected = self.table.selected_row
            await self.on_select(selected["id"] if selected else None)

    async def _context(self, row: dict[str, Any]) -> None:
        """A right-click selects the customer as a click does (the log below follows it)."""
        self.context_row = row
        await self._select(row)

    def _context_numbers(self) -> dict[str, str]:
        row = self.context_row or {}
        return {"phone": row.get("phone", ""), "mobile": row.get("mobile", "")}

    def _context_owner(self) -> PhoneOwner:
        row = self.context_row or {}
        return PhoneOwner(row.get("company_name", ""), customer_id=row.get("id"))

    async def _new_reception(self) -> None:
        row = self.context_row
        if not row:
            ui.notify("먼저 고객을 선택하세요.", type="warning")
            return
        await open_reception_form(
            self.actor,
            prefill=ReceptionPrefill(
                customer_id=row["id"], phone=row["phone"], contact_name=row["contact_name"]
            ),
            on_saved=self._reception_saved,
        )

    async def _reception_saved(self, reception_id: int) -> None:
        if self.on_reception_saved:
            await self.on_reception_saved(reception_id)

    def _checked_filters(self) -> CustomerFilters | None:
        """The filters, or None with the wrong fields marked."""
        try:
            return self.filters()
        except ValidationError as error:
            self.errors.show(error.fields)
            return None

    async def export(self) -> None:
        if (filters := self._checked_filters()) is None:
            return
        sort_by, descending = table_order(self.table)
        await send_excel(
            self.actor,
            lambda progress: customer_list.export_customers(
                filters, sort_by=sort_by, descending=descending, on_progress=progress
            ),
            dated("고객목록", "xlsx"),
            button=self.toolbar.buttons["excel"],
        )

    async def print(self) -> None:
        if (filters := self._checked_filters()) is None:
            return
        sort_by, descending = table_order(self.table)
        request = PageRequest(rows_per_page=PRINT_LIMIT + 1, sort_by=sort_by, descending=descending)

        async def rows() -> list[dict[str, Any]]:
            return (await customer_list.search_customers(filters, request)).rows

        conditions = customer_list.describe_filters(filters)
        await print_list(
            self.actor,
            list_spec(filters),
            rows(),
            dated("고객목록", "pdf"),
            preview_title="고객 목록 인쇄",
            button=self.toolbar.buttons["print"],
            subtitle=f"조건: {conditions}" if conditions else "",
            limit=PRINT_LIMIT,
            cut_note=f"처음 {PRINT_LIMIT:,}건만 인쇄했습니다. 전체는 엑셀로 저장하세요.",
        )

    async def open_import(self) -> None:
        from pages.customers.import_dialog import open_import_dialog

        await open_import_dialog(self.actor, ImportKind.CUSTOMERS, on_done=self.search)


def table_order(table: PagedTable) -> tuple[str | None, bool]:
    """The order the user sees, so exports and prints list rows the same way."""
    return table.pagination.get("sortBy"), bool(table.pagination.get("descending"))
