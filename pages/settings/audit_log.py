"""설정 → 감사 로그 (/settings/audit, admins only): who changed what in the whole office, with
filters (기간, 작업자, 대상 종류, 작업), paged on the server, and 엑셀."""

from __future__ import annotations

import datetime as dt

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from pages.components.date_input import DateInput, parse_date
from pages.components.list_output import dated, export_excel
from pages.components.paged_table import Page, PagedTable, PageRequest, count_label, spec_columns
from pages.components.toolbar import Toolbar
from pages.frame import protected_page
from services import audit_log
from services.audit_labels import ACTION_LABELS
from services.audit_log import OfficeLogFilters
from services.list_spec import EXCEL, PRINT, TABLE, ListColumn, ListSpec

# the office log on the screen and in Excel (rows of audit_log.office_log / iter_office_log): the
# screen names the target in one column ("고객 12"), the sheet in two a filter can sort by
AUDIT_LOG = ListSpec(
    "감사 로그",
    (
        ListColumn("at", "일시", "datetime", width=17),
        ListColumn("actor", "작업자", width=10, value=lambda r: r["actor_name"]),
        ListColumn(
            "target",
            "대상",
            on=frozenset({TABLE, PRINT}),
            value=lambda r: f"{r['table_label']} {r['record_id'] or ''}".strip(),
        ),
        ListColumn("table_label", "대상 종류", width=14, on=frozenset({EXCEL})),
        ListColumn("record_id", "번호", "number", width=9, on=frozenset({EXCEL})),
        ListColumn("action", "작업", width=7, align="center", value=lambda r: r["action_label"]),
        ListColumn(
            "lines", "변경 내용", width=80, value=lambda r: "\n".join(r["lines"]) or "(변경 내용 없음)"
        ),
    ),
)
# how wide each column is on the screen; the change lines keep their line breaks
SCREEN_STYLES = {
    "at": "width: 120px",
    "actor": "width: 70px",
    "target": "width: 110px",
    "action": "width: 44px",
    "lines": "white-space: pre-wrap; word-break: break-all",
}
ACTION_CHOICES = {"": "전체"} | ACTION_LABELS


def _columns() -> list[dict]:
    return [{**c, "style": SCREEN_STYLES[c["name"]]} for c in spec_columns(AUDIT_LOG)]


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
            self.toolbar = Toolbar(prefix="audit-", search=self.search, excel=self.export)
            self.count = ui.label().classes("text-caption text-grey-8").mark("audit-count")
        self.table = PagedTable(
            columns=_columns(), fetch=self.fetch, selection=None, empty_text="조회된 변경 이력이 없습니다."
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
        return Page(rows=[{**AUDIT_LOG.table_row(r), "id": r["id"]} for r in page.rows], total=page.total)

    async def search(self) -> None:
        await self.table.refresh(first_page=True)

    async def export(self) -> None:
        await export_excel(
            self.actor,
            AUDIT_LOG,
            audit_log.iter_office_log(self.filters(), by=self.actor),
            dated("감사로그", "xlsx"),
            button=self.toolbar.buttons["excel"],
            done_message=f"엑셀로 저장했습니다 (최대 {audit_log.EXPORT_LIMIT:,}건).",
        )


def register() -> None:
    @protected_page("/settings/audit", "감사 로그", admin=True)
    async def audit_log_page(actor: Actor) -> None:
        await AuditLogScreen(actor).build()
