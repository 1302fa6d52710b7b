"""AS접수내용 작성: the reception form, as a dialog usable from any screen (log, customer window,
call popup)."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, StaleRecordError, ValidationError
from core.korean import format_datetime, format_phone, phone_digits
from models.attachment import AttachmentSlot
from models.codes import CodeKind
from models.reception import CallSource, Direction, ReceptionState
from pages.components import customer_picker
from pages.components.attachments import AttachmentBox
from pages.components.change_history import change_history_button
from pages.components.conflicts import keep_my_work
from pages.components.dialogs import TransientDialog
from pages.components.forms import FieldErrors
from pages.components.input_limits import limit_text
from pages.components.leave_guard import FormGuard
from pages.components.phone_actions import PhoneOwner, phone_input_actions
from pages.components.save_action import SaveAction
from pages.sales.orders import open_new_order
from services import codes, phone_directory, receptions
from services import staff as staff_service
from services.receptions import CustomerBrief, ReceptionInput

SOURCE_LABELS = {CallSource.MANUAL: "직접 입력", CallSource.CTI: "CTI", CallSource.CENTREX: "센트릭스"}
STATE_OPTIONS = {state.value: state.value for state in ReceptionState}
DIRECTION_OPTIONS = {direction.value: direction.value for direction in Direction}


@dataclass(frozen=True)
class ReceptionPrefill:
    """What a new reception typed by hand starts with (a reception from a call starts from
    services.receptions.draft_from_call instead)."""

    phone: str = ""
    customer_id: int | None = None
    contact_name: str = ""


def customer_label(customer: CustomerBrief | None) -> str:
    return f"{customer.company_name} ({customer.code})" if customer else ""


async def pick_customer(initial_text: str = "") -> CustomerBrief | None:
    """The customer picker, answering with the fields the form copies from the customer."""
    chosen = await customer_picker.pick_customer(initial_text=initial_text)
    return await receptions.customer_brief(chosen.id) if chosen else None


async def _code_options(kind: CodeKind, *, parent_id: int | None = None, keep: int | None = None) -> dict:
    """Active codes, plus the one a stored reception still uses (even if it was deactivated)."""
    rows = await codes.list_codes(kind, parent_id=parent_id)
    return {c.id: c.name for c in rows if c.active or c.id == keep}


async def _staff_options(*keep: int | None) -> dict:
    return {s.id: s.name for s in await staff_service.list_staff() if s.active or s.id in keep}


class ReceptionForm:
    """The dialog's contents and behaviour. One instance per opened form."""

    def __init__(
        self,
        actor: Actor,
        reception_id: int | None,
        on_saved: Callable[[int], Awaitable[None] | None] | None,
    ) -> None:
        self.actor = actor
        self.reception_id = reception_id
        self.version: int | None = None
        self.on_saved = on_saved
        self.customer: CustomerBrief | None = None
        self.source = CallSource.MANUAL
        self.call_event_id: int | None = None

    async def build(self, data: ReceptionInput, *, title_suffix: str = "") -> TransientDialog:
        self.source, self.call_event_id = data.source, data.call_event_id
        types = await _code_options(CodeKind.RECEPTION_TYPE, keep=data.reception_type_id)
        routes = await _code_options(CodeKind.RECEPTION_ROUTE, keep=data.route_id)
        large = await _code_options(CodeKind.RECEPTION_CATEGORY, keep=data.category_large_id)
        medium = (
            await _code_options(
                CodeKind.RECEPTION_CATEGORY, parent_id=data.category_large_id, keep=data.category_medium_id
            )
            if data.category_large_id
            else {}
        )
        small = (
            await _code_options(
                CodeKind.RECEPTION_CATEGORY, parent_id=data.category_medium_id, keep=data.category_small_id
            )
            if data.category_medium_id
            else {}
        )
        people = await _staff_options(data.receiver_id, data.processor_id)
        if data.customer_id:
            self.customer = await receptions.customer_brief(data.customer_id)

        dense = "outlined dense"
        with (
            TransientDialog().props("persistent") as self.dialog,
            ui.card().classes("w-[980px] max-w-full gap-2 p-3"),
        ):
            with ui.row().classes("w-full items-center gap-2"):
                ui.label("AS접수내용 작성").classes("text-h6")
                self.title = (
                    ui.label(title_suffix).classes("text-subtitle2 text-grey-7").mark("reception-title")
                )
                ui.space()
                ui.label(f"출처: {SOURCE_LABELS[self.source]}").classes("text-caption text-grey-7")
            with ui.grid().classes("w-full gap-2 grid-cols-1 sm:grid-cols-2 md:grid-cols-4"):
                self.received_at = (
                    ui.input(
                        "접수일시 *", value=format_datetime(parse_or_none(data.received_at), seconds=True)
                    )
                    .props(dense + ' placeholder="2016-09-21 14:59:31"')
                    .mark("reception-received-at")
                )
                self.direction = ui.select(
                    DIRECTION_OPTIONS, label="수신/발신", value=Direction(data.direction).value
                ).props(dense)
                self.state = (
                    ui.select(STATE_OPTIONS, label="처리유무", value=ReceptionState(data.state).value)
                    .props(dense)
                    .mark("reception-state")
                )
                self.receiver = (
                    ui.select(people, label="접수자 *", value=data.receiver_id, clearable=True)
                    .props(dense)
                    .mark("reception-receiver")
                )
                self.phone = ui.input("전화번호", value=data.phone).props(dense).mark("reception-phone")
                phone_input_actions(self.actor, self.phone, "any", self._phone_owner)
                self.extension = (
                    ui.input("내선", value=data.extension).props(dense).mark("reception-extension")
                )
                with ui.row().classes("items-start no-wrap gap-1 md:col-span-2"):
                    self.customer_field = (
                        ui.input("고객", value=customer_label(self.customer))
                        .props(dense + " readonly")
                        .classes("grow")
                        .mark("reception-customer")
                    )
                    ui.button(icon="search", on_click=self.choose_customer).props(
                        'dense flat aria-label="고객 찾기"'
                    ).tooltip("고객 찾기").mark("reception-pick-customer")
                    ui.button(icon="close", on_click=self.clear_customer).props("dense flat").tooltip(
                        "고객 연결 해제"
                    )
                self.contact = (
                    ui.input("담당자", value=data.contact_name).props(dense).mark("reception-contact")
                )
                self.reception_type = (
                    ui.select(types, label="접수구분", value=data.reception_type_id, clearable=True)
                    .props(dense)
                    .mark("reception-type")
                )
                self.route = (
                    ui.select(routes, label="접수경로", value=data.route_id, clearable=True)
                    .props(dense)
                    .mark("reception-route")
                )
            # a known customer's number, typed: that customer, one click away
            self.number_owners = ui.row().classes("w-full items-center gap-1").mark("reception-number-owners")
            self.number_owners.set_visibility(False)
            with ui.grid().classes("w-full gap-2 grid-cols-1 sm:grid-cols-3"):
                self.category_large = (
                    ui.select(large, label="접수분류 (대)", value=data.category_large_id, clearable=True)
                    .props(dense)
                    .mark("reception-category-large")
                )
                self.category_medium = (
                    ui.select(medium, label="중분류", value=data.category_medium_id, clearable=True)
                    .props(dense)
                    .mark("reception-category-medium")
                )
                self.category_small = (
                    ui.select(small, label="일반분류", value=data.category_small_id, clearable=True)
                    .props(dense)
                    .mark("reception-category-small")
                )
            with ui.grid().classes("w-full gap-2 grid-cols-1 md:grid-cols-2"):
                with ui.column().classes("gap-1"):
                    self.inquiry = limit_text(
                        ui.textarea("접수내용 (고객 문의)", value=data.inquiry)
                        .props(dense + " autogrow input-style='min-height: 7em'")
                        .classes("w-full")
                        .mark("reception-inquiry"),
                        receptions.MAX_TEXT,
                    )
                    self.inquiry_files = AttachmentBox(
                        self.actor, AttachmentSlot.RECEPTION_INQUIRY, self.reception_id, label="접수내용 첨부"
                    )
                with ui.column().classes("gap-1"):
                    self.answer = limit_text(
                        ui.textarea("처리답변", value=data.answer)
                        .props(dense + " autogrow input-style='min-height: 7em'")
                        .classes("w-full")
                        .mark("reception-answer"),
                        receptions.MAX_TEXT,
                    )
                    self.answer_files = AttachmentBox(
                        self.actor, AttachmentSlot.RECEPTION_ANSWER, self.reception_id, label="처리답변 첨부"
                    )
            with ui.row().classes("w-full items-start gap-2"):
                self.processor = (
                    ui.select(people, label="처리자", value=data.processor_id, clearable=True)
                    .props(dense)
                    .classes("w-40")
                    .mark("reception-processor")
                )
                self.processed_at = (
                    ui.input(
                        "처리일시", value=format_datetime(parse_or_none(data.processed_at), seconds=True)
                    )
                    .props(dense + ' placeholder="완료하면 자동"')
                    .classes("w-52")
                    .mark("reception-processed-at")
                )
            ui.label(
                "* 표시는 꼭 입력해야 합니다. 처리유무를 완료로 저장하면 처리자·처리일시가 비어 있을 때 나와 지금으로 채워집니다."
            ).classes("text-caption text-grey-7")
            with ui.row().classes("w-full items-center gap-1"):
                ui.button("주문등록", icon="shopping_cart", on_click=self.new_order).props(
                    "flat dense no-caps"
                ).mark("reception-order")
                ui.button("고객번호", icon="link", on_click=self.link_number).props(
                    "flat dense no-caps"
                ).tooltip("이 전화번호를 고객에 연결: 다음 전화부터 이 고객으로 표시").mark(
                    "reception-link-number"
                )
                ui.space()
                self.save_action = (
                    SaveAction(self.save, icon="save").props("unelevated").mark("reception-save")
                )
                change_history_button("reception", lambda: self.reception_id)
                ui.button("닫기", on_click=self.close).props("flat").mark("reception-close")

        self.errors = FieldErrors(
            {
                "received_at": self.received_at,
                "state": self.state,
                "receiver": self.receiver,
                "phone": self.phone,
                "extension": self.extension,
                "customer": self.customer_field,
                "contact_name": self.contact,
                "reception_type": self.reception_type,
                "route": self.route,
                "category_large": self.category_large,
                "category_medium": self.category_medium,
                "category_small": self.category_small,
                "inquiry": self.inquiry,
                "answer": self.answer,
                "processor": self.processor,
                "processed_at": self.processed_at,
            }
        )
        self.category_large.on_value_change(self._large_changed)
        self.phone.on_value_change(self._offer_number_owners)
        self.category_medium.on_value_change(self._medium_changed)
        self.leave_guard = FormGuard(self.dialog, snapshot=self._snapshot)
        self.dialog.open()
        if data.phone and not data.customer_id:  # a call's number (several customers share it…)
            await self._offer_number_owners()
        return self.dialog

    # -- values ------------------------------------------------------------------------------

    def _snapshot(self) -> dict[str, Any]:
        fields = (
            self.received_at,
            self.direction,
            self.state,
            self.receiver,
            self.phone,
            self.extension,
            self.contact,
            self.reception_type,
            self.route,
            self.category_large,
            self.category_medium,
            self.category_small,
            self.inquiry,
            self.answer,
            self.processor,
            self.processed_at,
        )
        values = {str(i): element.value for i, element in enumerate(fields)}
        values["customer"] = self.customer.id if self.customer else None
        values["pending"] = len(self.inquiry_files.pending) + len(self.answer_files.pending)
        return values

    def _input(self) -> ReceptionInput:
        return ReceptionInput(
            received_at=self.received_at.value or "",
            direction=Direction(self.direction.value),
            phone=self.phone.value or "",
            extension=self.extension.value or "",
            customer_id=self.customer.id if self.customer else None,
            contact_name=self.contact.value or "",
            reception_type_id=self.reception_type.value,
            route_id=self.route.value,
            category_large_id=self.category_large.value,
            category_medium_id=self.category_medium.value,
            category_small_id=self.category_small.value,
            state=ReceptionState(self.state.value),
            inquiry=self.inquiry.value or "",
            answer=self.answer.value or "",
            receiver_id=self.receiver.value,
            processor_id=self.processor.value,
            processed_at=self.processed_at.value or None,
            source=self.source,
            call_event_id=self.call_event_id,
        )

    async def _large_changed(self) -> None:
        parent = self.category_large.value
        self.category_medium.set_options(
            await _code_options(CodeKind.RECEPTION_CATEGORY, parent_id=parent) if parent else {}, value=None
        )
        self.category_small.set_options({}, value=None)

    async def _medium_changed(self) -> None:
        parent = self.category_medium.value
        self.category_small.set_options(
            await _code_options(CodeKind.RECEPTION_CATEGORY, parent_id=parent) if parent else {}, value=None
        )

    # -- actions -----------------------------------------------------------------------------

    def _set_customer(self, customer: CustomerBrief | None) -> None:
        self.customer = customer
        self.customer_field.value = customer_label(customer)
        if customer:
            self.number_owners.set_visibility(False)
        if customer and not self.contact.value and customer.contact_name:
            self.contact.value = customer.contact_name

    async def choose_customer(self) -> CustomerBrief | None:
        digits = phone_digits(self.phone.value)
        chosen = await pick_customer(self.contact.value if not digits else digits[-4:])
        if chosen:
            self._set_customer(chosen)
        return chosen

    async def _offer_number_owners(self) -> None:
        """While no customer is chosen, the customers the typed number belongs to are offered."""
        typed = self.phone.value or ""
        owners = [] if self.customer else await receptions.customers_with_number(typed)
        if (self.phone.value or "") != typed:  # typed on meanwhile: the newer lookup answers
            return
        self.number_owners.clear()
        with self.number_owners:
            if owners:
                ui.label("이 번호의 고객:").classes("text-caption text-grey-8")
            for owner in owners:
                ui.button(
                    customer_label(owner), icon="person", on_click=lambda o=owner: self._set_customer(o)
                ).props("dense flat no-caps").tooltip("이 고객으로 접수").mark("reception-number-owner")
        self.number_owners.set_visibility(bool(owners))

    def _phone_owner(self) -> PhoneOwner:
        name = self.contact.value or (self.customer.company_name if self.customer else "")
        return PhoneOwner(name, self.customer.id if self.customer else None)

    async def clear_customer(self) -> None:
        self._set_customer(None)
        await self._offer_number_owners()

    async def _reapply(self, latest_version: int) -> bool:
        self.version = latest_version  # my input on top of what is stored now
        return await self.save()

    async def _reload(self) -> None:
        assert self.reception_id is not None
        self.leave_guard.release()
        self.dialog.close()  # and deleted: the latest version opens on the page itself
        with self.dialog.client.layout:
            await open_reception_form(self.actor, reception_id=self.reception_id, on_saved=self.on_saved)

    async def save(self) -> bool:
        self.errors.clear()
        try:
            reception = await receptions.save_reception(
                self._input(),
                by=self.actor,
                reception_id=self.reception_id,
                version=self.version,
                form_token=self.save_action.form_token,
            )
        except ValidationError as error:
            self.errors.show(error.fields)
            return False
        except StaleRecordError as error:
            reload = self._reload if self.reception_id is not None else None
            return bool(await keep_my_work(error, self.errors.fields, reapply=self._reapply, reload=reload))
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return False
        created = self.reception_id is None
        self.reception_id, self.version = reception.id, reception.version
        if created:
            await self.inquiry_files.store_pending(reception.id)
            await self.answer_files.store_pending(reception.id)
        # show what the service filled in (완료 → 처리자, 처리일시; formatted phone)
        detail = await receptions.get_reception(reception.id)
        self.phone.value = detail.data.phone
        self.processor.value = detail.data.processor_id
        self.processed_at.value = format_datetime(parse_or_none(detail.data.processed_at), seconds=True)
        self.title.set_text(f"접수 #{reception.id}")
        self.leave_guard.saved()
        ui.notify("저장했습니다.", type="positive")
        if self.on_saved:
            result = self.on_saved(reception.id)
            if inspect.isawaitable(result):
                await result
        return True

    async def close(self) -> None:
        if await self.leave_guard.may_close():
            self.dialog.close()

    async def link_number(self) -> None:
        """고객번호: calls from this number will show this customer from now on."""
        if len(phone_digits(self.phone.value)) < phone_directory.MIN_SEARCH_DIGITS:
            self.errors.show({"phone": "연결할 전화번호를 먼저 입력하세요."})
            return
        customer = self.customer or await self.choose_customer()
        if customer is None:
            return
        try:
            await phone_directory.link_number(self.phone.value, customer.id, by=self.actor)
        except ValidationError as error:
            self.errors.show(error.fields)
            return
        except GogaekError as error:
            ui.notify(str(error), type="negative")
            return
        ui.notify(
            f"{format_phone(self.phone.value)} 번호를 {customer.company_name}에 연결했습니다. "
            "다음 전화부터 이 고객으로 표시됩니다.",
            type="positive",
            multi_line=True,
        )

    async def new_order(self) -> None:
        if self.customer is None:
            ui.notify("주문을 등록할 고객을 먼저 선택하세요.", type="warning")
            return
        await open_new_order(self.actor, self.customer.id)


def parse_or_none(value: dt.datetime | str | None) -> dt.datetime | None:
    try:
        return receptions.parse_datetime(value)
    except ValueError:
        return None


async def open_reception_form(
    actor: Actor,
    *,
    reception_id: int | None = None,
    prefill: ReceptionPrefill | None = None,
    call_id: int | None = None,
    on_saved: Callable[[int], Awaitable[None] | None] | None = None,
) -> ReceptionForm | None:
    """Open the form for an existing reception, a new one written from the call `call_id`, or a
    new one starting from `prefill`."""
    form = ReceptionForm(actor, reception_id, on_saved)
    try:
        if reception_id is not None:
            detail = await receptions.get_reception(reception_id)
            form.version = detail.version
            await form.build(detail.data, title_suffix=f"접수 #{reception_id}")
            return form
        if call_id is not None:
            data = await receptions.draft_from_call(call_id, by=actor)
            await form.build(data, title_suffix="새 접수")
            return form
    except GogaekError as error:
        ui.notify(str(error), type="negative")
        return None
    prefill = prefill or ReceptionPrefill()
    phone = prefill.phone
    contact = prefill.contact_name
    if prefill.customer_id and not (phone and contact):
        customer = await receptions.customer_brief(prefill.customer_id)
        if customer:
            phone = phone or customer.phone or customer.mobile
            contact = contact or customer.contact_name
    data = ReceptionInput(
        received_at=dt.datetime.now().replace(microsecond=0),
        phone=format_phone(phone) if phone else "",
        customer_id=prefill.customer_id,
        contact_name=contact,
        receiver_id=actor.id,
    )
    await form.build(data, title_suffix="새 접수")
    return form
