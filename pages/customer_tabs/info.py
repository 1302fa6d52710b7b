"""Tab 고객정보 (company details, classifications, memo, 업체정보이력)."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from pages.customer_window import customer_tab


@customer_tab(order=10, key="info", label="고객정보")
async def info_tab(actor: Actor, customer_id: int) -> None:
    ui.label("고객정보 화면은 준비 중입니다.").classes("text-grey-8")
