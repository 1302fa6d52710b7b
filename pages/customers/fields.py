"""Dense form widgets shared by the customer and card screens, and the yellow required-field
highlight of the original (노란색 부분은 필수 입력 값)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nicegui import ui

REQUIRED_PROPS = "bg-color=yellow-2"


def required(element: ui.element) -> ui.element:
    element.props(REQUIRED_PROPS)
    return element


def text_input(label: str, value: str = "", *, mark: str | None = None) -> ui.input:
    element = ui.input(label, value=value or "").props("outlined dense stack-label")
    if mark:
        element.mark(mark)
    return element


def choice(options: dict[Any, str], label: str, value: Any = None, *, mark: str | None = None) -> ui.select:
    element = ui.select(options, label=label, value=value if value in options else None, clearable=True)
    element.props("outlined dense options-dense stack-label")
    if mark:
        element.mark(mark)
    return element


def date_field(label: str, value: dt.date | str | None = None, *, mark: str | None = None) -> ui.date_input:
    text = value.isoformat() if isinstance(value, dt.date) else (value or "")
    element = ui.date_input(label, value=text).props("outlined dense stack-label")
    if mark:
        element.mark(mark)
    return element


def typed_date(element: ui.date_input) -> dt.date | None:
    """The date typed or picked, or None; raises ValueError for text that is not a date."""
    text = (element.value or "").strip()
    if not text:
        return None
    return dt.date.fromisoformat(text.replace(".", "-").replace("/", "-"))
