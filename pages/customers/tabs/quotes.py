"""Tab 견적서관리: this customer's quotes (조회/추가/수정/삭제/인쇄, 주문처리/출고처리), the linked
trading partner with its credit balance (외상잔액), 거래내역 and 주문등록. Also the header's
거래내역 button."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from core.korean import format_amount
from pages.components import tab_counts
from pages.customers.tab_types import CustomerAction, CustomerTab
from pages.sales.orders import ask_for_partner, ledger_url, open_new_order
from pages.sales.quote_status import QuoteBrowser
from services import balances, sales


async def quotes_tab(actor: Actor, customer_id: int) -> None:
    try:
        link = await sales.customer_partner(customer_id)
    except GogaekError as error:
        ui.label(str(error)).classes("text-negative")
        return
    with ui.row().classes("w-full items-center gap-3"):
        if link.partner_id:
            ui.label(f"거래처 {link.partner_name}").classes("text-weight-medium").mark("quotes-partner")
            balance = ui.label().classes("text-weight-medium text-primary").mark("customer-balance")
            ui.button(
                "거래내역", icon="receipt_long", on_click=lambda: ui.navigate.to(ledger_url(link.partner_id))
            ).props("dense flat no-caps").mark("quotes-ledger")
            ui.button(
                "주문등록", icon="add_shopping_cart", on_click=lambda: open_new_order(actor, customer_id)
            ).props("dense flat no-caps").mark("quotes-new-order")
        else:
            balance = None
            ui.label(
                "연결된 거래처가 없습니다. 주문처리·출고처리 전에 거래처관리정보 탭에서 거래처를 만들거나 연결하세요."
            ).classes("text-warning").mark("quotes-no-partner")

    async def show_balance() -> None:
        if balance is not None:
            amount = (await balances.customer_balances([customer_id]))[customer_id]
            balance.set_text(f"외상잔액 {format_amount(amount)}원")

    await show_balance()
    browser = QuoteBrowser(actor, customer_id=customer_id)

    async def changed() -> None:
        await show_balance()
        tab_counts.rows_changed()

    browser.on_changed = changed
    await browser.build()


TAB = CustomerTab(key="quotes", label="견적서관리", build=quotes_tab)


async def open_ledger(actor: Actor, customer_id: int) -> None:
    link = await sales.customer_partner(customer_id)
    if link.partner_id is None:
        ask_for_partner(
            customer_id,
            f"'{link.customer_name}' 고객에 연결된 거래처가 없어 거래내역이 없습니다. "
            "고객정보의 거래처관리정보 탭에서 거래처를 만들거나 연결하세요.",
        )
        return
    ui.navigate.to(ledger_url(link.partner_id))


OPEN_LEDGER = CustomerAction(label="거래내역", icon="receipt_long", handler=open_ledger)
