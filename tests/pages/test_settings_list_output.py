"""엑셀 and 인쇄 of the settings lists (사용자 관리, 기초정보등록's code tables, 메일 발송 내역,
센트릭스 API 사용자, 문자 발송 내역): each sheet's header is the table's column labels and holds every row the screen's filter gives,
the print holds them, no secret is written, and the admin-only lists refuse a non-admin."""

from __future__ import annotations

import datetime as dt

import pytest
from nicegui.testing import User

from core.errors import PermissionDenied
from models.codes import CodeEntry, CodeKind
from models.mail import MailMessage, MailStatus
from models.staff import Staff
from models.telephony import CentrexUser, SmsMessage, SmsStatus
from pages.settings.centrex import CENTREX_USERS, SMS_OUTBOX
from pages.settings.codes import CODES
from pages.settings.mail_outbox import OUTBOX
from pages.settings.users import USERS
from services import centrex_users, codes, sms, staff
from services.centrex_client import password_sha512
from tests.factories.staff import make_admin, make_staff
from tests.list_checks import (
    assert_printed_headers,
    assert_table_and_sheet_agree,
    excel_rows,
    printed_text,
    table_labels,
)
from tests.utils import eventually, sign_in


def _table(user: User, marker: str):
    return next(iter(user.find(marker=marker).elements))


async def test_the_user_list_goes_to_excel_and_print_without_passwords(user: User):
    await make_admin(login="boss", name="관리자")
    await make_staff(login="clerk", name="김사원")
    await sign_in(user, "boss")
    await user.open("/settings/users")
    await user.should_see(marker="users-table", retries=50)
    table = _table(user, "users-table")
    assert table_labels(user, "users-table") == ["아이디", "이름", "권한", "내선", "상태", "비밀번호 변경일"]

    sheet = await excel_rows(user, "user-excel")
    assert_table_and_sheet_agree(USERS, table, sheet)
    assert sorted(row[0] for row in sheet[1:]) == ["boss", "clerk"]
    assert isinstance(sheet[1][5], dt.datetime)  # a date stays a date in Excel
    hashes = set(await Staff.all().values_list("password_hash", flat=True))
    assert not hashes & {cell for row in sheet for cell in row}

    text = await printed_text(user, "user-print", "사용자 인쇄")
    assert_printed_headers(USERS, text)
    assert "김사원" in text and "clerk" in text and "2건" in text


async def test_the_mail_outbox_goes_to_excel_and_print_as_filtered(user: User):
    admin = await make_admin(login="boss")
    await make_staff(login="clerk")
    for number in range(60):  # more than the page on screen
        await MailMessage.create(
            recipient=f"a{number}@example.com",
            subject=f"안내 {number}",
            status=MailStatus.SENT,
            staff_id=admin.id,
        )
    await MailMessage.create(
        recipient="fail@example.com", subject="실패한 안내", status=MailStatus.FAILED, error="연결 거부"
    )
    await sign_in(user, "clerk")
    await user.open("/status/mail")
    await user.should_see(marker="outbox-table", retries=50)
    table = _table(user, "outbox-table")
    assert len(table.rows) == 50

    sheet = await excel_rows(user, "excel")
    assert_table_and_sheet_agree(OUTBOX, table, sheet)
    assert len(sheet) == 1 + 61  # every row, not the page on screen
    assert isinstance(sheet[1][0], dt.datetime)

    user.find(marker="outbox-status").elements.pop().value = "failed"
    await eventually(lambda: [r["recipient"] for r in table.rows] == ["fail@example.com"], within=20)
    sheet = await excel_rows(user, "excel")
    assert [row[1] for row in sheet[1:]] == ["fail@example.com"]

    text = await printed_text(user, "print", "메일 발송 내역 인쇄")
    assert_printed_headers(OUTBOX, text)
    assert "fail@example.com" in text and "연결 거부" in text and "a1@example.com" not in text
    assert "결과: 실패" in text


async def test_the_centrex_lines_and_the_sms_outbox_go_to_excel_and_print(user: User):
    boss = await make_admin(login="boss", name="관리자")
    await CentrexUser.create(
        number070="07012345678",
        password_sha512=password_sha512("centrex-pw"),
        extension="101",
        staff_id=boss.id,
    )
    for number in range(55):
        await SmsMessage.create(
            destination=f"010123456{number:02d}",
            text=f"문자 {number}",
            status=SmsStatus.SENT,
            remaining=1000 - number,
            staff_id=boss.id,
        )
    await sign_in(user, "boss")
    await user.open("/settings/centrex")
    await user.should_see(marker="sms-outbox", retries=50)
    lines = _table(user, "centrex-users")
    assert table_labels(user, "centrex-users") == [
        "070 번호",
        "내선",
        "사원",
        "사용",
        "마지막 수신 확인",
        "오류",
    ]

    sheet = await excel_rows(user, "centrex-excel")
    assert_table_and_sheet_agree(CENTREX_USERS, lines, sheet)
    assert sheet[1][:4] == ["070-1234-5678", "101", "관리자", "사용"]
    assert password_sha512("centrex-pw") not in {cell for row in sheet for cell in row}
    text = await printed_text(user, "centrex-print", "센트릭스 API 사용자 인쇄")
    assert_printed_headers(CENTREX_USERS, text)
    assert "070-1234-5678" in text

    outbox = _table(user, "sms-outbox")
    assert len(outbox.rows) == 50
    sheet = await excel_rows(user, "outbox-excel")
    assert_table_and_sheet_agree(SMS_OUTBOX, outbox, sheet)
    assert len(sheet) == 1 + 55 and sheet[1][5] == 1000 - 54  # the amount left stays a number
    text = await printed_text(user, "outbox-print", "문자 발송 내역 인쇄")
    assert_printed_headers(SMS_OUTBOX, text)
    assert "문자 0" in text and "문자 54" in text and "55건" in text


async def test_a_code_table_goes_to_excel_and_print_with_the_grid_columns(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/codes")
    user.find("code-section-접수분류").click()
    await user.should_see(marker="code-table-reception_category-2", retries=50)
    user.find("code-excel-reception_category-2").click()  # nothing chosen above yet
    await user.should_see("먼저 대분류에서 항목을 선택하세요.", retries=50)
    await eventually(lambda: list(user.find("code-reception_category-row-0").elements))
    user.find("code-reception_category-row-0").click()  # 01 프로그램
    await user.should_see("중분류 · 01 프로그램", retries=50)
    grid = _table(user, "code-table-reception_category-2")
    labels = [c.label for c in grid.columns]
    assert labels == ["코드", "이름", "약칭", "설명", "순서", "사용"]

    sheet = await excel_rows(user, "code-excel-reception_category-2")
    assert sheet[0] == labels
    program = await CodeEntry.get(kind=CodeKind.RECEPTION_CATEGORY, code="01")
    stored = await codes.list_codes(CodeKind.RECEPTION_CATEGORY, parent_id=program.id)
    assert [row[0] for row in sheet[1:]] == [e.code for e in stored] == ["0101", "0102", "0103"]
    assert [row[1] for row in sheet[1:]] == [e.name for e in stored]
    assert all(isinstance(row[4], int) and row[5] in ("사용", "사용 안 함") for row in sheet[1:])

    text = await printed_text(user, "code-print-reception_category-2", "중분류 인쇄")
    assert_printed_headers(CODES, text)
    assert "중분류 · 01 프로그램" in text and all(e.name in text for e in stored)


@pytest.mark.parametrize(
    "export",
    [
        lambda by: staff.staff_for_export(by=by),
        lambda by: centrex_users.centrex_users_for_export(by=by),
        lambda by: sms.iter_outbox(by=by).__anext__(),
        lambda by: codes.codes_for_export(CodeKind.DEPARTMENT, by=by),
    ],
    ids=["users", "centrex-lines", "sms-outbox", "codes"],
)
async def test_the_admin_only_lists_refuse_a_non_admin(db, export):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    with pytest.raises(PermissionDenied):
        await export(clerk)
