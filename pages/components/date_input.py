"""A date field (YYYY-MM-DD) using the browser's own date picker; `.date` is the typed date or None."""

from __future__ import annotations

import datetime as dt

from nicegui import ui


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


class DateInput(ui.input):
    def __init__(self, label: str, value: dt.date | None = None, **kwargs) -> None:
        super().__init__(label, value=value.isoformat() if value else "", **kwargs)
        self.props("type=date dense outlined stack-label")

    @property
    def date(self) -> dt.date | None:
        return parse_date(self.value)

    def set_date(self, value: dt.date | None) -> None:
        self.value = value.isoformat() if value else ""
