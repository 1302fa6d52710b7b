"""통화내역's 엑셀 and 인쇄 (the list and 통화 통계), and 처리 완료 of a missed call someone else
handled first."""

from __future__ import annotations

import datetime as dt
import io

from nicegui.testing import User
from openpyxl import load_workbook
from pypdf import PdfReader

from models.reception import Direction
from models.telephony import CallEvent, CallOutcome
from services import call_log
from tests.factories.calls import make_call
from tests.factories.customers import make_customer
from tests.factories.staff import make_admin, make_staff
from tests.list_checks import excel_rows, printed_text, table_labels
from tests.utils import eventually, previewed_pdf, sign_in


def _now(minutes_ago: int) -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=minutes_ago)


async def _calls(kim) -> None:
    haedong = await make_customer("(주)해동통신", "02-808-8016")
    await make_call(
        "02-808-8016", _now(30), customer_id=haedong.id, staff_id=kim.id, answer_after=8, duration_seconds=65
    )
    await make_call("010-3333-4444", _now(20), outcome=CallOutcome.MISSED)
    await make_call("031-555-7230", _now(10), direction=Direction.OUTBOUND, staff_id=kim.id)


async def _pdf_text(user: User, marker: str, title: str) -> str:
    user.find(marker).click()
    pdf = await previewed_pdf(user, title)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def _excel(user: User, marker: str) -> list[list]:
    user.find(marker).click()
    workbook = load_workbook(io.BytesIO((await user.download.next(timeout=30)).content))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


async def test_the_call_list_and_its_figures_go_to_excel_and_print(user: User):
    await make_admin(login="boss")
    kim = await make_staff(name="김상담")
    await _calls(kim)
    await sign_in(user, "boss")
    await user.open("/calls")
    table = user.find("calls-table").elements.pop()
    await eventually(lambda: len(table.rows) == 3)

    sheet = await _excel(user, "calls-excel")
    assert sheet[0][:9] == ["일시", "구분", "결과", "전화번호", "고객", "내선", "직원", "통화시간", "접수"]
    assert [row[1:8] for row in sheet[1:]] == [
        ["발신", "응답", "031-555-7230", None, None, "김상담", None],
        ["수신", "부재중", "010-3333-4444", None, None, None, None],
        ["수신", "응답", "02-808-8016", "(주)해동통신", None, "김상담", "1:05"],
    ]
    text = await _pdf_text(user, "calls-print", "통화내역 인쇄")
    assert "통화내역" in text and "010-3333-4444" in text and "(주)해동통신" in text

    user.find("calls-tab-stats").click()
    summary = user.find("call-stats-summary").elements.pop()
    await eventually(lambda: summary.text.startswith("수신 2건 · 발신 1건 · 부재중 1건 (부재중 비율 50.0%)"))
    staff_table = user.find("call-stats-staff").elements.pop()
    assert staff_table.rows == [{"name": "김상담", "answered": "1", "average": "0:08"}]
    sheet = await _excel(user, "call-stats-excel")
    assert ["직원 김상담", None, 1, None, None, None, None, 8] in sheet
    text = await _pdf_text(user, "call-stats-print", "통화 통계 인쇄")
    assert "시간대별" in text and "김상담" in text and "0:08" in text


async def test_the_call_lists_screen_excel_and_print_show_the_same_columns(user: User):
    await make_admin(login="boss")
    await _calls(await make_staff(name="김상담"))
    await sign_in(user, "boss")
    await user.open("/calls")
    table = user.find("calls-table").elements.pop()
    await eventually(lambda: len(table.rows) == 3)
    labels = table_labels(user, "calls-table")
    assert labels == ["일시", "구분", "결과", "전화번호", "고객", "내선", "직원", "통화시간", "접수"]
    sheet = await excel_rows(user, "calls-excel")
    assert sheet[0] == [*labels, "처리", "처리일시", "처리 메모"]  # Excel adds who handled a missed call
    assert isinstance(sheet[1][0], dt.datetime)  # 일시 stays a date and time in Excel
    assert table.rows[0]["occurred_at"] == sheet[1][0].strftime("%Y-%m-%d %H:%M:%S")
    text = await printed_text(user, "calls-print", "통화내역 인쇄")
    assert all(label in text for label in labels) and "처리 메모" not in text
    assert table.rows[0]["occurred_at"] in text and "1:05" in text and "3건" in text

    user.find("calls-tab-stats").click()
    staff_table = user.find("call-stats-staff").elements.pop()
    await eventually(lambda: len(staff_table.rows) == 1)
    sheet = await excel_rows(user, "call-stats-excel")
    assert sheet[0] == [
        "구분",
        "수신",
        "응답",
        "부재중",
        "알 수 없음",
        "발신",
        "부재중 비율",
        "평균 응답 시간(초)",
    ]
    text = await printed_text(user, "call-stats-print", "통화 통계 인쇄")
    assert all(label in text for label in table_labels(user, "call-stats-staff"))
    assert all(label in text for label in sheet[0][:7])


async def test_a_missed_call_handled_by_someone_else_first_says_who(user: User):
    await make_admin(login="boss")
    lee = await make_staff(name="이상담")
    call = await make_call("010-3333-4444", _now(20), outcome=CallOutcome.MISSED)
    await sign_in(user, "boss")
    await user.open("/calls/missed")
    table = user.find("missed-table").elements.pop()
    await eventually(lambda: len(table.rows) == 1)
    await call_log.handle_missed(call.id, by=lee, memo="제가 걸었습니다")  # meanwhile, at another desk
    user.find("missed-table").trigger("handle", table.rows[0])  # the row's 처리 완료 button
    await user.should_see("부재중 전화 처리 완료")
    user.find("missed-done").click()
    await user.should_see("이상담님이")
    await eventually(lambda: table.rows == [])
    stored = await CallEvent.get(id=call.id)
    assert stored.handled_by_id == lee.id and stored.handled_memo == "제가 걸었습니다"
