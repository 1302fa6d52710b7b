import datetime as dt
import io

from nicegui import ui
from nicegui.testing import User
from openpyxl import load_workbook
from pypdf import PdfReader

from models.customer import Customer
from models.reception import ReceptionState
from pages.receptions.stats import SPECS
from services.receptions import ReceptionInput, save_reception
from tests.factories.staff import make_admin, make_staff
from tests.list_checks import assert_printed_headers, assert_table_and_sheet_agree
from tests.utils import eventually, previewed_pdf, sign_in


def _table(user: User, marker: str) -> ui.table:
    return user.find(marker).elements.pop()


async def _excel(user: User) -> list[list]:
    user.find("stats-excel").click()
    workbook = load_workbook(io.BytesIO((await user.download.next(timeout=30)).content))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


async def _pdf_text(user: User) -> str:
    user.find("stats-print").click()
    pdf = await previewed_pdf(user)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_statistics_tabs_chart_excel_and_print(user: User):
    await make_admin(login="boss")
    kim = await make_staff(login="kimdemo", name="김데모")
    hong = await make_staff(name="홍길동")
    jaegeun = await Customer.create(
        code="140213-001",
        registered_on=dt.date(2014, 2, 13),
        company_name="재근상사",
        representative="김대표",
    )
    await Customer.create(
        code="150915-002",
        registered_on=dt.date(2015, 9, 15),
        company_name="송일시스템",
        representative="송대표",
    )
    today = dt.datetime.now().replace(hour=0, minute=5, second=0, microsecond=0)
    for minutes, by, state, text in (
        (0, kim, ReceptionState.DONE, "키락 인식 안됨"),
        (1, kim, ReceptionState.PENDING, "<b>견적</b> 요청"),
        (2, hong, ReceptionState.DONE, "교육 문의"),
    ):
        await save_reception(
            ReceptionInput(
                received_at=today + dt.timedelta(minutes=minutes),
                customer_id=jaegeun.id,
                receiver_id=by.id,
                state=state,
                inquiry=text,
            ),
            by=by,
        )
    last = today + dt.timedelta(minutes=2)
    await sign_in(user, "kimdemo")
    await user.open("/status/receptions")
    await user.should_see(marker="stats-all-table", retries=50)
    # the tabs fill one after another: wait for each table, not only the first
    all_rows = _table(user, "stats-all-table")
    await eventually(lambda: len(all_rows.rows) == 3, within=5)
    assert [r["inquiry"] for r in all_rows.rows] == ["키락 인식 안됨", "<b>견적</b> 요청", "교육 문의"]
    chart = user.find("stats-chart").elements.pop()
    await eventually(lambda: [s["name"] for s in chart.options["series"]] == ["구분없음"])
    assert sum(chart.options["series"][0]["data"]) == 3

    staff = _table(user, "stats-staff-table")
    await eventually(
        lambda: (
            [(r["name"], r["received"], r["processed"]) for r in staff.rows]
            == [("김데모", "2", "1"), ("홍길동", "1", "1")]
        )
    )
    await user.should_see("[합계] 접수 3건 · 처리 2건")
    user.find("stats-staff-table").trigger(
        "selection", {"added": True, "rows": [staff.rows[1]], "keys": [staff.rows[1]["id"]]}
    )
    listed = _table(user, "stats-staff-list")
    await eventually(lambda: [r["inquiry"] for r in listed.rows] == ["교육 문의"])

    customers = _table(user, "stats-customer-table")
    await eventually(
        lambda: (
            [(r["company_name"], r["count"], r["representative"]) for r in customers.rows]
            == [("재근상사", "3", "김대표")]
        )
    )
    await user.should_see("[합계] 고객 1곳 · 접수 3건")
    silent = _table(user, "stats-silent-table")
    await eventually(lambda: [r["company_name"] for r in silent.rows] == ["송일시스템"])

    # 전체: every reception of the period, in time order
    user.find("stats-tab-all").click()
    sheet = await _excel(user)
    assert sheet[0] == [
        "순번", "접수일자", "접수구분", "대분류", "중분류", "일반분류", "거래처",
        "전화번호", "담당자", "접수자", "처리자", "접수사항", "처리사항",
    ]  # fmt: skip
    assert len(sheet) == 4
    assert_table_and_sheet_agree(SPECS["all"], all_rows, sheet)
    assert sheet[1][:2] == [1, today] and sheet[1][6] == "재근상사"
    assert (sheet[1][9], sheet[1][11]) == ("김데모", "키락 인식 안됨")
    assert sheet[2][11] == "<b>견적</b> 요청"
    text = await _pdf_text(user)
    assert "고객접수현황 - 전체" in text and "접수사항" in text
    assert "<b>견적</b>" in text  # user text is printed, not interpreted

    # 담당자별접수현황: received and processed per receiving staff member, with the total row
    user.find("stats-tab-staff").click()
    sheet = await _excel(user)
    assert sheet[0] == ["순번", "접수자", "접수건수", "처리건수", "최종접수일"]
    assert sheet[1][:4] == [1, "김데모", 2, 1]
    assert sheet[2][:4] == [2, "홍길동", 1, 1]
    assert sheet[3] == ["합계", "2명", 3, 2, last]
    assert_table_and_sheet_agree(SPECS["staff"], staff, sheet, data_rows=2)
    text = await _pdf_text(user)
    assert_printed_headers(SPECS["staff"], text)
    assert "담당자별접수현황" in text and "접수건수" in text and "홍길동" in text
    assert "합계" in text and "2명" in text

    # 고객접수집계: per customer, and a real 합계 row under the customers (Excel and print alike)
    user.find("stats-tab-customers").click()
    sheet = await _excel(user)
    assert sheet[0] == [
        "순번", "고객번호", "거래처명", "대표자", "담당자", "전화번호", "휴대폰", "접수건수", "최종접수일",
    ]  # fmt: skip
    assert sheet[1] == [1, "140213-001", "재근상사", "김대표", None, None, None, 3, last]
    assert sheet[2] == ["합계", None, "고객 1곳", None, None, None, None, 3, last]
    assert len(sheet) == 3
    assert_table_and_sheet_agree(SPECS["customers"], customers, sheet, data_rows=1)
    text = await _pdf_text(user)
    assert "고객접수집계" in text and "140213-001" in text and "김대표" in text
    assert "합계" in text and "고객 1곳" in text

    # 기간내미접수업체: customers without a reception in the period
    user.find("stats-tab-silent").click()
    sheet = await _excel(user)
    assert sheet[0] == [
        "순번", "고객번호", "거래처명", "대표자", "담당자", "전화번호", "휴대폰", "마지막 접수일(전체)",
    ]  # fmt: skip
    assert sheet[1][:4] == [1, "150915-002", "송일시스템", "송대표"]
    assert len(sheet) == 2
    assert_table_and_sheet_agree(SPECS["silent"], silent, sheet)
    text = await _pdf_text(user)
    assert "기간내미접수업체" in text and "150915-002" in text and "송일시스템" in text
    assert "재근상사" not in text


async def test_a_bad_period_is_explained_next_to_the_field_and_clears_what_was_shown(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    await save_reception(
        ReceptionInput(received_at=dt.datetime.now(), receiver_id=clerk.id, inquiry="키락 인식 안됨"),
        by=clerk,
    )
    await sign_in(user, "clerk")
    await user.open("/status/receptions")
    await user.should_see(marker="stats-all-table", retries=50)
    all_rows = _table(user, "stats-all-table")
    await eventually(lambda: len(all_rows.rows) == 1)
    user.find("stats-from").clear().type("2016-09-30")
    user.find("stats-to").clear().type("2016-09-01")
    user.find("stats-search").click()
    end = user.find("stats-to").elements.pop()
    await eventually(lambda: "끝이 시작보다" in end.props.get("error-message", ""))
    # the receptions of the period shown before are not left on screen as if they were this one's
    await eventually(lambda: all_rows.rows == [])
    chart = user.find("stats-chart").elements.pop()
    assert chart.options["series"] == []
    user.find("stats-excel").click()
    await user.should_see("먼저 기간을 정해 조회하세요.")


async def test_a_period_of_decades_is_accepted(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    await save_reception(
        ReceptionInput(received_at=dt.datetime.now(), receiver_id=clerk.id, inquiry="키락 인식 안됨"),
        by=clerk,
    )
    await sign_in(user, "clerk")
    await user.open("/status/receptions")
    await user.should_see(marker="stats-all-table", retries=50)
    all_rows = _table(user, "stats-all-table")
    user.find("stats-from").clear().type("2000-01-01")
    user.find("stats-search").click()
    await eventually(lambda: [r["inquiry"] for r in all_rows.rows] == ["키락 인식 안됨"])
    start = user.find("stats-from").elements.pop()
    assert not start.props.get("error-message")
    chart = user.find("stats-chart").elements.pop()
    # charted per month from the first reception, not 27 empty years
    await eventually(lambda: len(chart.options["xAxis"]["data"]) == 1)
