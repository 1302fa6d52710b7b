"""고객관리현황 → 고객접수현황 (/status/receptions): reception statistics for a period, with a
chart of receptions per day or week by type above the four tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.korean import format_date, format_datetime
from models.codes import CodeKind
from pages.components.charts import bar_chart
from pages.components.forms import FieldErrors
from pages.components.list_output import dated, send_excel, send_pdf
from pages.components.paged_table import Page, PagedTable, PageRequest, spec_columns
from pages.components.toolbar import Toolbar
from pages.frame import protected_page
from pages.receptions.form import customer_label, pick_customer
from services import codes
from services import reception_stats as stats
from services.excel import Progress
from services.list_spec import ListColumn, ListSpec, write_pdf, write_xlsx
from services.reception_stats import StatsFilters
from services.receptions import CustomerBrief

PRINT_LIMIT = 1000
TOTAL_LABEL = "합계"  # the first cell of a tab's total row (고객접수집계, 담당자별접수현황)

TABS = {"all": "전체", "staff": "담당자별접수현황", "customers": "고객접수집계", "silent": "기간내미접수업체"}


def _spec(tab: str, *columns: ListColumn) -> ListSpec:
    """A tab's list on the screen, in Excel (a sheet named after the tab) and printed."""
    return ListSpec(f"고객접수현황 - {TABS[tab]}", columns, sheet_title=TABS[tab])


def _seq() -> ListColumn:
    return ListColumn("seq", "순번", "number", width=6)


# the rows of each tab as reception_stats gives them, numbered (`seq`) by the page
RECEPTIONS = (
    _seq(),
    ListColumn("received_at", "접수일자", "datetime_seconds", width=19),
    ListColumn("type_name", "접수구분", width=12),
    ListColumn("category_large", "대분류", width=10),
    ListColumn("category_medium", "중분류", width=10),
    ListColumn("category_small", "일반분류", width=10),
    ListColumn("customer_name", "거래처", width=22),
    ListColumn("phone", "전화번호", width=14),
    ListColumn("contact_name", "담당자", width=10),
    ListColumn("receiver_name", "접수자", width=10),
    ListColumn("processor_name", "처리자", width=10),
    ListColumn("inquiry", "접수사항", width=40, max_width=280),
    ListColumn("answer", "처리사항", width=40, max_width=280),
)
CUSTOMER_COLUMNS = (
    _seq(),
    ListColumn("code", "고객번호", width=13),
    ListColumn("company_name", "거래처명", width=24),
    ListColumn("representative", "대표자", width=10),
    ListColumn("contact_name", "담당자", width=10),
    ListColumn("phone", "전화번호", width=14),
    ListColumn("mobile", "휴대폰", width=14),
)
SPECS = {
    "all": _spec("all", *RECEPTIONS),
    "staff": _spec(
        "staff",
        _seq(),
        ListColumn("name", "접수자", width=14),
        ListColumn("received", "접수건수", "number", width=10),
        ListColumn("processed", "처리건수", "number", width=10),
        ListColumn("last_received_at", "최종접수일", "datetime_seconds", width=19),
    ),
    "customers": _spec(
        "customers",
        *CUSTOMER_COLUMNS,
        ListColumn("count", "접수건수", "number", width=10),
        ListColumn("last_received_at", "최종접수일", "datetime_seconds", width=19),
    ),
    "silent": _spec(
        "silent",
        *CUSTOMER_COLUMNS,
        ListColumn("last_received_at", "마지막 접수일(전체)", "datetime_seconds", width=19),
    ),
}


def chart_labels(chart: stats.ChartData) -> list[str]:
    """Days as dates, weeks by their Monday ("09-19주", with the year when the chart spans more
    than one), months as "2016-09"."""
    if chart.unit == "day":
        return chart.labels
    if chart.unit == "month":
        return [label[:7] for label in chart.labels]
    one_year = len({label[:4] for label in chart.labels}) <= 1
    return [f"{label[5:] if one_year else label}주" for label in chart.labels]


def table_row(spec: ListSpec, row: dict[str, Any], seq: int, key: Any) -> dict[str, Any]:
    return {"id": key, **spec.table_row({**row, "seq": seq})}


async def numbered(rows: AsyncIterator[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    seq = 0
    async for row in rows:
        seq += 1
        yield {**row, "seq": seq}


@dataclass(frozen=True)
class TabSource:
    """A tab's export: its list, its rows streamed, and its total row (None: the tab has none)."""

    spec: ListSpec
    rows: Callable[[], AsyncIterator[dict[str, Any]]]
    total: Callable[[], Awaitable[dict[str, Any] | None]]


class ReceptionStatsScreen:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.customer: CustomerBrief | None = None
        self.current: StatsFilters | None = None
        self.selected_receiver: int | None = None
        self.staff_rows: list[dict[str, Any]] = []
        self.staff_summary: stats.StaffSummary | None = None

    async def build(self) -> None:
        today = dt.date.today()
        service_classes = await codes.code_choices(CodeKind.SERVICE_CLASS)
        modules = await codes.code_choices(CodeKind.PRODUCT_MODULE)
        large = await codes.code_choices(CodeKind.RECEPTION_CATEGORY)
        types = await codes.code_choices(CodeKind.RECEPTION_TYPE)
        routes = await codes.code_choices(CodeKind.RECEPTION_ROUTE)

        with ui.row().classes("w-full items-center gap-2"):
            ui.label("고객접수현황").classes("text-h6")
            ui.space()
            Toolbar(search=self.load, excel=self.export, print=self.print_pdf, prefix="stats-")
        dense = "dense outlined"
        with ui.card().classes("w-full p-2"), ui.row().classes("w-full items-center gap-2"):
            self.date_from = (
                ui.input("기간 부터", value=format_date(today.replace(day=1)))
                .props(dense + ' mask="####-##-##"')
                .classes("w-32")
                .mark("stats-from")
            )
            self.date_to = (
                ui.input("까지", value=format_date(today))
                .props(dense + ' mask="####-##-##"')
                .classes("w-32")
                .mark("stats-to")
            )
            for label, start, end in (
                ("금일", today, today),
                ("금월", today.replace(day=1), today),
                ("금년", today.replace(month=1, day=1), today),
            ):
                ui.button(label, on_click=lambda s=start, e=end: self.set_period(s, e)).props(
                    "dense flat no-caps"
                )
            self.service_class = ui.select(service_classes, label="서비스분류", clearable=True).props(dense)
            self.service_class.classes("w-32")
            self.module = ui.select(modules, label="모듈구분", clearable=True).props(dense).classes("w-32")
            self.category_large = (
                ui.select(large, label="접수분류(대)", clearable=True).props(dense).classes("w-36")
            )
            self.category_medium = ui.select({}, label="중분류", clearable=True).props(dense).classes("w-28")
            self.category_small = ui.select({}, label="일반분류", clearable=True).props(dense).classes("w-28")
            self.reception_type = (
                ui.select(types, label="접수구분", clearable=True)
                .props(dense)
                .classes("w-32")
                .mark("stats-type")
            )
            self.route = ui.select(routes, label="접수경로", clearable=True).props(dense).classes("w-28")
            with ui.row().classes("items-center no-wrap gap-0"):
                self.customer_field = (
                    ui.input("고객").props(dense + " readonly").classes("w-48").mark("stats-customer")
                )
                ui.button(icon="search", on_click=self.choose_customer).props("dense flat")
                ui.button(icon="close", on_click=lambda: self.set_customer(None)).props("dense flat")
        self.errors = FieldErrors({"date_from": self.date_from, "date_to": self.date_to})
        self.category_large.on_value_change(self._large_changed)
        self.category_medium.on_value_change(self._medium_changed)

        with ui.card().classes("w-full p-2"):
            with ui.row().classes("w-full items-center gap-2"):
                ui.label("접수 추이 (구분별)").classes("text-subtitle2")
                ui.space()
                self.unit = (
                    ui.toggle({"auto": "자동", "day": "일별", "week": "주별", "month": "월별"}, value="auto")
                    .props("dense no-caps")
                    .mark("stats-chart-unit")
                )
                self.unit.on_value_change(self.load_chart)
            self.chart = ui.echart(self._chart_options([], [])).classes("w-full h-56").mark("stats-chart")

        with ui.tabs().props("dense align=left no-caps").classes("w-full") as self.tabs:
            for key, label in TABS.items():
                ui.tab(key, label=label).mark(f"stats-tab-{key}")
        self.tabs.value = "all"
        with ui.tab_panels(self.tabs, value="all").props("keep-alive").classes("w-full"):
            with ui.tab_panel("all").classes("p-1"):
                self.all_table = PagedTable(
                    columns=spec_columns(SPECS["all"]),
                    fetch=self._fetch_all,
                    rows_per_page=50,
                    selection=None,
                    empty_text="기간 안에 접수가 없습니다.",
                ).mark("stats-all-table")
            with ui.tab_panel("staff").classes("p-1 gap-2"):
                self.staff_table = (
                    ui.table(columns=spec_columns(SPECS["staff"]), rows=[], row_key="id", selection="single")
                    .props(
                        'dense flat bordered no-data-label="기간 안에 접수가 없습니다." data-testid="stats-staff-table"'
                    )
                    .classes("w-full")
                    .mark("stats-staff-table")
                )
                self.staff_table.on_select(self._staff_selected)
                self.staff_table.on("rowClick", self._staff_row_clicked)
                self.staff_total = ui.label().classes("text-weight-medium").mark("stats-staff-total")
                self.staff_list_title = ui.label("접수자를 선택하면 그 접수 목록이 아래에 나옵니다.").classes(
                    "text-caption text-grey-7"
                )
                self.staff_list = PagedTable(
                    columns=spec_columns(SPECS["all"]),
                    fetch=self._fetch_staff_list,
                    rows_per_page=20,
                    selection=None,
                    empty_text="위에서 접수자를 선택하세요.",
                ).mark("stats-staff-list")
            with ui.tab_panel("customers").classes("p-1"):
                self.customer_table = PagedTable(
                    columns=spec_columns(SPECS["customers"]),
                    fetch=self._fetch_customers,
                    rows_per_page=50,
                    selection=None,
                    empty_text="기간 안에 고객 접수가 없습니다.",
                ).mark("stats-customer-table")
                self.customer_total = ui.label().classes("text-weight-medium").mark("stats-customer-total")
            with ui.tab_panel("silent").classes("p-1"):
                ui.label(
                    "기간 끝 날짜까지 등록된 고객 중, 기간 안에 (조건에 맞는) 접수가 한 건도 없는 고객입니다."
                ).classes("text-caption text-grey-7")
                self.silent_table = PagedTable(
                    columns=spec_columns(SPECS["silent"]),
                    fetch=self._fetch_silent,
                    rows_per_page=50,
                    selection=None,
                    empty_text="기간 안에 접수가 없는 고객이 없습니다.",
                ).mark("stats-silent-table")
        ui.timer(0, self.load, once=True)

    # -- filters -------------------------------------------------------------------------------

    def set_period(self, start: dt.date, end: dt.date) -> None:
        self.date_from.value, self.date_to.value = format_date(start), format_date(end)

    async def choose_customer(self) -> None:
        chosen = await pick_customer()
        if chosen:
            self.set_customer(chosen)

    def set_customer(self, customer: CustomerBrief | None) -> None:
        self.customer = customer
        self.customer_field.value = customer_label(customer)

    async def _large_changed(self) -> None:
        parent = self.category_large.value
        options = await codes.code_choices(CodeKind.RECEPTION_CATEGORY, parent_id=parent) if parent else {}
        self.category_medium.set_options(options, value=None)
        self.category_small.set_options({}, value=None)

    async def _medium_changed(self) -> None:
        parent = self.category_medium.value
        options = await codes.code_choices(CodeKind.RECEPTION_CATEGORY, parent_id=parent) if parent else {}
        self.category_small.set_options(options, value=None)

    def _filters(self) -> StatsFilters | None:
        errors = {}
        dates = {}
        for key, element in (("date_from", self.date_from), ("date_to", self.date_to)):
            try:
                dates[key] = dt.date.fromisoformat((element.value or "").strip())
            except ValueError:
                errors[key] = "날짜는 2016-09-21 형식으로 입력하세요."
        if errors:
            self.errors.show(errors)
            return None
        filters = StatsFilters(
            date_from=dates["date_from"],
            date_to=dates["date_to"],
            service_class_id=self.service_class.value,
            module_id=self.module.value,
            category_large_id=self.category_large.value,
            category_medium_id=self.category_medium.value,
            category_small_id=self.category_small.value,
            reception_type_id=self.reception_type.value,
            route_id=self.route.value,
            customer_id=self.customer.id if self.customer else None,
        )
        return self.errors.checked(filters)

    # -- loading -------------------------------------------------------------------------------

    async def load(self) -> None:
        filters = self._filters()
        if filters is None:
            await self._clear()  # what is on screen would pass for the period just refused
            return
        self.current = filters
        self.selected_receiver = None
        notice = ui.notification("조회 중입니다…", spinner=True, timeout=None)
        try:
            await self.load_chart()
            await self.all_table.refresh(first_page=True)
            await self._load_staff()
            await self.staff_list.refresh(first_page=True)
            await self.customer_table.refresh(first_page=True)
            await self.silent_table.refresh(first_page=True)
        finally:
            notice.dismiss()

    async def _clear(self) -> None:
        """Nothing on screen: no period is current (its 엑셀 and 인쇄 have nothing to give either)."""
        self.current = None
        self.selected_receiver = None
        self.staff_rows, self.staff_summary = [], None
        self._draw_chart([], [])
        self.staff_table.rows, self.staff_table.selected = [], []
        self.staff_table.update()
        for label in (self.staff_total, self.customer_total):
            label.set_text("")
        for table in (self.all_table, self.staff_list, self.customer_table, self.silent_table):
            await table.refresh(first_page=True)

    @staticmethod
    def _chart_options(labels: list[str], series: list[tuple[str, list[int]]]) -> dict[str, Any]:
        return bar_chart(labels, [{"name": name, "stack": "total", "data": data} for name, data in series])

    async def load_chart(self) -> None:
        if self.current is None:
            return
        unit = None if self.unit.value == "auto" else self.unit.value
        chart = await stats.reception_chart(self.current, unit=unit)
        self._draw_chart(chart_labels(chart), chart.series)

    def _draw_chart(self, labels: list[str], series: list[tuple[str, list[int]]]) -> None:
        self.chart.options.clear()
        self.chart.options.update(self._chart_options(labels, series))
        self.chart.update()

    async def _fetch_all(self, request: PageRequest) -> Page:
        if self.current is None:
            return Page(rows=[], total=0)
        result = await stats.reception_list(self.current, limit=request.rows_per_page, offset=request.offset)
        rows = [
            table_row(SPECS["all"], r, request.offset + i + 1, r["id"]) for i, r in enumerate(result.rows)
        ]
        return Page(rows=rows, total=result.total)

    async def _fetch_staff_list(self, request: PageRequest) -> Page:
        if self.current is None or self.selected_receiver is None:
            return Page(rows=[], total=0)
        result = await stats.reception_list(
            self.current,
            receiver_id=self.selected_receiver,
            limit=request.rows_per_page,
            offset=request.offset,
        )
        rows = [
            table_row(SPECS["all"], r, request.offset + i + 1, r["id"]) for i, r in enumerate(result.rows)
        ]
        return Page(rows=rows, total=result.total)

    async def _load_staff(self) -> None:
        assert self.current is not None
        summary = await stats.staff_summary(self.current)
        self.staff_summary = summary
        self.staff_rows = [{**r, "name": r["name"] or "(접수자 없음)"} for r in summary.rows]
        self.staff_table.rows = [
            table_row(SPECS["staff"], r, i + 1, r["receiver_id"]) for i, r in enumerate(self.staff_rows)
        ]
        self.staff_table.selected = []
        self.staff_table.update()
        self.staff_total.set_text(
            f"[합계] 접수 {summary.received:,}건 · 처리 {summary.processed:,}건"
            + (
                f" · 최종접수 {format_datetime(summary.last_received_at, seconds=True)}"
                if summary.last_received_at
                else ""
            )
        )
        self.staff_list_title.set_text("접수자를 선택하면 그 접수 목록이 아래에 나옵니다.")

    async def _staff_row_clicked(self, event) -> None:
        row = event.args[1] if isinstance(event.args, list) and len(event.args) > 1 else None
        if row:
            self.staff_table.selected = [r for r in self.staff_table.rows if r["id"] == row["id"]]
            await self._staff_selected()

    async def _staff_selected(self) -> None:
        selected = self.staff_table.selected[0] if self.staff_table.selected else None
        self.selected_receiver = selected["id"] if selected else None
        self.staff_list_title.set_text(
            f"{selected['name']}의 접수 목록"
            if selected
            else "접수자를 선택하면 그 접수 목록이 아래에 나옵니다."
        )
        await self.staff_list.refresh(first_page=True)

    async def _fetch_customers(self, request: PageRequest) -> Page:
        if self.current is None:
            return Page(rows=[], total=0)
        summary = await stats.customer_summary(
            self.current, limit=request.rows_per_page, offset=request.offset
        )
        rows = [
            table_row(SPECS["customers"], r, request.offset + i + 1, r["customer_id"])
            for i, r in enumerate(summary.rows)
        ]
        last = format_datetime(summary.last_received_at, seconds=True) if summary.last_received_at else ""
        self.customer_total.set_text(
            f"[합계] 고객 {summary.total:,}곳 · 접수 {summary.receptions:,}건"
            + (f" · 최종접수 {last}" if last else "")
        )
        return Page(rows=rows, total=summary.total)

    async def _fetch_silent(self, request: PageRequest) -> Page:
        if self.current is None:
            return Page(rows=[], total=0)
        result = await stats.customers_without_reception(
            self.current, limit=request.rows_per_page, offset=request.offset
        )
        rows = [
            table_row(SPECS["silent"], r, request.offset + i + 1, r["customer_id"])
            for i, r in enumerate(result.rows)
        ]
        return Page(rows=rows, total=result.total)

    # -- Excel and print -----------------------------------------------------------------------

    def _tab_source(self) -> TabSource | None:
        """What the tab on screen exports and prints."""
        filters = self.current
        if filters is None:
            ui.notify("먼저 기간을 정해 조회하세요.", type="warning")
            return None
        tab = self.tabs.value or "all"

        async def staff_rows() -> AsyncIterator[dict[str, Any]]:
            for row in self.staff_rows:
                yield row

        async def staff_total() -> dict[str, Any] | None:
            summary = self.staff_summary
            if summary is None:
                return None
            return {
                "seq": TOTAL_LABEL,
                "name": f"{len(summary.rows):,}명",
                "received": summary.received,
                "processed": summary.processed,
                "last_received_at": summary.last_received_at,
            }

        async def customer_total() -> dict[str, Any] | None:
            totals = await stats.customer_totals(filters)
            return {
                "seq": TOTAL_LABEL,
                "company_name": f"고객 {totals.customers:,}곳",
                "count": totals.receptions,
                "last_received_at": totals.last_received_at,
            }

        async def no_total() -> None:
            return None

        sources = {
            "all": (lambda: stats.iter_reception_list(filters), no_total),
            "staff": (staff_rows, staff_total),
            "customers": (lambda: stats.iter_customer_summary(filters), customer_total),
            "silent": (lambda: stats.iter_customers_without_reception(filters), no_total),
        }
        rows, total = sources[tab]
        return TabSource(SPECS[tab], rows, total)

    def _period_text(self) -> str:
        assert self.current is not None
        return f"기간 {format_date(self.current.date_from)} ~ {format_date(self.current.date_to)}"

    async def export(self) -> None:
        source = self._tab_source()
        if source is None:
            return

        async def make(_progress: Progress) -> Path:
            footer = await source.total()
            return await write_xlsx(source.spec, numbered(source.rows()), footer=footer)

        await send_excel(self.actor, make, _filename(source.spec, "xlsx"), done_message="")

    async def print_pdf(self) -> None:
        source = self._tab_source()
        if source is None:
            return

        async def make(_progress: Progress) -> Path:
            printed: list[dict[str, Any]] = []
            async for row in numbered(source.rows()):
                if len(printed) == PRINT_LIMIT:
                    note = f"처음 {PRINT_LIMIT:,}건만 인쇄했습니다. 전체는 엑셀로 저장하세요."
                    break
                printed.append(row)
            else:
                note = ""
            return await write_pdf(
                source.spec, printed, subtitle=self._period_text(), note=note, footer=await source.total()
            )

        await send_pdf(
            self.actor, make, _filename(source.spec, "pdf"), preview_title=f"{source.spec.title} 인쇄"
        )


def _filename(spec: ListSpec, extension: str) -> str:
    """고객접수현황-전체_20260312.xlsx"""
    return dated(spec.title.replace(" ", ""), extension)


def register() -> None:
    @protected_page("/status/receptions", "고객접수현황")
    async def reception_stats_page(actor: Actor) -> None:
        await ReceptionStatsScreen(actor).build()
