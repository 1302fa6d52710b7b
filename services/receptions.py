"""접수 (AS) workflows: the reception record and its form, state transitions (접수처리, 접수보류),
a reception drafted from a call, and the customers the reception screens look up. The reception
log (고객관리's list, its paging and 엑셀저장) is in services/reception_log.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.errors import NotFound, ValidationError
from core.inputs import refuse, wrong_choices, wrong_ids, wrong_texts
from core.korean import format_phone, josa, phone_digits, phone_error
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.reception import CallSource, Direction, Reception, ReceptionState
from models.staff import Staff
from models.telephony import CallEvent, CallEventSource
from services import calls, codes, phone_directory
from services.submissions import already_made, create_once

MAX_TEXT = 20_000


@dataclass
class ReceptionInput:
    """What the form sends. Date-times may come as typed text; the service parses and checks them."""

    received_at: dt.datetime | str | None
    direction: Direction = Direction.INBOUND
    phone: str = ""
    extension: str = ""
    customer_id: int | None = None
    contact_name: str = ""
    reception_type_id: int | None = None
    route_id: int | None = None
    category_large_id: int | None = None
    category_medium_id: int | None = None
    category_small_id: int | None = None
    state: ReceptionState = ReceptionState.PENDING
    inquiry: str = ""
    answer: str = ""
    receiver_id: int | None = None
    processor_id: int | None = None
    processed_at: dt.datetime | str | None = None
    # only used when the reception is created (a call popup passes them)
    source: CallSource = CallSource.MANUAL
    call_event_id: int | None = None


@dataclass
class ReceptionDetail:
    """A stored reception as the form shows it."""

    id: int
    version: int
    data: ReceptionInput
    customer_code: str = ""
    customer_name: str = ""
    partner_id: int | None = None
    created_by_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def parse_datetime(value: dt.datetime | str | None) -> dt.datetime | None:
    """'2016-09-21 14:59:31' (seconds, or the time, may be left out) → datetime; '' → None.
    Raises ValueError for anything else."""
    if value is None or isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    text = re.sub(r"\s+", " ", value.strip().replace(".", "-").replace("/", "-"))
    if not text:
        return None
    for pattern in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(text)


_PHONE_CHARACTERS = re.compile(r"[^\d\s()+\-.]")


async def _check_code(
    errors: dict[str, str], key: str, code_id: int | None, kind: CodeKind, label: str, parent_id: Any = ...
) -> None:
    if code_id is None:
        return
    entry = await CodeEntry.get_or_none(id=code_id)
    if entry is None or entry.kind != kind:
        errors[key] = f"{label}{josa(label, '이')} 올바르지 않습니다. 목록에서 다시 고르세요."
    elif parent_id is not ... and entry.parent_id != parent_id:
        errors[key] = f"{label}{josa(label, '이')} 상위 분류에 속하지 않습니다. 다시 고르세요."


async def _validated(data: ReceptionInput) -> dict[str, Any]:
    """The model fields to store, or ValidationError naming every bad field."""
    refuse(
        wrong_ids(
            customer=data.customer_id,
            reception_type=data.reception_type_id,
            route=data.route_id,
            category_large=data.category_large_id,
            category_medium=data.category_medium_id,
            category_small=data.category_small_id,
            receiver=data.receiver_id,
            processor=data.processor_id,
            call_event=data.call_event_id,
        ),
        wrong_choices(ReceptionState, state=data.state),
        wrong_choices(Direction, direction=data.direction),
        wrong_choices(CallSource, source=data.source),
        wrong_texts(
            phone=data.phone,
            extension=data.extension,
            contact_name=data.contact_name,
            inquiry=data.inquiry,
            answer=data.answer,
        ),
    )
    errors: dict[str, str] = {}
    received_at = processed_at = None
    try:
        received_at = parse_datetime(data.received_at)
        if received_at is None:
            errors["received_at"] = "접수일시를 입력하세요."
    except ValueError:
        errors["received_at"] = "접수일시는 2016-09-21 14:59 형식으로 입력하세요."
    try:
        processed_at = parse_datetime(data.processed_at)
    except ValueError:
        errors["processed_at"] = "처리일시는 2016-09-21 14:59 형식으로 입력하세요."
    phone = (data.phone or "").strip()
    if _PHONE_CHARACTERS.search(phone):
        errors["phone"] = "전화번호에는 숫자와 - 만 입력하세요."
    elif len(phone) > 30:
        errors["phone"] = "전화번호가 너무 깁니다."
    elif len(phone_digits(phone)) > 4 and (problem := phone_error(phone)):
        errors["phone"] = problem  # 4 digits or fewer: an internal line, as the CTI reports it
    extension = (data.extension or "").strip()
    if len(extension) > 20:
        errors["extension"] = "내선번호는 20자 이내입니다."
    elif extension and not extension.isdigit():
        errors["extension"] = "내선번호는 숫자로만 입력하세요."
    contact_name = (data.contact_name or "").strip()
    if len(contact_name) > 50:
        errors["contact_name"] = "담당자는 50자 이내입니다."
    for key, text in (("inquiry", data.inquiry), ("answer", data.answer)):
        if len(text or "") > MAX_TEXT:
            errors[key] = f"{MAX_TEXT:,}자까지 입력할 수 있습니다."
    if not any(
        (
            phone,
            (data.inquiry or "").strip(),
            (data.answer or "").strip(),
            data.customer_id,
            contact_name,
            data.reception_type_id,
            data.category_large_id,
        )
    ):
        errors["inquiry"] = (
            "빈 접수입니다. 전화번호, 고객, 담당자, 접수구분이나 접수내용 중 하나는 입력하세요."
        )
    if data.customer_id is not None and not await Customer.exists(id=data.customer_id):
        errors["customer"] = "선택한 고객이 없습니다 (삭제되었을 수 있습니다). 다시 고르세요."
    await _check_code(errors, "reception_type", data.reception_type_id, CodeKind.RECEPTION_TYPE, "접수구분")
    await _check_code(errors, "route", data.route_id, CodeKind.RECEPTION_ROUTE, "접수경로")
    category = CodeKind.RECEPTION_CATEGORY
    await _check_code(errors, "category_large", data.category_large_id, category, "대분류", None)
    if data.category_medium_id is not None and data.category_large_id is None:
        errors["category_medium"] = "대분류를 먼저 고르세요."
    else:
        await _check_code(
            errors, "category_medium", data.category_medium_id, category, "중분류", data.category_large_id
        )
    if data.category_small_id is not None and data.category_medium_id is None:
        errors["category_small"] = "중분류를 먼저 고르세요."
    else:
        await _check_code(
            errors, "category_small", data.category_small_id, category, "일반분류", data.category_medium_id
        )
    if data.receiver_id is None:
        errors["receiver"] = "접수자를 고르세요."
    elif not await Staff.exists(id=data.receiver_id):
        errors["receiver"] = "접수자가 올바르지 않습니다."
    if data.processor_id is not None and not await Staff.exists(id=data.processor_id):
        errors["processor"] = "처리자가 올바르지 않습니다."
    state = ReceptionState(data.state)
    if state == ReceptionState.DONE and received_at and processed_at and processed_at < received_at:
        errors["processed_at"] = "처리일시가 접수일시보다 빠릅니다."
    if errors:
        raise ValidationError(errors)
    digits = phone_digits(phone)
    return {
        "received_at": received_at,
        "direction": Direction(data.direction),
        "phone": format_phone(phone) if len(digits) >= 9 else phone,
        "phone_digits": digits[:20],
        "extension": extension,
        "customer_id": data.customer_id,
        "contact_name": contact_name,
        "reception_type_id": data.reception_type_id,
        "route_id": data.route_id,
        "category_large_id": data.category_large_id,
        "category_medium_id": data.category_medium_id,
        "category_small_id": data.category_small_id,
        "state": state,
        "inquiry": data.inquiry or "",
        "answer": data.answer or "",
        "receiver_id": data.receiver_id,
        "processor_id": data.processor_id,
        "processed_at": processed_at,
    }


def _apply_state_rule(values: dict[str, Any], by: Actor) -> None:
    """완료 always has a processor and a time (me and now unless given); other states are not processed."""
    if values["state"] == ReceptionState.DONE:
        values["processor_id"] = values["processor_id"] or by.id
        values["processed_at"] = values["processed_at"] or dt.datetime.now().replace(microsecond=0)
    else:
        values["processed_at"] = None


async def save_reception(
    data: ReceptionInput,
    *,
    by: Actor,
    reception_id: int | None = None,
    version: int | None = None,
    form_token: str | None = None,
) -> Reception:
    """Create (reception_id None, once per `form_token`) or edit a reception. Editing needs the
    version the user opened; a stale one raises StaleRecordError and changes nothing."""
    if reception_id is None and (made := await already_made(Reception, "reception", form_token)):
        return made
    values = await _validated(data)
    _apply_state_rule(values, by)
    with acting_as(by):
        if reception_id is None:
            reception = await create_once(
                Reception,
                "reception",
                form_token,
                lambda: Reception.create(
                    **values, source=CallSource(data.source), call_event_id=data.call_event_id
                ),
            )
            if data.call_event_id:
                await calls.reception_written(data.call_event_id, by=by)
            return reception
        if version is None:
            raise ValueError("editing a reception needs the version the user opened")
        async with in_transaction():
            reception = await Reception.fetch(reception_id, "접수")
            reception.update_from_dict(values)
            reception.version = version
            await reception.save()
        return reception


async def _transition(reception_id: int, *, by: Actor, version: int, state: ReceptionState) -> Reception:
    reception = await Reception.fetch(reception_id, "접수")
    if state == ReceptionState.DONE and reception.state == ReceptionState.DONE:
        processor = await Staff.get_or_none(id=reception.processor_id)
        who = f" (처리자 {processor.name})" if processor else ""
        raise ValidationError({"state": f"이미 처리된 접수입니다{who}."})
    reception.state = state
    if state == ReceptionState.DONE:
        reception.processor_id = by.id
        reception.processed_at = dt.datetime.now().replace(microsecond=0)
    else:
        reception.processor_id = None
        reception.processed_at = None
    reception.version = version
    with acting_as(by):
        await reception.save()
    return reception


async def process_reception(reception_id: int, *, by: Actor, version: int) -> Reception:
    """접수처리: the reception is done, processed by me, now."""
    return await _transition(reception_id, by=by, version=version, state=ReceptionState.DONE)


async def hold_reception(reception_id: int, *, by: Actor, version: int) -> Reception:
    """접수보류: put on hold; it is no longer processed."""
    return await _transition(reception_id, by=by, version=version, state=ReceptionState.ON_HOLD)


async def get_reception(reception_id: int) -> ReceptionDetail:
    reception = await Reception.get_or_none(id=reception_id).select_related("customer")
    if reception is None:
        raise NotFound("접수")
    customer = reception.customer
    return ReceptionDetail(
        id=reception.id,
        version=reception.version,
        customer_code=customer.code if customer else "",
        customer_name=customer.company_name if customer else "",
        partner_id=customer.partner_id if customer else None,
        data=ReceptionInput(
            received_at=reception.received_at,
            direction=reception.direction,
            phone=reception.phone,
            extension=reception.extension,
            customer_id=reception.customer_id,
            contact_name=reception.contact_name,
            reception_type_id=reception.reception_type_id,
            route_id=reception.route_id,
            category_large_id=reception.category_large_id,
            category_medium_id=reception.category_medium_id,
            category_small_id=reception.category_small_id,
            state=reception.state,
            inquiry=reception.inquiry,
            answer=reception.answer,
            receiver_id=reception.receiver_id,
            processor_id=reception.processor_id,
            processed_at=reception.processed_at,
            source=reception.source,
            call_event_id=reception.call_event_id,
        ),
    )


# ---------------------------------------------------------------------------------------------
# A reception written from a call


async def draft_from_call(call_id: int, *, by: Actor) -> ReceptionInput:
    """접수작성 from a call's popup: a new reception starting with the call's time, number,
    extension, customer (as the phone directory resolves it now) and contact, 접수경로 전화 (found
    by its code) and me as receiver; opening it means I took the call."""
    event = await CallEvent.fetch(call_id, "전화 기록")
    match = await phone_directory.resolve_caller(event.digits) if event.digits else None
    customer_id = match.customer.id if match and match.customer else event.customer_id
    contact = (match.card.name if match and match.card else "") or event.caller_name
    phone = format_phone(event.number) if event.digits else ""
    if customer_id and not (phone and contact) and (customer := await customer_brief(customer_id)):
        phone = phone or format_phone(customer.phone or customer.mobile)
        contact = contact or customer.contact_name
    await calls.take_call(call_id, by=by)
    return ReceptionInput(
        received_at=event.occurred_at.replace(microsecond=0),
        direction=event.direction,
        phone=phone,
        extension=event.extension,
        customer_id=customer_id,
        contact_name=contact,
        route_id=await codes.active_code_id(CodeKind.RECEPTION_ROUTE, codes.PHONE_ROUTE_CODE),
        receiver_id=by.id,
        source=CallSource.CTI if event.source == CallEventSource.CTI else CallSource.CENTREX,
        call_event_id=call_id,
    )


# ---------------------------------------------------------------------------------------------
# Customers as the reception screens need them


@dataclass(frozen=True)
class CustomerBrief:
    id: int
    code: str
    company_name: str
    representative: str
    phone: str
    mobile: str
    contact_name: str
    partner_id: int | None


_BRIEF_FIELDS = tuple(CustomerBrief.__dataclass_fields__)


async def customer_brief(customer_id: int) -> CustomerBrief | None:
    values = await Customer.filter(id=customer_id).first().values(*_BRIEF_FIELDS)
    return CustomerBrief(**values) if values else None


async def customers_with_number(number: str) -> list[CustomerBrief]:
    """The customers a typed 전화번호 belongs to, the way the call popup resolves a caller: the one
    customer it names, or every customer that has exactly this number; a merely similar number
    offers nobody (the form offers these to the person typing, who picks with one click)."""
    if len(phone_digits(number)) < phone_directory.SUBSCRIBER_DIGITS:
        return []
    match = await phone_directory.resolve_caller(number)
    if match.customer is not None:
        ids = [match.customer.id]
    elif match.shared:
        ids = [c.id for c in match.candidates][: phone_directory.MAX_CANDIDATES]
    else:
        return []
    rows = {row["id"]: row for row in await Customer.filter(id__in=ids).values(*_BRIEF_FIELDS)}
    return [CustomerBrief(**rows[i]) for i in ids if i in rows]
