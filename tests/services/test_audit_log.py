"""변경 이력 and 감사 로그: the audit log read back in the screens' words, paged, without secrets."""

import datetime as dt

import pytest

from core.errors import PermissionDenied
from models.codes import CodeEntry, CodeKind
from models.staff import Role
from services import audit_log, customers, mail, staff, telephony_settings
from services.audit_log import OfficeLogFilters
from services.customers import CustomerInput
from tests.factories.staff import make_admin, make_staff


async def _customer(by, **values):
    data = CustomerInput(company_name="재근상사", registered_on=dt.date(2026, 1, 5), **values)
    return await customers.save_customer(data, by=by)


async def test_a_change_reads_in_the_screen_words_with_code_and_staff_names(db):
    admin = await make_admin(name="관리자김")
    status_a = await CodeEntry.create(kind=CodeKind.CUSTOMER_STATUS, code="A1", name="거래중")
    status_b = await CodeEntry.create(kind=CodeKind.CUSTOMER_STATUS, code="A2", name="거래중지")
    seller = await make_staff(name="박영업")
    customer = await _customer(admin, phone="02-111-2222", status_id=status_a.id)
    data = CustomerInput(
        company_name="재근상사",
        registered_on=dt.date(2026, 1, 5),
        phone="02-333-4444",
        status_id=status_b.id,
        staff_id=seller.id,
    )
    await customers.save_customer(data, by=admin, customer_id=customer.id, version=customer.version)

    page = await audit_log.record_history("customer", customer.id, limit=10)
    assert page.total == 2
    newest, first = page.rows
    assert (newest["action_label"], newest["actor_name"]) == ("수정", "관리자김")
    assert "전화번호: 02-111-2222 → 02-333-4444" in newest["lines"]
    assert "고객상태: 거래중 → 거래중지" in newest["lines"]
    assert "담당사원: (없음) → 박영업" in newest["lines"]
    assert first["action_label"] == "생성"
    assert "법인상호: 재근상사" in first["lines"]
    # in the screen's order, without the row's own bookkeeping (who and when are columns)
    assert first["lines"].index("법인상호: 재근상사") < first["lines"].index("전화번호: 02-111-2222")
    assert not any(
        line.startswith(("id", "created", "updated")) for row in page.rows for line in row["lines"]
    )
    assert not any("chosung" in line or "reversed" in line for row in page.rows for line in row["lines"])


async def test_history_is_newest_first_and_paged_on_the_server(db):
    admin = await make_admin()
    with_acting = await CodeEntry.create(kind=CodeKind.DUTY, code="D1", name="이름0")
    from core.audit import acting_as

    with acting_as(admin):
        for number in range(1, 6):
            with_acting.name = f"이름{number}"
            await with_acting.save()
    page = await audit_log.record_history("code_entry", with_acting.id, limit=2, offset=0)
    assert page.total == 6
    assert [row["lines"] for row in page.rows] == [["이름: 이름4 → 이름5"], ["이름: 이름3 → 이름4"]]
    last = await audit_log.record_history("code_entry", with_acting.id, limit=2, offset=4)
    assert last.rows[-1]["action_label"] == "생성"


async def test_names_are_looked_up_once_per_page_not_per_row(db, monkeypatch):
    admin = await make_admin()
    codes = [
        await CodeEntry.create(kind=CodeKind.CUSTOMER_STATUS, code=f"S{n}", name=f"상태{n}") for n in range(5)
    ]
    for code in codes:
        await _customer(admin, status_id=code.id)
    lookups = []
    real = audit_log._names

    async def counting(wanted):
        lookups.append(dict(wanted))
        return await real(wanted)

    monkeypatch.setattr(audit_log, "_names", counting)
    page = await audit_log.office_log(OfficeLogFilters(table="customer"), by=admin)
    assert page.total == 5
    assert len(lookups) == 1 and set(lookups[0]) == {"code_entry"}
    assert {line for row in page.rows for line in row["lines"] if line.startswith("고객상태")} == {
        f"고객상태: 상태{n}" for n in range(5)
    }


async def test_unknown_fields_fall_back_to_a_readable_form():
    from services.audit_labels import field_label

    assert field_label("customer", "phone") == "전화번호"
    assert field_label("no_such_table", "some_new_field_id") == "some new field"


async def test_passwords_and_the_smtp_password_never_appear(db):
    admin = await make_admin(name="관리자")
    person = await make_staff(name="홍길동")
    await staff.reset_password(person.id, by=admin, new_password="Secret-pass-9876")
    await mail.save_smtp_settings(
        by=admin,
        version=0,
        host="smtp.example.com",
        port=587,
        security="starttls",
        user="office@example.com",
        password="smtp-secret-4321",
        sender_address="office@example.com",
        sender_name="고객소프트",
    )
    settings = await mail.get_smtp_settings()
    await mail.save_smtp_settings(
        by=admin,
        version=settings.version,
        host="smtp.example.com",
        port=587,
        security="starttls",
        user="office@example.com",
        password="smtp-other-5555",
        sender_address="office@example.com",
        sender_name="고객소프트",
    )
    first_ring = (await telephony_settings.load_centrex_settings()).values.ring_secret
    second_ring = (await telephony_settings.renew_ring_secret(by=admin)).values.ring_secret
    page = await audit_log.office_log(OfficeLogFilters(), by=admin, limit=500)
    text = repr(page.rows)
    for secret in (
        "Secret-pass-9876",
        "smtp-secret-4321",
        "smtp-other-5555",
        "$argon2",
        first_ring,
        second_ring,
    ):
        assert secret not in text
    centrex = [row["lines"] for row in page.rows if row["table_name"] == "app_setting"]
    assert ["설정 항목: 센트릭스 설정", "설정값: ring_secret=(저장됨)"] in centrex
    assert ["설정값 ring_secret: (저장됨) → (변경됨)"] in centrex
    staff_rows = [row for row in page.rows if row["table_name"] == "staff" and row["record_id"] == person.id]
    assert any("비밀번호: 변경됨" in row["lines"] for row in staff_rows)
    rows = [row async for row in audit_log.iter_office_log(OfficeLogFilters(), by=admin)]
    assert "smtp-other-5555" not in repr(rows) and "Secret-pass-9876" not in repr(rows)


async def test_office_log_filters(db):
    admin = await make_admin(name="김관리")
    other = await make_admin(name="이관리")
    await _customer(admin)
    customer = await _customer(other)
    await CodeEntry.create(kind=CodeKind.DUTY, code="Z9", name="없는사람")  # no actor
    by_name = await audit_log.office_log(OfficeLogFilters(actor_name="이관리", table="customer"), by=admin)
    assert [row["record_id"] for row in by_name.rows] == [customer.id]
    created = await audit_log.office_log(OfficeLogFilters(action="create", record_id=customer.id), by=admin)
    assert {row["table_name"] for row in created.rows} >= {"customer"}
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert (await audit_log.office_log(OfficeLogFilters(date_from=tomorrow), by=admin)).total == 0
    today = await audit_log.office_log(
        OfficeLogFilters(date_from=dt.date.today(), date_to=dt.date.today()), by=admin
    )
    assert today.total > 0


async def test_staff_cannot_read_the_office_log(db):
    person = await make_staff()
    with pytest.raises(PermissionDenied):
        await audit_log.office_log(OfficeLogFilters(), by=person)
    with pytest.raises(PermissionDenied):
        [row async for row in audit_log.iter_office_log(OfficeLogFilters(), by=person)]
    demoted = await make_admin()
    await staff.update_staff(
        demoted.id, by=await make_admin(), version=1, name="강등", role=Role.STAFF, extension="", active=True
    )
    with pytest.raises(PermissionDenied):
        await audit_log.office_log(OfficeLogFilters(), by=demoted)
    history = await audit_log.record_history("staff", demoted.id)
    assert {f"이름: {demoted.name} → 강등", "권한: 관리자 → 사원"} <= set(history.rows[0]["lines"])
