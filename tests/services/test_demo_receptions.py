import datetime as dt

from models.reception import Reception, ReceptionState
from models.staff import Staff
from services import reception_stats as stats
from services.demo import receptions as demo_receptions
from services.demo import staff as demo_staff
from services.reception_stats import StatsFilters
from tests.factories.customers import make_customer

SEPTEMBER_21 = StatsFilters(date_from=dt.date(2016, 9, 21), date_to=dt.date(2016, 9, 21))
WHOLE_2016 = StatsFilters(date_from=dt.date(2016, 1, 1), date_to=dt.date(2016, 12, 31))


async def test_the_manuals_receptions_are_seeded_once_and_linked_later(db):
    await demo_staff.seed()
    await make_customer("재근상사", code="140213-001")
    await make_customer("하이디자인", code="160921-003")
    await make_customer("(주)해동통신", code="140123-001")

    report = await demo_receptions.seed()
    assert report.startswith("접수 13건 추가")
    assert await Reception.all().count() == 13
    first = await Reception.get(received_at=dt.datetime(2016, 9, 21, 14, 59, 31)).select_related(
        "customer", "receiver", "processor", "reception_type"
    )
    assert first.customer.company_name == "(주)해동통신"
    assert (first.receiver.name, first.processor.name, first.state) == (
        "김데모",
        "한희윤",
        ReceptionState.DONE,
    )
    assert first.reception_type.name == "고객AS" and first.phone_digits == "028088016"
    unknown = await Reception.get(received_at=dt.datetime(2016, 9, 21, 14, 59, 53))
    assert unknown.customer_id is None and unknown.phone == "02-808-8016" and unknown.contact_name == "오담당"

    assert (await demo_receptions.seed()).startswith("접수 0건 추가")
    assert await Reception.all().count() == 13

    await make_customer("에스바디케어", code="160921-001")
    assert "3건을 고객에 연결" in await demo_receptions.seed()

    per_customer = await stats.customer_summary(WHOLE_2016)
    counts = {row["company_name"]: row["count"] for row in per_customer.rows}
    assert counts == {"에스바디케어": 3, "하이디자인": 2, "재근상사": 2, "(주)해동통신": 1}
    per_staff = await stats.staff_summary(WHOLE_2016)
    assert [(row["name"], row["received"]) for row in per_staff.rows] == [("김데모", 12), ("홍길동", 1)]
    hong = await Staff.get(login="hong")
    last = await Reception.get(receiver_id=hong.id)
    assert last.received_at == dt.datetime(2016, 12, 6, 15, 58, 25) and last.processor_id == hong.id
    assert (await stats.reception_list(SEPTEMBER_21)).total == 12
