"""The printed quote: 갑지 and 을지 in one PDF, with extractable Korean text."""

import datetime as dt
import io

from PIL import Image
from pypdf import PdfReader

from html_forms.quote import render_quote_html
from services import company, quotes
from tests.factories.sales import line, make_quote, make_trading_customer
from tests.factories.staff import make_admin
from tests.services.test_company import STAMP_PNG

MANUAL_LINES = [
    line("ERP영업관리", 1, 5_000_000, spec="3유저", item_code="9998"),
    line("ERP회계관리", 1, 5_000_000, spec="3유저", item_code="1101099"),
    line("- 경영정보 무상제공"),
    line("- 엑셀자료업로드 무상제공"),
    line("- 무상유지보수기간 3개월"),
]


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _images(pdf: bytes) -> list[list[Image.Image]]:
    """The pictures embedded on each page."""
    return [[picture.image for picture in page.images] for page in PdfReader(io.BytesIO(pdf)).pages]


async def test_quote_pdf_has_cover_and_lines_with_customer_items_and_totals(db):
    admin = await make_admin(name="홍길동")
    info = await company.save_company(
        by=admin,
        version=0,
        name="(주)고객소프트",
        business_number="123-45-67891",
        representative="김대표",
        address="서울시 구로구 디지털로 33길 11",
        phone="02-808-8016",
        fax="02-808-8017",
    )
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(
        admin,
        customer,
        MANUAL_LINES,
        quote_date=dt.date(2019, 3, 28),
        valid_until=dt.date(2019, 4, 27),
        title="ERP <도입> & 교육",
        staff_id=admin.id,
        payment_terms="계약 시 50%",
    )
    _, unstamped = await quotes.quote_pdf(quote.id)
    assert _images(unstamped) == [[], []]  # no stamp saved: no picture anywhere

    await company.save_stamp(by=admin, version=info.version, filename="stamp.png", data=STAMP_PNG)
    filename, pdf = await quotes.quote_pdf(quote.id)
    assert filename == f"견적서_{quote.number}.pdf"
    assert pdf.startswith(b"%PDF")
    pages = _pages(pdf)
    assert len(pages) == 2
    cover, detail = pages
    for text in ("재근상사", "(주)고객소프트", "123-45-67891", "김대표", "금 일천일백만원정", "11,000,000"):
        assert text in cover, text
    # our company's block: address and phone next to their labels, and the stamp by the representative
    assert "서울시 구로구 디지털로 33길 11" in cover and "02-808-8016" in cover and "02-808-8017" in cover
    assert "유효기간" in cover and "2019-04-27" in cover
    cover_images, detail_images = _images(pdf)
    assert detail_images == []
    assert len(cover_images) == 1
    stamp = cover_images[0]
    assert stamp.size == Image.open(io.BytesIO(STAMP_PNG)).size
    assert list(stamp.convert("RGB").getdata()) == list(
        Image.open(io.BytesIO(STAMP_PNG)).convert("RGB").getdata()
    )
    assert "ERP <도입> & 교육" in cover  # user text printed as typed, never interpreted as HTML
    assert "계약 시 50%" in cover
    for item in MANUAL_LINES:
        assert item["name"] in detail, item["name"]
    for total in ("10,000,000", "1,000,000", "11,000,000"):
        assert total in detail
    assert "5,500,000" in detail


async def test_quote_html_escapes_what_users_typed(db):
    admin = await make_admin()
    quote = await make_quote(
        admin,
        await make_trading_customer("<script>x</script>"),
        [line("<img src=x onerror=alert(1)>", 1, 10)],
    )
    document = await quotes.quote_document(quote.id)
    markup = render_quote_html(document)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "<img src=x" not in markup


async def test_gwiha_goes_after_the_recipient_once_and_never_after_the_contact(db):
    admin = await make_admin()
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(admin, customer, contact_name="이재근")
    _, pdf = await quotes.quote_pdf(quote.id)
    cover, detail = _pages(pdf)
    assert "재근상사 귀하" in cover and "재근상사 귀하" in detail
    assert "이재근" in cover and "이재근 귀하" not in cover
    assert cover.count("귀하") == 1

    for written in ("김사장님", "재근상사 귀하", "재근상사 귀중"):
        customer.company_name = written
        await customer.save()
        markup = render_quote_html(await quotes.quote_document(quote.id))
        assert f'<td class="recipient" colspan="2">{written}</td>' in markup
        assert markup.count("귀하") == written.count("귀하") * 2  # 갑지 and 을지, never doubled
        assert '<td class="small">담당자</td><td>이재근</td>' in markup
