"""The generic PBX webhook, POST /cti/<token>: newCall through the call bus, answer and hangup
settle the record, 발신 without a popup; a wrong token is a missing page, the body is bounded and
each client is rate-limited. (tests/e2e/test_pbx_webhook.py posts to a running server.)"""

import httpx
import pytest
from fastapi import FastAPI

from models.reception import Direction
from models.settings import AppSetting
from models.staff import Staff
from models.telephony import CallEvent, CallEventSource, CallOutcome
from services import calls, telephony_settings
from telephony.bus import CallBus
from telephony.webhook import MAX_BODY_BYTES, ROUTE, PbxWebhook
from tests.factories.staff import make_admin, make_staff


@pytest.fixture
async def pbx(db):
    admin = await make_admin()
    token = await telephony_settings.renew_webhook_token(by=admin)
    bus = CallBus()
    heard = []
    bus.subscribe("test", heard.append)
    webhook = PbxWebhook(bus)
    webhook.configure(await telephony_settings.load_webhook_token_hash())
    app = FastAPI()
    app.add_api_route(ROUTE, webhook.endpoint, methods=["POST"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://office") as http:
        yield http, f"/cti/{token}", bus, heard


async def test_newcall_pops_up_and_answer_and_hangup_settle_it(pbx):
    http, path, bus, heard = pbx
    clerk = await make_staff(login="clerk")
    new = await http.post(
        path, data={"event": "newCall", "callId": "c-1", "from": "029998888", "to": "0215881234"}
    )
    assert new.status_code == 200 and new.json() == {"ok": True, "call": True}
    await bus.drain()
    [call] = heard
    assert (call.source, call.digits) == (CallEventSource.WEBHOOK, "029998888")

    # a second newCall of the same ring (the PBX retrying) is the same call
    await http.post(path, data={"event": "newCall", "callId": "c-1", "from": "029998888", "to": "0215881234"})
    await bus.drain()
    assert len(heard) == 1 and await CallEvent.all().count() == 1

    answered = await http.post(
        path, json={"event": "answer", "callId": "c-1", "from": "029998888", "user": "clerk"}
    )
    assert answered.json() == {"ok": True, "call": True}
    event = await CallEvent.get(id=call.event_id)
    assert (event.outcome, event.staff_id) == (CallOutcome.ANSWERED, clerk.id) and event.answered_at
    await http.post(path, json={"event": "hangup", "callId": "c-1", "from": "029998888"})
    event = await CallEvent.get(id=call.event_id)
    assert event.outcome == CallOutcome.ANSWERED and event.ended_at and event.duration_seconds is not None


async def test_hangup_without_answer_makes_a_missed_call(pbx):
    http, path, bus, _ = pbx
    await http.post(path, data={"event": "newCall", "callId": "c-2", "from": "anonymous", "to": "100"})
    await bus.drain()
    await http.post(
        path, data={"event": "hangup", "callId": "c-2", "from": "anonymous", "cause": "NO ANSWER"}
    )
    event = await CallEvent.get(external_id=calls.pbx_call_id("c-2"))
    assert (event.number, event.outcome, event.duration_seconds) == (
        "발신번호 표시 제한",
        CallOutcome.MISSED,
        0,
    )
    assert event.ended_at is not None and event.handled_at is None


async def test_an_outbound_call_is_logged_without_a_popup_and_answers_a_missed_call_back(pbx):
    http, path, bus, heard = pbx
    clerk = await make_staff(login="clerk")
    await Staff.filter(id=clerk.id).update(extension="201")
    await http.post(path, data={"event": "newCall", "callId": "in-1", "from": "01030641111", "to": "100"})
    await http.post(path, data={"event": "hangup", "callId": "in-1", "from": "01030641111"})
    await bus.drain()
    heard.clear()

    form = {"event": "newCall", "callId": "out-1", "from": "201", "to": "010-3064-1111", "direction": "out"}
    form["extension"] = "201"
    assert (await http.post(path, data=form)).status_code == 200
    await bus.drain()
    assert heard == []
    out = await CallEvent.get(direction=Direction.OUTBOUND)
    assert (out.source, out.digits, out.staff_id) == (CallEventSource.WEBHOOK, "01030641111", clerk.id)
    missed = await CallEvent.get(external_id=calls.pbx_call_id("in-1"))
    assert (missed.outcome, missed.handled_by_id, missed.handled_memo) == (
        CallOutcome.MISSED,
        clerk.id,
        "전화 회신",
    )


async def test_a_wrong_or_missing_token_is_a_missing_page(pbx):
    http, path, _, _ = pbx
    event = {"event": "newCall", "callId": "x", "from": "029998888", "to": "100"}
    assert (await http.post(path + "x", data=event)).status_code == 404
    assert (await http.post("/cti/", data=event)).status_code == 404
    assert await CallEvent.all().count() == 0


async def test_bad_events_and_bodies_are_refused(pbx):
    http, path, _, _ = pbx
    too_big = {"event": "newCall", "callId": "x", "from": "029998888", "pad": "x" * MAX_BODY_BYTES}
    assert (await http.post(path, data=too_big)).status_code == 413
    assert (await http.post(path, data={"event": "ring", "callId": "x"})).status_code == 400
    assert (await http.post(path, data={"event": "newCall"})).status_code == 400
    assert (
        await http.post(path, content=b"[1]", headers={"content-type": "application/json"})
    ).status_code == 400
    assert await CallEvent.all().count() == 0


async def test_each_client_is_rate_limited(pbx):
    http, path, _, _ = pbx
    answers = [(await http.post(path + "wrong", data={})).status_code for _ in range(301)]
    assert answers[:300] == [404] * 300 and answers[300] == 429
    assert (await http.post(path, data={"event": "newCall", "callId": "x", "from": "1"})).status_code == 429


async def test_only_the_tokens_hash_and_last_characters_are_kept(pbx):
    _, path, _, _ = pbx
    shown = await telephony_settings.webhook_token()
    assert shown.exists and path.endswith(shown.hint) and shown.created_at
    stored = await telephony_settings.load_webhook_token_hash()
    assert len(stored) == 64 and path.removeprefix("/cti/") not in str(
        (await AppSetting.get(key="telephony.webhook")).value
    )
