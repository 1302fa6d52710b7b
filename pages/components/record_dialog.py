"""The small dialog that adds or edits one record of a settings list (사용자, API 사용자): its
title, the record's version for a conflict, 저장 and 닫기, and the leave guard (닫기 with typed
input asks first)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from pages.components.dialogs import TransientDialog
from pages.components.leave_guard import FormGuard
from pages.components.save_action import SaveAction


class RecordDialog:
    """`RecordDialog(title, version=…)`, the inputs built `with editor.card:`, then
    `editor.open(save, prefix=…)`. `save` reads `editor.version` and `editor.form_token`; its
    conflict handling re-applies with `editor.reapply` and, after loading the stored values,
    calls `editor.reloaded(version)`."""

    def __init__(self, title: str, *, version: int | None) -> None:
        with (
            TransientDialog().props("persistent") as self.dialog,
            ui.card().classes("w-[440px] max-w-full") as self.card,
        ):
            ui.label(title).classes("text-h6")
        self.version = version
        self.guard: FormGuard | None = None
        self.save_action: SaveAction | None = None

    def open(
        self,
        save: Callable[[], Awaitable[Any]],
        *,
        prefix: str,
        extra_buttons: Callable[[], Any] | None = None,
    ) -> None:
        """The buttons under the inputs (`extra_buttons` first, then 저장 and 닫기, marked
        `{prefix}-save` and `{prefix}-close`), the guard over the inputs, and the dialog shown."""
        self._save = save
        with self.card, ui.row().classes("w-full justify-end"):
            if extra_buttons is not None:
                extra_buttons()
            self.save_action = SaveAction(save).mark(f"{prefix}-save")
            ui.button("닫기", on_click=self.close).props("flat").mark(f"{prefix}-close")
        self.guard = FormGuard(self.dialog)
        self.dialog.open()

    @property
    def form_token(self) -> str:
        assert self.save_action is not None
        return self.save_action.form_token

    async def reapply(self, latest_version: int) -> None:
        self.version = latest_version  # my input on top of what is stored now
        await self._save()

    def reloaded(self, version: int) -> None:
        """The inputs now show the stored record of `version`."""
        self.version = version
        if self.guard is not None:
            self.guard.saved()

    async def close(self) -> None:
        if self.guard is None or await self.guard.may_close():
            self.dialog.close()

    def done(self) -> None:
        """Saved: the dialog goes without asking."""
        self.dialog.close()
