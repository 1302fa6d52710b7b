"""고객관리, lower half: the reception log (전화 수/발신 이력)."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor


class ReceptionLogPanel(ui.column):
    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.customer_id: int | None = None
        self.classes("w-full gap-1")
        with self:
            ui.label("접수 이력은 준비 중입니다.").classes("text-grey-8")

    async def show_customer(self, customer_id: int | None) -> None:
        """Filter the log to the customer selected above (None: all)."""
        self.customer_id = customer_id
