"""주문등록 from a reception: the order is for the reception's customer and its trading partner."""

import datetime as dt

from nicegui.testing import User

from models.reception import Reception
from models.sales import SalesOrder, SalesOrderLine
from services.receptions import ReceptionInput, save_reception
from tests.factories.customers import make_customer
from tests.factories.sales import make_trading_customer, soon
from tests.factories.staff import make_admin, make_staff
from tests.utils import sign_in


async def _reception(by, inquiry: str, customer_id: int | None = None) -> Reception:
    at = (dt.datetime.now() - dt.timedelta(minutes=1)).replace(microsecond=0)
    return await save_reception(
        ReceptionInput(received_at=at, receiver_id=by.id, inquiry=inquiry, customer_id=customer_id), by=by
    )


def _one(user: User, marker: str):
    return next(iter(user.find(marker).elements))


async def _open_reception(user: User, inquiry: str) -> None:
    """Right-click the reception in the home screen's log and choose 수정 (the reception form)."""
    await user.should_see(marker="reception-log-table", retries=50)
    table = _one(user, "reception-log-table")
    await soon(lambda: any(r["inquiry"] == inquiry for r in table.rows))
    row = next(r for r in table.rows if r["inquiry"] == inquiry)
    user.find("reception-log-table").trigger("rowContextmenu", [{}, row, 0])
    user.find("log-menu-edit").click()
    await user.should_see(marker="reception-order", retries=30)


async def test_order_entry_from_a_reception_saves_an_order_for_its_customer(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김데모")
    await make_trading_customer("(주)A상호")  # another customer with a partner: the order must not go there
    jaegeun = await make_trading_customer("재근상사")
    await _reception(clerk, "GS-5200 주문요청", customer_id=jaegeun.id)
    await sign_in(user, "clerk")
    await _open_reception(user, "GS-5200 주문요청")

    user.find("reception-order").click()
    await user.should_see("수주등록 — 재근상사", retries=30)
    user.find("lines-add-text").click()
    user.find("line-0-name").type("GS-5200")
    user.find("line-0-quantity").type("2")
    user.find("line-0-unit-price").type("150000")
    await soon(lambda: _one(user, "total-amount").text == "330,000")
    user.find("order-save").click()
    await user.should_see("을 저장했습니다.", retries=50)

    order = await SalesOrder.get(partner_id=jaegeun.partner_id)
    assert order.customer_id == jaegeun.id and order.order_date == dt.date.today()
    assert (order.supply_total, order.vat_total, order.total_amount) == (300_000, 30_000, 330_000)
    lines = await SalesOrderLine.filter(order_id=order.id).values_list("name", "quantity", "unit_price")
    assert lines == [("GS-5200", 2, 150_000)]
    assert await SalesOrder.all().count() == 1
    # the reception form stays open behind the closed order dialog
    await user.should_see(marker="reception-save")


async def test_order_entry_needs_a_customer_with_a_trading_partner(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    no_partner = await make_customer("뉴시스비즈")
    await _reception(clerk, "누구인지 모르는 전화")
    await _reception(clerk, "뉴시스 주문요청", customer_id=no_partner.id)
    await sign_in(user, "clerk")

    await _open_reception(user, "누구인지 모르는 전화")
    user.find("reception-order").click()
    await user.should_see("주문을 등록할 고객을 먼저 선택하세요.", retries=30)
    await user.should_not_see("수주등록")
    user.find("reception-close").click()
    await user.should_not_see(marker="reception-order", retries=30)

    await _open_reception(user, "뉴시스 주문요청")
    user.find("reception-order").click()
    await user.should_see(marker="partner-required", retries=30)
    assert "거래처가 없어 수주를 등록할 수 없습니다" in _one(user, "partner-required").text
    await user.should_see(marker="open-partner-tab")
    assert await SalesOrder.all().count() == 0
