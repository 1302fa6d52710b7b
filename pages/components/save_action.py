"""The one save mechanism of every form: a 저장 button (plus Enter in a field, or a function key)
that is busy from the first gesture until the server has answered — disabled with a spinner,
every repeated gesture meanwhile (a double click, Enter and a click together) ignored — and, for a
form that makes a new record, the form token its create service takes (`form_token=`), so that
even a gesture that slips through (a retry after a dropped connection) cannot make a second
record.

The gesture also carries the length of every text field the browser shows. A value that never
reached the server (a paste bigger than the websocket takes) would otherwise be saved as the older
value the server holds and reported as 저장했습니다; here the save is refused instead."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.events import GenericEventArguments

from pages.components.input_limits import install_paste_guard
from services.submissions import new_form_token

# what the browser shows: the length of every text input of the form the gesture came from
_SHOWN_LENGTHS = """(e) => {
  const form = (e.target && e.target.closest && e.target.closest('.q-dialog')) || document;
  const lengths = {};
  form.querySelectorAll('input, textarea').forEach((input) => {
    const owner = input.closest('[id^="c"]');
    if (owner && /^c\\d+$/.test(owner.id)) lengths[owner.id.slice(1)] = input.value.length;
  });
  emit({lengths});
}"""
NOT_ARRIVED = (
    "입력한 내용이 서버에 다 전달되지 않아 저장하지 않았습니다 (한 칸에 너무 많은 글이 있을 수 있습니다). "
    "빨간 칸의 내용을 줄여 다시 저장하세요."
)


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
        super().__init__(text, icon=icon)
        self.on("click", self._gesture, js_handler=_SHOWN_LENGTHS)
        install_paste_guard(self.client)
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
            field.on("keydown.enter", self._gesture, js_handler=_SHOWN_LENGTHS)
        return self

    def _not_arrived(self, lengths: dict[str, int]) -> list[ui.input]:
        """The text fields whose value on the server is not what the browser shows."""
        differing = []
        for element_id, length in lengths.items():
            element = self.client.elements.get(int(element_id))
            if isinstance(element, ui.input) and len(str(element.value or "")) != length:
                differing.append(element)
        return differing

    async def _gesture(self, event: GenericEventArguments) -> None:
        args = event.args if isinstance(event.args, dict) else {}
        if not self._lead._busy and (differing := self._not_arrived(args.get("lengths") or {})):
            for element in differing:
                element.props["error"] = True
                element.props["error-message"] = "서버에 전달되지 않았습니다. 내용을 줄여 주세요."
                element.update()
            ui.notify(NOT_ARRIVED, type="negative", multi_line=True, timeout=0, close_button="닫기")
            return
        await self.run()

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
