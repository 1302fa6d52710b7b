import asyncio
import datetime as dt

import openpyxl
import pytest
from pypdf import PdfReader

from core.errors import InUseError, NotFound, StaleRecordError, ValidationError
from models.codes import CodeEntry, CodeKind
from models.customer import Customer, CustomerHistory
from models.phone import PhoneEntry
from models.reception import Reception
from services import cards, customer_list, customers
from services.customer_list import CustomerFilters
from services.customers import CustomerInput
from services.list_spec import write_pdf
from services.paging import PageRequest
from tests.factories.staff import make_staff


async def _code(kind: CodeKind, name: str) -> int:
    return (await CodeEntry.get(kind=kind, name=name)).id


async def add(by, name: str, *, on: str = "2014-02-13", **fields) -> Customer:
    return await customers.save_customer(
        CustomerInput(company_name=name, registered_on=on, **fields), by=by, confirm_duplicates=True
    )


async def names(filters: CustomerFilters, request: PageRequest | None = None) -> list[str]:
    page = await customer_list.search_customers(filters, request or PageRequest(rows_per_page=100))
    return [row["company_name"] for row in page.rows]


async def test_new_customer_gets_a_code_from_its_registration_date(db):
    clerk = await make_staff()
    first = await add(clerk, "재근상사", on="2014-02-13")
    second = await add(clerk, "하이디자인", on=dt.date(2014, 2, 13))
    other_day = await add(clerk, "(주)해동통신", on="2014.01.23")
    assert (first.code, second.code, other_day.code) == ("140213-001", "140213-002", "140123-001")
    assert first.company_name_chosung == "ㅈㄱㅅㅅ"
    assert first.created_by_id == clerk.id


async def test_codes_stay_unique_when_staff_save_at_the_same_moment(db):
    clerk = await make_staff()
    await add(clerk, "먼저 온 고객", on="2016-09-21")
    saved = await asyncio.gather(*(add(clerk, f"동시고객{i}", on="2016-09-21") for i in range(12)))
    codes = sorted(c.code for c in saved)
    assert codes == [f"160921-{n:03d}" for n in range(2, 14)]
    assert await Customer.filter(code__startswith="160921-").count() == 13


async def test_an_explicit_code_is_kept_and_may_not_be_taken_twice(db):
    clerk = await make_staff()
    kept = await customers.save_customer(
        CustomerInput(company_name="재근상사", registered_on="2014-02-13"), by=clerk, code="140213-001"
    )
    assert kept.code == "140213-001"
    with pytest.raises(ValidationError) as refused:
        await customers.save_customer(
            CustomerInput(company_name="다른상사", registered_on="2014-02-13"), by=clerk, code="140213-001"
        )
    assert "이미 있습니다" in refused.value.fields["code"]
    assert (await add(clerk, "다음상사", on="2014-02-13")).code == "140213-002"


async def test_validation_names_each_bad_field_and_saves_nothing(db):
    clerk = await make_staff()
    with pytest.raises(ValidationError) as refused:
        await customers.save_customer(
            CustomerInput(
                company_name="",
                registered_on="2014-13-45",
                business_number="111-22-33333",
                phone="02-80",
                mobile="010-12ab",
                email="kim@",
            ),
            by=clerk,
        )
    fields = refused.value.fields
    assert fields["company_name"] == "법인상호를 입력하세요."
    assert "연-월-일" in fields["registered_on"]
    assert "검증번호" in fields["business_number"]
    assert "전화번호" in fields["phone"]
    assert "숫자" in fields["mobile"]
    assert "이메일" in fields["email"]
    with pytest.raises(ValidationError) as short:
        await customers.save_customer(
            CustomerInput(company_name="x", registered_on="2020-01-01", business_number="1234"), by=clerk
        )
    assert "10자리" in short.value.fields["business_number"]
    assert await Customer.all().count() == 0


async def test_numbers_are_stored_in_korean_format_and_join_the_phone_directory(db):
    clerk = await make_staff()
    customer = await add(
        clerk, "유일종합상사", business_number="1111111119", phone="02)2275-7980", mobile="01012345678"
    )
    assert customer.business_number == "1111111119"
    assert (customer.phone, customer.mobile) == ("02-2275-7980", "010-1234-5678")
    digits = set(await PhoneEntry.filter(customer_id=customer.id).values_list("digits", flat=True))
    assert digits == {"0222757980", "01012345678"}
    edited = CustomerInput.of(customer)
    edited.phone = "02-6673-7230"
    await customers.save_customer(edited, by=clerk, customer_id=customer.id, version=customer.version)
    digits = set(await PhoneEntry.filter(customer_id=customer.id).values_list("digits", flat=True))
    assert digits == {"0266737230", "01012345678"}


async def test_a_stale_save_is_refused_naming_who_changed_it(db):
    kim = await make_staff(name="김데모")
    lee = await make_staff(name="이주연")
    customer = await add(kim, "재근상사")
    opened = customer.version
    theirs = CustomerInput.of(customer)
    theirs.memo = "이주연이 먼저 저장"
    await customers.save_customer(theirs, by=lee, customer_id=customer.id, version=opened)
    mine = CustomerInput.of(customer)
    mine.memo = "김데모가 나중에 저장"
    with pytest.raises(StaleRecordError) as stale:
        await customers.save_customer(mine, by=kim, customer_id=customer.id, version=opened)
    assert "이주연" in str(stale.value)
    assert (await Customer.get(id=customer.id)).memo == "이주연이 먼저 저장"


async def test_same_business_number_or_phone_warns_until_confirmed(db):
    clerk = await make_staff()
    original = await add(clerk, "재근상사", business_number="111-22-33332", phone="02-999-8888")
    with pytest.raises(customers.DuplicateCustomerError) as same_brn:
        await customers.save_customer(
            CustomerInput(
                company_name="재근상사 지점", registered_on="2020-01-01", business_number="1112233332"
            ),
            by=clerk,
        )
    assert [(d.customer_id, d.reason) for d in same_brn.value.duplicates] == [(original.id, "사업자번호")]
    with pytest.raises(customers.DuplicateCustomerError) as same_phone:
        await customers.save_customer(
            CustomerInput(
                company_name="다른회사", registered_on="2020-01-01", mobile="010-1111-2222", phone="029998888"
            ),
            by=clerk,
        )
    assert same_phone.value.duplicates[0].code == original.code
    assert "재근상사" in str(same_phone.value)
    saved = await customers.save_customer(
        CustomerInput(company_name="다른회사", registered_on="2020-01-01", phone="029998888"),
        by=clerk,
        confirm_duplicates=True,
    )
    assert saved.id != original.id
    # editing a customer never warns about itself
    again = CustomerInput.of(original)
    await customers.save_customer(again, by=clerk, customer_id=original.id, version=original.version)


async def test_previous_and_next_follow_code_order(db):
    clerk = await make_staff()
    late = await add(clerk, "뉴시스비즈", on="2016-09-21")
    early = await add(clerk, "(주)해동통신", on="2014-01-23")
    middle = await add(clerk, "재근상사", on="2014-02-13")
    assert await customers.neighbour_customer_id(middle.id, forward=True) == late.id
    assert await customers.neighbour_customer_id(middle.id, forward=False) == early.id
    assert await customers.neighbour_customer_id(early.id, forward=False) is None
    assert await customers.neighbour_customer_id(late.id, forward=True) is None


async def test_search_by_name_fragment_and_initial_consonants(db):
    clerk = await make_staff()
    for name in ("재근상사", "하이디자인", "(주)해동통신", "에스바디케어", "(주)A상호"):
        await add(clerk, name)
    assert await names(CustomerFilters(company_name="ㅈㄱㅅㅅ")) == ["재근상사"]
    assert await names(CustomerFilters(company_name="ㅎㅇ")) == ["하이디자인"]
    assert await names(CustomerFilters(company_name="ㅎㄷ ㅌㅅ")) == ["(주)해동통신"]
    assert await names(CustomerFilters(company_name="디")) == ["하이디자인", "에스바디케어"]
    assert await names(CustomerFilters(company_name="a상호")) == ["(주)A상호"]
    assert await names(CustomerFilters(company_name="없는회사")) == []


async def test_search_by_phone_any_format_and_trailing_fragment(db):
    clerk = await make_staff()
    haedong = await add(clerk, "(주)해동통신", phone="02-808-8016", mobile="010-9876-5432")
    await add(clerk, "재근상사", phone="02-999-8888")
    a_corp = await add(clerk, "(주)A상호", phone="02-123-4567")
    await cards.save_card(
        cards.CardInput(name="홍길동", customer_id=a_corp.id, mobile="010-1245-7845"), by=clerk
    )
    for typed in ("02-808-8016", "028088016", "8016", "808-8016", "010-9876", "5432"):
        assert await names(CustomerFilters(phone=typed)) == ["(주)해동통신"], typed
    assert await names(CustomerFilters(phone="7845")) == ["(주)A상호"]  # a card's mobile
    assert await names(CustomerFilters(phone="1234")) == []
    with pytest.raises(ValidationError) as short:
        await names(CustomerFilters(phone="16"))
    assert "3자리" in short.value.fields["phone"]
    assert haedong.id


async def test_a_picker_finds_customers_by_name_initials_code_or_any_number(db):
    clerk = await make_staff()
    jaegeun = await add(clerk, "재근상사", on="2014-02-13", phone="02-999-8888")
    haedong = await add(clerk, "(주)해동통신", on="2014-01-23", phone="02-808-8016")
    await cards.save_card(
        cards.CardInput(name="이재근", customer_id=jaegeun.id, mobile="010-222-5555"), by=clerk
    )

    async def found(text: str) -> list[str]:
        return [c.company_name for c in await customers.lookup_customers(text)]

    assert await found("재근") == ["재근상사"]
    assert await found("ㅈㄱㅅㅅ") == ["재근상사"]
    assert await found("14") == ["(주)해동통신", "재근상사"]  # both codes start so
    assert await found("140213") == ["재근상사"]
    assert await found("999-8888") == ["재근상사"]
    assert await found("8016") == ["(주)해동통신"]
    assert await found("010-222-5555") == ["재근상사"]  # a card's mobile
    assert await found("  ") == [] and await found("없는회사") == []
    [choice] = await customers.lookup_customers("해동")
    assert (choice.id, choice.label, choice.phone) == (haedong.id, "(주)해동통신 (140123-001)", "02-808-8016")


async def test_search_by_business_number_staff_dates_class_and_stop(db):
    kim = await make_staff(name="김데모")
    lee = await make_staff(name="이주연")
    maintenance = await _code(CodeKind.SERVICE_CLASS, "유지보수")
    await add(kim, "재근상사", on="2014-02-13", business_number="111-22-33332", staff_id=lee.id)
    await add(
        kim,
        "유일종합상사",
        on="2015-09-03",
        business_number="111-11-11119",
        service_class_id=maintenance,
        management_stop_date=dt.date.today() - dt.timedelta(days=1),
    )
    await add(
        kim, "하이디자인", on="2016-09-21", management_stop_date=dt.date.today() + dt.timedelta(days=30)
    )
    assert await names(CustomerFilters(business_number="111-22")) == ["재근상사"]
    assert await names(CustomerFilters(business_number="1111111119")) == ["유일종합상사"]
    # its last digits too, as a phone number is found (the first digits are shared by both)
    assert await names(CustomerFilters(business_number="3332")) == ["재근상사"]
    assert await names(CustomerFilters(business_number="11119")) == ["유일종합상사"]
    assert await names(CustomerFilters(business_number="111")) == ["재근상사", "유일종합상사"]
    assert await names(CustomerFilters(business_number="2233")) == []  # not any middle part
    assert await names(CustomerFilters(staff_id=lee.id)) == ["재근상사"]
    assert await names(CustomerFilters(service_class_id=maintenance)) == ["유일종합상사"]
    assert await names(CustomerFilters(stopped_only=True)) == ["유일종합상사"]
    in_2015 = CustomerFilters(
        use_dates=True, registered_from=dt.date(2015, 1, 1), registered_to=dt.date(2015, 12, 31)
    )
    assert await names(in_2015) == ["유일종합상사"]
    in_2015.use_dates = False  # the checkbox off: every customer
    assert len(await names(in_2015)) == 3


async def test_paging_sorting_row_limit_and_balance_column(db):
    clerk = await make_staff()
    for day in range(1, 8):
        await add(clerk, f"고객{day}", on=f"2020-01-0{day}")
    page = await customer_list.search_customers(CustomerFilters(), PageRequest(page=2, rows_per_page=3))
    assert page.total == 7
    assert [r["code"] for r in page.rows] == ["200104-001", "200105-001", "200106-001"]
    newest = await customer_list.search_customers(
        CustomerFilters(), PageRequest(rows_per_page=2, sort_by="company_name", descending=True)
    )
    assert [r["company_name"] for r in newest.rows] == ["고객7", "고객6"]
    limited = await customer_list.search_customers(
        CustomerFilters(row_limit=5), PageRequest(page=2, rows_per_page=3)
    )
    assert limited.total == 5 and len(limited.rows) == 2
    with_balance = await customer_list.search_customers(
        CustomerFilters(show_balance=True), PageRequest(rows_per_page=2)
    )
    assert [r["balance"] for r in with_balance.rows] == [0, 0]
    assert "balance" not in page.rows[0]


async def test_history_notes_are_newest_first_with_their_author(db):
    kim = await make_staff(name="김데모")
    lee = await make_staff(name="이주연")
    customer = await add(kim, "재근상사")
    await customers.add_history_note(customer.id, "담당자 이재근으로 변경", by=kim)
    await customers.add_history_note(customer.id, "유지보수 재계약 안내", by=lee)
    notes = await customers.list_history(customer.id)
    assert [(n.author, n.note) for n in notes] == [
        ("이주연", "유지보수 재계약 안내"),
        ("김데모", "담당자 이재근으로 변경"),
    ]
    with pytest.raises(ValidationError):
        await customers.add_history_note(customer.id, "   ", by=kim)
    assert await CustomerHistory.filter(customer_id=customer.id).count() == 2


async def test_map_image_must_be_an_image_and_is_stored_in_the_data_folder(db, isolated_data):
    clerk = await make_staff()
    customer = await add(clerk, "재근상사")
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    with pytest.raises(ValidationError) as not_image:
        await customers.set_map_image(
            customer.id, filename="약도.png", data=b"MZ\x90\x00 not an image", by=clerk
        )
    assert "이미지가 아닙니다" in not_image.value.fields["map_image"]
    with pytest.raises(ValidationError):
        await customers.set_map_image(
            customer.id, filename="big.png", data=png + b"\0" * customers.MAP_IMAGE_LIMIT, by=clerk
        )
    saved = await customers.set_map_image(
        customer.id, filename="약도.png", data=png, by=clerk, version=customer.version
    )
    path, media_type = await customers.map_image_file(customer.id)
    assert media_type == "image/png" and path.read_bytes() == png
    assert path.is_relative_to(isolated_data)
    replaced = await customers.set_map_image(
        customer.id, filename="new.png", data=png, by=clerk, version=saved.version
    )
    assert not path.exists()  # the old image is gone
    await customers.remove_map_image(customer.id, by=clerk, version=replaced.version)
    with pytest.raises(NotFound):
        await customers.map_image_file(customer.id)


async def test_a_customer_in_use_cannot_be_deleted_and_a_free_one_keeps_its_cards(db):
    clerk = await make_staff()
    used = await add(clerk, "재근상사", phone="02-999-8888")
    await Reception.create(
        received_at=dt.datetime(2016, 9, 21, 17, 50), customer_id=used.id, phone="02-808-8016"
    )
    with pytest.raises(InUseError):
        await customers.delete_customer(used.id, by=clerk)
    free = await add(clerk, "하이디자인", phone="031-555-5555")
    card = await cards.save_card(
        cards.CardInput(name="최담당", customer_id=free.id, mobile="010-1188-2222"), by=clerk
    )
    await customers.delete_customer(free.id, by=clerk)
    assert not await Customer.exists(id=free.id)
    kept = await cards.get_card(card.id)
    assert kept.customer_id is None and kept.company_name == "하이디자인"
    assert await PhoneEntry.filter(card_id=card.id, digits="01011882222").exists()
    assert not await PhoneEntry.filter(digits="0315555555").exists()


async def test_excel_export_uses_the_filters_and_keeps_formulas_as_text(db):
    clerk = await make_staff()
    status = await _code(CodeKind.CUSTOMER_STATUS, "설치완료")
    await add(
        clerk,
        "재근상사",
        business_number="111-22-33332",
        phone="02-999-8888",
        status_id=status,
        memo='=HYPERLINK("http://evil")',
    )
    await add(clerk, "하이디자인", on="2016-09-21")
    path = await customer_list.export_customers(CustomerFilters(company_name="ㅈㄱㅅㅅ", show_balance=True))
    try:
        sheet = openpyxl.load_workbook(path).active
        header = [c.value for c in sheet[1]]
        assert header[:6] == ["고객코드", "등록일자", "고객상태", "법인상호", "대표자", "사업자번호"]
        assert header[-1] == "외상잔액"
        assert sheet.max_row == 2
        row = {h: c for h, c in zip(header, sheet[2], strict=True)}
        assert row["고객코드"].value == "140213-001"
        assert row["등록일자"].value.date() == dt.date(2014, 2, 13)
        assert row["고객상태"].value == "설치완료"
        assert row["사업자번호"].value == "111-22-33332"
        assert row["메모"].value == '=HYPERLINK("http://evil")' and row["메모"].data_type == "s"
        assert row["외상잔액"].value == 0
    finally:
        path.unlink()


async def test_export_streams_many_rows_with_progress(db):
    clerk = await make_staff()
    for i in range(25):
        await add(clerk, f"대량고객{i:02d}", on="2020-01-01")
    seen = []
    original = customer_list.EXPORT_CHUNK
    customer_list.EXPORT_CHUNK = 10
    try:
        path = await customer_list.export_customers(
            CustomerFilters(), on_progress=lambda done, total: seen.append((done, total))
        )
    finally:
        customer_list.EXPORT_CHUNK = original
    try:
        assert seen == [(10, 25), (20, 25), (25, 25)]
        sheet = openpyxl.load_workbook(path, read_only=True).active
        assert sum(1 for _ in sheet.iter_rows(min_row=2)) == 25
    finally:
        path.unlink()


async def test_printed_list_is_a_pdf_with_escaped_korean_text(db):
    clerk = await make_staff()
    await add(clerk, "<b>재근상사</b>", phone="02-999-8888")
    rows = (await customer_list.search_customers(CustomerFilters())).rows
    path = await write_pdf(customer_list.CUSTOMER_LIST, rows)
    try:
        text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    finally:
        path.unlink()
    assert "고객 목록" in text and "<b>재근상사</b>" in text and "02-999-8888" in text


async def test_an_edit_that_takes_another_customers_number_warns(db):
    clerk = await make_staff()
    await add(clerk, "재근상사", phone="02-999-8888")
    other = await add(clerk, "하이디자인", phone="031-555-5555")
    edited = CustomerInput.of(other)
    edited.mobile = "02-999-8888"
    with pytest.raises(customers.DuplicateCustomerError) as warned:
        await customers.save_customer(edited, by=clerk, customer_id=other.id, version=other.version)
    assert [d.company_name for d in warned.value.duplicates] == ["재근상사"]
