import asyncio
import datetime as dt
import http.server
import io
import threading

import openpyxl
import pytest
from pypdf import PdfReader

from core.errors import NotFound, StaleRecordError, ValidationError
from models.attachment import Attachment, AttachmentSlot
from models.card import BusinessCard, Employment
from models.customer import Customer
from models.visit import HtmlTemplate, VisitReport, VisitState
from services import attachments, visits
from services.demo import visits as demo_visits
from services.html_templates import seed_default_template
from services.list_spec import write_pdf, write_xlsx
from services.visits import ScheduleFilter, VisitHeader
from tests.factories.staff import make_staff


async def _jaegeun(**extra) -> Customer:
    return await Customer.create(
        code="140213-001",
        registered_on=dt.date(2014, 2, 13),
        company_name="재근상사",
        representative="김대표",
        contact_name="이재근",
        phone="029998888",
        fax="02-999-8889",
        address="경기도 안산시 단원구 강서길 9",
        address_detail="(와동, 성동빌라) 601",
        **extra,
    )


async def _template() -> HtmlTemplate:
    await seed_default_template()
    return await HtmlTemplate.get(name="상담일지")


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def _visit(by, customer, **fields) -> VisitReport:
    values = {
        "customer_id": customer.id,
        "written_on": dt.date(2019, 3, 28),
        "visit_date": dt.date(2019, 3, 29),
        "purpose": "추가개발상담요청",
        **fields,
    }
    return await visits.save_visit(by=by, **values)


async def test_choosing_the_consultation_template_fills_customer_and_visit_fields(db):
    visitor = await make_staff(name="김모두")
    customer = await _jaegeun(mobile="010-1111-2222")
    await BusinessCard.create(
        customer=customer, name="이재근", mobile="01022225555", registered_on=dt.date(2019, 1, 1)
    )
    template = await _template()
    body = await visits.filled_template(
        template.id,
        VisitHeader(
            customer_id=customer.id,
            visit_date="2019-03-29",
            visit_time="14:00",
            visitor_id=visitor.id,
            purpose="추가개발상담요청",
        ),
    )
    for text in (
        "재근상사",
        "김대표",
        "이재근",
        "02-999-8888",
        "010-2222-5555",  # the contact's card wins over the customer's own mobile
        "02-999-8889",
        "경기도 안산시 단원구 강서길 9 (와동, 성동빌라) 601",
        "2019-03-29",
        "14:00",
        "김모두",
        "추가개발상담요청",
    ):
        assert text in body, text
    assert "{{" not in body


async def test_contact_mobile_falls_back_to_the_customer(db):
    customer = await _jaegeun(mobile="010-1111-2222")
    assert await visits.contact_mobile(customer) == "010-1111-2222"
    await BusinessCard.create(
        customer=customer,
        name="이재근",
        mobile="010-3333-4444",
        employment=Employment.LEFT,
        registered_on=dt.date(2019, 1, 1),
    )
    assert await visits.contact_mobile(customer) == "010-1111-2222"  # the card's owner has left


async def test_without_a_customer_the_customer_fields_are_blank(db):
    template = await _template()
    body = await visits.filled_template(template.id, VisitHeader(purpose="점검"))
    assert '<span data-field="company"></span>' in body
    assert '<span data-field="purpose">점검</span>' in body


async def test_changing_the_purpose_updates_an_edited_body_in_place(db):
    customer = await _jaegeun()
    template = await _template()
    header = VisitHeader(customer_id=customer.id, purpose="설치")
    body = await visits.filled_template(template.id, header)
    edited = body + "<p>손으로 쓴 상담 내용</p>"
    refilled, count = await visits.refilled_body(
        edited, VisitHeader(customer_id=customer.id, purpose="추가개발상담요청"), ["purpose"]
    )
    assert count == 1
    assert "추가개발상담요청" in refilled and "손으로 쓴 상담 내용" in refilled
    assert '<span data-field="purpose">설치</span>' not in refilled


async def test_writing_a_visit_numbers_it_and_sanitises_the_body(db):
    actor = await make_staff()
    customer = await _jaegeun()
    template = await _template()
    first = await _visit(
        actor,
        customer,
        visit_time="9:30",
        visitor_id=actor.id,
        state=VisitState.DONE,
        template_id=template.id,
        body_html="<p><b>패키지구매업체</b></p><img src=x onerror=alert(1)><script>alert(1)</script>",
    )
    second = await _visit(actor, customer)
    assert first.document_number == "190328-001"
    assert second.document_number == "190328-002"
    assert first.visit_time == "09:30"
    assert first.body_html == "<p><b>패키지구매업체</b></p>"
    stored = await visits.get_visit(first.id)
    assert stored.state == VisitState.DONE and stored.template_id == template.id
    assert stored.created_by_id == actor.id


async def test_document_numbers_stay_unique_when_saved_at_the_same_moment(db):
    actor = await make_staff()
    customer = await _jaegeun()
    saved = await asyncio.gather(*[_visit(actor, customer, purpose=f"동시 {i}") for i in range(12)])
    numbers = sorted(v.document_number for v in saved)
    assert numbers == [f"190328-{i:03d}" for i in range(1, 13)]


async def test_bad_input_is_reported_per_field_and_nothing_is_saved(db):
    actor = await make_staff()
    with pytest.raises(ValidationError) as error:
        await visits.save_visit(
            by=actor,
            customer_id=None,
            written_on="2019-13-01",
            visit_date="",
            visit_time="25:00",
            purpose="가" * 201,
        )
    assert set(error.value.fields) == {"customer", "written_on", "visit_date", "visit_time", "purpose"}
    assert "고객을 선택하세요" in error.value.fields["customer"]
    assert not await VisitReport.exists()


async def test_two_people_editing_the_same_visit(db):
    actor = await make_staff(name="현빈")
    other = await make_staff(name="이주연")
    customer = await _jaegeun()
    visit = await _visit(actor, customer)
    opened = visit.version
    fields = {
        "customer_id": customer.id,
        "written_on": visit.written_on,
        "visit_date": visit.visit_date,
        "visit_id": visit.id,
        "version": opened,
    }
    await visits.save_visit(by=other, purpose="먼저 저장", **fields)
    with pytest.raises(StaleRecordError, match="이주연"):
        await visits.save_visit(by=actor, purpose="나중 저장", **fields)
    assert (await visits.get_visit(visit.id)).purpose == "먼저 저장"


async def test_deleting_a_visit_removes_its_attachments(db):
    actor = await make_staff()
    customer = await _jaegeun()
    visit = await _visit(actor, customer)
    await attachments.store_attachment(
        slot=AttachmentSlot.VISIT, owner_id=visit.id, filename="회의록.txt", data=b"memo", by=actor
    )
    await visits.delete_visit(visit.id, by=actor)
    assert not await VisitReport.exists(id=visit.id)
    assert not await Attachment.exists(slot=AttachmentSlot.VISIT, owner_id=visit.id)
    with pytest.raises(NotFound):
        await visits.get_visit(visit.id)


async def test_customer_tab_lists_only_that_customers_visits_newest_first(db):
    actor = await make_staff()
    customer = await _jaegeun()
    other = await Customer.create(
        code="190101-001", registered_on=dt.date(2019, 1, 1), company_name="다른상사"
    )
    template = await _template()
    await _visit(actor, customer, written_on="2016-12-06", template_id=template.id, state="취소")
    await _visit(actor, customer, written_on="2019-03-28", visit_time="14:00")
    await _visit(actor, other)
    page = await visits.customer_visits(customer.id)
    assert page.total == 2
    assert [r["written_on"] for r in page.rows] == ["2019-03-28", "2016-12-06"]
    assert page.rows[1]["template"] == "상담일지" and page.rows[1]["state"] == "취소"
    assert page.rows[0]["visit_date"] == "2019-03-29" and page.rows[0]["visit_time"] == "14:00"
    second = await visits.customer_visits(
        customer.id, offset=1, limit=1, sort_by="written_on", descending=False
    )
    assert [r["written_on"] for r in second.rows] == ["2019-03-28"]


async def test_schedule_filters_by_written_or_visit_date_and_customer(db):
    actor = await make_staff()
    customer = await _jaegeun()
    other = await Customer.create(
        code="190101-001", registered_on=dt.date(2019, 1, 1), company_name="다른상사"
    )
    await _visit(actor, customer, written_on="2019-03-28", visit_date="2019-04-02")
    await _visit(actor, other, written_on="2019-03-30", visit_date="2019-03-31")

    by_written = ScheduleFilter(start=dt.date(2019, 3, 28), end=dt.date(2019, 3, 28))
    assert [r["company"] for r in (await visits.schedule_page(by_written)).rows] == ["재근상사"]
    by_visit = ScheduleFilter(date_field="visit_date", start=dt.date(2019, 3, 1), end=dt.date(2019, 3, 31))
    assert [r["company"] for r in (await visits.schedule_page(by_visit)).rows] == ["다른상사"]
    by_name = ScheduleFilter(start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31), company="재근")
    page = await visits.schedule_page(by_name)
    assert page.total == 1 and page.rows[0]["address"].startswith("경기도 안산시")
    by_id = ScheduleFilter(customer_id=other.id)
    assert (await visits.schedule_page(by_id)).total == 1
    with pytest.raises(ValidationError):
        await visits.schedule_page(ScheduleFilter(start=dt.date(2019, 4, 1), end=dt.date(2019, 3, 1)))


async def test_calendar_reads_only_the_visible_range(db):
    actor = await make_staff()
    customer = await _jaegeun()
    await _visit(actor, customer, visit_date="2019-03-31", visit_time="16:00", purpose="말일 방문")
    await _visit(actor, customer, visit_date="2019-03-29", visit_time="10:00")
    await _visit(actor, customer, visit_date="2019-03-29", visit_time="09:00", state="완료")
    await _visit(actor, customer, visit_date="2019-04-01", purpose="다음달")
    entries = await visits.calendar_entries(dt.date(2019, 3, 25), dt.date(2019, 3, 31))
    assert [(e.visit_date.day, e.visit_time) for e in entries] == [
        (29, "09:00"),
        (29, "10:00"),
        (31, "16:00"),
    ]
    planned = await visits.calendar_entries(
        dt.date(2019, 3, 25), dt.date(2019, 3, 31), states=(VisitState.PLANNED,)
    )
    assert [e.visit_time for e in planned] == ["10:00", "16:00"]
    assert planned[0].company == "재근상사"


async def test_schedule_exports_to_excel(db):
    actor = await make_staff(name="김모두")
    customer = await _jaegeun()
    await _visit(actor, customer, visitor_id=actor.id, state="완료")
    march = ScheduleFilter(start=dt.date(2019, 3, 1), end=dt.date(2019, 3, 31))
    path = await write_xlsx(visits.SCHEDULE, visits.iter_schedule(march))
    try:
        sheet = openpyxl.load_workbook(path).active
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        path.unlink()
    assert rows[0][:5] == ("작성일자", "문서번호", "방문일자", "시간", "거래처명")
    assert rows[1][1] == "190328-001" and rows[1][4] == "재근상사" and rows[1][6] == "김모두"
    assert rows[1][8] == "완료"


async def test_the_printed_visit_has_the_korean_text_and_fetches_nothing(db):
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port
    actor = await make_staff(name="김모두")
    customer = await _jaegeun()
    template = await _template()
    header = VisitHeader(
        customer_id=customer.id, visit_date="2019-03-29", visitor_id=actor.id, purpose="추가개발상담요청"
    )
    body = await visits.filled_template(template.id, header)
    body += (
        "<p>패키지구매업체, 일부커스터마이징 개발요청</p>"
        f'<p><img src="http://127.0.0.1:{port}/tracker.png"></p>'
        f"<p style=\"background-image: url('http://127.0.0.1:{port}/bg.png')\">개발내용 : 문서제작</p>"
        + "".join(f"<p>긴 본문 {i}번째 줄</p>" for i in range(150))
    )
    try:
        visit = await _visit(actor, customer, visitor_id=actor.id, template_id=template.id, body_html=body)
        assert f"127.0.0.1:{port}" not in visit.body_html
        printed = await visits.visit_pdf(visit.id)
        unsaved = await visits.document_pdf(body)  # the editor's text, printed before saving
    finally:
        server.shutdown()
    assert requests == []
    assert printed.filename == "방문일지_190328-001_재근상사.pdf"
    reader = PdfReader(io.BytesIO(printed.pdf))
    assert len(reader.pages) >= 3  # a long body flows over pages instead of being cut or squeezed
    text = _pdf_text(printed.pdf)
    for expected in (
        "상 담 일 지",
        "재근상사",
        "김대표",
        "추가개발상담요청",
        "패키지구매업체",
        "긴 본문 149번째 줄",
    ):
        assert expected in text, expected
    assert "재근상사" in _pdf_text(unsaved)


async def test_the_schedule_prints_as_a_list(db):
    actor = await make_staff()
    customer = await _jaegeun()
    await _visit(actor, customer)
    march = ScheduleFilter(start=dt.date(2019, 3, 1), end=dt.date(2019, 3, 31))
    rows = [row async for row in visits.iter_schedule(march)]
    path = await write_pdf(visits.SCHEDULE, rows, subtitle=visits.schedule_period(march))
    try:
        text = _pdf_text(path.read_bytes())
    finally:
        path.unlink()
    assert "작성일자 2019-03-01 ~ 2019-03-31" in text
    assert "방문일정" in text and "재근상사" in text and "추가개발상담요청" in text and "1건" in text


async def test_the_schedule_is_read_in_chunks_up_to_a_limit_and_refuses_a_wrong_filter(db):
    actor = await make_staff()
    customer = await _jaegeun()
    for _ in range(5):
        await _visit(actor, customer)
    everything = ScheduleFilter()
    assert len([r async for r in visits.iter_schedule(everything, chunk=2)]) == 5
    assert len([r async for r in visits.iter_schedule(everything, chunk=2, limit=3)]) == 3
    with pytest.raises(ValidationError):
        await anext(visits.iter_schedule(ScheduleFilter(start=dt.date(2019, 4, 1), end=dt.date(2019, 3, 1))))


async def test_demo_writes_the_manuals_visit_once(db):
    assert "건너뜀" in await demo_visits.seed()
    assert not await VisitReport.exists()
    await make_staff(login="kimmodu", name="김모두")
    customer = await _jaegeun()
    assert "1건 추가" in await demo_visits.seed()
    assert "이미 있습니다" in await demo_visits.seed()
    visit = await VisitReport.get(customer_id=customer.id).prefetch_related("visitor", "template")
    assert visit.written_on == dt.date(2019, 3, 28) and visit.visit_date == dt.date(2019, 3, 29)
    assert visit.state == VisitState.DONE and visit.purpose == "추가개발상담요청"
    assert visit.visitor.name == "김모두" and visit.template.name == "상담일지"
    assert "패키지구매업체, 일부커스터마이징 개발요청" in visit.body_html
    assert "개발내용 : 문서제작, 일부메뉴 수정 등등" in visit.body_html
    assert '<span data-field="company">재근상사</span>' in visit.body_html


async def test_the_editor_is_only_ever_given_sanitised_html(db):
    actor = await make_staff()
    customer = await _jaegeun()
    visit = await _visit(actor, customer, body_html="<p><b>정상</b></p>")
    # a row written some other way (an old import, a database tool) still reaches the browser clean
    await VisitReport.filter(id=visit.id).update(body_html='<p><b>정상</b></p><img src=x onerror="alert(1)">')
    form = await visits.load_visit(visit.id)
    assert form.body_html == "<p><b>정상</b></p>"
    assert form.customer_label == "재근상사 (140213-001)"
    assert visits.clean_body("<script>alert(1)</script><i>i</i>") == "<i>i</i>"
