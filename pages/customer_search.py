"""고객관리, upper half: customer search."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from core.audit import Actor


class CustomerSearchPanel(ui.column):
    """Filters + a server-paged customer list. `on_select(customer_id | None)` is called when the
    selected customer changes (the reception log below follows it)."""

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.on_select: Callable[[int | None], Awaitable[None]] | None = None
        self.classes("w-full gap-1")
        with self:
            ui.label("고객 검색은 준비 중입니다.").classes("text-grey-8")
