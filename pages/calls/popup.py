"""The incoming-call popup on every signed-in screen (docs/telephony.md, "One call, one popup").

Installed through pages.frame.FRAME_HOOKS: every signed-in page gets a stack in its top-right
corner, and a 최근 수신 전화 button to find a missed call again. The call bus resolves a call
once; its popup data is built once and then pushed to the browsers it is meant for. Several calls
stack (newest on top) instead of replacing each other."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from html import escape

from nicegui import app, ui
from nicegui.client import Client

from core.audit import Actor
from core.errors import GogaekError
from core.korean import format_amount, format_datetime, josa
from pages.calls.dial_and_sms import dial_button
from pages.components.customer_picker import pick_customer
from pages.components.dialogs import TransientDialog, confirm
from pages.customers.links import customer_url
from pages.receptions.form import open_reception_form
from services import call_popup
from services.call_popup import CallPopup, Candidate, ReceptionLine
from services.telephony_settings import PopupTarget
from telephony import runtime
from telephony.bus import IncomingCall

log = logging.getLogger(__name__)

MAX_CARDS = 5
MAX_REMEMBERED_CALLS = 200
STATE_COLORS = {"미처리": "negative", "보류": "warning", "완료": "positive"}
# waits out the delay before the others' popups (mode 'extension first'); tests hold it instead
sleep = asyncio.sleep

_stacks: dict[str, PopupStack] = {}  # client id → that browser tab's stack
_cards: dict[int, list[CallCard]] = {}  # call event id → its cards on every screen
_taken: dict[int, str] = {}  # call event id → who is writing (or wrote) its reception, as shown


def _on_open_screen(element: ui.element) -> bool:
    try:
        return not element.is_deleted and element.client.id in Client.instances
    except RuntimeError:  # its browser tab is gone
        return False


def reception_lines_html(lines: Iterable[ReceptionLine]) -> str:
    """The popup's recent receptions, every text escaped (they are typed by people)."""
    return "".join(
        '<div class="row w-full gap-2 no-wrap items-center">'
        f'<span class="text-grey-8 whitespace-nowrap">{escape(format_datetime(line.received_at)[2:])}</span>'
        f'<span class="whitespace-nowrap">{escape(line.type_name)}</span>'
        f'<span class="ellipsis flex-1 min-w-0">{escape(line.inquiry)}</span>'
        '<span class="q-badge flex inline items-center no-wrap q-badge--single-line q-badge--outline'
        f' text-{STATE_COLORS.get(line.state, "grey")}">{escape(line.state)}</span></div>'
        for line in lines
    )


class CallCard(ui.card):
    def __init__(self, stack: PopupStack, popup: CallPopup) -> None:
        super().__init__()
        self.stack = stack
        self.popup = popup
        self.classes("w-[400px] max-w-[92vw] p-2 gap-1 shadow-10")
        self.style("border-left: 4px solid var(--q-primary)")
        self.mark("call-popup")
        _cards.setdefault(popup.event_id, []).append(self)
        self.render()

    def render(self) -> None:
        popup, actor = self.popup, self.stack.actor
        self.clear()
        with self:
            with ui.row().classes("w-full items-center gap-1 no-wrap"):
                ui.icon("phone_in_talk", color="primary").classes("text-xl")
                ui.label(popup.display_number).classes("text-subtitle1 text-weight-bold").mark(
                    "call-popup-number"
                )
                detail = f"{popup.occurred_at:%H:%M:%S} · {popup.source_label}"
                if popup.extension:
                    detail += f" · 내선 {popup.extension}"
                ui.label(detail).classes("text-caption text-grey-7")
                ui.space()
                ui.button(icon="close", on_click=self.dismiss).props(
                    'flat round dense size=sm aria-label="전화 알림 닫기"'
                ).mark("call-popup-close")
            customer = popup.customer
            if customer:
                with ui.row().classes("w-full items-center gap-2"):
                    ui.label(customer.name).classes("text-h6 text-primary leading-tight").mark(
                        "call-popup-customer"
                    )
                    ui.label(customer.code).classes("text-caption text-grey-7")
                    if customer.status:
                        ui.badge(customer.status, color="blue-grey").props("outline")
                facts = []
                if customer.staff:
                    facts.append(f"담당 {customer.staff}")
                if customer.classifications:
                    facts.append("분류 " + "/".join(customer.classifications))
                person = popup.card_person or customer.contact_name
                if person:
                    facts.append(f"담당자 {person}")
                if facts:
                    ui.label(" · ".join(facts)).classes("text-body2")
                with ui.row().classes("w-full gap-3 text-body2"):
                    ui.label(f"외상잔액 {format_amount(customer.balance)}원").mark("call-popup-balance")
                    ui.label(popup.maintenance).mark("call-popup-maintenance")
            else:
                if not popup.digits:
                    unknown = popup.number  # 발신번호 표시 제한 / 발신번호 없음
                else:
                    unknown = "여러 고객의 번호" if popup.number_shared else "미등록 번호"
                ui.label(unknown).classes("text-h6 text-negative leading-tight").mark("call-popup-unknown")
                if popup.card_person:
                    company = f" ({popup.card_company})" if popup.card_company else ""
                    ui.label(f"명함: {popup.card_person}{company}").classes("text-body2")
                if popup.caller_name:
                    ui.label(f"발신자 이름: {popup.caller_name}").classes("text-body2")
                if popup.candidates and popup.number_shared:
                    ui.label("이 번호를 쓰는 고객 (눌러서 이 번호를 연결):").classes(
                        "text-caption text-grey-8"
                    )
                    with ui.row().classes("gap-1"):
                        for candidate in popup.candidates[:5]:
                            ui.button(
                                f"{candidate.name}",
                                on_click=lambda c=candidate: self.link(c.id),
                            ).props("outline dense no-caps size=sm").mark("call-popup-candidate")
                elif popup.candidates:  # only a resemblance: a suggestion to check, not a link
                    ui.label("비슷한 번호 (같은 고객인지 확인하세요):").classes("text-caption text-grey-8")
                    with ui.column().classes("w-full gap-0"):
                        for candidate in popup.candidates[:5]:
                            with (
                                ui.row()
                                .classes("w-full items-center gap-2 no-wrap text-body2")
                                .mark("call-popup-suggestion")
                            ):
                                ui.label(candidate.name).classes("ellipsis")
                                ui.label(candidate.matched_number).classes("text-grey-8 whitespace-nowrap")
                                ui.space()
                                ui.button("연결…", on_click=lambda c=candidate: self.confirm_link(c)).props(
                                    "flat dense no-caps size=sm"
                                ).mark("call-popup-candidate")
            self._receptions()
            self.taken_label = ui.label().classes("text-caption text-warning").mark("call-popup-taken")
            self.show_taken()
            with ui.row().classes("w-full items-center gap-1"):
                ui.button("접수작성", icon="edit_note", on_click=self.write_reception).props(
                    "dense unelevated no-caps"
                ).mark("call-popup-reception")
                info = ui.button(
                    "고객정보",
                    icon="business",
                    on_click=lambda: _open_customer_keeping_dialogs(customer.id if customer else None),
                ).props("dense outline no-caps")
                info.mark("call-popup-customer-open")
                if not customer:
                    info.disable()
                if popup.digits:  # a withheld number cannot be linked nor called back
                    ui.button("번호연결", icon="link", on_click=self.open_link_dialog).props(
                        "dense outline no-caps"
                    ).mark("call-popup-link")
                    ui.space()
                    dial_button(actor, popup.digits)

    def _receptions(self) -> None:
        popup = self.popup
        title = "최근 접수" if popup.customer else "이 번호의 이전 접수"
        if not popup.receptions:
            ui.label(f"{title}: 없음").classes("text-caption text-grey-7")
            return
        ui.label(f"{title} {len(popup.receptions):,}건").classes("text-caption text-grey-8")
        # one element for the lines, not five per line: a call builds this card on every open
        # screen at once, and each NiceGUI element costs a fraction of a millisecond
        ui.html(reception_lines_html(popup.receptions), sanitize=False).classes("w-full text-caption").mark(
            "call-popup-receptions"
        )

    def show_taken(self) -> None:
        notice = _taken.get(self.popup.event_id, "")
        self.taken_label.set_text(notice)
        self.taken_label.set_visibility(bool(notice))

    def _announce(self, notice: str, *, everywhere: bool) -> None:
        _taken[self.popup.event_id] = notice
        for card in list(_cards.get(self.popup.event_id, [])):
            if (everywhere or card is not self) and not card.is_deleted:
                with card:
                    card.show_taken()

    def dismiss(self) -> None:
        cards = _cards.get(self.popup.event_id, [])
        if self in cards:
            cards.remove(self)
        if not cards:
            _cards.pop(self.popup.event_id, None)
        self.delete()

    async def write_reception(self) -> None:
        actor = self.stack.actor
        if self.popup.event_id not in _taken:
            self._announce(f"{actor.name}님이 접수를 작성하고 있습니다.", everywhere=False)

        def saved(reception_id: int) -> None:
            self._announce(f"{actor.name}님이 접수를 저장했습니다.", everywhere=True)

        await open_reception_form(actor, call_id=self.popup.event_id, on_saved=saved)

    async def link(self, customer_id: int) -> None:
        try:
            popup = await call_popup.link_caller(
                event_id=self.popup.event_id, customer_id=customer_id, by=self.stack.actor
            )
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        name = popup.customer.name if popup.customer else ""
        ui.notify(
            f"{popup.display_number}{josa(popup.display_number, '을')} {name}에 연결했습니다. 다음 전화부터 이 고객으로 표시됩니다.",
            type="positive",
        )
        for card in list(_cards.get(popup.event_id, [])):  # this call's card on every open screen
            if card is self or _on_open_screen(card):
                card.popup = popup
                card.render()

    async def confirm_link(self, candidate: Candidate) -> None:
        number = f" ({candidate.matched_number})" if candidate.matched_number else ""
        question = (
            f"{self.popup.display_number}{josa(self.popup.display_number, '을')} {candidate.name}{number}의 번호로 연결할까요? "
            "다음 전화부터 이 고객으로 표시됩니다."
        )
        if await confirm(question, action="연결"):
            with self:
                await self.link(candidate.id)

    async def open_link_dialog(self) -> None:
        chosen = await pick_customer(
            f"번호연결: {self.popup.display_number}",
            note="이 번호로 오는 전화를 어느 고객으로 표시할지 고르세요.",
        )
        if chosen is not None:
            with self:  # the picker has gone: what follows happens on the card
                await self.link(chosen.id)


class PopupStack(ui.column):
    """One browser tab's popups, newest on top, at most MAX_CARDS."""

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.classes("gap-2 items-end max-h-[calc(100vh-80px)] overflow-auto")
        self.mark("call-popup-stack")

    def push(self, popup: CallPopup) -> CallCard:
        with self:
            card = CallCard(self, popup)
        card.move(self, target_index=0)
        cards = [c for c in self.default_slot.children if isinstance(c, CallCard)]
        for old in cards[MAX_CARDS:]:
            old.dismiss()
        return card


def _routes(call: IncomingCall) -> tuple[list[PopupStack], list[PopupStack]]:
    """Which screens get the popup now, and which a little later (extension_first)."""
    live = [stack for client in app.clients() if (stack := _stacks.get(client.id)) and not stack.is_deleted]
    mode = runtime.call_settings().popup_target
    if mode == PopupTarget.ALL or not call.staff_ids:
        return live, []
    theirs = [stack for stack in live if stack.actor.id in call.staff_ids]
    if not theirs:  # nobody with that extension is signed in: everybody, rather than nobody
        return live, []
    if mode == PopupTarget.EXTENSION_ONLY:
        return theirs, []
    return theirs, [stack for stack in live if stack not in theirs]


def _forget_closed_screens() -> None:
    """Cards of closed tabs and old 'taken' marks must not pile up in a server that runs for months."""
    for event_id, cards in list(_cards.items()):
        cards[:] = [card for card in cards if not card.is_deleted]
        if not cards:
            del _cards[event_id]
    for event_id in list(_taken)[:-MAX_REMEMBERED_CALLS]:
        del _taken[event_id]


def _push(stacks: list[PopupStack], popup: CallPopup) -> None:
    for stack in stacks:
        if stack.is_deleted or stack.client.id not in Client.instances:
            continue
        try:
            stack.push(popup)
        except Exception:
            log.exception("could not show the call popup on client %s", stack.client.id)


async def show_call(call: IncomingCall) -> None:
    """The bus subscriber: build the popup once, push it to the screens it is for."""
    popup = await call_popup.build_popup(
        event_id=call.event_id,
        number=call.number,
        digits=call.digits,
        extension=call.extension,
        occurred_at=call.occurred_at,
        source=call.source,
        caller_name=call.caller_name,
        match=call.match,
    )
    _forget_closed_screens()
    now, later = _routes(call)
    _push(now, popup)
    if later:
        await sleep(runtime.call_settings().others_delay_seconds)
        if call.event_id not in _taken:
            _push(later, popup)


def _recent_calls_dialog(stack: PopupStack) -> Callable[[], Awaitable[None]]:
    async def show() -> None:
        calls = await call_popup.recent_calls()
        with TransientDialog() as dialog, ui.card().classes("w-[560px] max-w-full"):
            ui.label("최근 수신 전화").classes("text-h6")
            if not calls:
                ui.label("수신된 전화가 없습니다.").classes("text-grey-7")
            with ui.list().props("dense separator").classes("w-full max-h-[60vh] overflow-auto"):
                for call in calls:

                    async def reopen(event_id=call.event_id) -> None:
                        dialog.close()
                        stack.push(await call_popup.popup_for_event(event_id))

                    with ui.item(on_click=reopen).props("clickable").mark("recent-call"):
                        with ui.item_section().props("side"):
                            ui.label(format_datetime(call.occurred_at)[5:]).classes("text-caption")
                        with ui.item_section():
                            ui.item_label(call.display_number)
                            if call.customer_name or call.has_number:
                                ui.item_label(call.customer_name or "미등록 번호").props("caption")
                        with ui.item_section().props("side"):
                            if call.missed:
                                ui.badge("부재중", color="negative").mark("recent-call-missed")
                        with ui.item_section().props("side"):
                            if call.reception_count:
                                ui.badge("접수됨", color="positive").props("outline")
                            else:
                                ui.badge("미접수", color="grey").props("outline")
            with ui.row().classes("w-full justify-end"):
                ui.button("닫기", on_click=dialog.close).props("flat")
        dialog.open()

    return show


# above Quasar's header and drawers (2000–3000) and its dialogs and menus (6000), below its
# tooltips and notifications (9000+)
TOP_LAYER_Z = 7000


def _top_layer(position: str, x_offset: int, y_offset: int) -> ui.page_sticky:
    """A corner of the screen that nothing covers: page content, sticky table headers, the
    header, the left menu and open dialogs all paint below it. A pressed button in it does not
    take the keyboard focus, so a form being typed in keeps its caret (an open dialog would
    otherwise pull the focus back to its first field)."""
    layer = ui.page_sticky(position, x_offset=x_offset, y_offset=y_offset)
    layer.style(f"z-index: {TOP_LAYER_Z}")
    layer.on("mousedown", js_handler="(event) => event.preventDefault()")
    return layer


def _open_customer_keeping_dialogs(customer_id: int | None) -> None:
    """고객정보 from the popup: a form open on this screen would be lost by leaving the page, so
    then the customer opens in a new tab."""
    elements = ui.context.client.elements.values()
    form_open = any(isinstance(element, ui.dialog) and element.value for element in elements)
    ui.navigate.to(customer_url(customer_id), new_tab=form_open)


def _install(actor: Actor) -> None:
    """Frame hook: runs inside every signed-in page."""
    client = ui.context.client
    with _top_layer("top-right", 12, 12):
        stack = PopupStack(actor)
    _stacks[client.id] = stack
    client.on_delete(lambda: _stacks.pop(client.id, None))
    with _top_layer("bottom-right", 16, 16):
        ui.button(icon="phone_callback", on_click=_recent_calls_dialog(stack)).props(
            'round dense color=primary aria-label="최근 수신 전화"'
        ).tooltip("최근 수신 전화").mark("recent-calls")


def register() -> None:
    from pages.frame import FRAME_HOOKS

    _stacks.clear()
    if _install not in FRAME_HOOKS:
        FRAME_HOOKS.append(_install)
    runtime.call_bus.subscribe("popup", show_call)
