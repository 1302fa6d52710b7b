"""The manual's quotes (견적서관리, 견적현황): ERP영업관리 and ERP회계관리 3유저 at 5,000,000 each plus
three free-text lines, dated 2019-03-28 by 홍길동, for 재근상사 (견적진행) and (주)A상호 (신청완료).
Customers are looked up by code; a missing customer is skipped with a note."""

from __future__ import annotations

import datetime as dt

from core.audit import SYSTEM
from core.korean import josa, phone_error
from models.customer import Customer
from models.item import Item
from models.quote import Quote, QuoteState
from models.staff import Staff
from services import document_lines, items, quotes, sales
from services.auth import actor_for

QUOTE_DATE = dt.date(2019, 3, 28)
DEMO_ITEMS = [
    # (code, name, spec, unit price)
    ("9998", "ERP영업관리", "3유저", 5_000_000),
    ("1101099", "ERP회계관리", "3유저", 5_000_000),
]
TEXT_LINES = ["- 경영정보 무상제공", "- 엑셀자료업로드 무상제공", "- 무상유지보수기간 3개월"]
# (customer code, name for the console, accepted) — in the manual's order, so the numbers match it:
# (주)A상호 gets 19032800-1 and 재근상사 19032800-2 (the number its 견적서관리 tab shows)
DEMO_QUOTES = [("150701-001", "(주)A상호", True), ("140213-001", "재근상사", False)]


async def _seed_items() -> int:
    created = 0
    for code, name, spec, price in DEMO_ITEMS:
        if await Item.filter(code=code).exists():
            continue
        await items.save_item(by=SYSTEM, code=code, name=name, spec=spec, unit_price=price)
        created += 1
    return created


async def _lines() -> list[document_lines.LineInput]:
    lines = []
    for code, *_ in DEMO_ITEMS:
        item = await Item.get(code=code)
        lines.append(
            document_lines.LineInput(
                name=item.name,
                item_id=item.id,
                item_code=item.code,
                spec=item.spec,
                unit=item.unit,
                quantity=1,
                unit_price=item.unit_price,
                taxable=item.taxable,
            )
        )
    return lines + [document_lines.LineInput(name=text) for text in TEXT_LINES]


async def seed() -> str:
    made_items = await _seed_items()
    staff = await Staff.get_or_none(login="hong")
    actor = actor_for(staff) if staff else SYSTEM
    notes, made_quotes = [], 0
    for code, label, accepted in DEMO_QUOTES:
        customer = await Customer.get_or_none(code=code)
        if customer is None:
            notes.append(f"고객 {code}({label}){josa(code, '이')} 없어 견적서를 건너뜀")
            continue
        if await Quote.filter(customer_id=customer.id, quote_date=QUOTE_DATE).exists():
            continue
        defaults = await quotes.customer_defaults(customer.id)
        form = quotes.QuoteForm(
            quote_date=QUOTE_DATE,
            title="ERP 도입 견적",
            state=QuoteState.ACCEPTED if accepted and not defaults.partner_id else QuoteState.IN_PROGRESS,
            customer_id=customer.id,
            partner_id=defaults.partner_id,
            staff_id=staff.id if staff else None,
            department_id=await quotes.staff_department(staff.id) if staff else None,
            contact_name=defaults.contact_name,
            phone=defaults.phone if not phone_error(defaults.phone) else "",
            fax=defaults.fax if not phone_error(defaults.fax) else "",
            email=defaults.email if "@" in defaults.email else "",
            customer_class_id=defaults.customer_class_id,
            payment_terms="계약 시 50%, 설치 완료 후 50%",
            delivery_terms="계약 후 2주 이내 설치",
        )
        quote = await quotes.create_quote(by=actor, form=form, lines=await _lines())
        if accepted and defaults.partner_id:
            await sales.process_to_order(quote.id, by=actor, order_date=QUOTE_DATE)
        made_quotes += 1
    return "; ".join([f"품목 {made_items:,}개, 견적서 {made_quotes:,}건 추가", *notes])
