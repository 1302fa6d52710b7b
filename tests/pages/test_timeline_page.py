"""Tab 전체 이력 in the customer window: the customer's history newest first, kinds filtered by
chips, and a click on a line opening the record."""

import datetime as dt

from nicegui import ui
from nicegui.testing import User

from core.audit import acting_as
from models.quote import Quote
from models.reception import Reception
from tests.factories.sales import make_trading_customer
from tests.factories.staff import make_admin, make_staff
from tests.utils import eventually, sign_in


def _table(user: User) -> ui.table:
    return next(iter(user.find("timeline-table").elements))


async def test_the_history_tab_lists_filters_and_opens_a_reception(user: User):
    await make_admin(login="admin")
    staff = await make_staff(login="kimmodu", name="김모두")
    customer = await make_trading_customer("재근상사")
    with acting_as(staff):
        reception = await Reception.create(
            received_at=dt.datetime(2019, 3, 1, 9, 30),
            customer_id=customer.id,
            receiver_id=staff.id,
            inquiry="프린터 고장",
        )
        await Quote.create(
            number="Q-1",
            quote_date=dt.date(2019, 3, 5),
            customer_id=customer.id,
            staff_id=staff.id,
            title="복합기 교체",
            total_amount=1_650_000,
        )
    await sign_in(user, "kimmodu")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-timeline")
    user.find("tab-timeline").click()
    await user.should_see(marker="timeline-table", retries=50)
    table = _table(user)
    await eventually(lambda: [r["kind"] for r in table.rows] == ["정보 변경", "견적", "접수"])
    assert table.rows[1]["text"] == "Q-1 복합기 교체 1,650,000원"
    assert table.rows[2]["when"] == "2019-03-01 09:30" and table.rows[2]["staff"] == "김모두"

    for kind in ("quote", "record"):  # only receptions left (정보 변경: the customer's creation)
        user.find(f"timeline-kind-{kind}").click()
    await eventually(lambda: [r["kind"] for r in table.rows] == ["접수"])
    user.find("timeline-all").click()
    await eventually(lambda: [r["kind"] for r in table.rows] == ["정보 변경", "견적", "접수"])

    user.find("timeline-table").trigger("rowClick", [{}, table.rows[2], 2])
    await user.should_see(marker="reception-title", retries=50)
    assert reception.id == table.rows[2]["target_id"]


async def test_the_period_narrows_the_history_and_a_wrong_date_is_said(user: User):
    await make_admin(login="admin")
    staff = await make_staff(login="kimmodu", name="김모두")
    customer = await make_trading_customer("재근상사")
    with acting_as(staff):
        for day in (1, 10, 20):
            await Reception.create(
                received_at=dt.datetime(2019, 3, day, 9), customer_id=customer.id, inquiry=f"{day}일 접수"
            )
    await sign_in(user, "kimmodu")
    await user.open(f"/customers/{customer.id}?tab=timeline")
    await user.should_see(marker="timeline-table", retries=50)
    table = _table(user)
    await eventually(lambda: len(table.rows) == 4)  # with the customer's creation

    user.find("timeline-from").type("2019-03-05")
    user.find("timeline-to").type("2019-03-20")
    user.find("timeline-search").click()
    await eventually(lambda: [r["text"] for r in table.rows] == ["20일 접수", "10일 접수"])

    user.find("timeline-to").clear().type("2019-13-01")
    user.find("timeline-search").click()
    await user.should_see("기간은 연-월-일로 입력하세요 (예: 2019-03-31).")
    assert [r["text"] for r in table.rows] == ["20일 접수", "10일 접수"]
