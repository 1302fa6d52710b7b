"""전화걸기 and 문자보내기 wherever the customer, card and reception screens show a number
(pages.components.phone_actions), against a local server speaking the Centrex protocol."""

import datetime as dt

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from core.audit import Actor
from models.telephony import SmsMessage, SmsStatus
from pages.customers.links import customer_url
from services import cards, centrex_users
from services.cards import CardInput
from services.receptions import ReceptionInput, save_reception
from tests.factories.customers import make_customer
from tests.factories.staff import make_admin
from tests.factories.telephony import use_centrex_at
from tests.telephony.centrex_server import CentrexServer
from tests.utils import eventually, sign_in

LINE = "07012345678"


@pytest.fixture
def centrex():
    server = CentrexServer().start()
    server.add_line(LINE, "centrex-pw")
    yield server
    server.stop()


async def office_with_a_line(server: CentrexServer) -> Actor:
    """An admin whose own 070 line is registered, the Centrex address pointing at `server`."""
    boss = await make_admin(login="boss")
    await use_centrex_at(server.base_url, by=boss)
    await centrex_users.save_centrex_user(by=boss, number070=LINE, password="centrex-pw", staff_id=boss.id)
    return boss


def inside(user: User, marker: str, container: str) -> list[ui.element]:
    with user:
        return list(ElementFilter(marker=marker, local_scope=False).within(marker=container))


def click(user: User, marker: str, container: str) -> None:
    [element] = inside(user, marker, container)
    UserInteraction(user, {element}, None).click()


async def rows_of(user: User, marker: str, count: int) -> list[dict]:
    await user.should_see(marker=marker, retries=50)
    table = user.find(marker).elements.pop()
    await eventually(lambda: len(table.rows) == count)
    return table.rows


async def test_right_click_on_a_card_in_the_customer_window_sends_it_an_sms(user: User, centrex):
    boss = await office_with_a_line(centrex)
    jaegeun = await make_customer("재근상사", "02-999-8888")
    card = await cards.save_card(
        CardInput(name="이재근", customer_id=jaegeun.id, company_name="재근상사", mobile="010-222-5555"),
        by=boss,
    )
    await sign_in(user, "boss")
    await user.open(f"{customer_url(jaegeun.id)}?tab=cards")
    [row] = await rows_of(user, "customer-cards-table", 1)

    user.find("customer-cards-table").trigger("rowContextmenu", [{}, row, 0])
    user.find("menu-sms").click()
    await user.should_see("문자보내기 — 이재근", retries=50)
    assert user.find("sms-destination").elements.pop().value == "010-222-5555"
    user.find("sms-text").type("내일 10시 방문 예정입니다.")
    user.find("sms-send").click()
    await user.should_see("010-222-5555로 SMS를 보냈습니다 (남은 건수 99).", retries=50)
    message = await SmsMessage.get(destination="0102225555")
    assert (message.status, message.card_id, message.customer_id) == (SmsStatus.SENT, card.id, jaegeun.id)
    assert centrex.sent_sms[0]["text"] == "내일 10시 방문 예정입니다."

    user.find("customer-cards-table").trigger("rowContextmenu", [{}, row, 0])
    user.find("menu-dial").click()
    await user.should_see("내 전화기가 울리면 받으세요. 010-222-5555로 연결합니다.", retries=50)
    assert centrex.dialled == [{"line": LINE, "destination": "0102225555"}]


async def test_the_buttons_next_to_a_customers_numbers_dial_and_text_it(user: User, centrex):
    await office_with_a_line(centrex)
    jaegeun = await make_customer("재근상사", "02-999-8888", mobile="010-222-5555")
    await sign_in(user, "boss")
    await user.open(customer_url(jaegeun.id))
    await user.should_see(marker="customer-phone", retries=50)

    assert inside(user, "sms", "customer-phone") == []  # a landline gets no SMS button
    assert inside(user, "dial", "customer-fax") == []
    click(user, "dial", "customer-phone")
    await user.should_see("02-999-8888로 연결합니다", retries=50)
    assert centrex.dialled == [{"line": LINE, "destination": "029998888"}]

    click(user, "sms", "customer-mobile")
    await user.should_see("문자보내기 — 재근상사", retries=50)
    assert user.find("sms-destination").elements.pop().value == "010-222-5555"


async def test_a_customer_row_can_be_called_from_the_search_list(user: User, centrex):
    await office_with_a_line(centrex)
    await make_customer("재근상사", "02-999-8888")
    await sign_in(user, "boss")
    [row] = await rows_of(user, "customers-table", 1)
    user.find("customers-table").trigger("rowContextmenu", [{}, row, 0])
    click(user, "menu-dial", "customers-menu")
    await user.should_see("02-999-8888로 연결합니다", retries=50)
    click(user, "menu-sms", "customers-menu")
    await user.should_see("문자보내기: 문자는 휴대폰 번호(010 등)로만 보낼 수 있습니다.", retries=50)


async def test_a_caller_is_called_back_from_the_reception_log_and_the_reception_form(user: User, centrex):
    boss = await office_with_a_line(centrex)
    await save_reception(
        ReceptionInput(
            received_at=dt.datetime.now().replace(microsecond=0),
            receiver_id=boss.id,
            phone="031-555-5555",
            contact_name="오담당",
            inquiry="전화요청",
        ),
        by=boss,
    )
    await sign_in(user, "boss")
    [row] = await rows_of(user, "reception-log-table", 1)

    user.find("reception-log-table").trigger("rowContextmenu", [{}, row, 0])
    click(user, "menu-dial", "reception-log-menu")
    await user.should_see("031-555-5555로 연결합니다", retries=50)
    click(user, "menu-sms", "reception-log-menu")
    await user.should_see("문자는 휴대폰 번호(010 등)로만 보낼 수 있습니다", retries=50)

    user.find("reception-log-table").trigger("rowDblclick", [{}, row, 0])
    await user.should_see(marker="reception-save", retries=50)
    phone = user.find("reception-phone").elements.pop()
    phone.set_value("010-3064-1111")  # the caller left a mobile number
    click(user, "sms", "reception-phone")
    await user.should_see("문자보내기 — 오담당", retries=50)
    assert user.find("sms-destination").elements.pop().value == "010-3064-1111"
    click(user, "dial", "reception-phone")
    await eventually(lambda: len(centrex.dialled) == 2)
    assert centrex.dialled[1] == {"line": LINE, "destination": "01030641111"}


async def test_a_double_click_on_sms_send_sends_one_message(user: User, centrex):
    await office_with_a_line(centrex)
    jaegeun = await make_customer("재근상사", "02-999-8888", mobile="010-222-5555")
    await sign_in(user, "boss")
    await user.open(customer_url(jaegeun.id))
    await user.should_see(marker="customer-mobile", retries=50)
    click(user, "sms", "customer-mobile")
    await user.should_see("문자보내기 — 재근상사", retries=50)
    user.find("sms-text").type("한 번만 가야 하는 문자")
    centrex.misbehave(delay=0.5)  # the answer takes a while: the second click comes meanwhile
    user.find("sms-send").click()
    user.find("sms-send").click()
    await user.should_see("010-222-5555로 SMS를 보냈습니다", retries=100)
    assert len(centrex.calls_to("smssend")) == 1
    assert await SmsMessage.filter(text="한 번만 가야 하는 문자").count() == 1
