"""고객관리 → 통화내역 (/calls) and 부재중 전화 (/calls/missed): every call with its filters, paged on
the server, 엑셀 and 인쇄; the missed calls nobody has handled yet, with 전화걸기 and 처리 완료 on
each, counted in the menu's badge; and the 통화 통계 tab (pages.calls.stats).

A click on a call opens the reception written from it, else its customer."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any
from urllib.parse import urlencode
from weakref import WeakSet

from nicegui import background_tasks, ui
from nicegui.client import Client

from core.audit import Actor
from core.errors import GogaekError, ValidationError
from core.korean import format_datetime
from models.reception import Direction
from models.telephony import CallOutcome
from pages.calls.dial_and_sms import dial
from pages.calls.stats import CallStatsPanel
from pages.components.date_input import DateInput, parse_date
from pages.components.dialogs import TransientDialog
from pages.components.forms import FieldErrors
from pages.components.list_output import dated, export_excel, print_list
from pages.components.paged_table import Page, PagedTable, PageRequest, count_label, spec_columns
from pages.components.save_action import SaveAction
from pages.components.toolbar import Toolbar
from pages.customers.links import open_customer
from pages.frame import MENU_BADGES, protected_page
from pages.receptions.form import open_reception_form
from services import call_log, staff
from services.call_log import CallFilters
from services.list_spec import EXCEL, PRINT, TABLE, ListColumn, ListSpec

log = logging.getLogger(__name__)

PATH = "/calls"
MISSED_PATH = "/calls/missed"
TABS = {"log": "통화내역", "missed": "부재중 전화", "stats": "통화 통계"}
PRINT_LIMIT = 1000
BADGE_REFRESH_SECONDS = 20.0
DIRECTIONS = {"": "전체", **{d.value: d.value for d in Direction}}
OUTCOMES = {"": "전체", **{o.value: o.value for o in CallOutcome}}


def _moment(row: dict[str, Any]) -> str:
    return format_datetime(row["occurred_at"], seconds=True)


def _received(row: dict[str, Any]) -> str:
    return "접수" if row["reception_id"] else ""


ON_SCREEN = frozenset({TABLE, PRINT})
# the calls (rows of services.call_log), on the screen, in Excel and printed: Excel keeps 일시 as a
# date and time and adds who handled a missed call
CALLS = ListSpec(
    "통화내역",
    (
        ListColumn("occurred_at", "일시", value=_moment, on=ON_SCREEN),
        ListColumn(
            "occurred_at_cell",
            "일시",
            "datetime",
            width=19,
            value=lambda r: r["occurred_at"],
            on=frozenset({EXCEL}),
        ),
        ListColumn("direction", "구분", width=6, align="center"),
        ListColumn("outcome", "결과", width=9, align="center"),
        ListColumn("number", "전화번호", width=15),
        ListColumn("customer_name", "고객", width=24, max_width=220),
        ListColumn("extension", "내선", width=6, align="center"),
        ListColumn("staff_name", "직원", width=10),
        ListColumn("duration", "통화시간", "duration", width=8, value=lambda r: r["duration_seconds"]),
        ListColumn("reception", "접수", width=6, align="center", value=_received),
        ListColumn("handled_by", "처리", width=10, on=frozenset({EXCEL})),
        ListColumn("handled_at", "처리일시", "datetime", width=19, on=frozenset({EXCEL})),
        ListColumn("handled_memo", "처리 메모", width=30, on=frozenset({EXCEL})),
    ),
)
# the open missed calls: on the screen only, with 전화걸기 and 처리 완료 on each
MISSED = ListSpec(
    "부재중 전화",
    (
        ListColumn("occurred_at", "일시", value=_moment),
        ListColumn("number", "전화번호"),
        ListColumn("customer_name", "고객", max_width=260),
        ListColumn("extension", "내선", align="center"),
        ListColumn("actions", "처리", align="center", value=lambda r: ""),
    ),
)
OUTCOME_SLOT = r"""
<q-td :props="props">
  <q-badge :color="{'응답': 'positive', '부재중': 'negative'}[props.value] || 'grey-7'"
           :label="props.value" outline />
</q-td>
"""
MISSED_ACTIONS_SLOT = r"""
<q-td :props="props" class="text-no-wrap">
  <q-btn v-if="props.row.digits" dense flat no-caps size="sm" color="primary" icon="phone" label="전화걸기"
         data-testid="missed-dial" @click.stop="$parent.$emit('dial', props.row)" />
  <q-btn dense unelevated no-caps size="sm" color="positive" icon="task_alt" label="처리 완료" class="q-ml-xs"
         data-testid="missed-handle" @click.stop="$parent.$emit('handle', props.row)" />
</q-td>
"""


# -- the menu's badge ---------------------------------------------------------------------------

_badges: WeakSet[ui.badge] = WeakSet()
_refresher: asyncio.Task | None = None


def _show_count(badge: ui.badge, count: int) -> None:
    badge.set_text(f"{count:,}")
    badge.set_visibility(count > 0)


def _live(badge: ui.badge) -> bool:
    try:
        return not badge.is_deleted and badge.client.id in Client.instances
    except RuntimeError:
        return False


async def refresh_missed_badges() -> None:
    """Count the open missed calls once and show the count on every open screen's menu."""
    badges = [badge for badge in list(_badges) if _live(badge)]
    if not badges:
        return
    count = await call_log.missed_count()
    for badge in badges:
        if _live(badge):
            _show_count(badge, count)


async def _keep_badges_current() -> None:
    while _badges:
        try:
            await refresh_missed_badges()
        except Exception:  # the database was busy or gone: the next round counts again
            log.exception("could not count the missed calls for the menu")
        await asyncio.sleep(BADGE_REFRESH_SECONDS)


def missed_badge() -> None:
    """The menu's 부재중 전화 count, on every signed-in screen: counted when the page connects,
    then every BADGE_REFRESH_SECONDS for all screens at once (one query), and at once after a
    처리 완료."""
    global _refresher
    badge = (
        ui.badge("", color="negative")
        .props('floating rounded data-testid="missed-badge"')
        .mark("missed-badge")
    )
    badge.set_visibility(False)
    _badges.add(badge)

    async def first_count() -> None:
        _show_count(badge, await call_log.missed_count())

    ui.context.client.on_connect(first_count)
    if _refresher is None or _refresher.done():
        _refresher = background_tasks.create(_keep_badges_current(), name="missed call badges")


# -- the screen ---------------------------------------------------------------------------------


def _table_row(spec: ListSpec, row: dict[str, Any]) -> dict[str, Any]:
    """The screen's row: the spec's cells, and what a click needs (ids, digits; no datetimes)."""
    return {
        **{k: v for k, v in row.items() if k not in ("occurred_at", "handled_at")},
        **spec.table_row(row),
    }


def calls_url(*, start: dt.date, end: dt.date, direction: Direction | None = None) -> str:
    """통화내역 of a period (and a direction): 오늘's link."""
    query = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "direction": direction.value if direction else "",
    }
    return f"{PATH}?{urlencode({k: v for k, v in query.items() if v})}"


class CallLogScreen:
    def __init__(self, actor: Actor, tab: str, view: dict[str, str] | None = None) -> None:
        self.actor = actor
        self.tab = tab if tab in TABS else "log"
        self.view = view or {}
        self.current: CallFilters | None = None

    async def build(self) -> None:
        staff_choices = {0: "전체", **await staff.staff_choices()}
        with ui.tabs().props("dense align=left no-caps").classes("w-full") as self.tabs:
            for key, label in TABS.items():
                ui.tab(key, label=label).mark(f"calls-tab-{key}")
        with ui.tab_panels(self.tabs, value=self.tab).props("keep-alive").classes("w-full"):
            with ui.tab_panel("log").classes("p-1 gap-1"):
                self._build_log(staff_choices)
            with ui.tab_panel("missed").classes("p-1 gap-1"):
                self._build_missed()
            with ui.tab_panel("stats").classes("p-1 gap-1"):
                self.stats = CallStatsPanel(self.actor)
        self.tabs.on_value_change(self._tab_changed)
        await self._load(self.tab)

    def _build_log(self, staff_choices: dict[int, str]) -> None:
        today = dt.date.today()
        dense = "dense outlined stack-label"
        with ui.row().classes("w-full items-center gap-2"):
            start = parse_date(self.view.get("from")) or (today - dt.timedelta(days=30))
            self.date_from = DateInput("기간 부터", start).classes("w-36")
            self.date_from.mark("calls-from")
            self.date_to = (
                DateInput("까지", parse_date(self.view.get("to")) or today).classes("w-36").mark("calls-to")
            )
            direction = self.view.get("direction") if self.view.get("direction") in DIRECTIONS else ""
            self.direction = (
                ui.select(DIRECTIONS, value=direction, label="수신/발신").props(dense).classes("w-28")
            )
            self.direction.mark("calls-direction")
            self.outcome = ui.select(OUTCOMES, value="", label="결과").props(dense).classes("w-28")
            self.outcome.mark("calls-outcome")
            self.staff = ui.select(staff_choices, value=0, label="직원").props(dense).classes("w-28")
            self.staff.mark("calls-staff")
            self.text = ui.input("전화번호 또는 고객").props(dense + " clearable").classes("w-44")
            self.text.mark("calls-text").props('data-testid="calls-text"')
            self.text.on("keydown.enter", self.search)
            for select in (self.direction, self.outcome, self.staff):
                select.on_value_change(self.search)
            self.toolbar = Toolbar(
                prefix="calls-", search=self.search, excel=self.export, print=self.print_pdf
            )
        self.errors = FieldErrors({"date_from": self.date_from, "date_to": self.date_to})
        self.table = PagedTable(
            columns=spec_columns(CALLS),
            fetch=self.fetch,
            selection=None,
            empty_text="조회된 통화가 없습니다.",
        ).mark("calls-table")
        self.table.props('data-testid="calls-table"').classes("cursor-pointer max-h-[65vh]")
        self.table.add_slot("body-cell-outcome", OUTCOME_SLOT)
        self.table.on("rowClick", lambda e: self.open(e.args[1]))
        with ui.row().classes("w-full items-center gap-2"):
            self.count = ui.label().classes("text-caption text-grey-8").mark("calls-count")
            ui.label("줄을 누르면 그 전화로 쓴 접수가, 없으면 고객정보가 열립니다.").classes(
                "text-caption text-grey-6"
            )

    def _build_missed(self) -> None:
        with ui.row().classes("w-full items-center gap-2"):
            ui.label(
                "아직 처리하지 않은 부재중 전화입니다. 다시 걸어 통화했거나 접수했으면 처리 완료하세요."
            ).classes("text-body2 text-grey-8")
            ui.space()
            ui.button("새로고침", icon="refresh", on_click=self.refresh_missed).props(
                "dense unelevated no-caps"
            ).mark("missed-refresh")
        self.missed_table = PagedTable(
            columns=spec_columns(MISSED),
            fetch=self.fetch_missed,
            selection=None,
            empty_text="처리할 부재중 전화가 없습니다.",
        ).mark("missed-table")
        self.missed_table.props('data-testid="missed-table"')
        self.missed_table.add_slot("body-cell-actions", MISSED_ACTIONS_SLOT)
        self.missed_table.on("dial", self.dial)
        self.missed_table.on("handle", self.handle)
        self.missed_count = ui.label().classes("text-caption text-grey-8").mark("missed-count")

    async def _tab_changed(self, event) -> None:
        await self._load(event.value)

    async def _load(self, tab: str) -> None:
        if tab == "log":
            await self.search()
        elif tab == "missed":
            await self.refresh_missed()
        elif tab == "stats":
            await self.stats.load()

    # -- 통화내역 ------------------------------------------------------------------------------

    def filters(self) -> CallFilters | None:
        errors = {}
        for key, field in (("date_from", self.date_from), ("date_to", self.date_to)):
            if field.value and not field.date:
                errors[key] = "날짜는 연-월-일로 입력하세요 (예: 2019-03-31)."
        if errors:
            self.errors.show(errors)
            return None
        filters = CallFilters(
            date_from=self.date_from.date,
            date_to=self.date_to.date,
            direction=Direction(self.direction.value) if self.direction.value else None,
            outcome=CallOutcome(self.outcome.value) if self.outcome.value else None,
            staff_id=self.staff.value or None,
            text=self.text.value or "",
        )
        return self.errors.checked(filters)

    async def search(self) -> None:
        self.current = self.filters()
        await self.table.refresh(first_page=True)

    async def fetch(self, request: PageRequest) -> Page:
        if self.current is None:
            self.count.set_text("")
            return Page(rows=[], total=0)
        page = await call_log.call_log(self.current, limit=request.rows_per_page, offset=request.offset)
        self.count.set_text(f"통화 {count_label(page)}")
        return Page(rows=[_table_row(CALLS, row) for row in page.rows], total=page.total)

    async def open(self, row: dict[str, Any]) -> None:
        if row.get("reception_id"):
            await open_reception_form(self.actor, reception_id=row["reception_id"])
        elif row.get("customer_id"):
            open_customer(row["customer_id"])
        else:
            ui.notify("고객이 연결되지 않았고 접수도 없는 전화입니다.", type="info")

    def _checked(self) -> CallFilters | None:
        if self.current is None:
            ui.notify("먼저 조건을 바르게 입력하고 조회하세요.", type="warning")
        return self.current

    async def export(self) -> None:
        filters = self._checked()
        if filters is None:
            return
        await export_excel(
            self.actor,
            CALLS,
            call_log.iter_call_log(filters),
            dated("통화내역", "xlsx"),
            button=self.toolbar.buttons["excel"],
            done_message=f"엑셀로 저장했습니다 (최대 {call_log.EXPORT_LIMIT:,}건).",
        )

    async def print_pdf(self) -> None:
        filters = self._checked()
        if filters is None:
            return
        period = f"{self.date_from.value or '처음'} ~ {self.date_to.value or '오늘'}"
        await print_list(
            self.actor,
            CALLS,
            call_log.iter_call_log(filters),
            dated("통화내역", "pdf"),
            preview_title="통화내역 인쇄",
            button=self.toolbar.buttons["print"],
            subtitle=f"기간 {period}",
            limit=PRINT_LIMIT,
            cut_note=f"처음 {PRINT_LIMIT:,}건만 인쇄했습니다. 전체는 엑셀로 저장하세요.",
        )

    # -- 부재중 전화 ---------------------------------------------------------------------------

    async def fetch_missed(self, request: PageRequest) -> Page:
        page = await call_log.missed_calls(limit=request.rows_per_page, offset=request.offset)
        self.missed_count.set_text(f"부재중 {count_label(page)}")
        return Page(rows=[_table_row(MISSED, row) for row in page.rows], total=page.total)

    async def refresh_missed(self) -> None:
        await self.missed_table.refresh()

    async def dial(self, event) -> None:
        await dial(self.actor, event.args["digits"])
        await self._after_handling()  # a call back handles the missed call (services.calls)

    async def handle(self, event) -> None:
        row = event.args
        with TransientDialog() as dialog, ui.card().classes("w-[440px] max-w-full gap-2"):
            ui.label("부재중 전화 처리 완료").classes("text-h6")
            who = row["customer_name"] or "미등록 번호"
            ui.label(f"{row['occurred_at']} · {row['number']} · {who}").classes("text-body2")
            memo = (
                ui.textarea("처리 메모", placeholder="예: 다시 걸어 통화함")
                .props(f"outlined autogrow counter maxlength={call_log.MEMO_MAX}")
                .classes("w-full")
                .mark("missed-memo")
            )
            errors = FieldErrors({"memo": memo})

            async def done() -> None:
                try:
                    handled = await call_log.handle_missed(row["id"], by=self.actor, memo=memo.value or "")
                except ValidationError as error:
                    errors.refuse(error)
                    return
                except GogaekError as error:  # someone else was first, or the call is gone
                    ui.notify(str(error), type="warning", multi_line=True)
                else:
                    if handled.changed:
                        ui.notify(call_log.handled_message(handled, row["number"]), type="positive")
                dialog.close()  # last: the dialog removes itself, and the notices above belong to it
                await self._after_handling()

            with ui.row().classes("w-full justify-end"):
                SaveAction(done, text="처리 완료", icon="task_alt").mark("missed-done")
                ui.button("닫기", on_click=dialog.close).props("flat").mark("missed-close")
        dialog.open()

    async def _after_handling(self) -> None:
        await self.refresh_missed()
        await refresh_missed_badges()


def register() -> None:
    MENU_BADGES["missed_calls"] = missed_badge

    @protected_page(PATH, "통화내역")
    async def call_log_page(actor: Actor, tab: str | None = None) -> None:
        await CallLogScreen(actor, tab or "log", dict(ui.context.client.request.query_params)).build()

    @protected_page(MISSED_PATH, "부재중 전화")
    async def missed_calls_page(actor: Actor) -> None:
        await CallLogScreen(actor, "missed").build()
