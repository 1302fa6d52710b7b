"""Links from other screens into sales: 거래내역 (ledger_url), 주문등록 (open_new_order), and the
주문처리 / 출고처리 of a quote (process_quote) shared by the quote editor, 견적현황 and the tab."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Awaitable, Callable

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, ValidationError
from core.korean import format_amount, josa
from models.quote import QuoteState
from pages.components.date_input import DateInput
from pages.components.dialogs import TransientDialog, confirm
from pages.components.document_lines import LinesEditor
from pages.components.forms import FieldErrors
from pages.components.input_limits import limit_text
from pages.components.leave_guard import LeaveGuard, may_leave
from pages.components.save_action import SaveAction
from pages.customers.links import customer_url
from services import quotes, sales

# the customer window's tab where a trading partner is created or linked (거래처관리정보)
PARTNER_TAB = "partner"


def ledger_url(partner_id: int) -> str:
    """거래내역 of a trading partner."""
    return f"/ledger/{partner_id}"


def partner_tab_url(customer_id: int) -> str:
    return f"{customer_url(customer_id)}?tab={PARTNER_TAB}"


def ask_for_partner(customer_id: int | None, message: str) -> None:
    """Sales documents need a trading partner: say so and offer the 거래처관리정보 tab."""
    with TransientDialog() as dialog, ui.card().classes("w-[460px] max-w-full"):
        ui.label("거래처가 필요합니다").classes("text-h6")
        ui.label(message).mark("partner-required")
        with ui.row().classes("w-full justify-end"):
            if customer_id:
                ui.button(
                    "거래처관리정보 열기",
                    icon="handshake",
                    on_click=lambda: (dialog.close(), ui.navigate.to(partner_tab_url(customer_id))),
                ).props("unelevated no-caps").mark("open-partner-tab")
            ui.button("닫기", on_click=dialog.close).props("flat")
    dialog.open()


class Processing(enum.StrEnum):
    ORDER = "주문처리"
    SHIPMENT = "출고처리"


async def process_quote(actor: Actor, quote_id: int, number: str, recipient: str, kind: Processing) -> bool:
    """Ask, then turn the quote into an order or a shipment. True when a document was made. A
    견적취소 quote is not refused outright: the question says it was cancelled, and 주문처리 (or
    출고처리) there goes on."""
    document = "수주" if kind == Processing.ORDER else "출고"
    try:
        cancelled = (await quotes.get_quote(quote_id)).quote.state == QuoteState.CANCELLED
    except GogaekError as error:
        ui.notify(str(error), type="negative", multi_line=True)
        return False
    question = f"견적서 {number} ({recipient})의 품목으로 {document}{josa(document, '을')} 등록하고 견적서를 신청완료로 바꿀까요?"
    if cancelled:
        question = (
            f"견적서 {number} ({recipient}){josa(number, '은')} 견적취소된 견적서입니다. "
            f"그래도 {kind.value}할까요? 품목으로 {document}{josa(document, '을')} 등록하고 견적서를 신청완료로 바꿉니다."
        )
    if not await confirm(question, action=kind.value):
        return False
    try:
        if kind == Processing.ORDER:
            made = await sales.process_to_order(quote_id, by=actor, cancelled_ok=cancelled)
        else:
            made = await sales.process_to_shipment(quote_id, by=actor, cancelled_ok=cancelled)
    except sales.PartnerRequired as missing:
        ask_for_partner(missing.customer_id, str(missing))
        return False
    except GogaekError as error:
        ui.notify(str(error), type="negative", multi_line=True)
        return False
    ui.notify(
        f"{document} {made.number} ({format_amount(made.total_amount)}원){josa(made.number, '을')} 등록했습니다. 견적서는 신청완료입니다.",
        type="positive",
        multi_line=True,
    )
    return True


async def open_order_dialog(
    actor: Actor,
    *,
    partner_id: int,
    partner_name: str,
    customer_id: int | None = None,
    on_saved: Callable[[], Awaitable[None] | None] | None = None,
) -> None:
    """수주등록: a new sales order for a trading partner, lines entered like a quote's."""
    dirty = False

    def changed() -> None:
        nonlocal dirty
        dirty = True
        guard.refresh()

    with TransientDialog().props("persistent") as dialog, ui.card().classes("w-[1100px] max-w-full"):
        ui.label(f"수주등록 — {partner_name}").classes("text-h6")
        with ui.row().classes("w-full items-start gap-2"):
            order_date = DateInput("수주일자 *", dt.date.today()).classes("w-44").mark("order-date")
            memo = limit_text(
                ui.input("메모").props("dense outlined stack-label").classes("grow").mark("order-memo"),
                sales.ORDER_MEMO_MAX,
            )
        order_date.on_value_change(changed)
        memo.on_value_change(changed)
        lines = LinesEditor([], on_change=changed, item_hint="수주")
        errors = FieldErrors({"order_date": order_date, "memo": memo})

        async def save() -> None:
            try:
                order = await sales.create_order(
                    by=actor,
                    partner_id=partner_id,
                    customer_id=customer_id,
                    order_date=order_date.date,
                    lines=lines.values(),
                    memo=memo.value or "",
                    form_token=save_button.form_token,
                )
            except ValidationError as error:
                errors.show({k: v for k, v in error.fields.items() if not k.startswith("lines.")})
                lines.show_errors({k: v for k, v in error.fields.items() if k.startswith("lines.")})
                return
            except GogaekError as error:
                ui.notify(str(error), type="negative", multi_line=True)
                return
            ui.notify(f"수주 {order.number}{josa(order.number, '을')} 저장했습니다.", type="positive")
            dialog.close()
            if on_saved:
                result = on_saved()
                if result is not None:
                    await result

        async def close() -> None:
            if not await may_leave(dirty):
                return
            dialog.close()

        with ui.row().classes("w-full justify-end"):
            save_button = SaveAction(save, icon="save").props("unelevated no-caps").mark("order-save")
            ui.button("닫기", on_click=close).props("flat no-caps").mark("order-close")
    guard = LeaveGuard(lambda: dirty, form=dialog)
    dialog.open()


async def open_new_order(actor: Actor, customer_id: int) -> None:
    """주문등록: a new sales order for the customer's trading partner."""
    try:
        link = await sales.customer_partner(customer_id)
    except GogaekError as error:
        ui.notify(str(error), type="negative")
        return
    if link.partner_id is None:
        ask_for_partner(
            customer_id,
            f"'{link.customer_name}' 고객에 연결된 거래처가 없어 수주를 등록할 수 없습니다. "
            "고객정보의 거래처관리정보 탭에서 거래처를 만들거나 연결하세요.",
        )
        return
    await open_order_dialog(
        actor, partner_id=link.partner_id, partner_name=link.partner_name, customer_id=customer_id
    )
