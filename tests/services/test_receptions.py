import datetime as dt

import pytest

from core.errors import StaleRecordError, ValidationError
from models.attachment import AttachmentSlot
from models.audit import AuditEntry
from models.codes import CodeEntry, CodeKind
from models.reception import CallSource, Reception, ReceptionState
from services import attachments, reception_log, receptions
from services.phone_directory import link_number, resolve_caller
from services.reception_log import LogCursor, LogFilters, SearchField
from services.receptions import ReceptionInput
from tests.factories.customers import make_customer
from tests.factories.staff import make_staff

T0 = dt.datetime(2016, 9, 21, 14, 59, 31)


async def code(kind: CodeKind, value: str) -> int:
    return (await CodeEntry.get(kind=kind, code=value)).id


async def receive(by, **fields) -> Reception:
    data = {"received_at": T0, "receiver_id": by.id, **fields}
    return await receptions.save_reception(ReceptionInput(**data), by=by)


async def test_a_new_reception_is_stored_with_its_phone_normalised_and_audited(db):
    kim = await make_staff(name="김데모")
    haedong = await make_customer("(주)해동통신", code="140123-001")
    as_type = await code(CodeKind.RECEPTION_TYPE, "1")
    reception = await receive(
        kim,
        phone="028088016",
        customer_id=haedong.id,
        contact_name="이담당",
        reception_type_id=as_type,
        inquiry="프로그램 실행 오류",
    )
    stored = await Reception.get(id=reception.id)
    assert stored.phone == "02-808-8016"
    assert stored.phone_digits == "028088016"
    assert stored.state == ReceptionState.PENDING
    assert stored.receiver_id == kim.id
    assert stored.processor_id is None and stored.processed_at is None
    assert stored.source == CallSource.MANUAL
    entry = await AuditEntry.get(table_name="reception", record_id=reception.id)
    assert entry.action == "create" and entry.actor_name == "김데모"


async def test_process_sets_processor_and_time_and_hold_then_process_works(db):
    kim = await make_staff(name="김데모")
    hyunbin = await make_staff(name="현빈")
    reception = await receive(kim, inquiry="교육방문 가능시간 문의")

    held = await receptions.hold_reception(reception.id, by=hyunbin, version=reception.version)
    assert held.state == ReceptionState.ON_HOLD
    assert held.processor_id is None and held.processed_at is None

    before = dt.datetime.now().replace(microsecond=0)
    done = await receptions.process_reception(reception.id, by=hyunbin, version=held.version)
    stored = await Reception.get(id=reception.id)
    assert stored.state == ReceptionState.DONE
    assert stored.processor_id == hyunbin.id
    assert before <= stored.processed_at <= dt.datetime.now()
    assert done.version == stored.version

    with pytest.raises(ValidationError, match="이미 처리된 접수입니다 \\(처리자 현빈\\)"):
        await receptions.process_reception(reception.id, by=kim, version=stored.version)

    held_again = await receptions.hold_reception(reception.id, by=kim, version=stored.version)
    assert held_again.state == ReceptionState.ON_HOLD and held_again.processed_at is None


async def test_saving_as_done_fills_processor_and_time_and_reopening_clears_the_time(db):
    kim = await make_staff(name="김데모")
    reception = await receive(kim, state=ReceptionState.DONE, answer="원격으로 처리")
    assert reception.processor_id == kim.id and reception.processed_at is not None

    detail = await receptions.get_reception(reception.id)
    detail.data.state = ReceptionState.PENDING
    reopened = await receptions.save_reception(
        detail.data, by=kim, reception_id=reception.id, version=detail.version
    )
    assert reopened.state == ReceptionState.PENDING and reopened.processed_at is None


async def test_an_edit_with_a_stale_version_is_refused_and_changes_nothing(db):
    kim = await make_staff(name="김데모")
    hong = await make_staff(name="홍길동")
    reception = await receive(kim, inquiry="처음 내용")
    opened_by_kim = await receptions.get_reception(reception.id)
    opened_by_hong = await receptions.get_reception(reception.id)

    opened_by_hong.data.inquiry = "홍길동이 고친 내용"
    await receptions.save_reception(
        opened_by_hong.data, by=hong, reception_id=reception.id, version=opened_by_hong.version
    )
    opened_by_kim.data.inquiry = "김데모가 고친 내용"
    with pytest.raises(StaleRecordError, match="홍길동님이"):
        await receptions.save_reception(
            opened_by_kim.data, by=kim, reception_id=reception.id, version=opened_by_kim.version
        )
    with pytest.raises(StaleRecordError):
        await receptions.process_reception(reception.id, by=kim, version=opened_by_kim.version)
    stored = await Reception.get(id=reception.id)
    assert stored.inquiry == "홍길동이 고친 내용"
    assert stored.state == ReceptionState.PENDING


async def test_bad_input_names_every_field_and_stores_nothing(db):
    kim = await make_staff()
    large = await CodeEntry.get(kind=CodeKind.RECEPTION_CATEGORY, code="01")
    other_medium = await CodeEntry.get(kind=CodeKind.RECEPTION_CATEGORY, code="0201")
    with pytest.raises(ValidationError) as refused:
        await receptions.save_reception(
            ReceptionInput(
                received_at="2016-13-45 99:99",
                phone="02-808-80I6",
                category_large_id=large.id,
                category_medium_id=other_medium.id,
                category_small_id=None,
                reception_type_id=large.id,  # a category is not a reception type
                receiver_id=None,
                customer_id=999_999,
            ),
            by=kim,
        )
    fields = refused.value.fields
    assert set(fields) == {
        "received_at",
        "phone",
        "category_medium",
        "reception_type",
        "receiver",
        "customer",
    }
    assert "형식" in fields["received_at"]
    assert "상위 분류" in fields["category_medium"]
    assert await Reception.all().count() == 0


async def test_dates_can_be_typed_without_seconds(db):
    kim = await make_staff()
    reception = await receive(kim, received_at="2016-09-21 17:49", inquiry="견적 문의")
    assert reception.received_at == dt.datetime(2016, 9, 21, 17, 49)
    with pytest.raises(ValidationError, match="처리일시가 접수일시보다 빠릅니다"):
        await receive(
            kim,
            received_at="2016-09-21 17:49",
            inquiry="견적 문의",
            state=ReceptionState.DONE,
            processed_at="2016-09-20 09:00",
        )


async def test_number_linking_makes_later_calls_resolve_to_the_customer(db):
    kim = await make_staff()
    new_customer = await make_customer("뉴시스비즈", code="160921-002", phone="031-888-9999")
    reception = await receive(kim, phone="031-555-5555", contact_name="오담당")
    assert (await resolve_caller("0315555555")).customer is None

    await link_number(reception.phone, new_customer.id, by=kim)

    match = await resolve_caller("+82 31 555 5555")
    assert match.customer is not None and match.customer.id == new_customer.id
    assert (await resolve_caller("031-888-9999")).customer.id == new_customer.id


async def test_reception_attachments_have_limits_and_stay_under_the_data_folder(
    db, isolated_data, monkeypatch
):
    kim = await make_staff()
    reception = await receive(kim, inquiry="견적서 첨부")
    stored = await attachments.store_attachment(
        slot=AttachmentSlot.RECEPTION_INQUIRY,
        owner_id=reception.id,
        filename="견적 요청서.pdf",
        data=b"%PDF-1.4",
        by=kim,
    )
    assert stored.original_name == "견적 요청서.pdf"
    assert isolated_data in (await attachments.open_attachment(stored.id)).path.parents
    answer_files = await attachments.list_attachments(AttachmentSlot.RECEPTION_ANSWER, reception.id)
    assert answer_files == []

    monkeypatch.setenv("GOGAEK_UPLOAD_LIMIT_MB", "1")
    from core.settings import reload_settings

    reload_settings()
    with pytest.raises(ValidationError, match="1MB까지"):
        await attachments.store_attachment(
            slot=AttachmentSlot.RECEPTION_ANSWER,
            owner_id=reception.id,
            filename="화면.png",
            data=b"\x89PNG" + b"0" * (1024 * 1024),
            by=kim,
        )
    with pytest.raises(ValidationError, match=r"\.bat 파일은 첨부할 수 없습니다"):
        await attachments.store_attachment(
            slot=AttachmentSlot.RECEPTION_ANSWER,
            owner_id=reception.id,
            filename="패치.bat",
            data=b"@echo",
            by=kim,
        )
    assert [
        a.id for a in await attachments.list_attachments(AttachmentSlot.RECEPTION_INQUIRY, reception.id)
    ] == [stored.id]
    assert await attachments.list_attachments(AttachmentSlot.RECEPTION_ANSWER, reception.id) == []


# -- the log ---------------------------------------------------------------------------------


async def _log_fixture():
    kim = await make_staff(name="김데모")
    jaegeun = await make_customer("재근상사", code="140213-001")
    hidesign = await make_customer("하이디자인", code="160921-003")
    as_type = await code(CodeKind.RECEPTION_TYPE, "1")
    sales = await code(CodeKind.RECEPTION_TYPE, "2")
    rows = [
        (0, jaegeun, "02-808-8016", "이재근", as_type, "키락 인식 안됨"),
        (1, hidesign, "031-555-5555", "최담당", sales, "ADJ-50128 견적 이메일 발송요청"),
        (2, None, "010-3064-1234", "모르는분", as_type, "교육방문 가능시간 문의"),
        (3, jaegeun, "02-808-8016", "이재근", sales, "GS-5200 주문요청"),
    ]
    made = []
    for minutes, who, phone, contact, type_id, text in rows:
        made.append(
            await receive(
                kim,
                received_at=T0 + dt.timedelta(minutes=minutes),
                customer_id=who.id if who else None,
                phone=phone,
                contact_name=contact,
                reception_type_id=type_id,
                inquiry=text,
            )
        )
    return kim, jaegeun, hidesign, as_type, made


def _inquiries(page) -> list[str]:
    return [row["inquiry"] for row in page.rows]


async def test_the_log_lists_newest_first_with_names_and_filters(db):
    kim, jaegeun, _, as_type, made = await _log_fixture()
    await receptions.process_reception(made[0].id, by=kim, version=made[0].version)

    page = await reception_log.reception_log(LogFilters())
    assert _inquiries(page) == [
        "GS-5200 주문요청",
        "교육방문 가능시간 문의",
        "ADJ-50128 견적 이메일 발송요청",
        "키락 인식 안됨",
    ]
    assert page.total == 4 and not page.total_is_estimate
    newest = page.rows[0]
    assert newest["customer_name"] == "재근상사" and newest["type_name"] == "영업"
    assert newest["phone"] == "02-808-8016" and newest["state"] == ReceptionState.PENDING

    assert _inquiries(await reception_log.reception_log(LogFilters(customer_id=jaegeun.id))) == [
        "GS-5200 주문요청",
        "키락 인식 안됨",
    ]
    assert _inquiries(await reception_log.reception_log(LogFilters(reception_type_id=as_type))) == [
        "교육방문 가능시간 문의",
        "키락 인식 안됨",
    ]
    done = await reception_log.reception_log(LogFilters(state=ReceptionState.DONE))
    assert _inquiries(done) == ["키락 인식 안됨"] and done.rows[0]["processor_name"] == "김데모"


async def test_the_log_filters_a_staff_members_open_receptions_and_those_received_before(db):
    """The 오늘 screen's 내 접수 and 장기 미처리 open the log with these filters, alone or with a search."""
    kim, _, _, _, made = await _log_fixture()
    lee = await make_staff(name="이처리")
    given = await Reception.get(id=made[1].id)
    given.processor_id = lee.id
    await given.save()
    await receptions.process_reception(made[0].id, by=kim, version=made[0].version)

    mine = await reception_log.reception_log(LogFilters(assigned_to=kim.id))
    assert _inquiries(mine) == ["GS-5200 주문요청", "교육방문 가능시간 문의"] and mine.total == 2
    assert _inquiries(await reception_log.reception_log(LogFilters(assigned_to=lee.id))) == [
        "ADJ-50128 견적 이메일 발송요청"
    ]
    before = T0 + dt.timedelta(minutes=2)
    assert _inquiries(await reception_log.reception_log(LogFilters(received_before=before))) == [
        "ADJ-50128 견적 이메일 발송요청",
        "키락 인식 안됨",
    ]
    both = LogFilters(assigned_to=kim.id, received_before=before + dt.timedelta(minutes=1))
    assert _inquiries(await reception_log.reception_log(both)) == ["교육방문 가능시간 문의"]
    searched = await reception_log.reception_log(LogFilters(assigned_to=kim.id, search_text="재근"))
    assert _inquiries(searched) == ["GS-5200 주문요청"] and searched.total == 1
    exported = [row async for row in reception_log.iter_log_rows(LogFilters(assigned_to=kim.id))]
    assert [row["inquiry"] for row in exported] == ["GS-5200 주문요청", "교육방문 가능시간 문의"]


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        (SearchField.CUSTOMER, "재근", ["GS-5200 주문요청", "키락 인식 안됨"]),
        (SearchField.CUSTOMER, "ㅎㅇㄷ", ["ADJ-50128 견적 이메일 발송요청"]),
        (SearchField.CUSTOMER, "재ㄱ", ["GS-5200 주문요청", "키락 인식 안됨"]),  # as the customer search
        (SearchField.CUSTOMER, "없는회사", []),
        (SearchField.PHONE, "02-808-8016", ["GS-5200 주문요청", "키락 인식 안됨"]),
        (SearchField.PHONE, "031", ["ADJ-50128 견적 이메일 발송요청"]),
        (SearchField.PHONE, "5555", ["ADJ-50128 견적 이메일 발송요청"]),
        (SearchField.PHONE, "3064", ["교육방문 가능시간 문의"]),
        (SearchField.CONTACT, "이재", ["GS-5200 주문요청", "키락 인식 안됨"]),
        (SearchField.INQUIRY, "견적", ["ADJ-50128 견적 이메일 발송요청"]),
        (SearchField.INQUIRY, "gs-5200", ["GS-5200 주문요청"]),
    ],
)
async def test_the_log_search_picker(db, field, text, expected):
    await _log_fixture()
    page = await reception_log.reception_log(LogFilters(search_field=field, search_text=text))
    assert _inquiries(page) == expected
    assert page.total == len(expected)


@pytest.mark.parametrize("text", ["재근", "ㅈㄱ", "재ㄱ", "없는회사"])
async def test_the_customer_name_search_without_the_sqlite_paths_finds_the_same(db, monkeypatch, text):
    """The ORM path (PostgreSQL) uses the customer search's name condition, also when so many
    customers match that it walks the log newest first through the customer join."""
    await _log_fixture()
    filters = LogFilters(search_field=SearchField.CUSTOMER, search_text=text)
    fast = _inquiries(await reception_log.reception_log(filters))
    monkeypatch.setattr(reception_log, "sqlite_reader", lambda: None)
    assert _inquiries(await reception_log.reception_log(filters)) == fast
    monkeypatch.setattr(reception_log, "CUSTOMER_MATCH_CAP", 0)  # every name is "common" now
    assert _inquiries(await reception_log.reception_log(filters)) == fast
    assert bool(fast) == (text != "없는회사")


async def test_a_phone_search_without_digits_is_explained(db):
    with pytest.raises(ValidationError, match="숫자"):
        await reception_log.reception_log(LogFilters(search_field=SearchField.PHONE, search_text="전화"))


async def test_paging_continues_after_the_last_row_and_does_not_shift_when_calls_arrive(db):
    kim = await make_staff()
    for minute in range(7):
        await receive(kim, received_at=T0 + dt.timedelta(minutes=minute), inquiry=f"문의 {minute}")
    first = await reception_log.reception_log(LogFilters(), limit=3)
    assert _inquiries(first) == ["문의 6", "문의 5", "문의 4"]
    assert first.total == 7 and isinstance(first.next_cursor, LogCursor)

    await receive(kim, received_at=T0 + dt.timedelta(hours=1), inquiry="새로 온 전화")
    second = await reception_log.reception_log(LogFilters(), limit=3, offset=3, after=first.next_cursor)
    assert _inquiries(second) == ["문의 3", "문의 2", "문의 1"]
    last = await reception_log.reception_log(LogFilters(), limit=3, offset=6, after=second.next_cursor)
    assert _inquiries(last) == ["문의 0"] and last.next_cursor is None
    by_offset = await reception_log.reception_log(LogFilters(), limit=3, offset=3)
    assert _inquiries(by_offset) == ["문의 4", "문의 3", "문의 2"]


async def test_receptions_in_the_same_second_are_all_listed_once(db):
    kim = await make_staff()
    for number in range(5):
        await receive(kim, received_at=T0, inquiry=f"같은 시각 {number}")
    seen = []
    cursor = None
    for page_number in range(3):
        page = await reception_log.reception_log(LogFilters(), limit=2, offset=page_number * 2, after=cursor)
        seen += _inquiries(page)
        cursor = page.next_cursor
    assert sorted(seen) == [f"같은 시각 {n}" for n in range(5)]


async def test_totals_are_exact_and_only_a_common_text_search_says_at_least(db, monkeypatch):
    monkeypatch.setattr(reception_log, "TEXT_MATCH_CAP", 2)
    kim = await make_staff()
    for minute in range(6):
        await receive(kim, received_at=T0 + dt.timedelta(minutes=minute), inquiry=f"키락 {minute}")
    page = await reception_log.reception_log(LogFilters(), limit=2)
    assert page.total == 6 and not page.total_is_estimate
    # text found in more rows than TEXT_MATCH_CAP: newest first, and "more follow" instead of a count
    text = await reception_log.reception_log(
        LogFilters(search_field=SearchField.INQUIRY, search_text="키락"), limit=2
    )
    assert _inquiries(text) == ["키락 5", "키락 4"]
    assert text.total == 3 and text.total_is_estimate
    rest = await reception_log.reception_log(
        LogFilters(search_field=SearchField.INQUIRY, search_text="키락"),
        limit=10,
        offset=2,
        after=text.next_cursor,
    )
    assert _inquiries(rest) == ["키락 3", "키락 2", "키락 1", "키락 0"]
    assert rest.total == 6 and not rest.total_is_estimate


async def test_a_page_in_the_older_half_is_read_from_the_oldest_end(db):
    """마지막 페이지 is the oldest receptions: jumped to with the total the first page reported, a
    page in the older half is counted from the oldest end (the same rows as walking there)."""
    kim = await make_staff()
    for minute in range(7):
        await receive(kim, received_at=T0 + dt.timedelta(minutes=minute), inquiry=f"문의 {minute}")
    first = await reception_log.reception_log(LogFilters(), limit=3)
    assert first.total == 7 and not first.total_is_estimate
    last = await reception_log.reception_log(LogFilters(), limit=3, offset=6, total_hint=first.total)
    assert _inquiries(last) == ["문의 0"] and last.total == 7 and last.next_cursor is None
    middle = await reception_log.reception_log(LogFilters(), limit=3, offset=3, total_hint=first.total)
    assert _inquiries(middle) == ["문의 3", "문의 2", "문의 1"]
    # the same pages walked from the newest end, and with a filter
    assert _inquiries(await reception_log.reception_log(LogFilters(), limit=3, offset=3)) == _inquiries(
        middle
    )
    one_state = LogFilters(state=ReceptionState.PENDING)
    counted = await reception_log.reception_log(one_state, limit=2)
    oldest = await reception_log.reception_log(one_state, limit=2, offset=6, total_hint=counted.total)
    assert counted.total == 7 and _inquiries(oldest) == ["문의 0"]


async def test_excel_rows_carry_the_full_texts(db):
    kim, *_ = await _log_fixture()
    long_text = "가" * 500
    await receive(kim, received_at=T0 + dt.timedelta(hours=2), inquiry=long_text, answer="처리 완료")
    rows = [row async for row in reception_log.iter_log_rows(LogFilters())]
    assert len(rows) == 5
    assert rows[0]["inquiry"] == long_text and rows[0]["answer"] == "처리 완료"
    listed = await reception_log.reception_log(LogFilters(), limit=1)
    assert listed.rows[0]["inquiry"] == long_text[: reception_log.INQUIRY_PREVIEW]


async def test_a_customers_brief_for_the_form(db):
    jaegeun = await make_customer("재근상사", code="140213-001", phone="02-999-8888")
    brief = await receptions.customer_brief(jaegeun.id)
    assert brief is not None and brief.company_name == "재근상사" and brief.phone == "02-999-8888"
    assert await receptions.customer_brief(999_999) is None


async def test_the_form_refuses_a_wrong_extension_a_non_number_and_an_empty_reception(db):
    kim = await make_staff(name="김데모")
    with pytest.raises(ValidationError) as refused:
        await receive(kim, phone="02-808-8016", extension="내선3")
    assert refused.value.fields == {"extension": "내선번호는 숫자로만 입력하세요."}
    with pytest.raises(ValidationError) as refused:
        await receive(kim, phone="123-45678-9999999")
    assert "올바른 전화번호가 아닙니다" in refused.value.fields["phone"]
    with pytest.raises(ValidationError) as refused:
        await receive(kim)
    assert "빈 접수입니다" in refused.value.fields["inquiry"]
    assert not await Reception.exists()
    await receive(kim, phone="1234", extension="12")  # an internal line as the CTI reports it
