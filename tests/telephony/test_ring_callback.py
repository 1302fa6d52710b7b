"""The ring-callback route: only the secret path, only the known keys, one popup per call."""

import httpx
import pytest
from fastapi import FastAPI

from models.telephony import CallEvent, CallEventSource
from services import centrex_users
from services.telephony_settings import CentrexSettings
from telephony.bus import CallBus
from telephony.poller import CentrexPoller
from telephony.ring_callback import ROUTE, RingCallback
from tests.factories.staff import make_admin, make_staff
from tests.telephony.centrex_server import CentrexServer
from tests.utils import eventually

SECRET = "s3cr3t-" + "x" * 40
LINE = "07012345678"


@pytest.fixture
async def ring(db):
    bus = CallBus()
    heard = []
    bus.subscribe("test", heard.append)
    callback = RingCallback(bus)
    callback.configure(SECRET)
    app = FastAPI()
    app.add_api_route(ROUTE, callback.endpoint, methods=["GET"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://office") as http:
        yield http, bus, heard


def query(**overrides) -> dict:
    return {"sender": "0299998888", "receiver": LINE, "kind": "1", "inner_num": "101", **overrides}


async def test_a_ring_announces_the_call_with_a_tiny_answer(ring):
    http, _, heard = ring
    clerk = await make_staff()
    from models.staff import Staff

    await Staff.filter(id=clerk.id).update(extension="101")
    response = await http.get(f"/centrex/ring/{SECRET}.html", params=query())
    assert response.status_code == 200 and response.text == "OK"
    await eventually(lambda: len(heard) == 1)
    call = heard[0]
    assert (call.source, call.digits, call.extension) == (CallEventSource.RING, "0299998888", "101")
    assert call.staff_ids == {clerk.id}


async def test_a_wrong_or_missing_secret_is_not_found(ring):
    http, _, heard = ring
    for path in (f"/centrex/ring/{SECRET[:-1]}.html", "/centrex/ring/.html", f"/centrex/ring/{SECRET}x.html"):
        response = await http.get(path, params=query())
        assert response.status_code == 404, path
    assert heard == [] and await CallEvent.all().count() == 0


async def test_missing_or_repeated_keys_and_numbers_that_are_not_digits_are_refused(ring):
    http, _, heard = ring
    url = f"/centrex/ring/{SECRET}.html"
    missing = await http.get(url, params={k: v for k, v in query().items() if k != "kind"})
    repeated = await http.get(url + "?sender=1&sender=2&receiver=1&kind=1&inner_num=1")
    refused = [missing, repeated]
    for sender in ("02-999-8888<script>", "0299998888 OR 1=1", "+82 2 999 8888", "0" * 21, "abc"):
        refused.append(await http.get(url, params=query(sender=sender)))
    assert [r.status_code for r in refused] == [400] * 7
    assert heard == [] and await CallEvent.all().count() == 0


async def test_unknown_extra_keys_are_ignored_and_dashes_are_fine(ring):
    http, _, heard = ring
    url = f"/centrex/ring/{SECRET}.html"
    response = await http.get(url, params=query(sender="02-999-8888", message="", debug="1"))
    assert response.status_code == 200 and response.text == "OK"
    await eventually(lambda: len(heard) == 1)
    assert heard[0].digits == "029998888"


async def test_only_a_voice_call_pops_up_not_an_sms_notice(ring):
    http, bus, heard = ring
    url = f"/centrex/ring/{SECRET}.html"
    sms = await http.get(url, params=query(kind="2", sender="01012345678", message="안녕하세요"))
    assert sms.status_code == 200  # answered, so the service does not repeat it
    voice = await http.get(url, params=query(kind="1", sender="01099998888"))
    assert voice.status_code == 200
    await eventually(lambda: len(heard) == 1)
    await bus.drain()
    assert [c.digits for c in heard] == ["01099998888"]
    assert await CallEvent.all().count() == 1


async def test_a_withheld_caller_is_a_call_without_a_number(ring):
    http, _, heard = ring
    response = await http.get(f"/centrex/ring/{SECRET}.html", params=query(sender="anonymous"))
    assert response.status_code == 200
    await eventually(lambda: len(heard) == 1)
    assert (heard[0].number, heard[0].digits) == ("발신번호 표시 제한", "")


async def test_each_source_address_is_limited(db):
    bus = CallBus()
    heard = []
    bus.subscribe("test", heard.append)
    callback = RingCallback(bus)
    callback.configure(SECRET)
    app = FastAPI()
    app.add_api_route(ROUTE, callback.endpoint, methods=["GET"])

    def client_from(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://office")

    url = f"/centrex/ring/{SECRET}.html"
    async with client_from("198.51.100.7") as guesser, client_from("203.0.113.9") as centrex:
        guesses = [
            (await guesser.get(f"/centrex/ring/guess-{n}.html", params=query())).status_code
            for n in range(60)
        ]
        assert guesses == [404] * 60
        assert (await guesser.get(url, params=query())).status_code == 429  # even with the right secret now
        assert (await centrex.get(url, params=query())).status_code == 200
    await eventually(lambda: len(heard) == 1)


async def test_a_ring_and_the_polled_row_of_the_same_call_make_one_popup(ring):
    http, bus, heard = ring
    server = CentrexServer().start()
    try:
        server.add_line(LINE, "pw")
        admin = await make_admin()
        user = await centrex_users.save_centrex_user(by=admin, number070=LINE, password="pw")
        poller = CentrexPoller(bus)
        poller.settings = CentrexSettings(base_url=server.base_url)
        await poller.poll(user.id)  # history noted

        assert (await http.get(f"/centrex/ring/{SECRET}.html", params=query())).status_code == 200
        await eventually(lambda: len(heard) == 1)
        server.ring(LINE, "0299998888")  # the same call, as getinboundcall lists it afterwards
        assert await poller.poll(user.id) == 1
        await bus.drain()
        assert len(heard) == 1
        assert await CallEvent.all().count() == 1
    finally:
        server.stop()
