"""The SQLite speed paths (benchmark office, issue #9): the trigram search index stays in step with
every change, and the hand-written SQL answers exactly what the ORM queries answer (they still
serve PostgreSQL), for customers and for the reception log."""

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from core.db import SqliteReader, sqlite_reader
from core.korean import chosung
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.reception import Reception, ReceptionState
from services import customer_list, customers, quote_list, reception_log, receptions, search_index
from services.customer_list import CustomerFilters
from services.customers import CustomerInput
from services.paging import PageRequest
from services.reception_log import LogFilters, SearchField
from services.receptions import ReceptionInput
from tests.factories.staff import make_staff

sqlite_only = pytest.mark.skipif(
    bool(os.environ.get("GOGAEK_TEST_DATABASE_URL")), reason="the SQLite paths (PostgreSQL uses the ORM ones)"
)

T0 = dt.datetime(2026, 3, 2, 9, 0, 0)


async def add(by, name: str, **fields) -> Customer:
    return await customers.save_customer(
        CustomerInput(company_name=name, registered_on=fields.pop("on", "2014-02-13"), **fields),
        by=by,
        confirm_duplicates=True,
    )


async def names(filters: CustomerFilters, **request) -> list[str]:
    page = await customer_list.search_customers(filters, PageRequest(rows_per_page=100, **request))
    return [row["company_name"] for row in page.rows]


@sqlite_only
async def test_the_name_index_follows_every_save_rename_and_delete(db):
    clerk = await make_staff()
    jaegeun = await add(clerk, "재근상사")
    await add(clerk, "KT정보통신")
    await add(clerk, "(주)한빛상사")
    assert await names(CustomerFilters(company_name="상사")) == [
        "재근상사",
        "(주)한빛상사",
    ]  # 2 characters, at the end
    assert await names(CustomerFilters(company_name="kt")) == ["KT정보통신"]  # Latin letters in any case
    assert await names(CustomerFilters(company_name="정보통")) == ["KT정보통신"]
    assert await names(CustomerFilters(company_name="(주)")) == ["(주)한빛상사"]
    assert await names(CustomerFilters(company_name="빛")) == ["(주)한빛상사"]  # one character: scanned
    assert await names(CustomerFilters(company_name="ㅈㄱ")) == ["재근상사"]
    assert await names(CustomerFilters(company_name="없는회사")) == []

    renamed = CustomerInput.of(jaegeun)
    renamed.company_name = "재근종합물산"
    await customers.save_customer(renamed, by=clerk, customer_id=jaegeun.id, version=jaegeun.version)
    assert await names(CustomerFilters(company_name="상사")) == ["(주)한빛상사"]
    assert await names(CustomerFilters(company_name="종합물")) == ["재근종합물산"]
    assert await names(CustomerFilters(company_name="ㅈㄱㅈㅎ")) == ["재근종합물산"]

    await Customer.filter(id=jaegeun.id).update(company_name="재근상회", company_name_chosung="ㅈㄱㅅㅎ")
    assert await names(CustomerFilters(company_name="상회")) == ["재근상회"]  # bulk updates too
    await customers.delete_customer(jaegeun.id, by=clerk)
    assert await names(CustomerFilters(company_name="재근")) == []


@sqlite_only
async def test_the_reception_index_follows_saves_and_edits(db):
    kim = await make_staff(name="김데모")
    saved = await receptions.save_reception(
        ReceptionInput(
            received_at=T0, receiver_id=kim.id, contact_name="이재근", inquiry="키락 인식 안됨 E4821"
        ),
        by=kim,
    )
    search = LogFilters(search_field=SearchField.INQUIRY, search_text="E4821")
    assert [r["id"] for r in (await reception_log.reception_log(search)).rows] == [saved.id]
    edited = await receptions.get_reception(saved.id)
    edited.data.inquiry = "세금계산서 출력 오류"
    await receptions.save_reception(edited.data, by=kim, reception_id=saved.id, version=edited.version)
    assert (await reception_log.reception_log(search)).rows == []
    found = await reception_log.reception_log(
        LogFilters(search_field=SearchField.INQUIRY, search_text="계산서")
    )
    assert [r["id"] for r in found.rows] == [saved.id]
    await Reception.filter(id=saved.id).delete()
    assert (
        await reception_log.reception_log(LogFilters(search_field=SearchField.CONTACT, search_text="재근"))
    ).rows == []


@sqlite_only
async def test_index_queries_cover_every_fragment_length(db):
    clerk = await make_staff()
    await add(clerk, "미래테크")
    reader = sqlite_reader()
    assert isinstance(reader, SqliteReader)
    three = await search_index.index_query(reader, "customer", "company_name", "래테크")
    assert three is not None and three.exact
    two = await search_index.index_query(reader, "customer", "company_name", "테크")
    assert two is not None and two.estimate == 1
    assert await search_index.count_matches(reader, "customer", two) == 1
    nothing = await search_index.index_query(reader, "customer", "company_name", "없음")
    assert nothing is not None and nothing.matches_nothing
    assert await search_index.index_query(reader, "customer", "company_name", "미") is None
    assert search_index.like_pattern("100%_a\\") == "%100\\%\\_a\\\\%"


# ---------------------------------------------------------------------------------------------
# the same answers as the ORM


async def _office():
    clerk = await make_staff(name="김데모")
    other = await make_staff(name="이주연")
    service = (await CodeEntry.filter(kind=CodeKind.SERVICE_CLASS).first()).id
    rows = [
        ("재근상사", "2014-02-13", "1111111119", "02-808-8016", "010-1234-5678", {}),
        ("재근종합상사", "2015-03-01", "2208139938", "031-555-7230", "", {"service_class_id": service}),
        (
            "(주)하이디자인",
            "2016-09-21",
            "1248100998",
            "02-555-7230",
            "010-9999-0000",
            {"staff_id": other.id},
        ),
        (
            "KT정보통신",
            "2017-01-05",
            "1018126016",
            "070-1234-8016",
            "",
            {"management_stop_date": "2020-01-01"},
        ),
        ("미래상사 부산지사", "2018-07-07", "", "051-123-4567", "010-3064-1234", {}),
        ("미래상사", "2018-07-07", "", "1544-7230", "", {}),
    ]
    made = []
    for name, day, number, phone, mobile, extra in rows:
        made.append(
            await add(clerk, name, on=day, business_number=number, phone=phone, mobile=mobile, **extra)
        )
    return clerk, other, service, made


async def _both(filters: CustomerFilters, request: PageRequest) -> tuple:
    size = request.rows_per_page
    reader = sqlite_reader()
    assert reader is not None
    fast = await customer_list._sqlite_search(reader, filters, request, size)
    orm = await customer_list._orm_search(filters, request, size)
    return fast, orm


@pytest.mark.parametrize(
    "filters",
    [
        CustomerFilters(),
        CustomerFilters(company_name="상사"),
        CustomerFilters(company_name="재근종합"),
        CustomerFilters(company_name="kt"),
        CustomerFilters(company_name="미"),
        CustomerFilters(company_name="ㅁㄹ"),
        CustomerFilters(company_name="없는"),
        CustomerFilters(business_number="111"),
        CustomerFilters(business_number="220-81-39938"),
        CustomerFilters(business_number="9938"),
        CustomerFilters(phone="7230"),
        CustomerFilters(phone="02-555"),
        CustomerFilters(phone="8016"),
        CustomerFilters(stopped_only=True),
        CustomerFilters(
            use_dates=True, registered_from=dt.date(2015, 1, 1), registered_to=dt.date(2017, 12, 31)
        ),
    ],
)
@sqlite_only
async def test_customer_search_in_sql_answers_like_the_orm(db, filters):
    await _office()
    for sort_by, descending in (("code", True), ("company_name", False), ("management_stop_date", True)):
        for page in (1, 2):
            request = PageRequest(page=page, rows_per_page=3, sort_by=sort_by, descending=descending)
            fast, orm = await _both(filters, request)
            assert fast == orm, (sort_by, descending, page)


@sqlite_only
async def test_customer_search_by_staff_and_service_class_in_sql_answers_like_the_orm(db):
    _, other, service, _ = await _office()
    for filters in (CustomerFilters(staff_id=other.id), CustomerFilters(service_class_id=service)):
        fast, orm = await _both(filters, PageRequest(rows_per_page=10))
        assert fast == orm and fast[0] == 1


@sqlite_only
async def test_the_export_continues_after_the_last_row_even_when_sort_values_repeat(db, monkeypatch):
    clerk = await make_staff()
    for i in range(7):
        await add(clerk, "같은이름상사", on=f"2020-01-0{i + 1}")
    await add(clerk, "가나다", on="2020-02-01")
    monkeypatch.setattr(customer_list, "EXPORT_CHUNK", 3)
    path = await customer_list.export_customers(CustomerFilters(), sort_by="company_name", descending=True)
    try:
        sheet = openpyxl.load_workbook(path, read_only=True).active
        rows = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    finally:
        path.unlink()
    codes = [row[0] for row in rows]
    assert len(codes) == len(set(codes)) == 8
    assert [row[3] for row in rows] == ["같은이름상사"] * 7 + ["가나다"]
    assert codes[:7] == sorted(codes[:7], reverse=True)
    assert rows[0][1] == dt.datetime(2020, 1, 7)  # a real date cell


async def _log_office():
    kim = await make_staff(name="김데모")
    jaegeun = await customers.save_customer(
        CustomerInput(company_name="재근상사", registered_on="2014-02-13", phone="02-808-8016"),
        by=kim,
        confirm_duplicates=True,
    )
    hidesign = await customers.save_customer(
        CustomerInput(company_name="하이디자인", registered_on="2016-09-21", phone="031-555-5555"),
        by=kim,
        confirm_duplicates=True,
    )
    types = [t.id for t in await CodeEntry.filter(kind=CodeKind.RECEPTION_TYPE).order_by("code")]
    texts = ["키락 인식 안됨", "세금계산서 출력 오류 E4821", "교육방문 가능시간 문의", "세금계산서 발행 문의"]
    for minute in range(24):
        who = [jaegeun, hidesign, None][minute % 3]
        await receptions.save_reception(
            ReceptionInput(
                received_at=T0 + dt.timedelta(minutes=minute // 2),  # two in the same minute
                receiver_id=kim.id,
                customer_id=who.id if who else None,
                phone=who.phone if who else "010-3064-1234",
                contact_name=["이재근", "최담당", "모르는분"][minute % 3],
                reception_type_id=types[minute % len(types)],
                state=[ReceptionState.PENDING, ReceptionState.DONE, ReceptionState.ON_HOLD][minute % 3],
                inquiry=texts[minute % len(texts)],
            ),
            by=kim,
        )
    return jaegeun, types


async def _log_both(filters: LogFilters, **paging) -> tuple:
    fast = await reception_log.reception_log(filters, **paging)
    reader = sqlite_reader()
    try:
        reception_log.sqlite_reader = lambda: None  # the ORM path, as on PostgreSQL
        orm = await reception_log.reception_log(filters, **paging)
    finally:
        reception_log.sqlite_reader = sqlite_reader
    del reader
    return fast, orm


def _same(fast, orm) -> None:
    assert [r["id"] for r in fast.rows] == [r["id"] for r in orm.rows]
    assert fast.rows == orm.rows
    assert (fast.total, fast.total_is_estimate, fast.next_cursor) == (
        orm.total,
        orm.total_is_estimate,
        orm.next_cursor,
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda c, t: LogFilters(),
        lambda c, t: LogFilters(reception_type_id=t[0]),
        lambda c, t: LogFilters(state=ReceptionState.ON_HOLD),
        lambda c, t: LogFilters(reception_type_id=t[1], state=ReceptionState.DONE),
        lambda c, t: LogFilters(customer_id=c.id),
        lambda c, t: LogFilters(search_field=SearchField.CUSTOMER, search_text="재근"),
        lambda c, t: LogFilters(
            search_field=SearchField.CUSTOMER, search_text="ㅎㅇㄷ", state=ReceptionState.DONE
        ),
        lambda c, t: LogFilters(search_field=SearchField.PHONE, search_text="02-808"),
        lambda c, t: LogFilters(search_field=SearchField.PHONE, search_text="5555", reception_type_id=t[1]),
        lambda c, t: LogFilters(search_field=SearchField.CONTACT, search_text="최담"),
        lambda c, t: LogFilters(search_field=SearchField.INQUIRY, search_text="세금계산서"),
        lambda c, t: LogFilters(search_field=SearchField.INQUIRY, search_text="E4821", customer_id=c.id),
    ],
)
@sqlite_only
async def test_the_log_in_sql_answers_like_the_orm(db, make):
    jaegeun, types = await _log_office()
    filters = make(jaegeun, types)
    first, orm_first = await _log_both(filters, limit=5)
    _same(first, orm_first)
    if first.next_cursor:
        second, orm_second = await _log_both(filters, limit=5, offset=5, after=first.next_cursor)
        _same(second, orm_second)
    by_offset, orm_offset = await _log_both(filters, limit=5, offset=5)
    assert [r["id"] for r in by_offset.rows] == [r["id"] for r in orm_offset.rows]


@sqlite_only
async def test_one_character_is_looked_for_newest_first(db):
    await _log_office()
    filters = LogFilters(search_field=SearchField.INQUIRY, search_text="키")
    fast, orm = await _log_both(filters, limit=5)
    assert fast.rows == orm.rows and fast.total == orm.total == 6
    assert fast.total_is_estimate  # no index narrows one character down: the log does not count it all


@sqlite_only
async def test_common_text_is_walked_newest_first_and_rare_text_collected_and_counted(db, monkeypatch):
    await _log_office()
    # 세금계산서: 12 receptions, E4821: 6, 재근상사: 8
    monkeypatch.setattr(reception_log, "TEXT_MATCH_CAP", 7)
    common = await reception_log.reception_log(
        LogFilters(search_field=SearchField.INQUIRY, search_text="세금계산서"), limit=3
    )
    assert common.total_is_estimate and common.total == 4 and len(common.rows) == 3
    rare = await reception_log.reception_log(
        LogFilters(search_field=SearchField.INQUIRY, search_text="E4821"), limit=3
    )
    assert not rare.total_is_estimate and rare.total == 6
    customer = await reception_log.reception_log(
        LogFilters(search_field=SearchField.CUSTOMER, search_text="재근"), limit=3
    )
    assert customer.total_is_estimate and [r["customer_name"] for r in customer.rows] == ["재근상사"] * 3


@sqlite_only
async def test_a_short_query_inside_a_transaction_sees_what_the_transaction_wrote(db):
    from tortoise.transactions import in_transaction

    clerk = await make_staff()
    async with in_transaction():
        made = await Customer.create(
            code="990101-001",
            registered_on=dt.date(1999, 1, 1),
            company_name="거래중상사",
            business_number="1111111119",
        )
        reader = sqlite_reader()
        assert reader is not None and reader.read is None  # everything on the transaction's connection
        assert (
            await reader.value("SELECT company_name FROM customer WHERE id = ?", [made.id], quick=True)
            == "거래중상사"
        )
    assert await names(CustomerFilters(business_number="1111111119")) == ["거래중상사"]
    del clerk


@sqlite_only
async def test_a_query_that_outlasts_its_moment_finishes_on_the_orm_connection(db, monkeypatch):
    from core import db as core_db

    clerk = await make_staff()
    await add(clerk, "재근상사")
    monkeypatch.setattr(core_db, "QUICK_BUDGET_SECONDS", 0.0)
    reader = sqlite_reader()
    assert reader is not None and reader.read is not None
    sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT COUNT(*) FROM n"
    assert await reader.value(sql, quick="try") == 200000
    assert await names(CustomerFilters(company_name="재근")) == ["재근상사"]


async def test_the_customer_window_counts_every_tab(db):
    from models.card import BusinessCard
    from models.quote import Quote

    clerk = await make_staff()
    jaegeun = await add(clerk, "재근상사")
    await add(clerk, "하이디자인")
    for name in ("이재근", "김대리"):
        await BusinessCard.create(customer_id=jaegeun.id, name=name, registered_on=dt.date(2020, 1, 1))
    await Quote.create(number="200101-001", quote_date=dt.date(2020, 1, 1), customer_id=jaegeun.id)
    await customers.add_history_note(jaegeun.id, "첫 통화", by=clerk)
    window = await customers.customer_window(jaegeun.id)
    assert window.customer.company_name == "재근상사"
    assert window.tab_counts == {
        "info": 1,
        "cards": 2,
        "products": 0,
        "maintenance": 0,
        "visits": 0,
        "quotes": 1,
    }


@sqlite_only
def test_migrating_a_database_with_data_fills_the_search_indexes(isolated_data):
    import asyncio

    from core.db import migrate

    path = isolated_data / "older.sqlite3"
    url = f"sqlite://{path}"

    async def older() -> None:
        from tortoise import Tortoise
        from tortoise.migrations.api import migrate as run_migrations

        from core.db import tortoise_config

        try:
            await run_migrations(
                config=tortoise_config(url),
                app_labels=["models"],
                target="models.0003_reception_stats_and_contact_indexes",
            )
        finally:
            await Tortoise.close_connections()

    asyncio.run(older())
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO customer (version, created_at, updated_at, code, registered_on, company_name, "
            "company_name_chosung, representative, business_number, business_type, business_item, phone, fax, "
            "mobile, email, homepage, postal_code, address, address_detail, contact_name, map_image, memo) "
            "VALUES (1, '2020-01-01', '2020-01-01', '140213-001', '2014-02-13', '재근상사', ?, '', '', '', '', "
            "'', '', '', '', '', '', '', '', '', '', '')",
            (chosung("재근상사"),),
        )
        assert "customer_search" not in {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    asyncio.run(migrate(url))
    with sqlite3.connect(path) as connection:
        found = connection.execute(
            "SELECT rowid FROM customer_search WHERE customer_search MATCH ?", ['{company_name} : "근상사"']
        ).fetchall()
        stats = connection.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'customer'").fetchone()[0]
    assert found == [(1,)]
    assert stats > 0  # the planner's statistics were refreshed


@sqlite_only
async def test_quote_status_in_sql_answers_like_the_orm(db, monkeypatch):
    from models.quote import QuoteState
    from services import sales
    from services.quote_list import QuoteFilters, QuoteTab
    from tests.factories.customers import make_customer
    from tests.factories.sales import line, make_quote, make_trading_customer

    today = dt.date(2026, 11, 27)
    hong = await make_staff(name="홍길동")
    kim = await make_staff(name="김모두")
    jaegeun = await make_trading_customer("재근상사")
    a_sangho = await make_trading_customer("(주)A상호")
    nobody = await make_customer("파트너없음")
    made = [
        await make_quote(hong, jaegeun, [line("A", 1, 1_000_000)], quote_date=today, staff_id=hong.id),
        await make_quote(hong, a_sangho, [line("B", 2, 500_000)], quote_date=today - dt.timedelta(days=1)),
        await make_quote(kim, a_sangho, [line("C", 1, 300_000)], quote_date=today - dt.timedelta(days=40)),
        await make_quote(
            kim, nobody, [line("D", 3, 10_000)], quote_date=today - dt.timedelta(days=60), title="키락 교체"
        ),
        await make_quote(kim, jaegeun, [line("E", 1, 70_000)], quote_date=today, state=QuoteState.CANCELLED),
    ]
    await sales.process_to_order(made[0].id, by=hong)
    filters_list = [
        QuoteFilters(),
        QuoteFilters(date_from=today - dt.timedelta(days=7), date_to=today),
        QuoteFilters(text="A상호"),
        QuoteFilters(text="키락"),
        QuoteFilters(text=made[2].number[:4]),
        QuoteFilters(staff_id=kim.id),
        QuoteFilters(customer_id=jaegeun.id),
    ]
    fast_reader = quote_list.sqlite_reader
    for filters in filters_list:
        for tab in QuoteTab:
            for sort_by, descending in (("quote_date", True), ("recipient", False), ("staff", True)):
                fast = await quote_list.quote_status(
                    filters, tab=tab, sort_by=sort_by, descending=descending, limit=3, today=today
                )
                monkeypatch.setattr(quote_list, "sqlite_reader", lambda: None)
                orm = await quote_list.quote_status(
                    filters, tab=tab, sort_by=sort_by, descending=descending, limit=3, today=today
                )
                monkeypatch.setattr(quote_list, "sqlite_reader", fast_reader)
                assert fast == orm, (filters, tab, sort_by)
    listed = await quote_list.quote_status(QuoteFilters(), today=today)
    assert {r.order_number for r in listed.rows if r.id == made[0].id} != {""}


@pytest.mark.parametrize(
    "filters",
    [
        LogFilters(search_field=SearchField.CUSTOMER, search_text="재근"),
        LogFilters(search_field=SearchField.CUSTOMER, search_text="ㅈㄱㅅㅅ"),
        LogFilters(search_field=SearchField.CUSTOMER, search_text="없는이름상사"),
    ],
    ids=["name", "chosung", "nobody"],
)
@sqlite_only
async def test_a_rare_name_is_found_through_its_customers_whatever_the_statistics_say(db, filters):
    """The plan that flipped at 100 000 receptions: with statistics saying the received_at index
    is the cheap way to the newest rows, SQLite walked it newest first and checked every reception
    against the name (190 ms for a name nobody has). The page reads the name's customers'
    receptions on the (customer_id, received_at) index instead, whatever ANALYZE found."""
    await _log_office()
    # what ANALYZE finds in the benchmark office (`python -m bench generate --scale 0.1`)
    stats = json.loads((Path(__file__).parent / "benchmark_office_stats.json").read_text())
    connection = sqlite_reader().client
    await connection.execute_script(
        "ANALYZE; DELETE FROM sqlite_stat1 WHERE tbl IN ('reception', 'customer');"
    )
    await connection.execute_many("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", stats)
    await connection.execute_script("ANALYZE sqlite_schema;")  # the planner reads them again
    plan = await reception_log.log_page_plan(filters)
    assert not [line for line in plan if line.startswith("SCAN r ")], plan  # no walk over every reception
    assert any(line.startswith("SEARCH r ") and "(customer_id=?)" in line for line in plan), plan
