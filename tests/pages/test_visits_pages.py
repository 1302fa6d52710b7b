import datetime as dt
import io

import openpyxl
from nicegui import ui
from nicegui.testing import User
from pypdf import PdfReader

from models.attachment import AttachmentSlot
from models.customer import Customer
from models.visit import HtmlTemplate, VisitReport, VisitState
from pages.frame import ADMIN_PATHS
from pages.settings.html_templates import TEMPLATES
from services import attachments, html_templates
from services.visits import save_visit
from tests.factories.staff import make_admin, make_staff
from tests.list_checks import (
    assert_printed_headers,
    assert_table_and_sheet_agree,
    excel_rows,
    printed_text,
    table_labels,
)
from tests.utils import eventually, previewed_pdf, sign_in


async def _jaegeun() -> Customer:
    await make_admin(login="admin")  # an office with an admin is past the first-run set-up
    return await Customer.create(
        code="140213-001",
        registered_on=dt.date(2014, 2, 13),
        company_name="재근상사",
        representative="김대표",
        contact_name="이재근",
        phone="02-999-8888",
    )


def _one(user: User, marker: str):
    return next(iter(user.find(marker).elements))


async def _open_visits_tab(user: User, customer: Customer) -> None:
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-visits")
    user.find("tab-visits").click()
    await user.should_see(marker="visits-table", retries=50)


async def test_a_visit_written_from_the_customer_window_fills_company_and_purpose(user: User):
    await make_staff(login="kimmodu", name="김모두")
    customer = await _jaegeun()
    await sign_in(user, "kimmodu")
    await _open_visits_tab(user, customer)
    user.find("visits-add").click()
    await user.should_see(marker="visit-template", retries=50)

    template = await HtmlTemplate.get(name="상담일지")
    _one(user, "visit-template").value = template.id
    editor = _one(user, "visit-body")
    await eventually(lambda: "재근상사" in (editor.value or ""))
    user.find("visit-date").type("2019-03-29")
    user.find("visit-purpose").type("추가개발상담요청")
    await eventually(lambda: '<span data-field="purpose">추가개발상담요청</span>' in editor.value)
    for text in ("재근상사", "김대표", "이재근", "02-999-8888", "2019-03-29", "김모두"):
        assert text in editor.value, text
    assert _one(user, "visit-customer").value == "재근상사 (140213-001)"

    user.find("visit-body").type("<p>패키지구매업체, 일부커스터마이징 개발요청</p>")
    user.find("visit-save").click()
    await user.should_see("저장했습니다", retries=50)
    visit = await VisitReport.get(customer_id=customer.id)
    assert visit.written_on == dt.date.today() and visit.visit_date == dt.date(2019, 3, 29)
    assert visit.purpose == "추가개발상담요청" and visit.template_id == template.id
    assert visit.state == VisitState.PLANNED
    assert "재근상사" in visit.body_html and "일부커스터마이징" in visit.body_html
    assert _one(user, "visit-number").value == visit.document_number
    table = _one(user, "visits-table")
    await eventually(lambda: [r["purpose"] for r in table.rows] == ["추가개발상담요청"])
    assert table.rows[0]["template"] == "상담일지"


async def test_changing_the_purpose_after_editing_the_body_asks_first(user: User):
    await make_staff(login="hong", name="홍길동")
    customer = await _jaegeun()
    await sign_in(user, "hong")
    await _open_visits_tab(user, customer)
    user.find("visits-add").click()
    await user.should_see(marker="visit-template", retries=50)
    editor = _one(user, "visit-body")
    await eventually(lambda: "재근상사" in (editor.value or ""))  # the only template is preselected
    user.find("visit-purpose").type("설치")
    await eventually(lambda: '<span data-field="purpose">설치</span>' in editor.value)

    user.find("visit-body").type("<p>직접 쓴 상담 내용</p>")
    user.find("visit-purpose").type(" 점검")
    user.find("visit-purpose").trigger("blur")
    await user.should_see("본문의 방문목적도 새 값으로 바꿀까요?", retries=50)
    assert '<span data-field="purpose">설치</span>' in editor.value  # nothing overwritten yet
    user.find("confirm-yes").click()
    await eventually(lambda: '<span data-field="purpose">설치 점검</span>' in editor.value)
    assert "직접 쓴 상담 내용" in editor.value


async def test_a_visit_added_from_the_schedule_needs_a_customer(user: User):
    await make_staff(login="leejy", name="이주연")
    customer = await _jaegeun()
    await sign_in(user, "leejy")
    await user.open("/status/visits")
    user.find("schedule-add").click()
    await user.should_see(marker="visit-save", retries=50)
    user.find("visit-date").type("2019-03-29")
    user.find("visit-save").click()
    customer_input = _one(user, "visit-customer")
    await eventually(lambda: customer_input.props.get("error-message") == "고객을 선택하세요.")
    assert not await VisitReport.exists()

    user.find("visit-customer-search").click()
    await user.should_see(marker="customer-picker-search", retries=50)
    user.find("customer-picker-search").type("재근").trigger("keydown.enter")  # the first one found
    await eventually(lambda: customer_input.value == "재근상사 (140213-001)")
    editor = _one(user, "visit-body")
    await eventually(lambda: "김대표" in (editor.value or ""))  # the untouched body takes the customer
    user.find("visit-save").click()
    await user.should_see("저장했습니다", retries=50)
    assert await VisitReport.filter(customer_id=customer.id).count() == 1
    table = _one(user, "schedule-table")
    await eventually(lambda: [r["company"] for r in table.rows] == ["재근상사"])


async def test_the_calendar_shows_the_visits_of_the_visible_month(user: User):
    actor = await make_staff(login="choisa", name="최순아")
    customer = await _jaegeun()
    today = dt.date.today()
    mid_month = today.replace(day=15)  # not in the next month's grid, whatever today is
    await save_visit(
        by=actor,
        customer_id=customer.id,
        written_on=today,
        visit_date=mid_month,
        visit_time="10:00",
        purpose="점검",
    )
    await sign_in(user, "choisa")
    await user.open("/status/visits")
    user.find("schedule-tab-calendar").click()
    await user.should_see(f"{today.year}년 {today.month}월", retries=50)
    await user.should_see("10:00 재근상사", retries=50)
    user.find("calendar-next").click()
    await user.should_not_see("10:00 재근상사", retries=50)
    _one(user, "calendar-mode").value = "week"
    await user.should_see(marker="calendar-title", retries=50)


async def test_staff_cannot_open_the_template_admin(user: User):
    assert "/codes/html" in ADMIN_PATHS
    await make_admin(login="admin")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    response = await user.http_client.get("/codes/html")
    assert response.status_code == 403
    assert "권한이 없습니다" in response.text
    assert "{{company}}" not in response.text


async def test_admin_edits_a_template_and_unknown_placeholders_are_refused(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/codes/html")
    await user.should_see("{{company}}", retries=50)  # the placeholder list
    name = _one(user, "template-name")
    await eventually(lambda: name.value == "상담일지")
    user.find("template-add").click()
    await eventually(lambda: name.value == "")
    user.find("template-name").type("간단상담")
    user.find("template-editor").type("<p>{{company}} 방문 {{회사}}</p><script>alert(1)</script>")
    user.find("template-save").click()
    error = _one(user, "template-html-error")
    await eventually(lambda: "{{회사}}" in error.text)
    assert not await HtmlTemplate.filter(name="간단상담").exists()

    _one(user, "template-editor").value = "<p onclick='x()'>{{company}} 방문</p><script>alert(1)</script>"
    user.find("template-save").click()
    await user.should_see("저장했습니다", retries=50)
    saved = await HtmlTemplate.get(name="간단상담")
    assert saved.html == "<p>{{company}} 방문</p>"
    table = _one(user, "template-table")
    await eventually(lambda: {r["name"] for r in table.rows} == {"상담일지", "간단상담"})
    assert isinstance(_one(user, "template-editor"), ui.editor)


async def test_the_template_list_goes_to_excel_and_print_as_on_the_screen(user: User):
    boss = await make_admin(login="boss")
    await html_templates.save_template(by=boss, name="AS점검", html="<p>{{company}}</p>", active=False)
    await sign_in(user, "boss")
    await user.open("/codes/html")
    await user.should_see(marker="template-table", retries=50)
    table = _one(user, "template-table")
    await eventually(lambda: len(table.rows) == 2)
    assert table_labels(user, "template-table") == ["문서 이름", "사용", "방문일지"]
    sheet = await excel_rows(user, "template-excel")
    assert_table_and_sheet_agree(TEMPLATES, table, sheet)
    assert sheet == [["문서 이름", "사용", "방문일지"], ["AS점검", "사용 안 함", 0], ["상담일지", "사용", 0]]
    text = await printed_text(user, "template-print", "Html문서 인쇄")
    assert_printed_headers(TEMPLATES, text)
    assert "AS점검" in text and "상담일지" in text and "사용 안 함" in text and "2건" in text


async def test_the_template_screen_lists_korean_and_english_placeholders_and_inserts_them(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/codes/html")
    await user.should_see(marker="placeholder-list", retries=50)
    for code in ("{{상호}}", "{{company}}", "{{대표자}}", "{{전화번호}}", "{{phone}}", "{{방문목적}}"):
        await user.should_see(marker=f"placeholder-{code}")
    await user.should_see("담당자HP (명함의 휴대폰, 없으면 고객 휴대폰)")  # the meaning, not only a tooltip
    name = _one(user, "template-name")
    await eventually(lambda: name.value == "상담일지")
    user.find("template-add").click()
    await eventually(lambda: name.value == "")
    user.find("template-name").type("한글자리")
    user.find("template-source-tab").click()
    source = _one(user, "template-source")
    user.find("placeholder-{{상호}}").click()
    user.find("placeholder-{{phone}}").click()
    await eventually(lambda: source.value == "{{상호}}{{phone}}")
    source.value = "<p>{{상호}} / {{전화번호}}</p>"
    user.find("template-save").click()
    await user.should_see("저장했습니다", retries=50)
    assert (await HtmlTemplate.get(name="한글자리")).html == "<p>{{상호}} / {{전화번호}}</p>"
    user.find("template-preview-tab").click()
    preview = _one(user, "template-preview")
    await eventually(lambda: "재근상사" in preview.content and "02-999-8888" in preview.content)


async def test_staff_get_no_source_view(user: User):
    customer = await _jaegeun()
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    await _open_visits_tab(user, customer)
    user.find("visits-add").click()
    await user.should_see(marker="visit-body", retries=50)
    await user.should_not_see(marker="visit-source-toggle")


async def test_what_an_admin_types_in_the_source_view_is_sanitised(user: User):
    customer = await _jaegeun()  # also creates the admin "admin"
    await sign_in(user, "admin")
    await _open_visits_tab(user, customer)
    user.find("visits-add").click()
    await user.should_see(marker="visit-source-toggle", retries=50)
    user.find("visit-source-toggle").click()
    source = _one(user, "visit-source")
    await eventually(lambda: "재근상사" in (source.value or ""))
    source.value = (
        '<p><b>굵게</b></p><img src="http://127.0.0.1:9/x.png" onerror="alert(1)"><script>alert(1)</script>'
    )
    user.find("visit-source-toggle").click()
    editor = _one(user, "visit-body")
    await eventually(lambda: editor.value == "<p><b>굵게</b></p>")


async def test_a_file_attached_to_a_new_visit_is_stored_on_save_and_downloads(user: User):
    await make_staff(login="kimmodu", name="김모두")
    customer = await _jaegeun()
    await sign_in(user, "kimmodu")
    await _open_visits_tab(user, customer)
    user.find("visits-add").click()
    await user.should_see(marker="upload-visit", retries=50)
    user.find("visit-date").type("2019-03-29")
    upload = user.find("upload-visit").elements.pop()
    await upload.handle_uploads([ui.upload.SmallFileUpload("요청사항.txt", "text/plain", b"ERP add-on spec")])
    await user.should_see("저장하면 올라갑니다", retries=30)
    assert not await VisitReport.exists()

    user.find("visit-save").click()
    await user.should_see("저장했습니다", retries=50)
    visit = await VisitReport.get(customer_id=customer.id)
    files = await attachments.list_attachments(AttachmentSlot.VISIT, visit.id)
    assert [f.original_name for f in files] == ["요청사항.txt"]
    await user.should_see("요청사항.txt", retries=30)  # listed as a link in the editor
    response = await user.http_client.get(f"/files/{files[0].id}")
    assert response.status_code == 200 and response.content == b"ERP add-on spec"
    assert response.headers["content-disposition"].startswith("attachment;")
    user.http_client.cookies.clear()
    assert (await user.http_client.get(f"/files/{files[0].id}")).status_code == 401


async def _visit(actor, customer: Customer, **fields) -> VisitReport:
    values = {
        "written_on": dt.date(2019, 3, 28),
        "visit_date": dt.date(2019, 3, 29),
        "purpose": "추가개발상담요청",
    }
    return await save_visit(by=actor, customer_id=customer.id, **(values | fields))


async def test_deleting_a_visit_in_the_customer_tab_asks_and_names_it(user: User):
    actor = await make_staff(login="hong", name="홍길동")
    customer = await _jaegeun()
    visit = await _visit(actor, customer)
    await attachments.store_attachment(
        slot=AttachmentSlot.VISIT, owner_id=visit.id, filename="a.txt", data=b"x", by=actor
    )
    kept = await _visit(actor, customer, purpose="설치")
    await sign_in(user, "hong")
    await _open_visits_tab(user, customer)
    table = _one(user, "visits-table")
    await eventually(lambda: len(table.rows) == 2)
    row = next(r for r in table.rows if r["id"] == visit.id)
    user.find("visits-table").trigger("rowContextmenu", [{}, row, 0])
    user.find("visits-delete").click()
    question = f"2019-03-28 방문일지 ({visit.document_number}, 추가개발상담요청)를 삭제할까요?"
    await user.should_see(question, retries=30)
    user.find("confirm-no").click()
    await user.should_not_see(question, retries=30)
    assert await VisitReport.filter(id=visit.id).exists()

    user.find("visits-delete").click()
    await user.should_see(question, retries=30)
    user.find("confirm-yes").click()
    await user.should_see("삭제했습니다.", retries=30)
    await eventually(lambda: [r["id"] for r in table.rows] == [kept.id])
    assert [v.id for v in await VisitReport.all()] == [kept.id]
    assert await attachments.list_attachments(AttachmentSlot.VISIT, visit.id) == []


async def test_deleting_a_visit_in_the_schedule_asks_and_names_it(user: User):
    actor = await make_staff(login="hong", name="홍길동")
    customer = await _jaegeun()
    today = dt.date.today()
    visit = await _visit(actor, customer, written_on=today, visit_date=today)
    await sign_in(user, "hong")
    await user.open("/status/visits")
    table = _one(user, "schedule-table")
    await eventually(lambda: [r["id"] for r in table.rows] == [visit.id])
    user.find("schedule-table").trigger("rowContextmenu", [{}, table.rows[0], 0])
    user.find("schedule-delete").click()
    await user.should_see(
        f"재근상사 {today:%Y-%m-%d} 방문일지 ({visit.document_number})를 삭제할까요?", retries=30
    )
    user.find("confirm-yes").click()
    await user.should_see("삭제했습니다.", retries=30)
    await eventually(lambda: table.rows == [])
    assert not await VisitReport.exists()


async def test_the_schedules_screen_excel_and_print_show_the_same_columns(user: User):
    actor = await make_staff(login="choisa", name="최순아")
    await _visit(actor, await _jaegeun(), written_on=dt.date.today(), visit_time="14:00", visitor_id=actor.id)
    await sign_in(user, "choisa")
    await user.open("/status/visits")
    table = _one(user, "schedule-table")
    await eventually(lambda: len(table.rows) == 1)
    labels = table_labels(user, "schedule-table")
    sheet = await excel_rows(user, "schedule-excel")
    assert sheet[0] == [labels[0], "문서번호", *labels[1:]]  # 문서번호 only in Excel
    text = await printed_text(user, "schedule-print", "방문일정 인쇄")
    assert all(label in text for label in labels) and "최순아" in text and "1건" in text


async def test_the_schedule_page_exports_to_excel_and_prints(user: User):
    actor = await make_staff(login="choisa", name="최순아")
    customer = await _jaegeun()
    other = await Customer.create(
        code="150101-001", registered_on=dt.date(2015, 1, 1), company_name="=모드시스템"
    )
    today = dt.date.today()
    await _visit(actor, customer, written_on=today, visit_time="14:00", visitor_id=actor.id)
    await _visit(actor, other, written_on=today, visit_date=dt.date(2019, 4, 2), purpose="설치")
    await _visit(
        actor, customer, written_on=today - dt.timedelta(days=400), purpose="작년 방문"
    )  # not this month
    await sign_in(user, "choisa")
    await user.open("/status/visits")
    table = _one(user, "schedule-table")
    await eventually(lambda: len(table.rows) == 2)

    user.find("schedule-excel").click()
    response = await user.download.next(timeout=20)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "작성일자", "문서번호", "방문일자", "시간", "거래처명", "주소", "방문자", "방문목적", "진행상태", "문서분류",
    )  # fmt: skip
    by_name = {r[4]: r for r in rows[1:]}
    assert set(by_name) == {"재근상사", "=모드시스템"}
    assert by_name["재근상사"][2] == dt.datetime(2019, 3, 29) and by_name["재근상사"][3] == "14:00"
    assert by_name["재근상사"][6] == "최순아" and by_name["재근상사"][7] == "추가개발상담요청"
    assert by_name["=모드시스템"][7] == "설치" and by_name["=모드시스템"][8] == "계획"
    mode_row = next(i for i, r in enumerate(rows, start=1) if r[4] == "=모드시스템")
    assert sheet.cell(row=mode_row, column=5).data_type == "s"  # text, never a formula

    user.find("schedule-print").click()
    pdf = await previewed_pdf(user)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "재근상사" in text and "=모드시스템" in text and "추가개발상담요청" in text
    assert "2019-04-02" in text and "작년 방문" not in text


async def test_the_week_view_shows_a_visit_on_its_day(user: User):
    actor = await make_staff(login="choisa", name="최순아")
    customer = await _jaegeun()
    today = dt.date.today()
    sunday = today - dt.timedelta(days=(today.weekday() + 1) % 7)
    wednesday = sunday + dt.timedelta(days=3)
    visit = await _visit(
        actor, customer, written_on=today, visit_date=wednesday, visit_time="10:30", purpose="점검"
    )
    await sign_in(user, "choisa")
    await user.open("/status/visits")
    user.find("schedule-tab-calendar").click()
    await user.should_see("10:30 재근상사", retries=50)
    _one(user, "calendar-mode").value = "week"
    title = _one(user, "calendar-title")
    week = f"{sunday:%Y-%m-%d} ~ {sunday + dt.timedelta(days=6):%Y-%m-%d}"
    await eventually(lambda: title.text == week)
    await user.should_see("점검", retries=30)  # the week view shows the purpose too
    entry = _one(user, f"calendar-entry-{visit.id}")
    days = {
        d: _one(user, f"calendar-day-{d:%Y-%m-%d}") for d in (sunday + dt.timedelta(days=i) for i in range(7))
    }
    assert [d for d, column in days.items() if entry in column.descendants()] == [wednesday]

    user.find("calendar-next").click()
    await eventually(lambda: title.text != week)
    await user.should_not_see("10:30 재근상사", retries=30)


async def test_someone_saving_a_visit_first_keeps_my_input_and_reapplies_it(user: User):
    from core.audit import SYSTEM, acting_as

    await make_staff(login="leejy", name="이주연")
    customer = await _jaegeun()
    await sign_in(user, "leejy")
    await user.open("/status/visits")
    user.find("schedule-add").click()
    await user.should_see(marker="visit-save", retries=50)
    user.find("visit-date").type("2019-03-29")
    user.find("visit-customer-search").click()
    await user.should_see(marker="customer-picker-search", retries=50)
    user.find("customer-picker-search").type("재근").trigger("keydown.enter")  # the first one found
    customer_input = _one(user, "visit-customer")
    await eventually(lambda: customer_input.value == "재근상사 (140213-001)")
    user.find("visit-purpose").type("설치")
    user.find("visit-save").click()
    await user.should_see("저장했습니다", retries=50)
    visit = await VisitReport.get(customer_id=customer.id)

    visit.purpose = "남이 고친 목적"  # someone else saves the visit while it is open here
    with acting_as(SYSTEM):
        await visit.save()

    user.find("visit-purpose").clear().type("설치 및 교육")
    user.find("visit-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 방문목적", retries=50)
    user.find("conflict-reapply").click()
    await eventually(VisitReport.filter(id=visit.id, purpose="설치 및 교육").exists)
