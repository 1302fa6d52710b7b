"""Dialogs that remove themselves from the page once closed, so long sessions do not pile them up."""

from __future__ import annotations

from nicegui import ui


class TransientDialog(ui.dialog):
    def __init__(self) -> None:
        super().__init__()
        self.on_value_change(lambda event: None if event.value else self.delete())


async def confirm(message: str, *, action: str = "확인", danger: bool = False) -> bool:
    """Ask a yes/no question; deleting always asks and names what will be deleted."""
    with TransientDialog() as dialog, ui.card():
        ui.label(message)
        with ui.row().classes("w-full justify-end"):
            ui.button(action, on_click=lambda: dialog.submit(True)).props(
                "color=negative" if danger else ""
            ).mark("confirm-yes")
            ui.button("취소", on_click=lambda: dialog.submit(False)).props("flat").mark("confirm-no")
    return bool(await dialog)
