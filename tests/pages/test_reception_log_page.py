import datetime as dt
import io

import pytest
from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from openpyxl import load_workbook

from core.korean import format_datetime
from core.settings import reload_settings
from models.attachment import AttachmentSlot
from models.customer import Customer, TradingPartner
from models.reception import Reception, ReceptionState
from pages.customers.tabs.receptions import ADD_RECEPTION
from pages.receptions.log import RECEPTION_LOG, ReceptionLogPanel
from services import attachments, customers
from services.customers import CustomerInput
from services.phone_directory import resolve_caller
from services.receptions import ReceptionInput, get_reception, save_reception
from tests.factories.staff import make_admin, make_staff
from tests.list_checks import assert_table_and_sheet_agree, sheet_rows
from tests.utils import eventually, sign_in


async def _reception(by, minutes_ago: int, inquiry: str, **fields) -> Reception:
    at = (dt.datetime.now() - dt.timedelta(minutes=minutes_ago)).replace(microsecond=0)
    return await save_reception(
        ReceptionInput(received_at=at, receiver_id=by.id, inquiry=inquiry, **fields), by=by
    )


def _log(user: User) -> ui.table:
    return user.find("reception-log-table").elements.pop()


async def _log_rows(user: User, count: int) -> list[dict]:
    await user.should_see(marker="reception-log-table", retries=50)
    table = _log(user)
    await eventually(lambda: len(table.rows) == count, within=5)
    return table.rows


def _right_click(user: User, row: dict) -> None:
    user.find("reception-log-table").trigger("rowContextmenu", [{}, row, 0])


async def test_process_and_hold_from_the_right_click_menu(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김데모")
    colleague = await make_staff(name="현빈")
    first = await _reception(colleague, 5, "도입문의")
    second = await _reception(colleague, 1, "전화요청")
    await sign_in(user, "clerk")

    rows = await _log_rows(user, 2)
    assert [r["inquiry"] for r in rows] == ["전화요청", "도입문의"]
    assert [r["state"] for r in rows] == ["미처리", "미처리"]

    _right_click(user, rows[1])
    user.find("log-menu-process").click()
    await user.should_see("접수처리했습니다 (완료).", retries=30)
    processed = await Reception.get(id=first.id)
    assert processed.state == ReceptionState.DONE
    assert processed.processor_id == clerk.id and processed.processed_at is not None
    table = _log(user)
    await eventually(lambda: [r["state"] for r in table.rows] == ["미처리", "완료"])

    _right_click(user, table.rows[0])
    user.find("log-menu-hold").click()
    await user.should_see("접수를 보류했습니다.", retries=30)
    assert (await Reception.get(id=second.id)).state == ReceptionState.ON_HOLD
    await eventually(lambda: [r["state"] for r in table.rows] == ["보류", "완료"])

    # processing again what is already done says who did it and changes nothing
    _right_click(user, table.rows[1])
    user.find("log-menu-process").click()
    await user.should_see("이미 처리된 접수입니다 (처리자 김데모).", retries=30)


async def test_auto_refresh_shows_new_receptions_and_keeps_the_selection(user: User, monkeypatch):
    await make_admin(login="boss")
    monkeypatch.setattr(ReceptionLogPanel, "REFRESH_SECONDS", 0.3)
    await make_staff(login="clerk", name="김데모")
    other = await make_staff(name="홍길동")
    await _reception(other, 10, "교육방문 가능시간 문의")
    kept = await _reception(other, 5, "GS-5200 주문요청")
    await sign_in(user, "clerk")
    rows = await _log_rows(user, 2)
    table = _log(user)
    user.find("reception-log-table").trigger(
        "selection", {"added": True, "rows": [rows[0]], "keys": [rows[0]["id"]]}
    )
    assert [r["id"] for r in table.selected] == [kept.id]

    user.find("log-auto-refresh").click()
    await _reception(other, 0, "전화요청 (다른 사용자가 방금 받음)")
    await eventually(lambda: len(table.rows) == 3, within=3)
    assert table.rows[0]["inquiry"] == "전화요청 (다른 사용자가 방금 받음)"
    assert [r["id"] for r in table.selected] == [kept.id]

    user.find("log-auto-refresh").click()  # off: nothing reloads any more
    await _reception(other, 0, "꺼진 뒤에 온 전화")
    with pytest.raises(AssertionError):
        await eventually(lambda: len(table.rows) == 4, within=1)


async def test_selecting_a_customer_above_shows_only_its_receptions_below(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    jaegeun = await Customer.create(
        code="140213-001", registered_on=dt.date(2014, 2, 13), company_name="재근상사"
    )
    await Customer.create(code="150915-002", registered_on=dt.date(2015, 9, 15), company_name="송일시스템")
    await _reception(clerk, 3, "재근상사 문의", customer_id=jaegeun.id)
    await _reception(clerk, 1, "다른 고객 문의")
    await sign_in(user, "clerk")
    await _log_rows(user, 2)

    # the user clicks 재근상사 in the customer list at the top of the same screen
    customers = user.find("customers-table").elements.pop()
    await eventually(lambda: len(customers.rows) == 2)
    row = next(r for r in customers.rows if r["company_name"] == "재근상사")
    user.find("customers-table").trigger("rowClick", [{}, row, 0])
    log = _log(user)
    await eventually(lambda: [r["inquiry"] for r in log.rows] == ["재근상사 문의"])
    assert user.find("log-customer-name").elements.pop().text == "재근상사"
    await user.should_see("접수 1건")

    user.find("log-customer-only").click()  # show everyone's receptions again
    await eventually(lambda: len(log.rows) == 2)
    user.find("log-customer-only").click()  # and the selected customer's only
    await eventually(lambda: [r["inquiry"] for r in log.rows] == ["재근상사 문의"])


async def test_new_reception_keeps_typed_values_on_error_and_stores_its_attachment(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김데모")
    await sign_in(user, "clerk")
    await _log_rows(user, 0)
    user.find("log-add").click()
    await user.should_see(marker="reception-save", retries=30)
    user.find("reception-received-at").clear().type("2016-13-01 10:00")
    user.find("reception-phone").type("02-808-8016")
    user.find("reception-contact").type("오담당")
    user.find("reception-inquiry").type("GS-5200 주문요청 / 우리은행, 입금자명")
    upload = user.find("upload-reception_inquiry").elements.pop()
    await upload.handle_uploads([SmallFileUpload("주문서 사본.txt", "text/plain", b"GS-5200 x 1")])
    await user.should_see("주문서 사본.txt (11바이트, 저장하면 올라갑니다)", retries=20)  # not "0KB"

    user.find("reception-save").click()
    received_at = user.find("reception-received-at").elements.pop()
    await eventually(lambda: "형식" in received_at.props.get("error-message", ""))
    assert user.find("reception-inquiry").elements.pop().value == "GS-5200 주문요청 / 우리은행, 입금자명"
    assert user.find("reception-contact").elements.pop().value == "오담당"
    assert not await Reception.exists()

    user.find("reception-received-at").clear().type("2016-09-21 15:01:17")
    user.find("reception-save").click()
    await user.should_see("저장했습니다.", retries=30)
    stored = await Reception.get(inquiry="GS-5200 주문요청 / 우리은행, 입금자명")
    assert stored.received_at == dt.datetime(2016, 9, 21, 15, 1, 17)
    assert stored.receiver_id == clerk.id and stored.phone == "02-808-8016"
    files = await attachments.list_attachments(AttachmentSlot.RECEPTION_INQUIRY, stored.id)
    assert [f.original_name for f in files] == ["주문서 사본.txt"]

    # the file is downloaded under its Korean name, only with a session, never inline
    response = await user.http_client.get(f"/files/{files[0].id}")
    assert response.status_code == 200 and response.content == b"GS-5200 x 1"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "%EC%A3%BC%EB%AC%B8%EC%84%9C" in response.headers["content-disposition"]
    rows = await _log_rows(user, 1)
    assert rows[0]["received_at"] == "2016-09-21 15:01:17" and rows[0]["contact_name"] == "오담당"


async def test_reception_attachments_need_a_session(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    reception = await _reception(clerk, 1, "첨부 있음")
    stored = await attachments.store_attachment(
        slot=AttachmentSlot.RECEPTION_ANSWER,
        owner_id=reception.id,
        filename="처리결과.html.txt",
        data=b"<script>alert(1)</script>",
        by=clerk,
    )
    assert stored.original_name == "처리결과.html.txt"
    assert (await user.http_client.get(f"/files/{stored.id}")).status_code == 401
    await sign_in(user, "clerk")
    response = await user.http_client.get(f"/files/{stored.id}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert (await user.http_client.get("/files/..%2F..%2Fgogaek.sqlite3")).status_code in (404, 422)


async def test_customer_number_button_links_the_phone_to_the_chosen_customer(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    newsis = await Customer.create(
        code="160921-002", registered_on=dt.date(2016, 9, 21), company_name="뉴시스비즈", phone="031-888-9999"
    )
    await _reception(clerk, 1, "전화요청", phone="031-555-5555", contact_name="오담당")
    await sign_in(user, "clerk")
    rows = await _log_rows(user, 1)
    _right_click(user, rows[0])
    user.find("log-menu-edit").click()
    await user.should_see(marker="reception-link-number", retries=30)
    user.find("reception-pick-customer").click()
    await user.should_see(marker="customer-picker-search", retries=30)
    user.find("customer-picker-search").clear().type("뉴시스")
    user.find("customer-picker-go").click()
    picker = user.find("customer-picker-table").elements.pop()
    await eventually(lambda: len(picker.rows) == 1)
    user.find("customer-picker-choose").click()
    customer_field = user.find("reception-customer").elements.pop()
    await eventually(lambda: customer_field.value == "뉴시스비즈 (160921-002)")

    user.find("reception-link-number").click()
    await user.should_see("다음 전화부터 이 고객으로 표시됩니다", retries=30)
    assert (await resolve_caller("031-555-5555")).customer.id == newsis.id
    user.find("reception-save").click()
    await user.should_see("저장했습니다.", retries=30)
    assert (await Reception.get(inquiry="전화요청")).customer_id == newsis.id


async def test_the_customer_window_adds_a_reception_for_its_customer(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    jaegeun = await Customer.create(
        code="140213-001",
        registered_on=dt.date(2014, 2, 13),
        company_name="재근상사",
        phone="02-999-8888",
        contact_name="이재근",
    )
    await sign_in(user, "clerk")
    action = ADD_RECEPTION
    with user.client:
        await action.handler(clerk, jaegeun.id)
    await user.should_see(marker="reception-save", retries=30)
    assert user.find("reception-customer").elements.pop().value == "재근상사 (140213-001)"
    assert user.find("reception-phone").elements.pop().value == "02-999-8888"
    assert user.find("reception-contact").elements.pop().value == "이재근"
    received = user.find("reception-received-at").elements.pop().value
    assert received[:10] == format_datetime(dt.datetime.now())[:10]
    user.find("reception-inquiry").type("세금계산서 재발행")
    user.find("reception-save").click()
    await user.should_see("저장했습니다.", retries=30)
    assert (await Reception.get(inquiry="세금계산서 재발행")).customer_id == jaegeun.id


async def test_closing_with_unsaved_changes_asks_first(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    await _log_rows(user, 0)
    user.find("log-add").click()
    await user.should_see(marker="reception-save", retries=30)
    user.find("reception-inquiry").type("아직 저장 안 함")
    user.find("reception-close").click()
    await user.should_see("저장하지 않은 내용이 있습니다", retries=30)
    user.find("confirm-no").click()
    await user.should_not_see("저장하지 않은 내용이 있습니다", retries=30)
    assert user.find("reception-inquiry").elements.pop().value == "아직 저장 안 함"


async def test_the_row_count_survives_quasar_echoing_its_old_pagination(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    await _reception(clerk, 2, "하나")
    await _reception(clerk, 1, "둘")
    await sign_in(user, "clerk")
    await _log_rows(user, 2)
    table = _log(user)
    stale = {**table.pagination, "rowsNumber": 0}
    user.find("reception-log-table").trigger("update:pagination", stale)
    await eventually(lambda: table.pagination["rowsNumber"] == 2)


async def test_category_lists_depend_on_the_level_above(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    reception = await _reception(clerk, 1, "키락 교체 요청")
    await sign_in(user, "clerk")
    rows = await _log_rows(user, 1)
    user.find("reception-log-table").trigger("rowDblclick", [{}, rows[0], 0])
    await user.should_see(marker="reception-category-large", retries=30)
    large = user.find("reception-category-large").elements.pop()
    medium = user.find("reception-category-medium").elements.pop()
    small = user.find("reception-category-small").elements.pop()
    assert not medium.options and not small.options
    large.value = next(
        v for v, label in zip(large._values, large._labels, strict=True) if label == "하드웨어"
    )
    await eventually(lambda: sorted(medium._labels) == ["장비", "키락"])
    medium.value = next(v for v, label in zip(medium._values, medium._labels, strict=True) if label == "키락")
    await eventually(lambda: sorted(small._labels) == ["키락교체", "키락인식불가"])
    small.value = next(
        v for v, label in zip(small._values, small._labels, strict=True) if label == "키락교체"
    )
    user.find("reception-save").click()
    await user.should_see("저장했습니다.", retries=30)
    stored = await Reception.get(id=reception.id).select_related("category_small")
    assert stored.category_small.name == "키락교체"
    large.value = None
    await eventually(lambda: medium.value is None and medium._labels == [] and small._labels == [])


async def test_log_excel_ledger_and_admin_links(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    partnerless = await Customer.create(
        code="150702-001", registered_on=dt.date(2015, 7, 2), company_name="제이원제이원"
    )
    await _reception(clerk, 3, '=HYPERLINK("http://x")', customer_id=partnerless.id, contact_name="김담당")
    await _reception(clerk, 1, "고객 없는 전화")
    await sign_in(user, "clerk")
    rows = await _log_rows(user, 2)

    user.find("log-excel").click()
    content = (await user.download.next(timeout=10)).content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "접수일자" and sheet.max_row == 3
    assert sheet["K3"].value == '=HYPERLINK("http://x")' and sheet["K3"].data_type == "s"
    # one declaration: the sheet has the screen's columns (but 순번) and what a row's dialog adds
    assert_table_and_sheet_agree(RECEPTION_LOG, _log(user), sheet_rows(content))
    assert [c.value for c in sheet[1]] == [
        "접수일자", "수신/발신", "구분", "거래처명", "전화번호", "내선", "담당자", "대분류", "중분류",
        "일반분류", "접수사항", "처리답변", "상태", "접수자", "처리자", "처리일시",
    ]  # fmt: skip

    _right_click(user, rows[0])
    user.find("log-menu-ledger").click()
    await user.should_see("고객이 연결되지 않은 접수입니다", retries=20)
    _right_click(user, rows[1])
    user.find("log-menu-ledger").click()
    await user.should_see("연결된 거래처 없음", retries=20)
    await user.should_not_see("CTI환경설정")


async def test_admins_get_the_telephony_settings_links(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await _log_rows(user, 0)
    await user.should_see("CTI환경설정")
    await user.should_see("CTI재접속")
    await user.should_see("LG API설정")


async def test_saving_over_someone_elses_edit_is_refused_and_keeps_the_form(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk", name="김데모")
    hong = await make_staff(name="홍길동")
    reception = await _reception(hong, 1, "처음 내용")
    await sign_in(user, "clerk")
    rows = await _log_rows(user, 1)
    user.find("reception-log-table").trigger("rowDblclick", [{}, rows[0], 0])
    await user.should_see(marker="reception-inquiry", retries=30)

    detail = await get_reception(reception.id)
    detail.data.inquiry = "홍길동이 먼저 고침"
    await save_reception(detail.data, by=hong, reception_id=reception.id, version=detail.version)

    inquiry = user.find("reception-inquiry").elements.pop()
    inquiry.value = "김데모가 고친 내용"
    user.find("reception-save").click()
    await user.should_see("홍길동님이", retries=30)
    assert inquiry.value == "김데모가 고친 내용"
    assert (await Reception.get(id=reception.id)).inquiry == "홍길동이 먼저 고침"


async def test_row_limit_sets_the_page_size_and_auto_refresh_keeps_the_page(user: User, monkeypatch):
    monkeypatch.setattr(ReceptionLogPanel, "REFRESH_SECONDS", 0.3)
    await make_admin(login="boss")
    await make_staff(login="clerk")
    other = await make_staff(name="홍길동")
    for minutes in range(25, 0, -1):
        await _reception(other, minutes, f"문의 {26 - minutes:02d}")  # 문의 25 is the newest
    await sign_in(user, "clerk")
    rows = await _log_rows(user, 25)  # 50 a page at first
    table = _log(user)
    assert rows[0]["inquiry"] == "문의 25"

    user.find("log-rows").click()  # 출력레코드갯수지정
    await user.should_see(marker="log-rows-apply", retries=30)
    choice = user.find("log-rows-choice").elements.pop()
    assert choice.value == 50
    choice.value = 20
    user.find("log-rows-apply").click()
    await eventually(lambda: len(table.rows) == 20)
    assert table.pagination["rowsPerPage"] == 20 and table.pagination["page"] == 1
    await user.should_see("접수 25건")

    # the next page continues where the first ended
    user.find("reception-log-table").trigger("request", {"pagination": {**table.pagination, "page": 2}})
    await eventually(lambda: [r["inquiry"] for r in table.rows] == [f"문의 {n:02d}" for n in range(5, 0, -1)])
    assert table.rows[0]["seq"] == "21"  # as the list formats a number
    page_two = [r["id"] for r in table.rows]

    # a call comes in while the user reads page 2: the refresh keeps page 2 and its rows
    user.find("log-auto-refresh").click()
    await _reception(other, 0, "새 전화")
    await eventually(lambda: table.pagination["rowsNumber"] == 26, within=5)
    assert table.pagination["page"] == 2 and table.pagination["rowsPerPage"] == 20
    assert [r["id"] for r in table.rows] == page_two
    user.find("log-auto-refresh").click()

    # the choice is kept for the next visit, and the menu offers the same dialog
    await user.open("/")
    rows = await _log_rows(user, 20)
    table = _log(user)
    assert table.pagination["rowsPerPage"] == 20 and rows[0]["inquiry"] == "새 전화"
    _right_click(user, rows[0])
    user.find("log-menu-rows").click()
    await user.should_see(marker="log-rows-apply", retries=30)
    choice = user.find("log-rows-choice").elements.pop()
    assert choice.value == 20
    choice.value = 100
    user.find("log-rows-apply").click()
    await eventually(lambda: len(table.rows) == 26)


async def test_refresh_shows_what_someone_else_wrote_meanwhile(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    other = await make_staff(name="홍길동")
    await _reception(other, 5, "처음부터 있던 접수")
    await sign_in(user, "clerk")
    rows = await _log_rows(user, 1)
    table = _log(user)

    await _reception(other, 0, "홍길동이 방금 받은 전화")
    assert len(table.rows) == 1  # the automatic refresh is off: nothing moves by itself
    user.find("log-refresh").click()  # toolbar 새로고침
    await eventually(
        lambda: [r["inquiry"] for r in table.rows] == ["홍길동이 방금 받은 전화", "처음부터 있던 접수"]
    )

    await _reception(other, 0, "또 다른 전화")
    _right_click(user, rows[0])
    user.find("log-menu-refresh").click()  # right-click 새로고침
    await eventually(lambda: len(table.rows) == 3)
    assert table.rows[0]["inquiry"] == "또 다른 전화"


async def test_ledger_opens_the_transaction_history_of_the_customers_partner(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    partner = await TradingPartner.create(code="P-0001", name="재근상사")
    jaegeun = await Customer.create(
        code="140213-001", registered_on=dt.date(2014, 2, 13), company_name="재근상사", partner_id=partner.id
    )
    await _reception(clerk, 1, "세금계산서 문의", customer_id=jaegeun.id)
    await sign_in(user, "clerk")
    rows = await _log_rows(user, 1)
    user.find("reception-log-table").trigger("rowClick", [{}, rows[0], 0])
    user.find("log-ledger").click()
    await eventually(lambda: user.back_history[-1] == f"/ledger/{partner.id}")
    await user.should_see(marker="ledger-table", retries=50)


async def test_several_files_in_one_slot_and_a_file_over_the_limit_is_refused(user: User, monkeypatch):
    monkeypatch.setenv("GOGAEK_UPLOAD_LIMIT_MB", "1")
    settings = reload_settings()
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    await _log_rows(user, 0)
    user.find("log-add").click()
    await user.should_see(marker="reception-save", retries=30)
    user.find("reception-inquiry").type("도면 두 장 검토 요청")
    upload = user.find("upload-reception_inquiry").elements.pop()
    too_big = b"x" * (settings.upload_limit_bytes + 512 * 1024)
    await upload.handle_uploads(
        [
            SmallFileUpload("1층 도면.pdf", "application/pdf", b"%PDF-1.4 first"),
            SmallFileUpload("2층 도면.txt", "text/plain", b"second floor"),
            SmallFileUpload("현장 사진.jpg", "image/jpeg", too_big),
        ]
    )
    await user.should_see("'현장 사진.jpg'는 1.5MB입니다. 1MB까지 올릴 수 있습니다.", retries=30)
    user.find("reception-save").click()
    await user.should_see("저장했습니다.", retries=30)
    stored = await Reception.get(inquiry="도면 두 장 검토 요청")
    files = await attachments.list_attachments(AttachmentSlot.RECEPTION_INQUIRY, stored.id)
    assert sorted(f.original_name for f in files) == ["1층 도면.pdf", "2층 도면.txt"]

    # on a saved reception the file would be stored at once: the big one is refused, nothing is written
    on_disk = sorted(p.name for p in settings.attachments_dir.rglob("*") if p.is_file())
    assert len(on_disk) == 2
    answer = user.find("upload-reception_answer").elements.pop()
    await answer.handle_uploads([SmallFileUpload("처리 결과.zip", "application/zip", too_big)])
    await user.should_see("'처리 결과.zip'은 1.5MB입니다. 1MB까지 올릴 수 있습니다.", retries=30)
    assert await attachments.list_attachments(AttachmentSlot.RECEPTION_ANSWER, stored.id) == []
    assert sorted(p.name for p in settings.attachments_dir.rglob("*") if p.is_file()) == on_disk


async def test_a_reception_written_from_a_customers_right_click_is_in_the_log_at_once(user: User):
    boss = await make_admin(login="boss")
    await customers.save_customer(CustomerInput(company_name="재근상사", registered_on="2014-02-13"), by=boss)
    other = await customers.save_customer(
        CustomerInput(company_name="하이디자인", registered_on="2016-09-21", phone="02-808-8016"), by=boss
    )
    await sign_in(user, "boss")
    await user.should_see(marker="customers-table", retries=50)
    found = user.find("customers-table").elements.pop()
    await eventually(lambda: len(found.rows) == 2)
    row = next(r for r in found.rows if r["id"] == other.id)

    user.find("customers-table").trigger("rowContextmenu", [{}, row, 0])
    await eventually(lambda: [r["id"] for r in found.selected] == [other.id])  # as a click selects it
    user.find("menu-new-reception").click()
    await user.should_see(marker="reception-inquiry", retries=50)
    user.find("reception-inquiry").type("키락 교체 문의")
    user.find("reception-save").click()
    await user.should_see("저장했습니다.", retries=50)

    log = _log(user)
    await eventually(lambda: [r["inquiry"] for r in log.rows] == ["키락 교체 문의"])  # no 새로고침 needed


async def test_the_count_is_exact_and_the_last_page_holds_the_oldest_receptions(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    other = await make_staff(name="홍길동")
    start = dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=1)
    await Reception.bulk_create(  # more than a count would once stop at ("500+건")
        Reception(received_at=start + dt.timedelta(minutes=n), receiver_id=other.id, inquiry=f"문의 {n:03d}")
        for n in range(1, 531)
    )
    await sign_in(user, "clerk")
    await _log_rows(user, 50)
    table = _log(user)
    await user.should_see("접수 530건")
    assert table.pagination["rowsNumber"] == 530

    # 마지막 페이지 straight from the first: the thirty oldest, numbered 501–530
    user.find("reception-log-table").trigger("request", {"pagination": {**table.pagination, "page": 11}})
    await eventually(
        lambda: [r["inquiry"] for r in table.rows] == [f"문의 {n:03d}" for n in range(30, 0, -1)]
    )
    assert [r["seq"] for r in table.rows] == [str(n) for n in range(501, 531)]
    # and back a page, read from the older end too
    user.find("reception-log-table").trigger("request", {"pagination": {**table.pagination, "page": 10}})
    await eventually(
        lambda: [r["inquiry"] for r in table.rows] == [f"문의 {n:03d}" for n in range(80, 30, -1)]
    )
    assert table.rows[0]["seq"] == "451" and table.pagination["rowsNumber"] == 530
