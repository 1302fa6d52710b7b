"""A date field typed as YYYY-MM-DD (masked) with a calendar popup; `.date` is the date or None.

The browser's own <input type=date> shows the date in the browser's language order (e.g.
11/28/2026), so the field is a masked text input instead."""

from __future__ import annotations

import datetime as dt

from nicegui import ui

from core.dates import IMPOSSIBLE_DATE, is_impossible_date


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


class DateInput(ui.input):
    def __init__(self, label: str, value: dt.date | None = None) -> None:
        super().__init__(
            label,
            value=value.isoformat() if value else "",
            validation=lambda text: IMPOSSIBLE_DATE if is_impossible_date(text) else None,
        )
        self.props('dense outlined stack-label mask="####-##-##" placeholder="연-월-일"')
        with (
            self,
            ui.menu().props("no-parent-event") as menu,
            ui.date(mask="YYYY-MM-DD").bind_value(self),
            ui.row().classes("justify-end"),
        ):
            ui.button("닫기", on_click=menu.close).props("flat dense")
        with self.add_slot("append"):
            ui.icon("event").classes("cursor-pointer").on("click", menu.open)

    @property
    def date(self) -> dt.date | None:
        return parse_date(self.value)

    def set_date(self, value: dt.date | None) -> None:
        self.value = value.isoformat() if value else ""
