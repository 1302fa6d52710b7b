"""The list toolbar of every screen, always in the same order, with the manual's function keys:
조회 F3 · 추가 F5 · 수정 F7 · 삭제 F8 · 엑셀 F9 · 인쇄 F10. Buttons that do not apply are absent."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.events import KeyEventArguments

ACTIONS: list[tuple[str, str, str, str]] = [
    # (name, label, key, icon)
    ("search", "조회", "F3", "search"),
    ("add", "추가", "F5", "add"),
    ("edit", "수정", "F7", "edit"),
    ("delete", "삭제", "F8", "delete"),
    ("excel", "엑셀", "F9", "grid_on"),
    ("print", "인쇄", "F10", "print"),
]

# Browsers use F3/F5/F7… themselves (find, reload, caret browsing); on our screens they are ours.
# Keys belong to what is in front: while a dialog is open the screen's shortcuts behind it do
# nothing (this capturing listener runs first, so the screen's keyboard never hears the key).
_CLAIM_FUNCTION_KEYS = """
<script>
document.addEventListener('keydown', (e) => {
  if (!['F3','F5','F7','F8','F9','F10'].includes(e.key) || e.ctrlKey || e.altKey || e.metaKey) return;
  e.preventDefault();
  if (document.querySelector('.q-dialog__inner')) e.stopPropagation();
}, true);
</script>
"""


class Toolbar(ui.row):
    """`Toolbar(search=..., add=..., excel=...)`: pass handlers for the actions that apply.
    Extra buttons go inside the `with` block after it."""

    def __init__(
        self, *, prefix: str = "", shortcuts: bool = True, **handlers: Callable[..., Any] | None
    ) -> None:
        super().__init__()
        self.classes("items-center gap-1 no-wrap")
        unknown = set(handlers) - {name for name, *_ in ACTIONS}
        if unknown:
            raise TypeError(f"unknown toolbar actions: {unknown}")
        self.buttons: dict[str, ui.button] = {}
        self._by_key: dict[str, tuple[ui.button, Callable[..., Any]]] = {}
        with self:
            for name, label, key, icon in ACTIONS:
                handler = handlers.get(name)
                if handler is None:
                    continue
                button = ui.button(f"{label}[{key}]", icon=icon, on_click=handler)
                button.props(
                    "dense unelevated no-caps size=md" + (" color=negative" if name == "delete" else "")
                )
                button.mark(f"{prefix}{name}")
                self.buttons[name] = button
                self._by_key[key] = (button, handler)
        if shortcuts and self._by_key:
            ui.add_head_html(_CLAIM_FUNCTION_KEYS)
            ui.keyboard(on_key=self._on_key, ignore=[])

    async def _on_key(self, event: KeyEventArguments) -> None:
        if not event.action.keydown or event.action.repeat:
            return
        if event.key.name not in self._by_key:
            return
        button, handler = self._by_key[event.key.name]
        if not button.enabled or not button.visible:
            return
        result = handler()
        if inspect.isawaitable(result):
            await result
