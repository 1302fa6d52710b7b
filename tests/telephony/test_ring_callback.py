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
from tests.telephony.centrex_server import CentrexServer
from tests.utils import eventually, make_admin, make_staff

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


async def test_extra_missing_or_repeated_keys_are_rejected(ring):
    http, _, heard = ring
    url = f"/centrex/ring/{SECRET}.html"
    extra = await http.get(url, params=query(debug="1"))
    missing = await http.get(url, params={k: v for k, v in query().items() if k != "kind"})
    repeated = await http.get(url + "?sender=1&sender=2&receiver=1&kind=1&inner_num=1")
    no_number = await http.get(url, params=query(sender="anonymous"))
    assert [r.status_code for r in (extra, missing, repeated, no_number)] == [400, 400, 400, 400]
    assert heard == []


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
