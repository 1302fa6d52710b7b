"""통화내역 → 통화 통계 tab: calls per day and per hour (ECharts), the missed rate and each staff
member's average answer time for a period, with 엑셀 and 인쇄."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import ValidationError
from core.korean import format_date
from pages.components.charts import bar_chart
from pages.components.date_input import DateInput
from pages.components.forms import FieldErrors
from pages.components.list_output import dated, export_excel, send_pdf
from pages.components.paged_table import spec_columns
from pages.components.toolbar import Toolbar
from services import call_log
from services.call_log import CallStats, StaffFigures
from services.list_spec import EXCEL, ListColumn, ListSpec, print_html, write_sections_pdf

SERIES = [("answered", "응답"), ("missed", "부재중"), ("unknown", "알 수 없음"), ("outbound", "발신")]
COLORS = {"answered": "#21ba45", "missed": "#c10015", "unknown": "#9e9e9e", "outbound": "#1976d2"}


def _rate(row: Mapping[str, Any]) -> str | None:
    return rate_text(row["missed"], row["inbound"]) if row.get("inbound") is not None else None


# the figures of a day or an hour (rows: {"label", "inbound", ...}); its Excel sheet also holds
# each staff member's line (직원 …, 응답 건수 under 응답, the average in seconds)
FIGURES = ListSpec(
    "통화 통계",
    (
        ListColumn("label", "구분", width=14),
        ListColumn("inbound", "수신", "number", width=8),
        ListColumn("answered", "응답", "number", width=8),
        ListColumn("missed", "부재중", "number", width=8),
        ListColumn("unknown", "알 수 없음", "number", width=10),
        ListColumn("outbound", "발신", "number", width=8),
        ListColumn("rate", "부재중 비율", width=11, value=_rate),
        ListColumn("average", "평균 응답 시간(초)", "number", width=16, on=frozenset({EXCEL})),
    ),
)
# each staff member's answered calls and average answer time (rows: StaffFigures)
STAFF = ListSpec(
    "직원별 평균 응답 시간",
    (
        ListColumn("name", "직원"),
        ListColumn("answered", "응답 건수", "number"),
        ListColumn(
            "average", "평균 응답 시간", align="right", value=lambda s: seconds_text(s.average_answer_seconds)
        ),
    ),
)


def rate_text(missed: int, inbound: int) -> str:
    return f"{missed / inbound * 100:.1f}%" if inbound else "-"


def seconds_text(seconds: float | None) -> str:
    """An average answer time as m:ss (rounded to the second); "-" when none is known."""
    return call_log.duration_text(round(seconds)) if seconds is not None else "-"


def figures(label: str, row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "label": label}


def staff_figures(figures: StaffFigures) -> dict[str, Any]:
    """A staff member's line on the figures' sheet: 응답 건수 under 응답, the average in seconds."""
    average = round(figures.average_answer_seconds) if figures.average_answer_seconds else None
    return {"label": f"직원 {figures.name}", "answered": figures.answered, "average": average}


def chart_options(labels: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return bar_chart(
        labels,
        [
            {
                "name": name,
                "stack": "outbound" if key == "outbound" else "inbound",
                "itemStyle": {"color": COLORS[key]},
                "data": [row[key] for row in rows],
            }
            for key, name in SERIES
        ],
    )


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
                self.toolbar = Toolbar(
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
                ui.table(columns=spec_columns(STAFF), rows=[], row_key="name")
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
        self.staff_table.rows = [STAFF.table_row(s) for s in stats.staff]
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
        rows = [
            *(figures(format_date(r["day"]), r) for r in stats.days),
            *(figures(f"{r['hour']}시", r) for r in stats.hours),
            *(staff_figures(s) for s in stats.staff),
        ]
        await export_excel(
            self.actor, FIGURES, rows, dated("통화통계", "xlsx"), button=self.toolbar.buttons["excel"]
        )

    async def print_pdf(self) -> None:
        stats = self._loaded()
        if stats is None:
            return
        title = self._title(stats)

        async def make(_progress) -> Path:
            return await write_sections_pdf(
                [
                    print_html(
                        FIGURES,
                        [figures(format_date(r["day"]), r) for r in stats.days],
                        title=f"{title} · 일별",
                    ),
                    print_html(
                        FIGURES, [figures(f"{r['hour']}시", r) for r in stats.hours], title="시간대별"
                    ),
                    print_html(STAFF, stats.staff),
                ]
            )

        await send_pdf(
            self.actor,
            make,
            dated("통화통계", "pdf"),
            preview_title="통화 통계 인쇄",
            button=self.toolbar.buttons["print"],
        )
