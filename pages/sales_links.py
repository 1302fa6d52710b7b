"""Links from other screens into sales (거래내역, 주문등록). Filled in by the sales screens."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor


def ledger_url(partner_id: int) -> str:
    """거래내역 of a trading partner."""
    return f"/ledger/{partner_id}"


async def open_new_order(actor: Actor, customer_id: int) -> None:
    """주문등록: a new sales order for the customer's trading partner."""
    ui.notify("수주 등록 화면은 준비 중입니다.")
