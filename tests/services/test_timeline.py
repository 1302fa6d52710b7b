"""고객 타임라인: every kind of event of one customer, newest first, filtered and paged on the server."""

from __future__ import annotations

import datetime as dt

from tortoise.connection import get_connection

from core.audit import acting_as
from models.audit import AuditEntry
from models.customer import CustomerHistory
from models.mail import MailMessage
from models.maintenance import MaintenanceContract
from models.quote import Quote
from models.reception import Reception
from models.sales import Receipt, SalesOrder, Shipment
from models.telephony import CallEvent, CallEventSource, CallOutcome, SmsMessage, SmsStatus
from models.visit import VisitReport
from services import timeline
from services.timeline import Kind
from tests.factories.customers import make_customer
from tests.factories.maintenance import make_product
from tests.factories.sales import make_trading_customer
from tests.factories.staff import make_staff


def at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2019, 3, day, hour, minute)


async def _history(customer, staff, *, prefix: str = "A") -> None:
    """One row of every kind, each on its own day of March 2019 (day = position from the oldest)."""
    partner_id = customer.partner_id
    with acting_as(staff):
        await Reception.create(
            received_at=at(1),
            customer_id=customer.id,
            receiver_id=staff.id,
            inquiry=f"{prefix} 프린터 고장\n둘째 줄",
        )
        await VisitReport.create(
            customer_id=customer.id,
            written_on=dt.date(2019, 3, 2),
            visit_date=dt.date(2019, 3, 3),
            document_number=f"{prefix}V-1",
            purpose="정기점검",
            visitor_id=staff.id,
        )
        await Quote.create(
            number=f"{prefix}Q-1",
            quote_date=dt.date(2019, 3, 3),
            customer_id=customer.id,
            staff_id=staff.id,
            title="복합기 교체",
            total_amount=1_650_000,
        )
        await SalesOrder.create(
            number=f"{prefix}O-1",
            order_date=dt.date(2019, 3, 4),
            partner_id=partner_id,
            total_amount=1_650_000,
        )
        await Shipment.create(
            number=f"{prefix}S-1",
            shipped_on=dt.date(2019, 3, 5),
            partner_id=partner_id,
            total_amount=1_650_000,
        )
        await Receipt.create(
            number=f"{prefix}R-1", received_on=dt.date(2019, 3, 6), partner_id=partner_id, amount=500_000
        )
        await SmsMessage.create(
            destination="01012345678",
            text="방문 예정입니다",
            status=SmsStatus.SENT,
            staff_id=staff.id,
            customer_id=customer.id,
            created_at=at(7),
        )
        await CallEvent.create(
            source=CallEventSource.CENTREX,
            number="02-808-8016",
            digits="028088016",
            occurred_at=at(7, 15),
            customer_id=customer.id,
            outcome=CallOutcome.ANSWERED,
            duration_seconds=125,
            staff_id=staff.id,
        )
        await MailMessage.create(
            recipient="a@example.com",
            subject="견적서 보내드립니다",
            staff_id=staff.id,
            customer_id=customer.id,
            created_at=at(8),
        )
        await CustomerHistory.create(customer_id=customer.id, note="담당자 바뀜", created_at=at(9))
        product = await make_product(staff, customer)
        contract = await MaintenanceContract.create(customer_id=customer.id, product_id=product.id)
    await (
        AuditEntry.filter(table_name__in=("customer", "maintenance_contract"))
        .filter(record_id__in=(customer.id, contract.id))
        .delete()
    )
    await AuditEntry.create(
        table_name="maintenance_contract",
        record_id=contract.id,
        action="update",
        changes={"note": ["", "x"]},
        actor_id=staff.id,
        actor_name=staff.name,
        at=at(10),
    )
    await AuditEntry.create(
        table_name="customer",
        record_id=customer.id,
        action="update",
        changes={"phone": ["1", "2"], "fax": ["1", "2"]},
        actor_id=staff.id,
        actor_name=staff.name,
        at=at(11),
    )


NEWEST_FIRST = [
    Kind.RECORD,
    Kind.CONTRACT,
    Kind.MEMO,
    Kind.MAIL,
    Kind.CALL,
    Kind.SMS,
    Kind.RECEIPT,
    Kind.SHIPMENT,
    Kind.ORDER,
    Kind.QUOTE,
    Kind.VISIT,
    Kind.RECEPTION,
]


async def test_every_kind_newest_first_with_staff_text_and_target(db):
    staff = await make_staff(name="김영업")
    customer = await make_trading_customer("재근상사")
    other = await make_trading_customer("다른상사")
    await _history(customer, staff)
    await _history(other, staff, prefix="B")

    page = await timeline.customer_timeline(customer.id, limit=50)

    assert [row["kind"] for row in page.rows] == [k.value for k in NEWEST_FIRST]
    assert page.total == len(NEWEST_FIRST)
    assert {row["staff"] for row in page.rows} == {"김영업"}
    texts = {row["kind"]: row["text"] for row in page.rows}
    assert texts["접수"] == "A 프린터 고장 둘째 줄"
    assert texts["견적"] == "AQ-1 복합기 교체 1,650,000원"
    assert texts["방문"] == "정기점검 · 방문일 2019-03-03"
    assert texts["수금"] == "AR-1 500,000원"
    assert texts["통화"] == "수신 응답 · 02-808-8016 · 2:05"
    assert texts["정보 변경"] == "고객정보 수정 (항목 2개)"
    assert all("B" not in row["text"][:2] for row in page.rows)  # the other customer's rows never
    whens = {row["kind"]: row["when"] for row in page.rows}
    assert whens["접수"] == "2019-03-01 10:00" and whens["견적"] == "2019-03-03"
    targets = {row["kind"]: (row["target"], row["target_id"]) for row in page.rows}
    reception = await Reception.get(customer_id=customer.id)
    assert targets["접수"] == ("reception", reception.id)
    assert targets["수주"] == ("ledger", customer.partner_id)
    assert targets["계약 변경"] == ("maintenance", customer.id)


async def test_kinds_and_period_filter(db):
    staff = await make_staff()
    customer = await make_trading_customer()
    await _history(customer, staff)

    page = await timeline.customer_timeline(customer.id, kinds={Kind.RECEPTION, Kind.QUOTE, Kind.RECEIPT})
    assert [row["kind"] for row in page.rows] == ["수금", "견적", "접수"]
    assert page.total == 3

    page = await timeline.customer_timeline(
        customer.id, date_from=dt.date(2019, 3, 3), date_to=dt.date(2019, 3, 7)
    )
    assert [row["kind"] for row in page.rows] == ["통화", "문자", "수금", "출고", "수주", "견적"]
    assert page.total == 6

    page = await timeline.customer_timeline(customer.id, kinds=set())
    assert page.rows == [] and page.total == 0


async def test_pages_have_no_gaps_nor_duplicates(db):
    staff = await make_staff()
    customer = await make_trading_customer()
    other = await make_trading_customer("다른상사")
    with acting_as(staff):
        for i in range(23):  # some share their second: the id breaks the tie
            await Reception.create(
                received_at=at(1 + i % 9, 9, i // 2), customer_id=customer.id, inquiry=f"접수 {i}"
            )
            await Reception.create(
                received_at=at(1 + i % 9, 9, i // 2), customer_id=other.id, inquiry="남의 접수"
            )
        for n, day in enumerate((2, 5, 5, 8)):
            await Quote.create(number=f"Q-{n}", quote_date=dt.date(2019, 3, day), customer_id=customer.id)
    full = await timeline.customer_timeline(customer.id, kinds={Kind.RECEPTION, Kind.QUOTE}, limit=200)
    assert full.total == 27 and len(full.rows) == 27
    keys = [row["id"] for row in full.rows]
    assert len(set(keys)) == 27
    events = full.extra["events"]
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)

    walked = []
    for offset in range(0, 30, 5):
        page = await timeline.customer_timeline(
            customer.id, kinds={Kind.RECEPTION, Kind.QUOTE}, limit=5, offset=offset
        )
        assert page.total == 27
        walked += [row["id"] for row in page.rows]
    assert walked == keys


async def test_a_customer_without_trading_partner_and_an_unknown_customer(db):
    customer = await make_customer()
    page = await timeline.customer_timeline(customer.id)
    assert [row["kind"] for row in page.rows] == ["정보 변경"]  # its creation
    assert (await timeline.customer_timeline(999_999)).total == 0


async def test_a_customers_receptions_are_read_through_its_index_in_order(db):
    if get_connection("default").capabilities.dialect != "sqlite":
        return  # the plan below is SQLite's
    customer = await make_trading_customer()
    scope = timeline.Scope(customer.id, customer.partner_id, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    connection = get_connection("default")
    page_sql = timeline.newest(timeline.reception_query(scope), "received_at", 50, *timeline.RECEPTION_FIELDS)
    count_sql = timeline.reception_query(scope).count()
    for query in (page_sql, count_sql):
        _, plan = await connection.execute_query("EXPLAIN QUERY PLAN " + query.sql(params_inline=True))
        details = " | ".join(row["detail"] for row in plan)
        assert (
            "SEARCH reception USING" in details
            and "(customer_id=? AND received_at>? AND received_at<?)" in details
        )
        assert "TEMP B-TREE" not in details and "SCAN reception" not in details, details
