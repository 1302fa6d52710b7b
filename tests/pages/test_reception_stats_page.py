import datetime as dt
import io

from nicegui import ui
from nicegui.testing import User
from openpyxl import load_workbook
from pypdf import PdfReader

from models.customer import Customer
from models.reception import ReceptionState
from services.receptions import ReceptionInput, save_reception
from tests.utils import eventually, make_admin, make_staff, sign_in


def _table(user: User, marker: str) -> ui.table:
    return user.find(marker).elements.pop()


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
    await Customer.create(code="150915-002", registered_on=dt.date(2015, 9, 15), company_name="송일시스템")
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
    await sign_in(user, "kimdemo")
    await user.open("/status/receptions")
    await user.should_see(marker="stats-all-table", retries=50)
    all_rows = _table(user, "stats-all-table")
    await eventually(lambda: len(all_rows.rows) == 3, within=5)
    assert [r["inquiry"] for r in all_rows.rows] == ["키락 인식 안됨", "<b>견적</b> 요청", "교육 문의"]
    chart = user.find("stats-chart").elements.pop()
    assert [s["name"] for s in chart.options["series"]] == ["구분없음"]
    assert sum(chart.options["series"][0]["data"]) == 3

    staff = _table(user, "stats-staff-table")
    assert [(r["name"], r["received"], r["processed"]) for r in staff.rows] == [
        ("김데모", "2", "1"),
        ("홍길동", "1", "1"),
    ]
    await user.should_see("[합계] 접수 3건 · 처리 2건")
    user.find("stats-staff-table").trigger(
        "selection", {"added": True, "rows": [staff.rows[1]], "keys": [staff.rows[1]["id"]]}
    )
    listed = _table(user, "stats-staff-list")
    await eventually(lambda: [r["inquiry"] for r in listed.rows] == ["교육 문의"])

    customers = _table(user, "stats-customer-table")
    assert [(r["company_name"], r["count"], r["representative"]) for r in customers.rows] == [
        ("재근상사", "3", "김대표")
    ]
    await user.should_see("[합계] 고객 1곳 · 접수 3건")
    silent = _table(user, "stats-silent-table")
    assert [r["company_name"] for r in silent.rows] == ["송일시스템"]

    user.find("stats-tab-staff").click()
    user.find("stats-excel").click()
    workbook = load_workbook(io.BytesIO((await user.download.next(timeout=10)).content))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == ["순번", "접수자", "접수건수", "처리건수", "최종접수일"]
    assert [cell.value for cell in sheet[2]][:4] == [1, "김데모", 2, 1]

    user.find("stats-tab-all").click()
    user.find("stats-print").click()
    pdf = (await user.download.next(timeout=30)).content
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "고객접수현황" in text and "<b>견적</b>" in text  # user text is printed, not interpreted


async def test_a_bad_period_is_explained_next_to_the_field(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    await user.open("/status/receptions")
    await user.should_see(marker="stats-all-table", retries=50)
    user.find("stats-from").clear().type("2016-09-30")
    user.find("stats-to").clear().type("2016-09-01")
    user.find("stats-search").click()
    end = user.find("stats-to").elements.pop()
    await eventually(lambda: "끝이 시작보다" in end.props.get("error-message", ""))
