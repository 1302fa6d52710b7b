"""Demo customers, their trading partners and business cards, from the manual's screens (고객접수집계,
고객정보, 명함관리, 유지보수관리). Codes, registration dates, phone and business numbers are the
manual's, because other demo steps (receptions, products, quotes) look customers up by code.

에스바디케어 has no code in the manual: it gets 160921-001, the free number of the day its first
call came in. The manual shows 02-000-0000 as a card's direct line; that is not a valid number,
so the card is stored without it."""

from __future__ import annotations

from core.audit import SYSTEM
from models.card import BusinessCard, Employment
from models.codes import CodeEntry, CodeKind
from models.customer import Customer, CustomerHistory
from models.staff import Staff
from services import cards, customers, partners
from services.auth import actor_for
from services.cards import CardInput
from services.customers import CustomerInput

K = CodeKind

# (code, registered, name, representative, contact, phone, mobile, extra fields)
DEMO_CUSTOMERS: list[tuple[str, str, str, str, str, str, str, dict]] = [
    ("140123-001", "2014-01-23", "(주)해동통신", "최대표", "이담당", "02-808-8016", "010-9876-5432", {}),
    (
        "140213-001",
        "2014-02-13",
        "재근상사",
        "김대표",
        "이재근",
        "02-999-8888",
        "010-222-5555",
        {
            "fax": "02-999-8889",
            "business_number": "111-22-33332",
            "address": "경기도 안산시 단원구 강서길 9 (와동, 성동빌라)",
            "address_detail": "601",
            "status": "설치완료",
            "class_a": "일반고객",
            "class_b": "월납",
            "class_c": "영업TM",
            "service_class": "유지보수",
            "department": "관리부서",
            "staff": "이주연",
        },
    ),
    (
        "150701-001",
        "2015-07-01",
        "(주)A상호",
        "이대표",
        "홍길동",
        "02-123-4567",
        "010-1245-7845",
        {"address": "서울시 금천구 가산동 123-45번지", "status": "설치완료", "fax": "02-234-5678"},
    ),
    ("150702-001", "2015-07-02", "제이원제이원", "박대표", "김담당", "02-333-5555", "010-987-6543", {}),
    (
        "150903-001",
        "2015-09-03",
        "유일종합상사",
        "박찬순",
        "박찬순",
        "02)2275-7980",
        "010-1234-5678",
        {"business_number": "111-11-11119"},
    ),
    ("150915-002", "2015-09-15", "송일시스템", "조대표", "조담당", "02-6673-7230", "010-1111-2222", {}),
    ("160921-001", "2016-09-21", "에스바디케어", "이대표", "오담당", "02-111-8888", "010-2222-5555", {}),
    ("160921-002", "2016-09-21", "뉴시스비즈", "장대표", "오담당", "031-888-9999", "010-1221-5678", {}),
    ("160921-003", "2016-09-21", "하이디자인", "황대표", "최담당", "031-555-5555", "010-1188-2222", {}),
]

_CODE_FIELDS = {
    "status": ("status_id", K.CUSTOMER_STATUS),
    "class_a": ("class_a_id", K.CUSTOMER_CLASS_A),
    "class_b": ("class_b_id", K.CUSTOMER_CLASS_B),
    "class_c": ("class_c_id", K.CUSTOMER_CLASS_C),
    "service_class": ("service_class_id", K.SERVICE_CLASS),
    "department": ("department_id", K.DEPARTMENT),
    "position": ("position_id", K.POSITION),
    "duty": ("duty_id", K.DUTY),
    "group_a": ("group_a_id", K.CARD_GROUP_A),
    "group_b": ("group_b_id", K.CARD_GROUP_B),
}

# (customer code or None, company when unlinked, registered, name, fields)
DEMO_CARDS: list[tuple[str | None, str, str, str, dict]] = [
    (
        "150701-001",
        "",
        "2016-09-21",
        "홍길동",
        {
            "employment": Employment.LEFT,  # the manual's 명함관리 list shows him as 퇴사
            "position": "대리",
            "department": "물류",
            "duty": "구매팀",
            "mobile": "010-1245-7845",
            "direct_phone": "02-123-4567",
            "fax": "02-234-5678",
            "group_a": "인쇄회사",
            "group_b": "매출처",
        },
    ),
    ("150701-001", "", "2016-09-21", "호면수", {"position": "과장"}),
    (
        None,
        "test",
        "2016-03-24",
        "홍길동",
        {"position": "과장", "department": "마케팅", "duty": "구매팀", "mobile": "010-1111-2222"},
    ),
    (
        "140213-001",
        "",
        "2017-06-28",
        "홍길동",
        {
            "position": "부장",
            "department": "물류",
            "duty": "관리부서",
            "mobile": "010-0000-0000",
            "email": "test@naver.com",
            "fax": "02-999-9999",
        },
    ),
]

DEMO_HISTORY = {
    "140213-001": [
        "패키지 구매업체. 일부 커스터마이징 개발 요청 (문서제작, 일부 메뉴 수정).",
        "유지보수 계약 월납으로 변경 요청.",
    ]
}


async def _codes(fields: dict) -> dict:
    resolved = {}
    for key, (target, kind) in _CODE_FIELDS.items():
        if key in fields:
            entry = await CodeEntry.get_or_none(kind=kind, name=fields[key])
            resolved[target] = entry.id if entry else None
    return resolved


async def _staff_id(name: str | None) -> int | None:
    if not name:
        return None
    staff = await Staff.filter(name=name).first()
    return staff.id if staff else None


async def seed() -> str:
    added_customers = added_cards = added_partners = 0
    by_code: dict[str, Customer] = {}
    for code, registered, name, representative, contact, phone, mobile, extra in DEMO_CUSTOMERS:
        existing = await Customer.get_or_none(code=code)
        if existing is None:
            plain = {k: v for k, v in extra.items() if k not in _CODE_FIELDS and k != "staff"}
            existing = await customers.save_customer(
                CustomerInput(
                    company_name=name,
                    registered_on=registered,
                    representative=representative,
                    contact_name=contact,
                    phone=phone,
                    mobile=mobile,
                    staff_id=await _staff_id(extra.get("staff")),
                    **plain,
                    **await _codes(extra),
                ),
                by=SYSTEM,
                code=code,
                confirm_duplicates=True,
            )
            added_customers += 1
        if existing.partner_id is None:
            _, existing = await partners.create_partner_for_customer(
                existing.id, await partners.partner_draft(existing.id), by=SYSTEM
            )
            added_partners += 1
        by_code[code] = existing
    for customer_code, company, registered, name, extra in DEMO_CARDS:
        customer = by_code.get(customer_code) if customer_code else None
        company_name = customer.company_name if customer else company
        if await BusinessCard.exists(name=name, company_name=company_name, registered_on=registered):
            continue
        plain = {k: v for k, v in extra.items() if k not in _CODE_FIELDS}
        await cards.save_card(
            CardInput(
                name=name,
                customer_id=customer.id if customer else None,
                company_name=company_name,
                registered_on=registered,
                **plain,
                **await _codes(extra),
            ),
            by=SYSTEM,
        )
        added_cards += 1
    for code, notes in DEMO_HISTORY.items():
        customer = by_code[code]
        if await CustomerHistory.exists(customer_id=customer.id):
            continue
        author = await Staff.filter(name="이주연").first()
        for note in notes:
            await customers.add_history_note(customer.id, note, by=actor_for(author) if author else SYSTEM)
    return f"고객 {added_customers}곳, 거래처 {added_partners}곳, 명함 {added_cards}장 추가"
