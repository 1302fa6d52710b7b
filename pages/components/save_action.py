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
    create service gets. After a save the form stays open for another new record: `renew()`."""

    def __init__(self, on_save: Callable[[], Any], *, text: str = "저장", icon: str | None = None) -> None:
        super().__init__(text, icon=icon, on_click=self.run)
        self._on_save = on_save
        self.busy = False
        self.form_token = new_form_token()
        self.props("unelevated")

    def renew(self) -> None:
        """A fresh token: the next save is a new record, not the one just made."""
        self.form_token = new_form_token()

    def trigger_on_enter(self, *fields: ui.element) -> SaveAction:
        for field in fields:
            field.on("keydown.enter", self.run)
        return self

    async def run(self) -> None:
        # set before the first await: gestures arrive in order, so every repeat sees it
        if self.busy or not self.enabled:
            return
        self.busy = True
        self.props("loading")
        try:
            result = self._on_save()
            if inspect.isawaitable(result):
                await result
        finally:
            self.busy = False
            if not self.is_deleted:
                self.props(remove="loading")
