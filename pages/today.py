"""오늘 (/today): the start screen after sign-in — the blocks of services.today, each a count, its
first rows (a click opens the record) and 전체 보기 (the full list already filtered). It refreshes
itself while it is in view, like the reception log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from core.korean import format_date, format_datetime
from models.reception import Direction, ReceptionState
from models.visit import VisitState
from pages.calls.log import MISSED_PATH, calls_url
from pages.customers.links import customer_url
from pages.frame import protected_page
from pages.maintenance.due_list import maintenance_url
from pages.menu import START_PATH
from pages.receptions.form import open_reception_form
from pages.receptions.log import log_url
from pages.sales.quote_editor import quote_url
from pages.sales.quote_status import expiring_quotes_url
from pages.visits.editor import open_visit_editor
from pages.visits.schedule import schedule_url
from services import today as today_service
from services.maintenance_due import DueTab
from services.today import STALE_HOUR_CHOICES, Block, TodayBoard

PATH = START_PATH
REFRESH_SECONDS = 30.0
WEEKDAYS = "월화수목금토일"


def _short_day(day: dt.date | None, today: dt.date) -> str:
    if day is None:
        return ""
    if day == today:
        return "오늘"
    if day == today + dt.timedelta(days=1):
        return "내일"
    return f"{day.month}/{day.day}({WEEKDAYS[day.weekday()]})"


def _time_of(moment: dt.datetime, today: dt.date) -> str:
    return f"{moment:%H:%M}" if moment.date() == today else format_datetime(moment)


class TodayScreen:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.board: TodayBoard | None = None
        self._refreshing = False
        with ui.row().classes("w-full items-center gap-2"):
            ui.label("오늘").classes("text-h6")
            self.date_label = ui.label().classes("text-subtitle1 text-grey-8")
            ui.space()
            self.updated = ui.label().classes("text-caption text-grey-7").mark("today-updated")
            ui.button(icon="refresh", on_click=self.refresh).props("flat dense round").tooltip(
                "새로고침"
            ).mark("today-refresh")
        self.grid = ui.element("div").classes("w-full grid grid-cols-1 md:grid-cols-2 items-start gap-3")
        # refreshes while the tab is in view; a hidden browser tab costs the server nothing
        self.timer = ui.timer(REFRESH_SECONDS, self._refresh_if_visible)

    async def _refresh_if_visible(self) -> None:
        try:
            visible = await ui.run_javascript("document.visibilityState === 'visible'", timeout=5)
        except TimeoutError:
            return
        if visible:
            await self.refresh()

    async def refresh(self) -> None:
        if self._refreshing:
            return
        self._refreshing = True
        try:
            board = await today_service.today_board(self.actor)
        except GogaekError as error:
            ui.notify(str(error), type="negative")
            return
        finally:
            self._refreshing = False
        self.date_label.text = f"{format_date(board.today)} ({WEEKDAYS[board.today.weekday()]})"
        self.updated.text = f"{dt.datetime.now():%H:%M} 갱신"
        if self.board is not None and replace(board, stale_before=self.board.stale_before) == self.board:
            return  # nothing changed: the rows stay, and a click on one of them is never lost to a redraw
        self.board = board
        self.grid.clear()
        with self.grid:
            self._draw(board)

    # -- blocks -----------------------------------------------------------------------------------

    def _draw(self, board: TodayBoard) -> None:
        today = board.today
        calls = board.calls
        self._card(
            "오늘 걸려온 전화",
            "call",
            "calls",
            calls,
            calls_url(start=today, end=today, direction=Direction.INBOUND),
            lambda r: (_time_of(r["occurred_at"], today), r["customer_name"] or r["number"], r["outcome"]),
            self._open_call,
            badge=(f"부재중 {calls.missed:,}", MISSED_PATH) if calls.missed else None,
            empty="오늘 걸려온 전화가 없습니다.",
        )
        self._card(
            "내 미완료 접수",
            "assignment_ind",
            "mine",
            board.my_receptions,
            log_url(mine=True),
            lambda r: (_time_of(r["received_at"], today), r["customer_name"], r["inquiry"]),
            self._open_reception,
            empty="맡은 미완료 접수가 없습니다.",
        )
        self._card(
            f"{board.stale_hours}시간 넘게 미처리",
            "hourglass_bottom",
            "stale",
            board.stale_receptions,
            log_url(state=ReceptionState.PENDING, before=board.stale_before),
            lambda r: (format_datetime(r["received_at"]), r["customer_name"], r["inquiry"]),
            self._open_reception,
            empty="오래 기다리는 접수가 없습니다.",
            extra=self._stale_hours_picker if self.actor.is_admin else None,
        )
        self._card(
            "유지보수 종료 예정 (30일 이내)",
            "build_circle",
            "renewals",
            board.renewals,
            maintenance_url(start=today, end=board.renewal_to, tab=DueTab.FREE_AND_RENEWAL),
            lambda r: (_short_day(r["ends_on"], today), r["customer_name"], r["product_group"]),
            lambda r: ui.navigate.to(customer_url(r["customer_id"]) + "?tab=maintenance"),
            empty="30일 안에 끝나는 유지보수가 없습니다.",
        )
        self._card(
            "동의서 발송 전",
            "mark_email_unread",
            "agreements",
            board.agreements,
            maintenance_url(section="agreements", start=board.agreement_from, end=board.agreement_to),
            lambda r: (format_date(r["contract_date"]), r["customer_name"], "계약일자"),
            lambda r: ui.navigate.to(customer_url(r["customer_id"]) + "?tab=maintenance"),
            empty=f"{board.agreement_from.month}~{board.agreement_to.month}월 계약 중 발송 전 동의서가 없습니다.",
        )
        self._card(
            "이번 주 만료 견적",
            "request_quote",
            "quotes",
            board.quotes,
            expiring_quotes_url(today, board.week_end),
            lambda r: (_short_day(r["valid_until"], today), r["customer_name"], r["title"] or r["number"]),
            lambda r: ui.navigate.to(quote_url(r["id"], back=PATH)),
            empty="이번 주에 유효기간이 끝나는 진행 중 견적이 없습니다.",
        )
        self._card(
            "방문 일정 (오늘·내일)",
            "event",
            "visits",
            board.visits,
            schedule_url(
                date_field="visit_date",
                start=today,
                end=today + dt.timedelta(days=1),
                state=VisitState.PLANNED,
            ),
            lambda r: (
                f"{_short_day(r['visit_date'], today)} {r['visit_time']}".strip(),
                r["customer_name"],
                " · ".join(x for x in (r["purpose"], r["visitor"]) if x),
            ),
            self._open_visit,
            empty="오늘과 내일 계획된 방문이 없습니다.",
        )

    def _card(
        self,
        title: str,
        icon: str,
        key: str,
        block: Block,
        list_url: str,
        line: Callable[[dict[str, Any]], tuple[str, str, str]],
        open_row: Callable[[dict[str, Any]], Any],
        *,
        empty: str,
        badge: tuple[str, str] | None = None,  # (text, the list it opens)
        extra: Callable[[], None] | None = None,
    ) -> None:
        with ui.card().props("flat bordered").classes("w-full gap-1 p-3").mark(f"today-{key}"):
            with ui.row().classes("w-full items-center no-wrap gap-2"):
                ui.icon(icon, size="sm").classes("text-primary")
                ui.label(title).classes("text-subtitle1 text-weight-medium ellipsis")
                ui.label(f"{block.count:,}건").classes("text-subtitle1 text-primary text-weight-bold").mark(
                    f"today-{key}-count"
                ).props(f'data-testid="today-{key}-count"')
                if badge:
                    with ui.link(target=badge[1]).classes("no-underline"):
                        ui.badge(badge[0], color="negative").mark(f"today-{key}-badge")
                ui.space()
                if extra:
                    extra()
                ui.link("전체 보기", list_url).classes("text-body2 whitespace-nowrap").props(
                    f'data-testid="today-{key}-all"'
                ).mark(f"today-{key}-all")
            if not block.rows:
                ui.label(empty).classes("text-body2 text-grey-7 q-py-sm")
                return
            with ui.list().props("dense separator").classes("w-full"):
                for row in block.rows:
                    when, who, what = line(row)
                    with (
                        ui.item(on_click=lambda r=row: open_row(r)).props("clickable").classes("px-1"),
                        ui.row().classes("w-full items-center no-wrap gap-2 min-w-0"),
                    ):
                        ui.label(when).classes(
                            "shrink-0 w-[7.5rem] text-caption text-grey-8 whitespace-nowrap"
                        )
                        # what people typed (names, 접수사항): data, like a table's cells
                        ui.label(who).classes("shrink-0 w-[9rem] ellipsis text-weight-medium record-text")
                        ui.label(what).classes("grow min-w-0 ellipsis text-grey-9 record-text")
            if block.count > len(block.rows):
                ui.label(f"외 {block.count - len(block.rows):,}건").classes("text-caption text-grey-7")

    def _stale_hours_picker(self) -> None:
        assert self.board is not None
        choices = {h: f"{h}시간" for h in STALE_HOUR_CHOICES}
        ui.select(choices, value=self.board.stale_hours, on_change=self._stale_hours_changed).props(
            'dense borderless options-dense data-testid="today-stale-hours"'
        ).classes("w-20").tooltip("미처리 기준 시간 (사무실 전체)").mark("today-stale-hours")

    async def _stale_hours_changed(self, event) -> None:
        if self.board is None or event.value == self.board.stale_hours:
            return
        _, version = await today_service.stale_hours()
        try:
            await today_service.set_stale_hours(event.value, by=self.actor, version=version)
        except GogaekError as error:
            ui.notify(str(error), type="negative")
        await self.refresh()

    # -- opening a row ----------------------------------------------------------------------------

    def _open_call(self, row: dict[str, Any]) -> None:
        if row["customer_id"]:
            ui.navigate.to(customer_url(row["customer_id"]))
        else:
            ui.notify(f"{row['number']}: 등록된 고객이 없는 번호입니다.")

    async def _open_reception(self, row: dict[str, Any]) -> None:
        await open_reception_form(self.actor, reception_id=row["id"], on_saved=lambda _id: self.refresh())

    async def _open_visit(self, row: dict[str, Any]) -> None:
        await open_visit_editor(self.actor, visit_id=row["id"], on_saved=lambda _id: self.refresh())


def register() -> None:
    @protected_page(PATH, "오늘")
    async def today_page(actor: Actor) -> None:
        await TodayScreen(actor).refresh()
