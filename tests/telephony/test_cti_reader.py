"""The serial caller-ID reader against a real pseudo-terminal (docs/telephony.md)."""

import asyncio
import datetime as dt
import errno

import pytest

from models.telephony import CallEvent, CallEventSource
from services.telephony_settings import CtiSettings, Preset
from telephony.bus import OUT_OF_AREA, CallBus
from telephony.serial_reader import (
    DetectedCall,
    LineSplitter,
    ModemParser,
    RegexParser,
    State,
    describe_error,
)
from tests.factories.customers import make_customer
from tests.telephony.clock import Clock
from tests.telephony.devices import FakeSerialDevice, modem_block
from tests.utils import eventually


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def reader(db, clock):
    """A reader and its bus on the test's clock: a backoff ends when the test advances the clock
    (or at CTI재접속), and the bus's de-duplication window never runs out by itself."""
    from telephony.serial_reader import CtiReader

    bus = CallBus(clock=clock, now=clock.now)
    heard = []
    bus.subscribe("test", heard.append)
    instance = CtiReader(bus, sleep=clock.sleep, now=clock.now)
    instance.heard = heard
    yield instance
    await instance.stop()


async def connect(reader, device, **settings) -> None:
    await reader.configure(CtiSettings(enabled=True, port=str(device.path), **settings))
    await eventually(lambda: reader.state == State.CONNECTED)


async def test_modem_blocks_make_one_call_each_and_repeats_are_one_call(reader, device, clock):
    customer = await make_customer("재근상사", "02-999-8888")
    await connect(reader, device)
    await eventually(lambda: b"AT+VCID=1\r" in device.read_sent())  # ATZ, then caller ID on

    device.write(modem_block("029998888", name="JAEGEUN"))
    device.write(modem_block("029998888", name="JAEGEUN"))  # the box repeats it on the next ring
    await eventually(lambda: len(reader.heard) == 1)

    call = reader.heard[0]
    assert (call.digits, call.caller_name, call.source) == ("029998888", "JAEGEUN", CallEventSource.CTI)
    assert call.match.customer.id == customer.id
    assert reader.last_call_number == "029998888" and reader.last_call_at == clock.now()
    device.write(modem_block("0212345678"))
    # the line is read in order: when the next call is heard, the repeat before it has been read
    await eventually(lambda: len(reader.heard) >= 2)
    assert [c.digits for c in reader.heard] == ["029998888", "0212345678"]
    assert await CallEvent.all().count() == 2


async def test_private_and_out_of_area_numbers(reader, device):
    await connect(reader, device)
    device.write(modem_block("P"))
    device.write(modem_block("O"))
    await eventually(lambda: len(reader.heard) == 2)
    assert [c.number for c in reader.heard] == ["발신번호 표시 제한", "발신번호 없음"]
    assert all(c.digits == "" and c.match.customer is None for c in reader.heard)
    parser = ModemParser()  # a field without any number is a call without a number too
    assert [parser.feed(line) for line in ("RING", "NMBR =", "RING")] == [[], [], [DetectedCall(OUT_OF_AREA)]]


async def test_a_block_without_a_trailing_blank_line_is_still_announced(reader, device):
    await connect(reader, device)
    device.write(b"RING\r\nDATE = 1127\r\nTIME = 1507\r\nNMBR = 0311112222\r\n")
    await eventually(lambda: len(reader.heard) == 1)
    assert reader.heard[0].digits == "0311112222"


async def test_regex_preset_reads_line_per_call_boxes(reader, device):
    await connect(
        reader,
        device,
        preset=Preset.REGEX,
        regex=r"^L(?P<ext>\d+)\s+CID:(?P<number>[\d-]+)",
        init_commands=(),
    )
    assert device.read_sent() == b""  # no modem commands to a caller-ID box
    device.write(b"L2 CID:02-999-8888\r\n")
    device.write(b"L2 CID:02-999-8888\r\n")
    device.write(b"L1 CID:0212345678\n")
    await eventually(lambda: len(reader.heard) >= 2)  # the last line heard: the repeat was read
    assert [(c.digits, c.extension) for c in reader.heard] == [("029998888", "2"), ("0212345678", "1")]


async def test_garbage_and_partial_lines_are_ignored(reader, device):
    await connect(reader, device)
    device.write(b"\x00\xff\xfe garbage \x1b[2J\r\n")
    device.write(b"NMBR = not-a-number\r\n\r\n")
    device.write(b"x" * 5000)  # a run without any line end
    device.write(b"\r\nOK\r\nERROR\r\nDATE = 1127\r\nTIME =\r\n=\r\n")
    device.write("NAME = 홍길동\r\n".encode("cp949"))
    device.write(b"NMB")  # cut off: never completed
    device.write(b"\r\n" + modem_block("029998888"))
    # read in order: when this call is heard, everything before it has been read and ignored
    await eventually(lambda: reader.heard)
    assert [c.digits for c in reader.heard] == ["029998888"]
    assert reader.state == State.CONNECTED


async def test_unplugging_retries_with_backoff_and_the_next_call_pops_up(reader, device, clock):
    await connect(reader, device)
    device.unplug()
    await eventually(lambda: reader.state == State.RETRYING)
    assert "끊겼" in reader.last_error or "찾을 수 없습니다" in reader.last_error
    assert reader.status()["state"] == "retrying" and reader.status()["last_error"]

    device.plug_in()
    await eventually(lambda: clock.sleeping)  # the backoff, which ends only when its time has come
    assert reader.state == State.RETRYING
    clock.advance(clock.waits[-1])
    await eventually(lambda: reader.state == State.CONNECTED)
    assert reader.last_error == ""
    device.write(modem_block("029998888"))
    await eventually(lambda: len(reader.heard) == 1)


async def test_a_missing_port_is_retried_forever_with_doubling_delays(db, tmp_path, clock):
    from telephony.serial_reader import CtiReader

    reader = CtiReader(CallBus(), sleep=clock.sleep, now=clock.now)
    await reader.configure(CtiSettings(enabled=True, port=str(tmp_path / "ttyUSB9")))
    try:
        for _ in range(4):
            await eventually(lambda: clock.sleeping)
            assert reader.state == State.RETRYING and "찾을 수 없습니다" in reader.last_error
            assert reader.retry_at == reader.since + dt.timedelta(seconds=clock.waits[-1])
            clock.advance(clock.waits[-1])
        await eventually(lambda: len(clock.waits) == 5)
        assert clock.waits == [1.0, 2.0, 4.0, 8.0, 16.0]
        assert reader.running
    finally:
        await reader.stop()
    assert reader.state == State.DISABLED


async def test_cti_reconnect_reconnects_at_once(reader, device, clock):
    await connect(reader, device)
    connected_since = reader.since
    clock.advance(1)
    reader.reconnect()
    await eventually(lambda: reader.state == State.CONNECTED and reader.since != connected_since)
    device.read_sent()
    device.write(modem_block("029998888"))
    await eventually(lambda: len(reader.heard) == 1)


async def test_cti_reconnect_cuts_the_backoff_short(db, tmp_path):
    from telephony.serial_reader import CtiReader

    async def backoff_without_end(seconds: float) -> None:  # only CTI재접속 can end the wait
        backoffs.append(seconds)
        await asyncio.Event().wait()

    backoffs: list[float] = []
    fake = FakeSerialDevice(tmp_path)
    fake.unplug()
    reader = CtiReader(CallBus(), sleep=backoff_without_end)
    await reader.configure(CtiSettings(enabled=True, port=str(fake.path)))
    try:
        await eventually(lambda: reader.state == State.RETRYING and backoffs)
        fake.plug_in()
        reader.reconnect()
        await eventually(lambda: reader.state == State.CONNECTED)
        assert backoffs == [1.0]  # the one wait, cut short
    finally:
        await reader.stop()
        fake.close()


async def test_cti_reconnect_waits_and_tells_how_it_went(reader, device, clock):
    await connect(reader, device)
    connected_since = reader.since
    clock.advance(1)
    assert await reader.reconnect_and_wait() is True
    assert reader.state == State.CONNECTED and reader.since != connected_since

    device.unplug()
    await eventually(lambda: reader.state == State.RETRYING)
    assert await reader.reconnect_and_wait() is True  # tried at once, not after the backoff
    assert reader.state == State.RETRYING and "찾을 수 없습니다" in reader.last_error

    device.plug_in()
    assert await reader.reconnect_and_wait() is True
    assert reader.state == State.CONNECTED and reader.last_error == ""


def test_line_splitter_handles_any_line_end_and_drops_overlong_runs():
    splitter = LineSplitter()
    assert splitter.feed(b"RING\r\nNMBR = 0") == ["RING"]
    assert splitter.feed(b"2123\rNAME = A\n") == ["NMBR = 02123", "NAME = A"]
    assert splitter.feed(b"y" * 300) == []
    assert splitter.feed(b"\r\nOK\r\n") == ["", "OK"]


def test_modem_parser_waits_for_the_name_of_the_same_block():
    parser = ModemParser()
    assert parser.feed("NMBR = 0212345678") == []
    assert parser.has_pending
    [call] = parser.feed("NAME = KIM")
    assert (call.number, call.caller_name) == ("0212345678", "KIM")


def test_regex_parser_needs_a_plausible_number():
    parser = RegexParser(r"CID:(?P<number>\S+)")
    assert parser.feed("CID:hello") == []
    assert parser.feed("CID:12") == []
    assert parser.feed("CID:0212345678")[0].number == "0212345678"


def test_a_cr_lf_split_across_two_reads_is_one_line_end():
    splitter = LineSplitter()
    assert splitter.feed(b"NMBR = 0212345678\r") == ["NMBR = 0212345678"]
    assert splitter.feed(b"\nNAME = A\r\n") == ["NAME = A"]


def test_an_unforeseen_device_error_is_told_in_korean_and_its_name_kept_in_the_log(caplog):
    message = describe_error(OSError(errno.EIO, "Input/output error"), "/dev/ttyUSB0")
    assert (
        message == "장치 연결이 끊겼거나 포트를 열 수 없습니다. 장치 전원과 케이블, 포트 설정을 확인하세요."
    )
    assert any(
        "OSError" in record.getMessage() and "/dev/ttyUSB0" in record.getMessage()
        for record in caplog.records
    )
