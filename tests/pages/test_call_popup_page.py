"""The incoming-call popup on signed-in screens (User fixture: no browser, the real app)."""

import asyncio
import datetime as dt

import httpx
import pytest
from nicegui import ElementFilter, core
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from core.audit import SYSTEM, acting_as
from core.korean import format_datetime
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.product import CustomerProduct
from models.reception import CallSource, Reception
from models.staff import Staff
from models.telephony import CallEvent, CallEventSource
from pages.calls import popup as call_popup_component
from pages.calls.popup import CallCard
from services import call_popup, receptions
from services import telephony_settings as ts
from services.telephony_settings import Part
from telephony import runtime
from telephony.bus import CallReport
from tests.factories.customers import make_customer
from tests.factories.staff import make_admin, make_staff
from tests.factories.telephony import use_centrex_at
from tests.telephony.clock import Clock
from tests.utils import eventually, sign_in


def second_user() -> User:
    return User(httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test"))


def field(user: User, marker: str):
    return user.find(marker=marker).elements.pop().value


def cards(user: User) -> list[CallCard]:
    """The popups on this user's screen, top (newest) first."""
    with user:
        stacks = [e for e in user.find(marker="call-popup-stack").elements]
    return [c for stack in stacks for c in stack.default_slot.children if isinstance(c, CallCard)]


async def ring(number: str, **kwargs) -> int:
    call = await runtime.call_bus.publish(CallReport(source=CallEventSource.CTI, number=number, **kwargs))
    assert call is not None
    return call.event_id


async def test_two_signed_in_users_both_get_the_popup_on_any_screen(user: User):
    await make_customer("재근상사", "02-999-8888", code="140213-001")
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "boss")
    other = second_user()
    await sign_in(other, "clerk")
    await other.open("/settings/password")

    await ring("029998888")

    for screen in (user, other):
        await screen.should_see(marker="call-popup-customer", retries=50)
        [card] = cards(screen)
        assert card.popup.customer.name == "재근상사" and card.popup.display_number == "02-999-8888"
    await other.should_see("140213-001")
    await other.should_see("02-999-8888")

    await ring("0212345678")  # a second call stacks on top of the first
    await eventually(lambda: len(cards(user)) == 2 and len(cards(other)) == 2)
    await other.should_see("미등록 번호")
    assert [c.popup.digits for c in cards(other)] == ["0212345678", "029998888"]

    repeat = CallReport(source=CallEventSource.RING, number="029998888")  # Centrex reporting it too
    assert await runtime.call_bus.publish(repeat) is None
    await runtime.call_bus.drain()  # (a popup for it would have been delivered by now)
    assert len(cards(other)) == 2

    newest = cards(other)[0]
    with other:
        close = next(
            iter(ElementFilter(marker="call-popup-close", local_scope=False).within(instance=newest))
        )
    UserInteraction(other, {close}, None).click()
    await eventually(lambda: len(cards(other)) == 1)
    assert cards(other)[0].popup.digits == "029998888"
    assert len(cards(user)) == 2


async def test_popups_go_to_the_staff_with_the_extension_when_configured(user: User):
    admin = await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    await Staff.filter(id=clerk.id).update(extension="102")
    await ts.save_call_settings(
        by=admin, version=None, dedup_seconds=30, popup_target="extension_only", others_delay_seconds=0
    )
    await runtime.apply_settings(Part.CALLS)
    await sign_in(user, "boss")
    other = second_user()
    await sign_in(other, "clerk")

    await ring("0212345678", extension="102")
    await eventually(lambda: len(cards(other)) == 1)
    await ring("0311112222", extension="999")  # nobody has 999: everyone sees it
    await eventually(lambda: len(cards(user)) == 1 and len(cards(other)) == 2)
    assert cards(user)[0].popup.digits == "0311112222"


async def popups_first_to_the_extension(*, delay: int) -> tuple[User, User]:
    """Mode 'extension first': boss (no extension) and clerk (extension 102) signed in."""
    admin = await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김데모")
    await Staff.filter(id=clerk.id).update(extension="102")
    await ts.save_call_settings(
        by=admin, version=None, dedup_seconds=30, popup_target="extension_first", others_delay_seconds=delay
    )
    await runtime.apply_settings(Part.CALLS)
    boss = second_user()
    await sign_in(boss, "boss")
    clerk_screen = second_user()
    await sign_in(clerk_screen, "clerk")
    return boss, clerk_screen


class HeldDelay:
    """Stands in for the wait before the others' popups: records the seconds asked for and ends
    only when the test says the time has passed, so no test depends on how fast the machine is."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self.over = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await self.over.wait()


@pytest.fixture
def held_delay(monkeypatch: pytest.MonkeyPatch) -> HeldDelay:
    delay = HeldDelay()
    monkeypatch.setattr(call_popup_component, "sleep", delay)
    return delay


async def test_extension_first_pops_up_at_the_extension_at_once_and_elsewhere_after_the_delay(
    user: User, held_delay: HeldDelay
):
    boss, clerk = await popups_first_to_the_extension(delay=3)
    await ring("0212345678", extension="102")

    await eventually(lambda: len(cards(clerk)) == 1 and held_delay.asked)
    assert held_delay.asked == [3]  # the configured delay is being waited out…
    assert cards(boss) == []  # …and until it is over, nobody else has the popup

    held_delay.over.set()
    await eventually(lambda: len(cards(boss)) == 1)  # everyone else after the delay
    assert cards(boss)[0].popup.digits == "0212345678" and len(cards(clerk)) == 1


async def test_extension_first_spares_the_others_once_the_extension_writes_the_reception(
    user: User, held_delay: HeldDelay
):
    boss, clerk = await popups_first_to_the_extension(delay=3)
    event_id = await ring("0212345678", extension="102")
    await eventually(lambda: len(cards(clerk)) == 1 and held_delay.asked)
    clerk.find(marker="call-popup-reception").click()  # the clerk takes the call
    await clerk.should_see(marker="reception-save", retries=50)

    held_delay.over.set()
    await runtime.call_bus.drain()  # the delivery of the popup, its delay included, is over
    assert cards(boss) == []
    boss.find(marker="recent-calls").click()  # still findable there, like any call
    await boss.should_see("최근 수신 전화", retries=50)
    assert [c.event_id for c in await call_popup.recent_calls()] == [event_id]


async def test_the_customer_button_opens_the_callers_customer_window(user: User):
    customer = await make_customer("재근상사", "02-999-8888", code="140213-001")
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await ring("029998888")
    await user.should_see(marker="call-popup-customer", retries=50)

    user.find(marker="call-popup-customer-open").click()
    await eventually(lambda: user.back_history[-1] == f"/customers/{customer.id}")
    await user.should_see("고객정보 (재근상사)", retries=50)
    assert field(user, "customer-code") == "140213-001"


async def test_a_number_of_several_customers_offers_each_and_opens_the_chosen_one(user: User):
    await make_customer("하이디자인", "02-555-1234")
    chosen = await make_customer("하이인쇄", "02-555-1234")  # the same number on two customers
    await make_admin(login="boss")
    await sign_in(user, "boss")
    event_id = await ring("025551234")
    await user.should_see(marker="call-popup-unknown", retries=50)
    await user.should_see("여러 고객의 번호")
    await user.should_see("이 번호를 쓰는 고객 (눌러서 이 번호를 연결):")
    [card] = cards(user)
    with user:
        buttons = list(ElementFilter(marker="call-popup-candidate", local_scope=False).within(instance=card))
        [info] = ElementFilter(marker="call-popup-customer-open", local_scope=False).within(instance=card)
    assert sorted(b.text for b in buttons) == ["하이디자인", "하이인쇄"]
    assert not info.enabled  # no customer to open before one is chosen

    UserInteraction(user, {next(b for b in buttons if b.text == "하이인쇄")}, None).click()
    await user.should_see(marker="call-popup-customer", retries=50)
    assert cards(user)[0].popup.customer.id == chosen.id
    assert (await CallEvent.get(id=event_id)).customer_id == chosen.id
    assert (await call_popup.popup_for_event(event_id)).customer.id == chosen.id  # the number is linked

    user.find(marker="call-popup-customer-open").click()
    await eventually(lambda: user.back_history[-1] == f"/customers/{chosen.id}")
    await user.should_see("고객정보 (하이인쇄)", retries=50)


async def test_linking_an_unknown_number_makes_the_next_call_resolve(user: User, monkeypatch):
    clock = Clock()  # the running bus on the test's clock: the next call is after the window
    monkeypatch.setattr(runtime.call_bus, "clock", clock)
    monkeypatch.setattr(runtime.call_bus, "now", clock.now)
    admin = await make_admin(login="boss")
    customer = await make_customer("재근상사", "02-999-8888")
    await ts.save_call_settings(
        by=admin, version=None, dedup_seconds=1, popup_target="all", others_delay_seconds=0
    )
    await runtime.apply_settings(Part.CALLS)
    await sign_in(user, "boss")

    await ring("010-3064-1111")
    await user.should_see(marker="call-popup-unknown", retries=50)
    user.find(marker="call-popup-link").click()
    await user.should_see(marker="customer-picker-search", retries=50)
    user.find(marker="customer-picker-search").type("재근")
    user.find(marker="customer-picker-go").click()
    picker = user.find(marker="customer-picker-table").elements.pop()
    await eventually(lambda: len(picker.rows) == 1)
    user.find(marker="customer-picker-choose").click()
    await user.should_see(marker="call-popup-customer", retries=50)
    await user.should_see("다음 전화부터 이 고객으로 표시됩니다", retries=50)

    clock.advance(2)  # past the 1-second window: a new call, not the first one ringing on
    await ring("01030641111")
    await eventually(lambda: len(cards(user)) == 2)
    newest = cards(user)[0]
    assert newest.popup.customer and newest.popup.customer.id == customer.id


async def test_writing_the_reception_is_announced_on_the_other_screens(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk", name="김데모")
    await sign_in(user, "boss")
    other = second_user()
    await sign_in(other, "clerk")
    await ring("029998888")
    await eventually(lambda: cards(user) and cards(other))
    other.find(marker="call-popup-reception").click()
    await user.should_see("김데모님이 접수를 작성하고 있습니다.", retries=50)


async def test_a_reception_from_a_number_of_several_customers_offers_each_at_once(user: User):
    """The number came with the call: the form offers its customers without it being retyped."""
    await make_customer("하이디자인", "02-555-1234")
    chosen = await make_customer("하이인쇄", "02-555-1234")
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await ring("025551234")
    await user.should_see(marker="call-popup-unknown", retries=50)
    user.find(marker="call-popup-reception").click()
    await user.should_see(marker="reception-save", retries=50)
    assert field(user, "reception-phone") == "02-555-1234"
    assert field(user, "reception-customer") == ""
    await user.should_see(marker="reception-number-owner")
    with user:
        owners = list(ElementFilter(marker="reception-number-owner", local_scope=False))
    assert sorted(o.text for o in owners) == [
        f"하이디자인 ({(await Customer.get(company_name='하이디자인')).code})",
        f"하이인쇄 ({chosen.code})",
    ]
    UserInteraction(user, {next(o for o in owners if o.text.startswith("하이인쇄"))}, None).click()
    await eventually(lambda: field(user, "reception-customer") == f"하이인쇄 ({chosen.code})")
    await user.should_not_see(marker="reception-number-owner")


async def test_writing_a_reception_from_the_popup_creates_it_for_the_callers_customer(user: User):
    customer = await make_customer("재근상사", "02-999-8888", code="140213-001")
    boss = await make_admin(login="boss", name="김사장")
    await sign_in(user, "boss")
    event_id = await ring("029998888", extension="101")
    event = await CallEvent.get(id=event_id)
    await user.should_see(marker="call-popup-customer", retries=50)

    user.find(marker="call-popup-reception").click()
    await user.should_see(marker="reception-save", retries=50)
    assert field(user, "reception-customer") == "재근상사 (140213-001)"
    assert field(user, "reception-phone") == "02-999-8888"
    assert field(user, "reception-extension") == "101"
    assert field(user, "reception-received-at") == format_datetime(event.occurred_at, seconds=True)
    assert field(user, "reception-receiver") == boss.id
    phone_route = await CodeEntry.get(kind=CodeKind.RECEPTION_ROUTE, name="전화")
    assert field(user, "reception-route") == phone_route.id
    await user.should_see("출처: CTI")

    user.find(marker="reception-inquiry").type("프린터 용지 걸림")
    user.find(marker="reception-save").click()
    await user.should_see("김사장님이 접수를 저장했습니다.", retries=50)
    reception = await Reception.get(call_event_id=event_id)
    assert (reception.customer_id, reception.phone_digits, reception.extension) == (
        customer.id,
        "029998888",
        "101",
    )
    assert (reception.source, reception.route_id, reception.receiver_id) == (
        CallSource.CTI,
        phone_route.id,
        boss.id,
    )
    assert reception.received_at == event.occurred_at.replace(microsecond=0)
    assert reception.inquiry == "프린터 용지 걸림"
    [call] = await call_popup.recent_calls()
    assert call.reception_count == 1  # 최근 수신 전화 marks it 접수됨


async def test_a_missed_call_can_be_found_and_reopened(user: User):
    await make_customer("재근상사", "02-999-8888")
    await make_admin(login="boss")
    await ring("029998888")  # nobody was signed in
    await sign_in(user, "boss")
    assert cards(user) == []
    user.find(marker="recent-calls").click()
    await user.should_see("최근 수신 전화", retries=50)
    await user.should_see("미접수")
    user.find(marker="recent-call").click()
    await user.should_see(marker="call-popup-customer", retries=50)


async def test_calling_back_from_the_popup_rings_my_own_centrex_line(user: User):
    from services import centrex_users
    from tests.telephony.centrex_server import CentrexServer

    server = CentrexServer().start()
    try:
        server.add_line("07012345678", "pw")
        admin = await make_admin(login="boss")
        await use_centrex_at(server.base_url, by=admin)
        await sign_in(user, "boss")
        await ring("029998888")
        await user.should_see(marker="call-popup-unknown", retries=50)
        user.find(marker="dial").click()
        await user.should_see("전화걸기에 쓸 센트릭스 회선이 없습니다", retries=50)

        await centrex_users.save_centrex_user(
            by=admin, number070="07012345678", password="pw", staff_id=admin.id
        )
        user.find(marker="dial").click()
        await user.should_see("내 전화기가 울리면 받으세요. 02-999-8888로 연결합니다.", retries=50)
        assert server.dialled == [{"line": "07012345678", "destination": "029998888"}]
    finally:
        server.stop()


async def test_the_popup_lists_the_callers_recent_receptions_as_typed_never_as_markup(user: User):
    customer = await make_customer("재근상사", "02-999-8888", code="140213-001")
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김사원")
    await receptions.save_reception(
        receptions.ReceptionInput(
            received_at="2026-11-27 10:30",
            phone="02-999-8888",
            customer_id=customer.id,
            receiver_id=clerk.id,
            inquiry="<b>토너</b> 교체 & 점검",
        ),
        by=clerk,
    )
    await sign_in(user, "clerk")
    await ring("029998888")
    await user.should_see(marker="call-popup-receptions")
    await user.should_see("최근 접수 1건")
    with user:
        [lines] = ElementFilter(marker="call-popup-receptions", local_scope=False)
    assert "&lt;b&gt;토너&lt;/b&gt; 교체 &amp; 점검" in lines.content and "<b>" not in lines.content
    assert "26-11-27 10:30" in lines.content and "미처리" in lines.content


async def test_the_popup_says_the_maintenance_state_once_in_plain_words(user: User):
    customer = await make_customer("재근상사", "02-999-8888", code="140213-001")
    with acting_as(SYSTEM):
        await CustomerProduct.create(customer=customer, paid_end_on=dt.date(2020, 3, 31))
    await make_admin(login="boss")
    await sign_in(user, "boss")

    await ring("029998888")

    await user.should_see(marker="call-popup-maintenance")
    [label] = user.find(marker="call-popup-maintenance").elements
    assert label.text == "유지보수 만료 (2020-03-31)"  # once, not "유지보수 유지보수 만료"
