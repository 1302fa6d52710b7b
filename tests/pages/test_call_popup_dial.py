"""전화걸기 from the popup when the Centrex answer never comes (User fixture, the real app, the
local Centrex server): the result is unknown, said so, and nothing is sent again by itself."""

import asyncio

from nicegui.testing import User

from services import centrex_users
from tests.factories.customers import make_customer
from tests.factories.staff import make_admin
from tests.factories.telephony import use_centrex_at
from tests.pages.test_call_popup_page import ring
from tests.telephony.centrex_server import CentrexServer
from tests.utils import sign_in

LINE, PASSWORD = "07012345678", "centrex-pw-1"


async def test_a_dial_without_an_answer_shows_result_unknown_and_is_not_resent(user: User, monkeypatch):
    monkeypatch.setattr(centrex_users, "DIAL_GESTURE_SECONDS", 600.0)  # however slow this machine is
    server = CentrexServer().start()
    try:
        server.add_line(LINE, PASSWORD)
        admin = await make_admin(login="boss")
        await use_centrex_at(server.base_url, by=admin, timeout_seconds=0.3)
        await centrex_users.save_centrex_user(by=admin, number070=LINE, password=PASSWORD, staff_id=admin.id)
        await make_customer("재근상사", "02-999-8888")
        await sign_in(user, "boss")
        await ring("029998888")
        await user.should_see(marker="call-popup-customer", retries=50)

        server.misbehave(delay=1.0)  # carried out, but the answer comes after the timeout
        user.find(marker="dial").click()
        await user.should_see("전화걸기 결과 모름", retries=100)
        await asyncio.sleep(1.5)  # the late answer has come and gone
        assert server.dialled == [{"line": LINE, "destination": "029998888"}]
        user.find(marker="dial").click()  # the same gesture's late click: not sent again
        await user.should_see("방금 이 번호로 전화를 걸었습니다", retries=100)
        assert len(server.dialled) == 1
    finally:
        server.stop()
