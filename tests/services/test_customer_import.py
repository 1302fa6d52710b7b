import datetime as dt
import io

import pytest
from openpyxl import Workbook

from core.errors import ValidationError
from models.card import BusinessCard, Employment
from models.customer import Customer
from services import customer_import, customer_list, customers
from services.customer_import import ImportKind, RowAction
from services.customer_list import CustomerFilters
from services.customers import CustomerInput
from tests.factories.staff import make_staff


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CUSTOMERS = [
    ["거래처코드", "상호", "대표자", "사업자등록번호", "전화", "휴대폰", "등록일", "고객상태", "담당사원"],
    [
        "140213-001",
        "재근상사",
        "김대표",
        "111-22-33332",
        "02-999-8888",
        "010-222-5555",
        dt.datetime(2014, 2, 13),
        "설치완료",
        "이주연",
    ],
    [None, "유일종합상사", "박찬순", "1111111119", "02)2275-7980", "010-1234-5678", "2015-09-03", None, None],
    [None, "", "이름없음", None, None, None, None, None, None],
    [None, "엉터리상사", None, "111-22-33333", "02-80", None, "2015-13-01", None, None],
    [None, "코드없는상사", None, None, None, None, None, "VIP", "없는사람"],
    [None, "하이디자인", "황대표", None, "031-555-5555", None, 20160921, None, None],
]


async def test_headers_are_mapped_by_name_and_known_aliases(db):
    sheet = await customer_import.read_sheet(workbook(CUSTOMERS))
    mapping = customer_import.guess_mapping(ImportKind.CUSTOMERS, sheet.headers)
    assert mapping == {
        "code": 0,
        "company_name": 1,
        "representative": 2,
        "business_number": 3,
        "phone": 4,
        "mobile": 5,
        "registered_on": 6,
        "status": 7,
        "staff": 8,
    }
    assert [number for number, _ in sheet.rows] == [2, 3, 4, 5, 6, 7]


async def test_import_saves_good_rows_lists_bad_ones_and_reimport_does_not_duplicate(db):
    await make_staff(name="이주연")
    clerk = await make_staff()
    sheet = await customer_import.read_sheet(workbook(CUSTOMERS))
    mapping = customer_import.guess_mapping(ImportKind.CUSTOMERS, sheet.headers)

    preview = await customer_import.preview_import(ImportKind.CUSTOMERS, sheet, mapping)
    assert [o.action for o in preview.outcomes] == [
        RowAction.CREATE,
        RowAction.CREATE,
        RowAction.ERROR,
        RowAction.ERROR,
        RowAction.ERROR,
        RowAction.CREATE,
    ]
    assert await Customer.all().count() == 0  # a preview saves nothing

    report = await customer_import.run_import(ImportKind.CUSTOMERS, sheet, mapping, by=clerk)
    assert (report.count(RowAction.CREATE), report.count(RowAction.ERROR)) == (3, 3)
    reasons = {o.row_number: " / ".join(o.reasons) for o in report.errors}
    assert "법인상호: 법인상호를 입력하세요." in reasons[4]
    assert "사업자번호" in reasons[5] and "전화번호" in reasons[5] and "등록일자" in reasons[5]
    assert "고객상태 'VIP'" in reasons[6] and "담당사원 '없는사람'" in reasons[6]

    jaegeun = await Customer.get(code="140213-001")
    assert (jaegeun.company_name, jaegeun.business_number, jaegeun.mobile) == (
        "재근상사",
        "1112233332",
        "010-222-5555",
    )
    assert jaegeun.registered_on == dt.date(2014, 2, 13)
    assert jaegeun.staff_id is not None and jaegeun.status_id is not None
    yuil = await Customer.get(company_name="유일종합상사")
    assert yuil.code == "150903-001" and yuil.phone == "02-2275-7980"
    assert (await Customer.get(company_name="하이디자인")).code == "160921-001"
    found = await customer_list.search_customers(CustomerFilters(phone="8888"))
    assert [r["company_name"] for r in found.rows] == ["재근상사"]  # imported numbers are searchable

    versions = dict(await Customer.all().values_list("id", "version"))
    preview_again = await customer_import.preview_import(ImportKind.CUSTOMERS, sheet, mapping)
    assert [o.action for o in preview_again.outcomes if o.action != RowAction.ERROR] == [
        RowAction.UNCHANGED
    ] * 3
    again = await customer_import.run_import(ImportKind.CUSTOMERS, sheet, mapping, by=clerk)
    # 재근상사 matches by code, 유일종합상사 by business number, and 하이디자인 (neither in the file)
    # by its name and phone: nothing is added and nothing is rewritten
    assert [o.action for o in again.outcomes] == [
        RowAction.UNCHANGED,
        RowAction.UNCHANGED,
        RowAction.ERROR,
        RowAction.ERROR,
        RowAction.ERROR,
        RowAction.UNCHANGED,
    ]
    assert (again.count(RowAction.CREATE), again.count(RowAction.UNCHANGED)) == (0, 3)
    assert await Customer.all().count() == 3
    assert dict(await Customer.all().values_list("id", "version")) == versions


async def test_an_exported_file_imports_back_onto_the_same_customers(db):
    clerk = await make_staff()
    original = await customers.save_customer(
        CustomerInput(company_name="재근상사", registered_on="2014-02-13", phone="02-999-8888", memo="메모"),
        by=clerk,
    )
    path = await customer_list.export_customers(CustomerFilters())
    try:
        sheet = await customer_import.read_sheet(path.read_bytes())
    finally:
        path.unlink()
    mapping = customer_import.guess_mapping(ImportKind.CUSTOMERS, sheet.headers)
    assert {"code", "company_name", "phone", "memo", "registered_on"} <= set(mapping)
    report = await customer_import.run_import(ImportKind.CUSTOMERS, sheet, mapping, by=clerk)
    assert [o.action for o in report.outcomes] == [RowAction.UNCHANGED]
    assert await Customer.all().count() == 1
    assert (await Customer.get(id=original.id)).memo == "메모"


async def test_cards_import_links_companies_by_code_and_reimport_updates(db):
    clerk = await make_staff()
    await customers.save_customer(
        CustomerInput(company_name="(주)A상호", registered_on="2015-07-01"), by=clerk, code="150701-001"
    )
    rows = [
        [
            "이름",
            "직책",
            "근무",
            "소속부서",
            "담당업무",
            "회사명",
            "고객코드",
            "휴대폰",
            "직통번호",
            "팩스번호",
            "분류A",
            "분류B",
        ],
        [
            "홍길동",
            "대리",
            "재직",
            "물류",
            "구매팀",
            None,
            "150701-001",
            "010-1245-7845",
            "02-123-4567",
            "02-234-5678",
            "인쇄회사",
            "매출처",
        ],
        ["홍길동", "과장", "재직", "마케팅", "구매팀", "test", None, "010-1111-2222", None, None, None, None],
        ["호면수", "과장", "휴직", None, None, None, "999999-999", None, None, None, None, None],
        [None, None, None, None, None, "이름없는회사", None, None, None, None, None, None],
    ]
    sheet = await customer_import.read_sheet(workbook(rows))
    mapping = customer_import.guess_mapping(ImportKind.CARDS, sheet.headers)
    report = await customer_import.run_import(ImportKind.CARDS, sheet, mapping, by=clerk)
    assert [o.action for o in report.outcomes] == [
        RowAction.CREATE,
        RowAction.CREATE,
        RowAction.ERROR,
        RowAction.ERROR,
    ]
    reasons = " / ".join(report.errors[0].reasons)
    assert "근무 '휴직'" in reasons and "고객코드 '999999-999'" in reasons
    assert report.errors[1].reasons == ["이름: 이름을 입력하세요."]
    linked = await BusinessCard.get(name="홍길동", mobile="010-1245-7845")
    assert linked.customer_id is not None and linked.company_name == "(주)A상호"
    assert linked.employment == Employment.EMPLOYED and linked.group_a_id and linked.position_id
    again = await customer_import.run_import(ImportKind.CARDS, sheet, mapping, by=clerk)
    assert again.count(RowAction.UNCHANGED) == 2 and again.count(RowAction.CREATE) == 0
    assert await BusinessCard.all().count() == 2

    rows[1][1] = "과장"  # promoted: the same card is updated
    rows[2][2] = "퇴사"
    changed = await customer_import.read_sheet(workbook(rows))
    report = await customer_import.run_import(ImportKind.CARDS, changed, mapping, by=clerk)
    assert [o.action for o in report.outcomes[:2]] == [RowAction.UPDATE, RowAction.UPDATE]
    assert await BusinessCard.all().count() == 2
    assert (await BusinessCard.get(id=linked.id)).position_id != linked.position_id
    assert (await BusinessCard.get(name="홍길동", company_name="test")).employment == Employment.LEFT


async def test_a_file_that_is_not_a_workbook_or_lacks_the_required_column_is_refused(db):
    with pytest.raises(ValidationError) as not_xlsx:
        await customer_import.read_sheet(b"name,phone\n")
    assert ".xlsx" in not_xlsx.value.fields["file"]
    sheet = await customer_import.read_sheet(workbook([["전화번호"], ["02-999-8888"]]))
    with pytest.raises(ValidationError) as unmapped:
        await customer_import.preview_import(ImportKind.CUSTOMERS, sheet, {"phone": 0})
    assert "법인상호" in unmapped.value.fields["mapping"]


async def test_rows_without_code_or_business_number_match_by_company_name_and_phone(db):
    clerk = await make_staff()
    header = ["상호", "전화", "휴대폰", "대표자", "등록일"]
    first = [
        header,
        ["하이디자인", "031-555-5555", None, "황대표", "2016-09-21"],
        ["하이디자인", "02-777-1234", None, "김지점장", "2017-01-02"],  # same name, another number
        ["송일시스템", None, None, "조대표", "2015-09-15"],
    ]
    sheet = await customer_import.read_sheet(workbook(first))
    mapping = customer_import.guess_mapping(ImportKind.CUSTOMERS, sheet.headers)
    report = await customer_import.run_import(ImportKind.CUSTOMERS, sheet, mapping, by=clerk)
    assert report.count(RowAction.CREATE) == 3
    assert await Customer.filter(company_name="하이디자인").count() == 2  # a branch is its own customer

    second = [
        header,
        ["하이디자인", "0315555555", None, "황대표", "2016-09-21"],  # the same number typed differently
        ["하이디자인", None, "02-777-1234", "박지점장", None],  # the branch's number, in another column
        ["송일시스템", "02-6673-7230", None, None, None],  # no number before: the name finds it
        ["송일시스템", "02-6673-7230", None, None, None],  # and now by name and number
        ["뉴시스비즈", "031-888-9999", None, None, "2016-09-21"],
    ]
    sheet = await customer_import.read_sheet(workbook(second))
    preview = await customer_import.preview_import(ImportKind.CUSTOMERS, sheet, mapping)
    expected = [
        RowAction.UNCHANGED,
        RowAction.UPDATE,
        RowAction.UPDATE,
        RowAction.UPDATE,
        RowAction.CREATE,
    ]
    assert [o.action for o in preview.outcomes] == expected
    report = await customer_import.run_import(ImportKind.CUSTOMERS, sheet, mapping, by=clerk)
    assert [o.action for o in report.outcomes] == [*expected[:3], RowAction.UNCHANGED, RowAction.CREATE]
    assert await Customer.all().count() == 4
    branch = await Customer.get(company_name="하이디자인", phone="02-777-1234")
    assert (branch.representative, branch.mobile) == ("박지점장", "02-777-1234")
    songil = await Customer.get(company_name="송일시스템")
    assert (songil.phone, songil.representative) == ("02-6673-7230", "조대표")

    third = [header, ["송일시스템", None, None, "조대표", None]]  # no number: matched by name alone
    sheet = await customer_import.read_sheet(workbook(third))
    report = await customer_import.run_import(ImportKind.CUSTOMERS, sheet, mapping, by=clerk)
    assert [o.action for o in report.outcomes] == [RowAction.UNCHANGED]
    assert await Customer.all().count() == 4


async def test_cards_without_a_customer_code_match_by_company_name_and_numbers(db):
    clerk = await make_staff()
    rows = [
        ["이름", "회사명", "휴대폰", "직통번호"],
        ["홍길동", "test", "010-1111-2222", None],
        ["홍길동", "test", "010-3333-4444", None],  # another 홍길동 at the same company
        ["김영희", "(주)나라", None, "02-555-0101"],
        ["박민수", "(주)나라", None, None],
    ]
    sheet = await customer_import.read_sheet(workbook(rows))
    mapping = customer_import.guess_mapping(ImportKind.CARDS, sheet.headers)
    first = await customer_import.run_import(ImportKind.CARDS, sheet, mapping, by=clerk)
    assert first.count(RowAction.CREATE) == 4
    again = await customer_import.run_import(ImportKind.CARDS, sheet, mapping, by=clerk)
    assert [o.action for o in again.outcomes] == [RowAction.UNCHANGED] * 4
    assert await BusinessCard.all().count() == 4

    rows[3][2] = "010-9999-0000"  # a mobile added to a card found by its direct line
    rows[4][3] = "02-555-0102"  # a number added to a card that had none
    sheet = await customer_import.read_sheet(workbook(rows))
    report = await customer_import.run_import(ImportKind.CARDS, sheet, mapping, by=clerk)
    assert [o.action for o in report.outcomes] == [
        RowAction.UNCHANGED,
        RowAction.UNCHANGED,
        RowAction.UPDATE,
        RowAction.UPDATE,
    ]
    assert await BusinessCard.all().count() == 4
    assert (await BusinessCard.get(name="김영희")).mobile == "010-9999-0000"
    assert (await BusinessCard.get(name="박민수")).direct_phone == "02-555-0102"
