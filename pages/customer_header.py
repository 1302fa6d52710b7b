"""The customer window's header (등록일자, 고객코드, 상태, < >, 담당, dates, 약도)."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor


async def customer_header(actor: Actor, customer_id: int | None) -> bool:
    """Build the header; returns False when the customer does not exist (a message is shown)."""
    ui.label("고객정보").classes("text-h6")
    return True
