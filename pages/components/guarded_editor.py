"""A WYSIWYG editor (ui.editor) that the server can never overwrite while the user types.

ui.editor shows whatever value the server sends last. When the server computes a new body from
the body it knows (say, a template refill after the visit date changed) and keystrokes are still
on their way from the browser, the browser used to replace what was typed with the server's older
text. Here every browser edit is counted on both sides: a value the server writes carries how many
edits the server had seen, and the browser only takes it when it has made no edit since. Otherwise
it keeps its content, sends it back, and `on_refused` is called so the page can act (e.g. ask
later instead of overwriting)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.events import GenericEventArguments, handle_event


class GuardedEditor(ui.editor, component="guarded_editor.js"):
    def __init__(self, *, value: str = "", on_refused: Callable[[], Any] | None = None) -> None:
        self._seen = 0  # browser edits received so far
        super().__init__(value=value)
        self._props["seen"] = 0
        self._on_refused = on_refused
        self.on("refused", self._handle_refused)

    def _event_args_to_value(self, e: GenericEventArguments) -> str:
        self._seen += 1  # called once for every edit the browser sends
        return super()._event_args_to_value(e)

    def _handle_value_change(self, value: Any) -> None:
        if self._send_update_on_value_change:  # written by the server: say what it had seen
            with self._props.suspend_updates():
                self._props["seen"] = self._seen
        super()._handle_value_change(value)

    def _handle_refused(self, e: GenericEventArguments) -> None:
        # every edit the browser made before refusing has arrived by now (one ordered connection)
        self._seen = int(e.args["sent"])
        self._send_update_on_value_change = False
        try:
            self.set_value(e.args["value"])
        finally:
            self._send_update_on_value_change = True
        self._client_value = e.args["value"]
        if self._on_refused is not None:
            handle_event(self._on_refused, e)
