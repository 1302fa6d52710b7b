"""Click-to-dial (전화걸기, Centrex `clickdial`) and 문자보내기 (Centrex `smssend`): the dial button
(call popup), the SMS compose dialog, and both as phone actions (`register`), so every number the
customer, card and reception screens show through pages.components.phone_actions offers them."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, ValidationError
from core.korean import format_phone, josa, phone_digits
from models.telephony import SmsStatus
from pages.components.dialogs import TransientDialog, confirm
from pages.components.forms import FieldErrors
from pages.components.leave_guard import FormGuard
from pages.components.phone_actions import PHONE_ACTIONS, PhoneAction, PhoneOwner
from pages.components.save_action import SaveAction
from services import centrex_users, sms
from services.centrex_client import CentrexError


def is_mobile(number: str) -> bool:
    return bool(sms.MOBILE.match(phone_digits(number)))


async def dial(actor: Actor, number: str) -> None:
    """Ring the signed-in staff member's phone, then connect it to `number`. Sent once per
    gesture (services.centrex_users.click_dial); a request without an answer is never re-sent."""
    try:
        digits = await centrex_users.click_dial(by=actor, number=number)
    except (ValidationError, centrex_users.DialAlreadyRequested) as error:
        ui.notify(str(error), type="warning")
        return
    except CentrexError as error:
        if error.maybe_delivered:
            ui.notify(
                f"전화걸기 결과 모름: {error} 요청이 전달됐을 수 있으니 내 전화기가 울리는지 보세요. "
                "울리지 않으면 잠시 뒤 다시 누르세요.",
                type="warning",
                multi_line=True,
            )
        else:
            ui.notify(f"전화걸기 실패: {error}", type="negative", multi_line=True)
        return
    except GogaekError as error:
        ui.notify(f"전화걸기 실패: {error}", type="negative", multi_line=True)
        return
    ui.notify(
        f"내 전화기가 울리면 받으세요. {format_phone(digits)}{josa(format_phone(digits), '으로')} 연결합니다.",
        type="positive",
    )


def dial_button(actor: Actor, number: str) -> ui.button:
    """전화걸기, busy from the first click until the server has its answer."""

    async def press() -> None:
        if button.props.get("loading"):
            return
        button.props("loading")
        try:
            await dial(actor, number)
        finally:
            button.props(remove="loading")

    button = ui.button(icon="phone", on_click=press)
    button.props(f'flat round dense size=sm color=primary aria-label="{format_phone(number)} 전화걸기"')
    button.tooltip(f"{format_phone(number)} 전화걸기")
    return button.mark("dial")


async def open_sms_dialog(actor: Actor, destination: str = "", owner: PhoneOwner | None = None) -> None:
    """Compose and send one SMS/LMS, with a live byte counter. Nothing is re-sent automatically.
    The message is recorded with the customer or card it was sent to (`owner`)."""
    owner = owner or PhoneOwner()
    line = await sms.sender_line(actor)
    remaining = await sms.last_remaining()
    with TransientDialog() as dialog, ui.card().classes("w-[420px] max-w-full gap-2"):
        dialog.props("persistent")
        title = "문자보내기" + (f" — {owner.name}" if owner.name else "")
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
        state = {"sent_unknown": False}

        def show_size(value: str) -> None:
            size = sms.measure(value)
            size_label.set_text(size.label)
            too_long = not size.kind or bool(size.unsendable)
            size_label.classes(
                replace="text-caption self-end " + ("text-negative" if too_long else "text-grey-8")
            )

        show_size("")

        async def send() -> None:
            """One gesture, one message: 보내기 is busy until the answer and its token makes a
            repeated gesture return the message already sent."""
            if state["sent_unknown"] and not await confirm(
                "바로 전에 보낸 문자의 결과를 알 수 없습니다. 받는 분이 이미 받았을 수 있습니다. 그래도 다시 보낼까요?",
                action="다시 보내기",
            ):
                return
            try:
                message = await sms.send_sms(
                    by=actor,
                    destination=to.value or "",
                    text=text.value or "",
                    customer_id=owner.customer_id,
                    card_id=owner.card_id,
                    form_token=send_button.form_token,
                )
            except GogaekError as error:
                errors.refuse(error)
                return
            errors.clear()
            send_button.renew()  # sending again (after a failure, or 결과 모름 and a yes) is a new message
            if message.status == SmsStatus.SENT:
                ui.notify(sms.describe(message), type="positive")
                dialog.close()
                return
            outcome.set_text(sms.describe(message))
            outcome.classes(remove="hidden")
            if message.status == SmsStatus.UNKNOWN:
                state["sent_unknown"] = True
                guard.saved()  # it may have gone: closing now throws nothing away
                send_button.set_text("다시 보내기")
            else:
                ui.notify(sms.describe(message), type="negative", multi_line=True)

        async def close() -> None:
            if await guard.may_close():
                dialog.close()

        with ui.row().classes("w-full justify-end"):
            send_button = SaveAction(send, text="보내기", icon="send").mark("sms-send")
            ui.button("닫기", on_click=close).props("flat").mark("sms-close")
    guard = FormGuard(
        dialog, snapshot=lambda: (text.value or "").strip(), question="작성 중인 문자를 보내지 않고 닫을까요?"
    )
    dialog.open()


DIAL = PhoneAction(
    "전화걸기",
    "phone",
    frozenset({"phone", "mobile", "any"}),
    lambda actor, number, _owner: dial(actor, number),
    missing="걸 전화번호가 없습니다.",
    mark="dial",
)
SMS = PhoneAction(
    "문자보내기",
    "sms",
    frozenset({"mobile", "any"}),
    open_sms_dialog,
    accepts=is_mobile,
    missing="문자는 휴대폰 번호(010 등)로만 보낼 수 있습니다.",
    mark="sms",
)


def register() -> None:
    """Offer 전화걸기 and 문자보내기 next to every number shown through pages.components.phone_actions."""
    for action in (DIAL, SMS):
        if action not in PHONE_ACTIONS:
            PHONE_ACTIONS.append(action)
