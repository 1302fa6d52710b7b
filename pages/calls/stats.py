"""통화내역 → 통화 통계 tab: calls per day and per hour (ECharts), the missed rate and each staff
member's average answer time for a period, with 엑셀 and 인쇄."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, ValidationError
from core.korean import format_date
from html_forms.pdf import render_pdf_async
from pages.components.date_input import DateInput
from pages.components.forms import FieldErrors
from pages.components.print_preview import show_pdf
from pages.components.toolbar import Toolbar
from pages.downloads import offer_file
from services import call_log
from services.call_log import CallStats
from services.excel import Column, export_rows
from services.list_pdf import LIST_CSS, list_document

SERIES = [("answered", "응답"), ("missed", "부재중"), ("unknown", "알 수 없음"), ("outbound", "발신")]
COLORS = {"answered": "#21ba45", "missed": "#c10015", "unknown": "#9e9e9e", "outbound": "#1976d2"}
HEADERS = ["구분", "수신", "응답", "부재중", "알 수 없음", "발신", "부재중 비율"]
STAFF_HEADERS = ["직원", "응답 건수", "평균 응답 시간"]
EXCEL_COLUMNS = [
    Column("구분", 14),
    Column("수신", 8, "number"),
    Column("응답", 8, "number"),
    Column("부재중", 8, "number"),
    Column("알 수 없음", 10, "number"),
    Column("발신", 8, "number"),
    Column("부재중 비율", 11),
    Column("평균 응답 시간(초)", 16, "number"),
]
STAFF_COLUMNS = [
    {"name": "name", "label": "직원", "field": "name", "align": "left"},
    {"name": "answered", "label": "응답 건수", "field": "answered", "align": "right"},
    {"name": "average", "label": "평균 응답 시간", "field": "average", "align": "right"},
]


def rate_text(missed: int, inbound: int) -> str:
    return f"{missed / inbound * 100:.1f}%" if inbound else "-"


def seconds_text(seconds: float | None) -> str:
    """An average answer time as m:ss (rounded to the second); "-" when none is known."""
    return call_log.duration_text(round(seconds)) if seconds is not None else "-"


def figure_cells(label: str, row: dict[str, Any]) -> list[Any]:
    return [
        label,
        row["inbound"],
        row["answered"],
        row["missed"],
        row["unknown"],
        row["outbound"],
        rate_text(row["missed"], row["inbound"]),
    ]


def chart_options(labels: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "top": 30, "bottom": 24},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": name,
                "type": "bar",
                "stack": "outbound" if key == "outbound" else "inbound",
                "itemStyle": {"color": COLORS[key]},
                "data": [row[key] for row in rows],
            }
            for key, name in SERIES
        ],
    }


class CallStatsPanel(ui.column):
    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.stats: CallStats | None = None
        self.classes("w-full gap-2")
        today = dt.date.today()
        with self:
            with ui.row().classes("w-full items-center gap-2"):
                self.date_from = DateInput("기간 부터", today.replace(day=1)).classes("w-36")
                self.date_from.mark("call-stats-from")
                self.date_to = DateInput("까지", today).classes("w-36").mark("call-stats-to")
                Toolbar(
                    prefix="call-stats-",
                    shortcuts=False,
                    search=self.load,
                    excel=self.export,
                    print=self.print_pdf,
                )
            self.errors = FieldErrors({"date_from": self.date_from, "date_to": self.date_to})
            self.summary = ui.label().classes("text-subtitle2").mark("call-stats-summary")
            with ui.card().classes("w-full p-2"):
                ui.label("일별 통화").classes("text-subtitle2")
                self.day_chart = (
                    ui.echart(chart_options([], [])).classes("w-full h-56").mark("call-stats-days")
                )
            with ui.card().classes("w-full p-2"):
                ui.label("시간대별 통화").classes("text-subtitle2")
                self.hour_chart = (
                    ui.echart(chart_options([], [])).classes("w-full h-56").mark("call-stats-hours")
                )
            ui.label("직원별 평균 응답 시간 (울리기 시작해서 받을 때까지)").classes("text-subtitle2")
            self.staff_table = (
                ui.table(columns=STAFF_COLUMNS, rows=[], row_key="name")
                .props('dense flat bordered no-data-label="기간 안에 응답한 전화가 없습니다."')
                .classes("w-full max-w-[560px]")
                .mark("call-stats-staff")
            )

    def _period(self) -> tuple[dt.date, dt.date] | None:
        start, end = self.date_from.date, self.date_to.date
        errors = {}
        if not start:
            errors["date_from"] = "날짜는 연-월-일로 입력하세요 (예: 2019-03-31)."
        if not end:
            errors["date_to"] = "날짜는 연-월-일로 입력하세요 (예: 2019-03-31)."
        if errors:
            self.errors.show(errors)
            return None
        assert start and end
        return start, end

    async def load(self) -> None:
        period = self._period()
        if period is None:
            return
        try:
            stats = await call_log.call_stats(*period)
        except ValidationError as error:
            self.errors.show(error.fields)
            return
        self.errors.clear()
        self.stats = stats
        self.summary.set_text(
            f"수신 {stats.inbound:,}건 · 발신 {stats.outbound:,}건 · 부재중 {stats.missed:,}건 "
            f"(부재중 비율 {rate_text(stats.missed, stats.inbound)})"
        )
        self._draw(self.day_chart, [format_date(r["day"])[5:] for r in stats.days], stats.days)
        self._draw(self.hour_chart, [f"{r['hour']}시" for r in stats.hours], stats.hours)
        self.staff_table.rows = [
            {"name": s.name, "answered": f"{s.answered:,}", "average": seconds_text(s.average_answer_seconds)}
            for s in stats.staff
        ]
        self.staff_table.update()

    @staticmethod
    def _draw(chart: ui.echart, labels: list[str], rows: list[dict[str, Any]]) -> None:
        chart.options.clear()
        chart.options.update(chart_options(labels, rows))
        chart.update()

    def _loaded(self) -> CallStats | None:
        if self.stats is None:
            ui.notify("먼저 기간을 정해 조회하세요.", type="warning")
        return self.stats

    def _title(self, stats: CallStats) -> str:
        return f"통화 통계 {format_date(stats.days[0]['day'])} ~ {format_date(stats.days[-1]['day'])}"

    async def export(self) -> None:
        stats = self._loaded()
        if stats is None:
            return

        async def rows() -> AsyncIterator[list[Any]]:
            for row in stats.days:
                yield [*figure_cells(format_date(row["day"]), row), None]
            for row in stats.hours:
                yield [*figure_cells(f"{row['hour']}시", row), None]
            for figures in stats.staff:
                average = (
                    round(figures.average_answer_seconds or 0) if figures.average_answer_seconds else None
                )
                yield [f"직원 {figures.name}", None, figures.answered, None, None, None, None, average]

        notice = ui.notification("엑셀 파일을 만드는 중입니다…", spinner=True, timeout=None)
        try:
            path = await export_rows(EXCEL_COLUMNS, rows(), sheet_title="통화 통계")
        except GogaekError as error:
            ui.notify(str(error), type="negative")
            return
        finally:
            notice.dismiss()
        offer_file(self.actor, path, f"통화통계_{dt.date.today():%Y%m%d}.xlsx")

    async def print_pdf(self) -> None:
        stats = self._loaded()
        if stats is None:
            return
        numbers = frozenset(range(1, 6))
        document = "".join(
            (
                list_document(
                    title=f"{self._title(stats)} · 일별",
                    headers=HEADERS,
                    rows=[[str(v) for v in figure_cells(format_date(r["day"]), r)] for r in stats.days],
                    right_aligned=numbers,
                ),
                list_document(
                    title="시간대별",
                    headers=HEADERS,
                    rows=[[str(v) for v in figure_cells(f"{r['hour']}시", r)] for r in stats.hours],
                    right_aligned=numbers,
                ),
                list_document(
                    title="직원별 평균 응답 시간",
                    headers=STAFF_HEADERS,
                    rows=[
                        [s.name, f"{s.answered:,}", seconds_text(s.average_answer_seconds)]
                        for s in stats.staff
                    ],
                    right_aligned=frozenset({1, 2}),
                ),
            )
        )
        notice = ui.notification("인쇄용 PDF를 만드는 중입니다…", spinner=True, timeout=None)
        try:
            pdf = await render_pdf_async(document, extra_css=LIST_CSS)
        finally:
            notice.dismiss()
        show_pdf(self.actor, f"통화통계_{dt.date.today():%Y%m%d}.pdf", pdf, title="통화 통계 인쇄")
