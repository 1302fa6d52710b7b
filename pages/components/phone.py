"""Click-to-dial (전화걸기, Centrex `clickdial`) and 문자보내기 (Centrex `smssend`) for any screen
that shows a phone number: a number with its buttons (`PhoneNumber`), the single buttons, entries
for a right-click menu (`phone_menu_items`) and the SMS compose dialog (`open_sms_dialog`)."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, ValidationError
from core.korean import format_phone, phone_digits
from models.telephony import SmsStatus
from pages.components.dialogs import TransientDialog, confirm
from pages.components.forms import FieldErrors
from services import centrex_users, sms


def is_mobile(number: str) -> bool:
    return bool(sms.MOBILE.match(phone_digits(number)))


async def dial(actor: Actor, number: str) -> None:
    """Ring the signed-in staff member's phone, then connect it to `number`."""
    try:
        digits = await centrex_users.click_dial(by=actor, number=number)
    except ValidationError as error:
        ui.notify(str(error), type="warning")
        return
    except GogaekError as error:
        ui.notify(f"전화걸기 실패: {error}", type="negative", multi_line=True)
        return
    ui.notify(f"내 전화기가 울리면 받으세요. {format_phone(digits)}(으)로 연결합니다.", type="positive")


def dial_button(actor: Actor, number: str) -> ui.button:
    button = ui.button(icon="phone", on_click=lambda: dial(actor, number))
    button.props("flat round dense size=sm color=primary").tooltip(f"{format_phone(number)} 전화걸기")
    return button.mark("dial")


def sms_button(
    actor: Actor,
    number: str,
    *,
    recipient: str = "",
    customer_id: int | None = None,
    card_id: int | None = None,
) -> ui.button:
    button = ui.button(
        icon="sms",
        on_click=lambda: open_sms_dialog(
            actor, number, recipient=recipient, customer_id=customer_id, card_id=card_id
        ),
    )
    button.props("flat round dense size=sm color=primary").tooltip("문자보내기")
    return button.mark("sms")


class PhoneNumber(ui.row):
    """A phone number as text, with 전화걸기 and (for mobiles) 문자보내기 next to it."""

    def __init__(
        self,
        actor: Actor,
        number: str,
        *,
        recipient: str = "",
        customer_id: int | None = None,
        card_id: int | None = None,
    ) -> None:
        super().__init__()
        self.classes("items-center gap-0 no-wrap")
        with self:
            ui.label(format_phone(number)).classes("mr-1")
            if len(phone_digits(number)) >= 3:
                dial_button(actor, number)
            if is_mobile(number):
                sms_button(actor, number, recipient=recipient, customer_id=customer_id, card_id=card_id)


def phone_menu_items(
    actor: Actor,
    number: str,
    *,
    recipient: str = "",
    customer_id: int | None = None,
    card_id: int | None = None,
) -> None:
    """전화걸기 / 문자보내기 entries, to put inside a ui.context_menu or ui.menu."""
    ui.menu_item("전화걸기", on_click=lambda: dial(actor, number)).mark("menu-dial")
    ui.menu_item(
        "문자보내기",
        on_click=lambda: open_sms_dialog(
            actor, number, recipient=recipient, customer_id=customer_id, card_id=card_id
        ),
    ).mark("menu-sms")


async def open_sms_dialog(
    actor: Actor,
    destination: str = "",
    *,
    recipient: str = "",
    customer_id: int | None = None,
    card_id: int | None = None,
) -> None:
    """Compose and send one SMS/LMS, with a live byte counter. Nothing is re-sent automatically."""
    line = await sms.sender_line(actor)
    remaining = await sms.last_remaining()
    with TransientDialog() as dialog, ui.card().classes("w-[420px] max-w-full gap-2"):
        dialog.props("persistent")
        title = "문자보내기" + (f" — {recipient}" if recipient else "")
        ui.label(title).classes("text-h6")
        sender = f"보내는 번호 {format_phone(line.number070)}" if line else "보낼 센트릭스 회선이 없습니다"
        quota = f" · 남은 건수 {remaining:,}" if remaining is not None else ""
        ui.label(sender + quota).classes("text-caption text-grey-8")
        to = (
            ui.input("받는 사람 휴대폰", value=format_phone(destination) if destination else "")
            .props("outlined dense")
            .classes("w-full")
            .mark("sms-destination")
        )
        text = (
            ui.textarea("내용", on_change=lambda e: show_size(e.value or ""))
            .props("outlined autogrow")
            .classes("w-full")
            .mark("sms-text")
        )
        size_label = ui.label().classes("text-caption self-end").mark("sms-size")
        outcome = ui.label().classes("text-warning text-body2 hidden").mark("sms-outcome")
        errors = FieldErrors({"destination": to, "text": text})
        state = {"sent_unknown": False, "sending": False}

        def show_size(value: str) -> None:
            size = sms.measure(value)
            size_label.set_text(size.label)
            too_long = not size.kind or bool(size.unsendable)
            size_label.classes(
                replace="text-caption self-end " + ("text-negative" if too_long else "text-grey-8")
            )

        show_size("")

        async def send() -> None:
            if state["sending"]:
                return
            if state["sent_unknown"] and not await confirm(
                "바로 전에 보낸 문자의 결과를 알 수 없습니다. 받는 분이 이미 받았을 수 있습니다. 그래도 다시 보낼까요?",
                action="다시 보내기",
            ):
                return
            state["sending"] = True
            send_button.props("loading")
            try:
                message = await sms.send_sms(
                    by=actor,
                    destination=to.value or "",
                    text=text.value or "",
                    customer_id=customer_id,
                    card_id=card_id,
                )
            except ValidationError as error:
                errors.show(error.fields)
                return
            except GogaekError as error:
                ui.notify(str(error), type="negative", multi_line=True)
                return
            finally:
                state["sending"] = False
                send_button.props(remove="loading")
            errors.clear()
            if message.status == SmsStatus.SENT:
                ui.notify(sms.describe(message), type="positive")
                dialog.close()
                return
            outcome.set_text(sms.describe(message))
            outcome.classes(remove="hidden")
            if message.status == SmsStatus.UNKNOWN:
                state["sent_unknown"] = True
                send_button.set_text("다시 보내기")
            else:
                ui.notify(sms.describe(message), type="negative", multi_line=True)

        async def close() -> None:
            unsent = (text.value or "").strip() and not state["sent_unknown"]
            if unsent and not await confirm("작성 중인 문자를 보내지 않고 닫을까요?", action="닫기"):
                return
            dialog.close()

        with ui.row().classes("w-full justify-end"):
            send_button = ui.button("보내기", icon="send", on_click=send).mark("sms-send")
            ui.button("닫기", on_click=close).props("flat").mark("sms-close")
    dialog.open()
