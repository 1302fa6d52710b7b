"""The Centrex HTTP client (services.centrex_client) against a local server speaking the Centrex
protocol (docs/telephony.md)."""

import pytest

from services.centrex_client import SVC_RT_MESSAGES, CentrexClient, CentrexError, Failure, password_sha512
from tests.telephony.centrex_server import CentrexServer

LINE = "07012345678"
PASSWORD = "centrex-pw-1"


@pytest.fixture
def centrex():
    server = CentrexServer().start()
    server.add_line(LINE, PASSWORD, name="김데모", extension="101")
    yield server
    server.stop()


def client(server: CentrexServer, password: str = PASSWORD, timeout: float = 2.0) -> CentrexClient:
    return CentrexClient(
        base_url=server.base_url, number070=LINE, password_hash=password_sha512(password), timeout=timeout
    )


def test_the_password_travels_as_lowercase_sha512_hex():
    digest = password_sha512("비밀번호1")
    assert len(digest) == 128 and digest == digest.lower() and int(digest, 16)


async def test_userinfo_posts_the_line_and_the_hash(centrex):
    info = await client(centrex).userinfo()
    assert (info.name, info.extension, info.number070) == ("김데모", "101", LINE)
    [request] = centrex.requests
    assert request.params == {"id": LINE, "pass": password_sha512(PASSWORD)}


async def test_every_known_code_has_a_korean_message(centrex):
    for code in ("1001", "1002", "1003", "1004", "1005", "2002", "3002", "3003", "3004", "9999"):
        centrex.misbehave(code=code)
        with pytest.raises(CentrexError) as caught:
            await client(centrex).click_dial("0212345678")
        assert caught.value.code == code
        assert str(caught.value) == f"{SVC_RT_MESSAGES[code]} (코드 {code})"
    centrex.misbehave(code="7777")
    with pytest.raises(CentrexError, match=r"알 수 없는 오류.*7777"):
        await client(centrex).userinfo()


async def test_wrong_password_is_authentication_failed(centrex):
    with pytest.raises(CentrexError) as caught:
        await client(centrex, password="wrong").userinfo()
    assert caught.value.code == "1003" and "070 번호와 비밀번호" in str(caught.value)


async def test_http_errors_bad_json_timeouts_and_unreachable_servers_are_centrex_errors(centrex):
    centrex.misbehave(status=500)
    with pytest.raises(CentrexError, match="HTTP 500") as caught:
        await client(centrex).userinfo()
    assert caught.value.failure == Failure.HTTP
    centrex.misbehave(bad_json=True)
    with pytest.raises(CentrexError, match="JSON") as caught:
        await client(centrex).userinfo()
    assert caught.value.failure == Failure.BAD_RESPONSE
    centrex.misbehave(delay=1.0)
    with pytest.raises(CentrexError, match="응답하지 않았습니다") as caught:
        await client(centrex, timeout=0.3).userinfo()
    assert caught.value.failure == Failure.TIMEOUT and caught.value.maybe_delivered
    dead = CentrexClient(base_url="http://127.0.0.1:9/RestApi", number070=LINE, password_hash="0" * 128)
    with pytest.raises(CentrexError) as caught:
        await dead.userinfo()
    assert caught.value.failure == Failure.UNREACHABLE and not caught.value.maybe_delivered
    # what happened and what to do, in Korean; the exception's name (ConnectError) only in the log
    assert str(caught.value) == "센트릭스 서버에 연결할 수 없습니다. 인터넷 연결과 서버 주소를 확인하세요."


async def test_inbound_calls_and_empty_lists(centrex):
    assert await client(centrex).inbound_calls() == []
    no = centrex.ring(LINE, "0299998888", time_text="2026-11-27 15:07:00")
    [call] = await client(centrex).inbound_calls()
    assert (call.no, call.caller, call.time.isoformat()) == (no, "0299998888", "2026-11-27T15:07:00")
    assert await client(centrex).call_history() != []
    centrex.lines[LINE].inbound.clear()
    assert await client(centrex).call_history() == []  # 4004 is "nothing", not an error
