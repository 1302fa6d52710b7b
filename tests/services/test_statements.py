"""거래명세서 of an order / a shipment and 영수증 of a receipt: the printed text (numbers, totals,
amount in words, both parties, Korean glyphs that extract as Korean) and the stamp."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from core.audit import SYSTEM, acting_as
from core.errors import NotFound
from models.codes import CodeEntry, CodeKind
from models.customer import TradingPartner
from services import company, sales, statements
from services.sales import LedgerKind
from tests.factories.sales import line, make_quote, make_trading_customer
from tests.factories.staff import make_admin
from tests.services.test_company import STAMP_PNG

D = dt.date


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _picture_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


async def _office():
    admin = await make_admin(name="홍길동")
    info = await company.save_company(
        by=admin,
        version=0,
        name="(주)고객소프트",
        business_number="123-45-67891",
        representative="김대표",
        business_type="서비스",
        business_item="소프트웨어개발",
        address="서울시 구로구 디지털로 33길 11",
        phone="02-808-8016",
    )
    customer = await make_trading_customer("재근상사")
    with acting_as(SYSTEM):
        await TradingPartner.filter(id=customer.partner_id).update(
            business_number="1112233332",
            representative="박사장",
            address="경기도 성남시 분당구",
            address_detail="판교로 1",
            business_type="도소매",
            business_item="전자부품",
        )
    return admin, info, customer


async def _shipped(admin, customer):
    quote = await make_quote(
        admin,
        customer,
        [
            line("ERP영업관리", 1, 5_000_000, spec="3유저", item_code="9998"),
            line("ERP회계관리", 2, 2_500_000, spec="3유저", item_code="1101099"),
            line("- 무상유지보수기간 3개월"),
        ],
        quote_date=D(2019, 3, 28),
    )
    order = await sales.process_to_order(quote.id, by=admin, order_date=D(2019, 3, 28))
    shipment = await sales.ship_order(order.id, by=admin, shipped_on=D(2019, 4, 2))
    return order, shipment


async def test_the_statement_of_a_shipment_names_both_parties_lines_totals_and_words(db):
    admin, info, customer = await _office()
    _, shipment = await _shipped(admin, customer)

    filename, pdf = await statements.statement_pdf(LedgerKind.SHIPMENT, shipment.id)
    assert filename == f"거래명세서_{shipment.number}.pdf"
    pages = _pages(pdf)
    assert len(pages) == 1  # both copies on one sheet
    text = pages[0]
    assert text.count("거래명세서") == 2
    assert "공급받는자 보관용" in text and "공급자 보관용" in text
    for expected in (
        shipment.number,
        "2019-04-02",
        "04/02",
        "(주)고객소프트",
        "123-45-67891",
        "김대표",
        "소프트웨어개발",
        "재근상사",
        "111-22-33332",
        "박사장",
        "경기도 성남시 분당구 판교로 1",
        "전자부품",
        "ERP영업관리",
        "ERP회계관리",
        "3유저",
        "2,500,000",
        "5,000,000",  # the second line's supply amount
        "10,000,000",  # 공급가액
        "1,000,000",  # 세액
        "11,000,000",  # 합계
        "금 일천일백만원정",
        "- 무상유지보수기간 3개월",
        "인수자",
    ):
        assert text.count(expected) >= 2, expected  # on both copies
    assert re.search(r"[가-힣]{4}", text)  # Korean glyphs extract as Korean text
    assert _picture_count(pdf) == 0  # no stamp uploaded: "(인)" by the name, and for the 인수자
    assert text.count("(인)") == 4

    await company.save_stamp(by=admin, version=info.version, filename="stamp.png", data=STAMP_PNG)
    _, stamped = await statements.statement_pdf(LedgerKind.SHIPMENT, shipment.id)
    assert _picture_count(stamped) == 1  # one picture, stamped on each copy by the name
    assert _pages(stamped)[0].count("(인)") == 2  # the 인수자's only


async def test_the_statement_of_an_order_and_a_long_one_takes_a_sheet_per_copy(db):
    admin, _, customer = await _office()
    order, _ = await _shipped(admin, customer)
    _, pdf = await statements.statement_pdf(LedgerKind.ORDER, order.id)
    text = _pages(pdf)[0]
    assert order.number in text and "2019-03-28" in text and "03/28" in text

    many = await sales.create_order(
        by=admin,
        partner_id=customer.partner_id,
        order_date=D(2019, 5, 1),
        lines=[line(f"품목{n:02d}", 1, 1_000) for n in range(1, 21)],
    )
    pages = _pages((await statements.statement_pdf(LedgerKind.ORDER, many.id))[1])
    assert len(pages) >= 2
    assert "공급받는자 보관용" in pages[0] and "공급자 보관용" not in pages[0]
    assert "품목20" in "".join(pages[: len(pages) // 2])
    assert "금 이만이천원정" in pages[0]  # 20 × 1,000 + 10% VAT


async def test_a_statement_with_no_company_info_prints_empty_cells(db):
    admin = await make_admin()
    customer = await make_trading_customer("빈회사정보상사")
    order = await sales.create_order(
        by=admin, partner_id=customer.partner_id, order_date=D(2019, 5, 1), lines=[line("품목", 1, 100)]
    )
    text = _pages((await statements.statement_pdf(LedgerKind.ORDER, order.id))[1])[0]
    assert "빈회사정보상사" in text and "등록번호" in text and "금 일백일십원정" in text


async def test_the_receipt_prints_number_partner_amount_in_words_method_and_company(db):
    admin, info, customer = await _office()
    method = await CodeEntry.filter(kind=CodeKind.PAYMENT_METHOD).first()
    if method is None:
        with acting_as(SYSTEM):
            method = await CodeEntry.create(kind=CodeKind.PAYMENT_METHOD, code="01", name="계좌이체")
    receipt = await sales.add_receipt(
        by=admin,
        partner_id=customer.partner_id,
        received_on=D(2019, 4, 10),
        amount="1,100,000",
        method_id=method.id,
        memo="3월분 <일부>",
    )
    await company.save_stamp(by=admin, version=info.version, filename="stamp.png", data=STAMP_PNG)
    filename, pdf = await statements.receipt_pdf(receipt.id)
    assert filename == f"영수증_{receipt.number}.pdf"
    pages = _pages(pdf)
    assert len(pages) == 1
    text = pages[0]
    for expected in (
        "영수증",
        receipt.number,
        "재근상사 귀하",
        "금 일백일십만원정",
        "1,100,000",
        "2019-04-10",
        "2019년 4월 10일",
        method.name,
        "3월분 <일부>",
        "위 금액을 정히 영수합니다.",
        "(주)고객소프트",
        "123-45-67891",
        "김대표",
        "02-808-8016",
    ):
        assert text.count(expected) >= 2, expected
    assert _picture_count(pdf) == 1
    assert "(인)" not in text


async def test_documents_that_are_gone_say_so(db):
    with pytest.raises(NotFound):
        await statements.statement_pdf(LedgerKind.SHIPMENT, 999)
    with pytest.raises(NotFound):
        await statements.receipt_pdf(999)
