"""고객관리현황 → 방문일정 (/status/visits): visit reports by written or visit date range and
customer, as a list and as a month/week calendar of the visits; 추가 (a customer is required),
수정, 삭제, 엑셀, 인쇄.

The calendar is plain NiceGUI elements (a 7-column month grid or 7 week columns) and asks the
server only for the days on screen."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from nicegui import ui

from core.audit import Actor
from core.errors import ValidationError
from models.visit import VisitState
from pages.components.date_input import parse_date
from pages.components.forms import FieldErrors
from pages.components.list_output import dated, export_excel, print_list
from pages.components.paged_table import Page, PagedTable, PageRequest, spec_columns
from pages.components.toolbar import Toolbar
from pages.customers.links import open_customer
from pages.frame import protected_page
from pages.visits.editor import date_input, delete_visit_asking, open_visit_editor
from services import visits
from services.visits import CalendarEntry, ScheduleFilter

PATH = "/status/visits"
WEEKDAYS = ["일", "월", "화", "수", "목", "금", "토"]
DATE_FIELDS = {"written_on": "작성일자", "visit_date": "방문일자"}
STATE_FILTER = {"": "전체", **{s.value: s.value for s in VisitState}}
STATE_COLOURS = {
    VisitState.PLANNED: "bg-blue-1 text-blue-10",
    VisitState.DONE: "bg-green-1 text-green-10",
    VisitState.CANCELLED: "bg-grey-3 text-grey-7 line-through",
    VisitState.ON_HOLD: "bg-orange-1 text-orange-10",
}
MONTH_CELL_ENTRIES = 4
PRINT_LIMIT = 2000


def sunday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def month_grid(anchor: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the Sunday-first weeks that show `anchor`'s month."""
    first = anchor.replace(day=1)
    last = anchor.replace(day=calendar.monthrange(anchor.year, anchor.month)[1])
    start = sunday_on_or_before(first)
    end = sunday_on_or_before(last) + dt.timedelta(days=6)
    return start, end


def week_range(anchor: dt.date) -> tuple[dt.date, dt.date]:
    start = sunday_on_or_before(anchor)
    return start, start + dt.timedelta(days=6)


class VisitCalendar(ui.column):
    """Month grid or week columns of visits by visit date; an entry opens its visit, + adds one."""

    def __init__(self, screen: ScheduleScreen) -> None:
        super().__init__()
        self.screen = screen
        self.mode = "month"
        self.anchor = dt.date.today()
        self.classes("w-full gap-1")
        with self:
            with ui.row().classes("w-full items-center gap-1"):
                ui.button(icon="chevron_left", on_click=lambda: self.move(-1)).props("dense flat round").mark(
                    "calendar-prev"
                )
                ui.button("오늘", on_click=self.today).props("dense flat no-caps")
                ui.button(icon="chevron_right", on_click=lambda: self.move(1)).props("dense flat round").mark(
                    "calendar-next"
                )
                self.title = ui.label().classes("text-subtitle1 text-weight-medium").mark("calendar-title")
                ui.space()
                for state, colours in STATE_COLOURS.items():
                    ui.label(state.value).classes(f"{colours} text-caption px-2 rounded")
                self.mode_toggle = (
                    ui.toggle({"month": "월", "week": "주"}, value="month", on_change=self.change_mode)
                    .props("dense no-caps unelevated toggle-color=primary")
                    .mark("calendar-mode")
                )
            self.body = ui.column().classes("w-full gap-0")

    def visible_range(self) -> tuple[dt.date, dt.date]:
        return month_grid(self.anchor) if self.mode == "month" else week_range(self.anchor)

    async def change_mode(self, event) -> None:
        self.mode = event.value
        await self.refresh()

    async def today(self) -> None:
        self.anchor = dt.date.today()
        await self.refresh()

    async def move(self, step: int) -> None:
        if self.mode == "week":
            self.anchor += dt.timedelta(days=7 * step)
        else:
            month = self.anchor.month - 1 + step
            self.anchor = dt.date(self.anchor.year + month // 12, month % 12 + 1, 1)
        await self.refresh()

    async def show_week_of(self, day: dt.date) -> None:
        self.anchor = day
        if self.mode == "week":
            await self.refresh()
        else:
            self.mode_toggle.value = "week"  # refreshes through change_mode

    async def refresh(self) -> None:
        start, end = self.visible_range()
        entries = await visits.calendar_entries(
            start, end, company=self.screen.company.value or "", states=self.screen.states()
        )
        by_day: dict[dt.date, list[CalendarEntry]] = defaultdict(list)
        for entry in entries:
            by_day[entry.visit_date].append(entry)
        if self.mode == "month":
            self.title.set_text(f"{self.anchor.year}년 {self.anchor.month}월")
        else:
            self.title.set_text(f"{start:%Y-%m-%d} ~ {end:%Y-%m-%d}")
        self.body.clear()
        with self.body:
            if len(entries) >= visits.CALENDAR_LIMIT:
                ui.label(
                    f"방문이 너무 많아 {visits.CALENDAR_LIMIT:,}건까지만 표시합니다. 조건을 좁혀 주세요."
                ).classes("text-warning text-caption")
            if self.mode == "month":
                self._month(start, end, by_day)
            else:
                self._week(start, by_day)

    def _day_header(self, day: dt.date, text: str) -> None:
        colour = "text-negative" if day.weekday() == 6 else "text-primary" if day.weekday() == 5 else ""
        with ui.row().classes("w-full items-center no-wrap gap-0"):
            label = ui.label(text).classes(f"text-caption {colour}")
            if day == dt.date.today():
                label.classes("bg-primary text-white rounded px-1")
            ui.space()
            ui.button(icon="add", on_click=lambda d=day: self.screen.add(visit_date=d)).props(
                "flat dense round size=xs color=grey-7"
            ).tooltip("이 날 방문 추가").mark(f"calendar-add-{day.isoformat()}")

    def _entry(self, entry: CalendarEntry, *, detailed: bool) -> None:
        text = f"{entry.visit_time + ' ' if entry.visit_time else ''}{entry.company}"
        with (
            ui.column()
            .classes(f"w-full gap-0 px-1 rounded cursor-pointer {STATE_COLOURS[entry.state]}")
            .on("click", lambda e=entry: self.screen.edit(e.id))
            .mark(f"calendar-entry-{entry.id}")
        ):
            ui.label(text).classes("text-caption ellipsis w-full")
            if detailed:
                if entry.purpose:
                    ui.label(entry.purpose).classes("text-caption ellipsis w-full")
                ui.label(" · ".join(p for p in (entry.visitor, entry.state.value) if p)).classes(
                    "text-caption opacity-70"
                )
            else:
                ui.tooltip(f"{text}\n{entry.purpose}\n{entry.visitor} · {entry.state.value}").classes(
                    "whitespace-pre-line"
                )

    def _month(self, start: dt.date, end: dt.date, by_day: dict[dt.date, list[CalendarEntry]]) -> None:
        with ui.grid(columns=7).classes("w-full gap-0 border-l border-t border-gray-300"):
            for index, name in enumerate(WEEKDAYS):
                colour = "text-negative" if index == 0 else "text-primary" if index == 6 else ""
                ui.label(name).classes(
                    f"text-center text-caption border-r border-b border-gray-300 bg-grey-2 {colour}"
                )
            day = start
            while day <= end:
                in_month = day.month == self.anchor.month
                with (
                    ui.column()
                    .classes(
                        f"gap-0 p-1 min-h-[96px] min-w-0 border-r border-b border-gray-300 {'bg-white' if in_month else 'bg-grey-1'}"
                    )
                    .mark(f"calendar-day-{day.isoformat()}")
                ):
                    self._day_header(day, str(day.day) if in_month else f"{day.month}/{day.day}")
                    entries = by_day.get(day, [])
                    for entry in entries[:MONTH_CELL_ENTRIES]:
                        self._entry(entry, detailed=False)
                    if len(entries) > MONTH_CELL_ENTRIES:
                        ui.label(f"+{len(entries) - MONTH_CELL_ENTRIES:,}건 더").classes(
                            "text-caption text-primary cursor-pointer underline"
                        ).on("click", lambda d=day: self.show_week_of(d))
                day += dt.timedelta(days=1)

    def _week(self, start: dt.date, by_day: dict[dt.date, list[CalendarEntry]]) -> None:
        with ui.grid(columns=7).classes("w-full gap-0 border-l border-t border-gray-300"):
            for offset in range(7):
                day = start + dt.timedelta(days=offset)
                with (
                    ui.column()
                    .classes("gap-1 p-1 min-h-[320px] min-w-0 border-r border-b border-gray-300 bg-white")
                    .mark(f"calendar-day-{day.isoformat()}")
                ):
                    self._day_header(day, f"{day.month}/{day.day} ({WEEKDAYS[offset]})")
                    entries = by_day.get(day, [])
                    for entry in entries:
                        self._entry(entry, detailed=True)
                    if not entries:
                        ui.label("일정 없음").classes("text-caption text-grey-5")


def schedule_url(*, date_field: str, start: dt.date, end: dt.date, state: VisitState | None = None) -> str:
    """The schedule opened on a period of written or visit dates and a state (오늘's link)."""
    query = {"field": date_field, "from": start.isoformat(), "to": end.isoformat()}
    if state:
        query["state"] = state.value
    return f"{PATH}?{urlencode(query)}"


class ScheduleScreen:
    def __init__(self, actor: Actor, view: dict[str, str] | None = None) -> None:
        self.actor = actor
        view = view or {}
        today = dt.date.today()
        first = today.replace(day=1)
        last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        with ui.row().classes("w-full items-center gap-2"):
            self.date_field = (
                ui.select(
                    DATE_FIELDS, value=view["field"] if view.get("field") in DATE_FIELDS else "written_on"
                )
                .props("outlined dense")
                .classes("w-28")
                .mark("schedule-date-field")
            )
            self.start = (
                date_input("부터", parse_date(view.get("from")) or first)
                .classes("w-40")
                .mark("schedule-start")
            )
            self.end = (
                date_input("까지", parse_date(view.get("to")) or last).classes("w-40").mark("schedule-end")
            )
            with ui.button_group().props("flat"):
                ui.button("금일", on_click=lambda: self.set_period(today, today)).props("dense flat no-caps")
                ui.button("금월", on_click=lambda: self.set_period(first, last)).props("dense flat no-caps")
                ui.button(
                    "금년",
                    on_click=lambda: self.set_period(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)),
                ).props("dense flat no-caps")
            self.company = (
                ui.input("거래처명")
                .props("outlined dense clearable")
                .classes("w-48")
                .mark("schedule-company")
            )
            self.company.on("keydown.enter", self.search)
            self.state = (
                ui.select(
                    STATE_FILTER,
                    value=view["state"] if view.get("state") in STATE_FILTER else "",
                    label="진행상태",
                )
                .props("outlined dense")
                .classes("w-28")
            )
        self.errors = FieldErrors({"start": self.start, "end": self.end})
        self.toolbar = Toolbar(
            prefix="schedule-",
            search=self.search,
            add=self.add,
            edit=self.edit_selected,
            delete=self.delete_selected,
            excel=self.excel,
            print=self.print,
        )
        with ui.tabs().props("dense align=left no-caps").classes("w-full") as tabs:
            ui.tab("list", label="목록", icon="list").mark("schedule-tab-list")
            ui.tab("calendar", label="달력", icon="calendar_month").mark("schedule-tab-calendar")
        with ui.tab_panels(tabs, value="list").props("keep-alive").classes("w-full") as self.panels:
            with ui.tab_panel("list").classes("p-0"):
                self.table = PagedTable(
                    columns=spec_columns(visits.SCHEDULE),
                    fetch=self.fetch,
                    sort_by="written_on",
                    empty_text="조건에 맞는 방문일지가 없습니다.",
                ).mark("schedule-table")
                self.table.on("rowDblclick", lambda e: self.edit(e.args[1]["id"]))
                self.table.on("rowContextmenu", lambda e: setattr(self.table, "selected", [e.args[1]]))
                with self.table, ui.context_menu():
                    ui.menu_item("수정", on_click=self.edit_selected)
                    ui.menu_item("고객정보", on_click=self.open_customer)
                    ui.separator()
                    ui.menu_item("삭제", on_click=self.delete_selected).classes("text-negative")
            with ui.tab_panel("calendar").classes("p-0"):
                self.calendar = VisitCalendar(self)
        self.panels.on_value_change(lambda e: self.calendar.refresh() if e.value == "calendar" else None)

    # ------------------------------------------------------------ filters

    def states(self) -> tuple[VisitState, ...]:
        return (VisitState(self.state.value),) if self.state.value else ()

    def schedule(self) -> ScheduleFilter:
        start = visits.parse_date(self.start.value, field_name="start", label="시작 날짜", required=False)
        end = visits.parse_date(self.end.value, field_name="end", label="끝 날짜", required=False)
        return ScheduleFilter(
            date_field=self.date_field.value,
            start=start,
            end=end,
            company=self.company.value or "",
            states=self.states(),
        )

    def checked_schedule(self) -> ScheduleFilter | None:
        try:
            schedule = self.schedule()
            schedule.query()
        except ValidationError as error:
            self.errors.show(error.fields)
            return None
        self.errors.clear()
        return schedule

    async def set_period(self, start: dt.date, end: dt.date) -> None:
        self.start.value, self.end.value = start.isoformat(), end.isoformat()
        await self.search()

    async def fetch(self, request: PageRequest) -> Page:
        schedule = self.checked_schedule()
        if schedule is None:
            return Page([], 0)
        page = await visits.schedule_page(
            schedule,
            offset=request.offset,
            limit=request.rows_per_page,
            sort_by=request.sort_by,
            descending=request.descending,
        )
        return Page(page.rows, page.total)

    async def search(self) -> None:
        await self.table.refresh(first_page=True)
        if self.panels.value == "calendar":
            await self.calendar.refresh()

    async def refresh(self, _visit_id: int | None = None) -> None:
        await self.table.refresh()
        if self.panels.value == "calendar":
            await self.calendar.refresh()

    # ------------------------------------------------------------ actions

    def _selected(self) -> dict | None:
        row = self.table.selected_row
        if row is None:
            ui.notify("먼저 목록에서 방문일지를 선택하세요.", type="warning")
        return row

    async def add(self, visit_date: dt.date | None = None) -> None:
        await open_visit_editor(self.actor, visit_date=visit_date, on_saved=self.refresh)

    async def edit(self, visit_id: int) -> None:
        await open_visit_editor(self.actor, visit_id=visit_id, on_saved=self.refresh)

    async def edit_selected(self) -> None:
        if row := self._selected():
            await self.edit(row["id"])

    def open_customer(self) -> None:
        if (row := self._selected()) and row["customer_id"]:
            open_customer(row["customer_id"])

    async def delete_selected(self) -> None:
        if not (row := self._selected()):
            return
        what = f"{row['company']} {row['written_on']} 방문일지 ({row['document_number']})"
        if await delete_visit_asking(self.actor, row["id"], what):
            await self.refresh()

    async def excel(self) -> None:
        schedule = self.checked_schedule()
        if schedule is None:
            return
        await export_excel(
            self.actor,
            visits.SCHEDULE,
            visits.iter_schedule(schedule),
            dated("방문일정", "xlsx"),
            button=self.toolbar.buttons["excel"],
            done_message="",
        )

    async def print(self) -> None:
        schedule = self.checked_schedule()
        if schedule is None:
            return
        await print_list(
            self.actor,
            visits.SCHEDULE,
            visits.iter_schedule(schedule, limit=PRINT_LIMIT + 1),
            dated("방문일정", "pdf"),
            preview_title="방문일정 인쇄",
            button=self.toolbar.buttons["print"],
            subtitle=visits.schedule_period(schedule),
            limit=PRINT_LIMIT,
            cut_note=f"처음 {PRINT_LIMIT:,}건만 인쇄했습니다. 전체는 엑셀로 저장하세요.",
        )


def register() -> None:
    @protected_page(PATH, "방문일정")
    async def visit_schedule_page(actor: Actor) -> None:
        screen = ScheduleScreen(actor, dict(ui.context.client.request.query_params))
        await screen.table.refresh()
