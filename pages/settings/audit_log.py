"""설정 → 감사 로그 (/settings/audit, admins only): who changed what in the whole office, with
filters (기간, 작업자, 대상 종류, 작업), paged on the server, and 엑셀."""

from __future__ import annotations

import datetime as dt

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from pages.components.change_history import history_rows
from pages.components.date_input import DateInput, parse_date
from pages.components.paged_table import Page, PagedTable, PageRequest, count_label
from pages.components.toolbar import Toolbar
from pages.downloads import offer_file
from pages.frame import protected_page
from services import audit_log
from services.audit_labels import ACTION_LABELS
from services.audit_log import OfficeLogFilters
from services.excel import Column, export_rows

COLUMNS = [
    {"name": "at", "label": "일시", "field": "at", "align": "left", "style": "width: 120px"},
    {"name": "actor", "label": "작업자", "field": "actor", "align": "left", "style": "width: 70px"},
    {"name": "target", "label": "대상", "field": "target", "align": "left", "style": "width: 110px"},
    {"name": "action", "label": "작업", "field": "action", "align": "center", "style": "width: 44px"},
    {
        "name": "lines",
        "label": "변경 내용",
        "field": "lines",
        "align": "left",
        "style": "white-space: pre-wrap; word-break: break-all",
    },
]
EXCEL_COLUMNS = [
    Column("일시", 17, "datetime"),
    Column("작업자", 10),
    Column("대상 종류", 14),
    Column("번호", 9, "number"),
    Column("작업", 7),
    Column("변경 내용", 80),
]
ACTION_CHOICES = {"": "전체"} | ACTION_LABELS


def _shown(page: Page) -> Page:
    shown = history_rows(page)
    for row, source in zip(shown.rows, page.rows, strict=True):
        row["target"] = f"{source['table_label']} {source['record_id'] or ''}".strip()
    return shown


class AuditLogScreen:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    async def build(self) -> None:
        ui.label("감사 로그").classes("text-h6")
        with ui.row().classes("w-full items-center gap-2"):
            today = dt.date.today()
            self.date_from = DateInput("기간 시작", today - dt.timedelta(days=30)).classes("w-32")
            self.date_from.mark("audit-from")
            self.date_to = DateInput("기간 끝", today).classes("w-32").mark("audit-to")
            self.who = (
                ui.input("작업자").props("dense outlined stack-label").classes("w-28").mark("audit-who")
            )
            self.who.on("keydown.enter", self.search)
            tables = {"": "전체"} | audit_log.table_choices()
            self.table_kind = ui.select(tables, value="", label="대상 종류").props(
                "dense outlined stack-label"
            )
            self.table_kind.classes("w-36").mark("audit-table")
            self.action = ui.select(ACTION_CHOICES, value="", label="작업").props(
                "dense outlined stack-label"
            )
            self.action.classes("w-24").mark("audit-action")
            with Toolbar(prefix="audit-", search=self.search, excel=self.export):
                pass
            self.count = ui.label().classes("text-caption text-grey-8").mark("audit-count")
        self.table = PagedTable(
            columns=COLUMNS, fetch=self.fetch, selection=None, empty_text="조회된 변경 이력이 없습니다."
        )
        self.table.mark("audit-log-table")
        await self.table.refresh()

    def filters(self) -> OfficeLogFilters:
        return OfficeLogFilters(
            date_from=parse_date(self.date_from.value),
            date_to=parse_date(self.date_to.value),
            actor_name=self.who.value or "",
            table=self.table_kind.value or "",
            action=self.action.value or "",
        )

    async def fetch(self, request: PageRequest) -> Page:
        try:
            page = await audit_log.office_log(
                self.filters(), by=self.actor, limit=request.rows_per_page, offset=request.offset
            )
        except GogaekError as error:
            ui.notify(str(error), type="negative")
            return Page(rows=[], total=0)
        self.count.set_text(count_label(page))
        return _shown(page)

    async def search(self) -> None:
        await self.table.refresh(first_page=True)

    async def export(self) -> None:
        notice = ui.notification("엑셀 파일을 만드는 중입니다…", spinner=True, timeout=None)
        try:
            path = await export_rows(EXCEL_COLUMNS, self._excel_rows(), sheet_title="감사 로그")
        except GogaekError as error:
            ui.notify(str(error), type="negative")
            return
        finally:
            notice.dismiss()
        # streamed from its file and deleted once sent (pages/downloads), not read into memory
        offer_file(self.actor, path, f"감사로그_{dt.date.today():%Y%m%d}.xlsx")
        ui.notify(f"엑셀로 저장했습니다 (최대 {audit_log.EXPORT_LIMIT:,}건).")

    async def _excel_rows(self):
        async for row in audit_log.iter_office_log(self.filters(), by=self.actor):
            yield [
                row["at"],
                row["actor_name"],
                row["table_label"],
                row["record_id"],
                row["action_label"],
                "\n".join(row["lines"]),
            ]


def register() -> None:
    @protected_page("/settings/audit", "감사 로그", admin=True)
    async def audit_log_page(actor: Actor) -> None:
        await AuditLogScreen(actor).build()
