"""The one save mechanism of every form: a 저장 button (plus Enter in a field, or a function key)
that is busy from the first gesture until the server has answered — disabled with a spinner,
every repeated gesture meanwhile (a double click, Enter and a click together) ignored — and, for a
form that makes a new record, the form token its create service takes (`form_token=`), so that
even a gesture that slips through (a retry after a dropped connection) cannot make a second
record."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from nicegui import ui

from services.submissions import new_form_token


class SaveAction(ui.button):
    """`SaveAction(on_save)`: `on_save()` runs for one gesture at a time; `form_token` is what the
    create service gets. A second button of the same form (연속저장) is `SaveAction(other,
    text="연속저장", along=first)`: one token, one busy state for both. A form that stays open
    for the next new record calls `renew()` after saving."""

    def __init__(
        self,
        on_save: Callable[[], Any],
        *,
        text: str = "저장",
        icon: str | None = None,
        along: SaveAction | None = None,
    ) -> None:
        super().__init__(text, icon=icon, on_click=self.run)
        self._on_save = on_save
        self._lead: SaveAction = along._lead if along is not None else self
        if along is None:
            self._busy = False
            self._token = new_form_token()

    @property
    def form_token(self) -> str:
        return self._lead._token

    @property
    def busy(self) -> bool:
        return self._lead._busy

    def renew(self) -> None:
        """A fresh token: the next save is a new record, not the one just made."""
        self._lead._token = new_form_token()

    def trigger_on_enter(self, *fields: ui.element) -> SaveAction:
        for field in fields:
            field.on("keydown.enter", self.run)
        return self

    async def run(self) -> None:
        # set before the first await: gestures arrive in order, so every repeat sees it
        lead = self._lead
        if lead._busy or not self.enabled:
            return
        lead._busy = True
        self.props("loading")
        try:
            result = self._on_save()
            if inspect.isawaitable(result):
                await result
        finally:
            lead._busy = False
            if not self.is_deleted:
                self.props(remove="loading")
