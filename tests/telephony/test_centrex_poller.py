"""The Centrex poller against a local server speaking the Centrex protocol."""

import asyncio
import datetime as dt
import itertools
import re

import pytest

from models.reception import Direction
from models.staff import Staff
from models.telephony import CallEvent, CallEventSource, CallOutcome, CentrexUser
from services import centrex_users
from services.auth import actor_for
from services.centrex_client import CentrexError
from services.telephony_settings import CentrexSettings
from telephony.bus import CallBus
from telephony.poller import CentrexPoller
from tests.factories.customers import make_customer
from tests.factories.staff import make_admin, make_staff
from tests.factories.telephony import use_centrex_at
from tests.telephony.centrex_server import CentrexServer
from tests.utils import eventually

LINE = "07012345678"
PASSWORD = "centrex-pw-1"


@pytest.fixture
def centrex():
    server = CentrexServer().start()
    server.add_line(LINE, PASSWORD)
    yield server
    server.stop()


@pytest.fixture
async def line(db):
    admin = await make_admin()
    clerk = await make_staff(name="이주연")
    return await centrex_users.save_centrex_user(
        by=admin, number070=LINE, password=PASSWORD, extension="103", staff_id=clerk.id
    )


def make_poller(centrex: CentrexServer, **settings) -> tuple[CentrexPoller, list]:
    bus = CallBus()
    heard = []
    bus.subscribe("test", heard.append)
    poller = CentrexPoller(bus)
    poller.settings = CentrexSettings(base_url=centrex.base_url, timeout_seconds=0.5, **settings)
    return poller, heard


async def test_first_poll_remembers_history_without_announcing_it(centrex, line):
    for index in range(450):  # years of history on a line connected today
        centrex.ring(LINE, f"02111{index:05d}")
    poller, heard = make_poller(centrex)
    assert await poller.poll(line.id) == 0
    await poller.bus.drain()
    assert heard == [] and await CallEvent.all().count() == 0
    stored = await CentrexUser.get(id=line.id)
    assert stored.last_seen_no == centrex.next_no and stored.last_success_at and stored.last_error == ""
    [request] = centrex.calls_to("getinboundcall")  # only where history ends, no paging through it
    assert (request.params["page"], request.params["num_per_page"]) == ("1", "200")


async def test_new_rows_become_calls_once_also_across_a_restart(centrex, line):
    customer = await make_customer("재근상사", "02-999-8888")
    centrex.ring(LINE, "0211110000")
    poller, heard = make_poller(centrex)
    await poller.poll(line.id)

    centrex.ring(LINE, "029998888")
    centrex.ring(LINE, "0212345678")
    assert await poller.poll(line.id) == 2
    assert await poller.poll(line.id) == 0
    await poller.bus.drain()
    assert [c.digits for c in heard] == ["029998888", "0212345678"]  # oldest first
    first = heard[0]
    assert first.source == CallEventSource.CENTREX and first.match.customer.id == customer.id
    assert first.extension == "103" and first.staff_ids == {line.staff_id}
    event = await CallEvent.get(id=first.event_id)
    assert event.external_id == f"{LINE}:{centrex.next_no - 1}"

    restarted, heard_after = make_poller(centrex)  # a new process: nothing in memory
    assert await restarted.poll(line.id) == 0
    centrex.ring(LINE, "0311112222")
    assert await restarted.poll(line.id) == 1
    await restarted.bus.drain()
    assert [c.digits for c in heard_after] == ["0311112222"]


async def test_calls_that_rang_while_nobody_polled_are_recorded_not_popped_up(centrex, line):
    poller, heard = make_poller(centrex)
    await poller.poll(line.id)
    old = (dt.datetime.now() - dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M:%S")
    centrex.ring(LINE, "0299990000", time_text=old)
    assert await poller.poll(line.id) == 1
    await poller.bus.drain()
    assert heard == []
    assert await CallEvent.filter(digits="0299990000").exists()


async def test_every_call_of_an_outage_is_recorded_once_and_only_recent_ones_pop_up(centrex, line):
    regular = await make_customer("재근상사", "02-999-8888")
    centrex.ring(LINE, "0211110000")
    poller, heard = make_poller(centrex)
    await poller.poll(line.id)  # the line was being polled

    centrex.go_down()
    with pytest.raises(CentrexError, match="연결할 수 없습니다"):
        await poller.poll(line.id)
    # meanwhile 250 calls: 247 in the last four hours (the regular customer twice, an hour apart)
    # and 3 just now, more than one page of getinboundcall
    started = dt.datetime.now() - dt.timedelta(hours=4)
    rung = {}
    for index in range(247):
        caller = "029998888" if index in (100, 160) else f"031{index:07d}"
        at = started + dt.timedelta(seconds=index * 55)
        rung[centrex.ring(LINE, caller, time_text=f"{at:%Y-%m-%d %H:%M:%S}")] = caller
    for caller in ("0101110001", "0101110002", "0101110003"):
        rung[centrex.ring(LINE, caller)] = caller
    centrex.come_back()

    assert await poller.poll(line.id) == 250
    await poller.bus.drain()
    events = await CallEvent.all().order_by("id").values("external_id", "digits", "customer_id")
    assert sorted(e["external_id"] for e in events) == sorted(f"{LINE}:{no}" for no in rung)
    assert {e["external_id"]: e["digits"] for e in events} == {f"{LINE}:{no}": c for no, c in rung.items()}
    assert [e["customer_id"] for e in events if e["digits"] == "029998888"] == [regular.id] * 2
    # the old ones are there to be found, only the calls of the last minutes pop up
    assert [c.digits for c in heard] == ["0101110001", "0101110002", "0101110003"]
    pages = [(r.params["page"], r.params["num_per_page"]) for r in centrex.calls_to("getinboundcall")[-2:]]
    assert pages == [("1", "200"), ("2", "200")]

    assert await poller.poll(line.id) == 0  # nothing twice, neither on the next poll
    restarted, heard_after = make_poller(centrex)  # nor after a restart
    assert await restarted.poll(line.id) == 0
    await restarted.bus.drain()
    assert await CallEvent.all().count() == 250 and heard_after == []
    assert (await CentrexUser.get(id=line.id)).last_seen_no == max(rung)


async def test_catching_up_reads_a_bounded_number_of_pages_and_says_what_it_skipped(centrex, line, caplog):
    poller = CentrexPoller(CallBus(), page_size=50, max_pages=2)
    poller.settings = CentrexSettings(base_url=centrex.base_url, timeout_seconds=0.5)
    await poller.poll(line.id)
    numbers = [centrex.ring(LINE, f"031{index:07d}") for index in range(120)]

    assert await poller.poll(line.id) == 100
    assert len(centrex.calls_to("getinboundcall")) == 1 + 2
    stored = await CallEvent.all().values_list("external_id", flat=True)
    assert sorted(stored) == sorted(f"{LINE}:{no}" for no in numbers[-100:])  # the newest 100
    assert "more than 100 calls since the last poll; only the newest 100 were fetched" in caplog.text
    assert await poller.poll(line.id) == 0


@pytest.mark.parametrize(
    ("misbehaviour", "shown"),
    [
        ({"code": "1003"}, "인증에 실패했습니다. 070 번호와 비밀번호를 확인하세요. (코드 1003)"),
        ({"status": 500}, "HTTP 500"),
        ({"bad_json": True}, "JSON 형식이 아님"),
        ({"delay": 1.0}, "응답하지 않았습니다"),
    ],
)
async def test_each_failure_is_shown_and_retried_with_backoff(centrex, line, misbehaviour, shown):
    poller, heard = make_poller(centrex, poll_seconds=0.2)
    await poller.poll(line.id)
    centrex.ring(LINE, "029998888")
    centrex.misbehave(**misbehaviour)
    with pytest.raises(CentrexError, match=re.escape(shown)):
        await poller.poll(line.id)

    await poller.configure(poller.settings)  # the running loop, as in production
    try:
        await eventually(lambda: poller.lines[line.id].failures >= 3, within=6)
        status = poller.status()
        assert status["errors"] == 1 and shown in status["detail"][0]["last_error"]
        assert shown in (await CentrexUser.get(id=line.id)).last_error
        attempts = [r.at for r in centrex.calls_to("getinboundcall")][-3:]
        gaps = [b - a for a, b in itertools.pairwise(attempts)]
        # backing off (0.4 s, then 0.8 s), not hammering the service every 0.2 s
        assert gaps[0] >= 0.38 and gaps[1] >= 0.78
        assert heard == []

        centrex.behave()
        await eventually(lambda: poller.lines[line.id].failures == 0, within=10)
        await eventually(lambda: len(heard) == 1)
        assert heard[0].digits == "029998888"
        assert (await CentrexUser.get(id=line.id)).last_error == ""
    finally:
        await poller.stop()


def test_backoff_doubles_per_failure_and_is_capped():
    poller = CentrexPoller(CallBus())
    poller.settings = CentrexSettings(poll_seconds=3)
    assert [poller.backoff(n) for n in range(6)] == [3, 6, 12, 24, 30, 30]


async def test_disabled_lines_are_not_polled(centrex, line):
    await CentrexUser.filter(id=line.id).update(enabled=False)
    poller, _ = make_poller(centrex, poll_seconds=0.2)
    await poller.configure(poller.settings)
    try:  # configuring starts a task per polled line: none, so no request can ever go out
        assert poller.status()["lines"] == 0 and poller.status()["polling"] == 0
        assert centrex.requests == []
    finally:
        await poller.stop()


async def test_two_reconfigurations_at_once_leave_one_task_per_line(centrex, line):
    """Saving the settings while a line is saved must not leave two tasks polling one line."""
    poller, heard = make_poller(centrex, poll_seconds=0.2)
    await asyncio.gather(*(poller.configure(poller.settings) for _ in range(3)))
    try:
        polling = [t for t in asyncio.all_tasks() if t.get_name() == f"centrex-{line.id}" and not t.done()]
        assert len(polling) == 1
        await eventually(lambda: CentrexUser.filter(id=line.id, last_seen_no__not_isnull=True).exists())
        centrex.ring(LINE, "029998888")
        await eventually(lambda: [c.digits for c in heard] == ["029998888"])
    finally:
        await poller.stop()
    assert not [t for t in asyncio.all_tasks() if t.get_name() == f"centrex-{line.id}" and not t.done()]


async def test_a_missed_and_an_answered_call_are_settled_from_the_call_history(centrex, line):
    poller, _ = make_poller(centrex)
    await poller.poll(line.id)  # where history ends
    centrex.ring(LINE, "0212345678", status="NO ANSWER", duration=25)
    centrex.ring(LINE, "029998888", status="ANSWERED", duration=40, billsec=30)
    assert await poller.poll(line.id) == 2
    missed = await CallEvent.get(digits="0212345678")
    answered = await CallEvent.get(digits="029998888")
    assert (missed.outcome, missed.duration_seconds, missed.answered_at) == (CallOutcome.MISSED, 0, None)
    assert missed.ended_at == missed.occurred_at + dt.timedelta(seconds=25)
    assert (answered.outcome, answered.duration_seconds) == (CallOutcome.ANSWERED, 30)
    assert answered.answered_at == answered.occurred_at + dt.timedelta(seconds=10)
    assert answered.ended_at == answered.occurred_at + dt.timedelta(seconds=40)
    assert answered.staff_id == line.staff_id  # the line's staff took it (nobody opened 접수작성)
    [request] = centrex.calls_to("callhistory")
    assert request.params["calltype"] == "inbound"

    await poller.poll(line.id)
    assert len(centrex.calls_to("callhistory")) == 1  # nothing waits any more: not asked again


async def test_a_click_to_dial_is_logged_as_outbound_and_settled_from_the_history(centrex, line):
    admin = await make_admin()
    await use_centrex_at(centrex.base_url, by=admin)
    clerk = actor_for(await Staff.get(id=line.staff_id))
    poller, _ = make_poller(centrex)
    await poller.poll(line.id)
    centrex.ring(LINE, "01030641111", status="NO ANSWER", duration=20)
    await poller.poll(line.id)
    missed = await CallEvent.get(digits="01030641111", direction=Direction.INBOUND)
    assert missed.outcome == CallOutcome.MISSED and missed.handled_at is None

    await centrex_users.click_dial(by=clerk, number="010-3064-1111")
    dialled = await CallEvent.get(direction=Direction.OUTBOUND)
    assert (dialled.source, dialled.digits, dialled.staff_id, dialled.outcome) == (
        CallEventSource.DIAL,
        "01030641111",
        clerk.id,
        CallOutcome.UNKNOWN,
    )
    missed = await CallEvent.get(id=missed.id)
    assert (missed.handled_by_id, missed.handled_memo) == (clerk.id, "전화 회신")

    await poller.poll(line.id)
    dialled = await CallEvent.get(id=dialled.id)
    assert (dialled.outcome, dialled.duration_seconds) == (CallOutcome.ANSWERED, 60)
    assert centrex.calls_to("callhistory")[-1].params["calltype"] == "outbound"
