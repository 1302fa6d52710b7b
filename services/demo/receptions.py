"""The manual's receptions: the 2016-09-21 rows of the 고객관리 log and 고객접수현황 screens, and
재근상사's 2016-12-06 call taken by 홍길동.

Customers come from the customers step (looked up by code, then by company name). A reception
whose customer is missing keeps its phone and contact and stays unlinked; running the step again
once the customer exists links it."""

from __future__ import annotations

import datetime as dt

from core.audit import SYSTEM, acting_as
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.reception import Reception, ReceptionState
from models.staff import Staff

D = dt.datetime
# the caller of three of the manual's receptions, not yet a customer (no code): customer code,
# company name, phone, contact, receiver login
S_BODY = ("", "에스바디케어", "02-808-8016", "오담당", "kimdemo")

# (received at, type code, customer code, company name, phone, contact, receiver login,
#  processor login, inquiry) — as printed in the manual
RECEPTIONS = [
    (
        D(2016, 9, 21, 14, 59, 31),
        "1",
        "140123-001",
        "(주)해동통신",
        "02-808-8016",
        "이담당",
        "kimdemo",
        "hanhy",
        "김현모 차이러리;댜ㅓㄹ냐ㅓ리;러ㅣㄴ;더",
    ),
    (
        D(2016, 9, 21, 14, 59, 53),
        "1",
        *S_BODY,
        None,
        "도입문의",
    ),
    (
        D(2016, 9, 21, 15, 0, 25),
        "3",
        "160921-003",
        "하이디자인",
        "02-808-8016",
        "최담당",
        "kimdemo",
        "hyunbin",
        "ADJ-50128 견적 이메일 발송요청",
    ),
    (
        D(2016, 9, 21, 15, 1, 17),
        "1",
        *S_BODY,
        None,
        "GS-5200 주문요청 / 우리은행, 입금자명",
    ),
    (
        D(2016, 9, 21, 17, 49, 30),
        "4",
        "160921-002",
        "뉴시스비즈",
        "031-555-5555",
        "오담당",
        "kimdemo",
        "hyunbin",
        "전화요청",
    ),
    (
        D(2016, 9, 21, 17, 49, 53),
        "1",
        "160921-003",
        "하이디자인",
        "031-555-5555",
        "최담당",
        "kimdemo",
        None,
        "교육방문 가능시간 문의",
    ),
    (D(2016, 9, 21, 17, 50, 17), "1", "140213-001", "재근상사", "02-808-8016", "이재근", "kimdemo", None, ""),
    (
        D(2016, 9, 21, 17, 50, 28),
        "2",
        "150701-001",
        "(주)A상호",
        "02-808-8016",
        "홍길동",
        "kimdemo",
        "hyunbin",
        "",
    ),
    (
        D(2016, 9, 21, 17, 50, 43),
        "1",
        "150702-001",
        "제이원제이원",
        "02-808-8016",
        "김담당",
        "kimdemo",
        None,
        "",
    ),
    (
        D(2016, 9, 21, 17, 50, 52),
        "1",
        "150903-001",
        "유일종합상사",
        "02-808-8016",
        "박찬순",
        "kimdemo",
        None,
        "",
    ),
    (
        D(2016, 9, 21, 17, 51, 0),
        "1",
        "150915-002",
        "송일시스템",
        "02-808-8016",
        "조담당",
        "kimdemo",
        None,
        "",
    ),
    (D(2016, 9, 21, 17, 51, 9), "1", *S_BODY, None, ""),
    (D(2016, 12, 6, 15, 58, 25), "1", "140213-001", "재근상사", "010-3064", "이재근", "hong", "hong", ""),
]
PHONE_ROUTE = "1"  # 전화
PROCESSING_MINUTES = 10  # the manual shows who processed a call, not when: ten minutes later


async def _customer_id(code: str, company_name: str) -> int | None:
    if code and (found := await Customer.filter(code=code).first().values_list("id", flat=True)):
        return found
    return (
        await Customer.filter(company_name=company_name).order_by("id").first().values_list("id", flat=True)
    )


async def seed() -> str:
    types = dict(await CodeEntry.filter(kind=CodeKind.RECEPTION_TYPE).values_list("code", "id"))
    route = await CodeEntry.filter(kind=CodeKind.RECEPTION_ROUTE, code=PHONE_ROUTE).first()
    staff = dict(await Staff.all().values_list("login", "id"))
    created = linked = unlinked = 0
    with acting_as(SYSTEM):
        for at, type_code, code, name, phone, contact, receiver, processor, inquiry in RECEPTIONS:
            customer_id = await _customer_id(code, name)
            existing = await Reception.filter(received_at=at, contact_name=contact).first()
            if existing:
                if existing.customer_id is None and customer_id:
                    existing.customer_id = customer_id
                    await existing.save()
                    linked += 1
                continue
            processor_id = staff.get(processor) if processor else None
            await Reception.create(
                received_at=at,
                phone=phone,
                phone_digits="".join(ch for ch in phone if ch.isdigit()),
                customer_id=customer_id,
                contact_name=contact,
                reception_type_id=types.get(type_code),
                route_id=route.id if route else None,
                state=ReceptionState.DONE if processor_id else ReceptionState.PENDING,
                inquiry=inquiry,
                receiver_id=staff.get(receiver),
                processor_id=processor_id,
                processed_at=at + dt.timedelta(minutes=PROCESSING_MINUTES) if processor_id else None,
            )
            created += 1
            unlinked += customer_id is None
    report = f"접수 {created:,}건 추가"
    if linked:
        report += f", {linked:,}건을 고객에 연결"
    if unlinked:
        report += f" (고객이 없어 {unlinked:,}건은 고객 미연결)"
    return report
