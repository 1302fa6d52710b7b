"""문자보내기: SMS/LMS through Centrex `smssend`, every message kept in the outbox.

The outbox row is written *before* the request as "unknown" and settled by the answer, so a
message whose answer never came (timeout, server crash, our own crash) stays "unknown" and is
never sent again automatically: the user decides after checking with the recipient. One send
gesture is one message: the dialog's form token is written with the outbox row, and the same token
again returns that row without asking Centrex a second time."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

from core.audit import Actor, acting_as
from core.errors import GogaekError, ValidationError
from core.inputs import refuse, wrong_ids, wrong_texts
from core.korean import format_phone, josa, phone_digits
from models.card import BusinessCard
from models.customer import Customer
from models.telephony import CentrexUser, SmsMessage, SmsStatus
from services.auth import require_admin_now
from services.centrex_client import CentrexError
from services.centrex_users import client_for, line_of
from services.paging import newest_first
from services.submissions import already_made, create_once

SMS_KIND = "sms"
SMS_MAX_BYTES = 80
LMS_MAX_BYTES = 720
# Korean SMS counts bytes in EUC-KR: Hangul 2, ASCII 1. CP949 is EUC-KR plus the Hangul
# syllables EUC-KR lacks (e.g. 똠), with the same byte lengths, so it is what we count with.
SMS_ENCODING = "cp949"
MOBILE = re.compile(r"^01[016789]\d{7,8}$")

UNKNOWN_NOTICE = (
    "응답을 받지 못해 전송 결과를 알 수 없습니다. 받는 분께 도착했는지 확인한 뒤, "
    "필요하면 다시 보내세요 (자동으로 다시 보내지 않습니다)."
)


@dataclass(frozen=True)
class MessageSize:
    bytes: int
    kind: str  # SMS, LMS, or "" when too long
    limit: int
    unsendable: str  # characters that cannot be sent (emoji…)

    @property
    def label(self) -> str:
        if self.unsendable:
            return f"보낼 수 없는 글자: {self.unsendable}"
        kind = {"SMS": "단문 SMS", "LMS": "장문 LMS"}.get(self.kind, "너무 깁니다")
        return f"{self.bytes:,} / {self.limit:,}바이트 ({kind})"


def measure(text: str) -> MessageSize:
    """Byte count as the carrier counts it, the message kind, and what cannot be sent."""
    unsendable = "".join(dict.fromkeys(ch for ch in text if not _encodable(ch)))
    size = len(text.encode(SMS_ENCODING, errors="replace"))
    if size <= SMS_MAX_BYTES:
        return MessageSize(size, "SMS", SMS_MAX_BYTES, unsendable)
    if size <= LMS_MAX_BYTES:
        return MessageSize(size, "LMS", LMS_MAX_BYTES, unsendable)
    return MessageSize(size, "", LMS_MAX_BYTES, unsendable)


def _encodable(ch: str) -> bool:
    try:
        ch.encode(SMS_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


async def sender_line(actor: Actor) -> CentrexUser | None:
    """The sender's own line, else the office's first enabled line."""
    return await line_of(actor) or await CentrexUser.filter(enabled=True).order_by("id").first()


async def send_sms(
    *,
    by: Actor,
    destination: str,
    text: str,
    customer_id: int | None = None,
    card_id: int | None = None,
    form_token: str | None = None,
) -> SmsMessage:
    """Send one message and return its outbox row (status sent, failed or unknown).
    Bad input raises ValidationError and sends nothing. A `form_token` already used returns the
    message it sent (whatever its status) and sends nothing."""
    if (earlier := await already_made(SmsMessage, SMS_KIND, form_token)) is not None:
        return earlier
    refuse(wrong_texts(destination=destination, text=text), wrong_ids(customer=customer_id, card=card_id))
    errors: dict[str, str] = {}
    if customer_id is not None and not await Customer.exists(id=customer_id):
        errors["customer"] = "고객을 찾을 수 없습니다."
    if card_id is not None and not await BusinessCard.exists(id=card_id):
        errors["card"] = "명함을 찾을 수 없습니다."
    digits = phone_digits(destination)
    if not digits:
        errors["destination"] = "받는 사람 휴대폰 번호를 입력하세요."
    elif not MOBILE.match(digits):
        errors["destination"] = "문자는 휴대폰 번호(010 등)로만 보낼 수 있습니다."
    size = measure(text or "")
    if not (text or "").strip():
        errors["text"] = "보낼 내용을 입력하세요."
    elif size.unsendable:
        errors["text"] = f"문자로 보낼 수 없는 글자가 있습니다: {size.unsendable}"
    elif not size.kind:
        errors["text"] = (
            f"내용이 너무 깁니다 ({size.bytes} bytes). 장문(LMS)은 {LMS_MAX_BYTES} bytes까지입니다."
        )
    if errors:
        raise ValidationError(errors)
    line = await sender_line(by)
    if line is None:
        raise GogaekError(
            "문자를 보낼 센트릭스 회선이 없습니다. 관리자가 설정 → API사용자등록에서 등록하세요."
        )
    client = await client_for(line)
    made: list[SmsMessage] = []

    async def record() -> SmsMessage:
        made.append(
            await SmsMessage.create(
                destination=digits,
                text=text,
                kind=size.kind,
                status=SmsStatus.UNKNOWN,
                result_message="전송 중",
                staff_id=by.id,
                centrex_user_id=line.id,
                customer_id=customer_id,
                card_id=card_id,
            )
        )
        return made[-1]

    with acting_as(by):
        # committed before the request: no transaction is held open across the HTTP call
        message = await create_once(SmsMessage, SMS_KIND, form_token, record)
        if not made or message is not made[-1]:  # the same gesture's message, sent already
            return message
        try:
            receipt = await client.send_sms(digits, text)
        except CentrexError as error:
            message.status = SmsStatus.UNKNOWN if error.maybe_delivered else SmsStatus.FAILED
            message.result_code = error.code[:10]
            message.result_message = (f"{UNKNOWN_NOTICE} ({error})" if error.maybe_delivered else str(error))[
                :255
            ]
        else:
            message.status = SmsStatus.SENT
            message.result_code = "0000"
            message.result_message = "전송했습니다."
            message.remaining = receipt.remaining
        await message.save()
    return message


def describe(message: SmsMessage) -> str:
    """One Korean sentence about the outcome, for a notification."""
    to = format_phone(message.destination)
    if message.status == SmsStatus.SENT:
        left = f" (남은 건수 {message.remaining:,})" if message.remaining is not None else ""
        return f"{to}{josa(to, '으로')} {message.kind}{josa(message.kind, '을')} 보냈습니다{left}."
    if message.status == SmsStatus.FAILED:
        return f"{to}{josa(to, '으로')} 문자를 보내지 못했습니다: {message.result_message}"
    return f"{to}: {UNKNOWN_NOTICE}"


STATUS_LABELS = {SmsStatus.SENT: "전송", SmsStatus.FAILED: "실패", SmsStatus.UNKNOWN: "결과 모름"}


OUTBOX_FIELDS = (
    "id",
    "created_at",
    "destination",
    "kind",
    "text",
    "status",
    "result_code",
    "result_message",
    "remaining",
    "staff__name",
)


async def outbox_page(*, offset: int, limit: int) -> tuple[list[dict], int]:
    """문자 발송 내역, newest first."""
    total = await SmsMessage.all().count()
    rows = await SmsMessage.all().order_by("-id").offset(offset).limit(limit).values(*OUTBOX_FIELDS)
    return rows, total


async def iter_outbox(*, by: Actor) -> AsyncIterator[dict]:
    """Every row of 문자 발송 내역, newest first, for 엑셀 and 인쇄 (admins only, as the screen)."""
    await require_admin_now(by)
    async for row in newest_first(SmsMessage.all(), OUTBOX_FIELDS):
        yield row


async def last_remaining() -> int | None:
    """The quota the service reported last (None before the first successful message)."""
    row = await SmsMessage.filter(status=SmsStatus.SENT, remaining__not_isnull=True).order_by("-id").first()
    return row.remaining if row else None
