"""A click on a row selects it, on every list: the checkbox is not the only way (office staff click
the row, then 수정 / 삭제 / 계약). Single-selection tables only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from nicegui import background_tasks, ui


def select_on_click(table: ui.table, on_selected: Callable[[], Any] | None = None) -> None:
    """Select the clicked row (the server's own row, found by the row key) at once, then run
    `on_selected` as a change of the checkbox does."""
    key = table.row_key

    def clicked(event) -> None:
        args = event.args
        clicked_row = args[1] if isinstance(args, list) and len(args) > 1 else {}
        row = next((r for r in table.rows if r.get(key) == clicked_row.get(key)), None)
        if row is None:
            return
        table.selected = [row]
        if on_selected is not None:
            result = on_selected()
            if asyncio.iscoroutine(result):
                background_tasks.create(result, name="row selected")

    table.on("rowClick", clicked)
