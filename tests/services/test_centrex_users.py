"""API사용자등록 (services.centrex_users): lines, 연결확인, click-to-dial and the ring-callback
registration against a local server speaking the Centrex protocol (docs/telephony.md)."""

import asyncio

import pytest

from core.errors import PermissionDenied, ValidationError
from models.audit import AuditEntry
from models.telephony import CentrexUser
from services import centrex_users
from services import telephony_settings as ts
from services.centrex_client import CentrexError, password_sha512
from tests.factories.staff import make_admin, make_staff
from tests.factories.telephony import use_centrex_at
from tests.telephony.centrex_server import CentrexServer

LINE = "07012345678"
PASSWORD = "centrex-pw-1"


@pytest.fixture(autouse=True)
def fresh_dial_memory():
    """Staff ids repeat from one test's database to the next; the process's dial memory must not."""
    centrex_users.forget_dials()


@pytest.fixture
def centrex():
    server = CentrexServer().start()
    server.add_line(LINE, PASSWORD, name="김데모", extension="101")
    yield server
    server.stop()


@pytest.fixture
async def admin(db, centrex):
    actor = await make_admin()
    await use_centrex_at(centrex.base_url, by=actor, timeout_seconds=0.5, ring_host="203.0.113.10")
    return actor


async def test_admin_registers_an_api_user_keeping_only_the_hash(admin, centrex):
    clerk = await make_staff(name="이주연")
    user = await centrex_users.save_centrex_user(
        by=admin, number070="070-1234-5678", password=PASSWORD, extension="103", staff_id=clerk.id
    )
    stored = await CentrexUser.get(id=user.id)
    assert stored.number070 == LINE and stored.password_sha512 == password_sha512(PASSWORD)
    entry = await AuditEntry.filter(table_name="centrex_user", record_id=user.id).first()
    assert PASSWORD not in str(entry.changes) and password_sha512(PASSWORD) not in str(entry.changes)

    # editing without a password keeps the hash
    await centrex_users.save_centrex_user(
        by=admin, user_id=user.id, version=stored.version, number070=LINE, extension="104", staff_id=clerk.id
    )
    assert (await CentrexUser.get(id=user.id)).password_sha512 == password_sha512(PASSWORD)

    [row] = await centrex_users.list_centrex_users()
    assert (row.staff_name, row.extension) == ("이주연", "104")


async def test_api_user_validation(admin):
    with pytest.raises(ValidationError) as caught:
        await centrex_users.save_centrex_user(by=admin, number070="02-123-4567", extension="12a")
    assert set(caught.value.fields) == {"number070", "password", "extension"}
    await centrex_users.save_centrex_user(by=admin, number070=LINE, password="x")
    with pytest.raises(ValidationError, match="이미 등록된"):
        await centrex_users.save_centrex_user(by=admin, number070="070-1234-5678", password="y")


async def test_only_admins_manage_api_users(db):
    clerk = await make_staff()
    with pytest.raises(PermissionDenied):
        await centrex_users.save_centrex_user(by=clerk, number070=LINE, password="x")


async def test_connection_check_shows_the_name_or_the_reason(admin, centrex):
    info = await centrex_users.check_connection(by=admin, number070="070-1234-5678", password=PASSWORD)
    assert (info.name, info.extension) == ("김데모", "101")
    with pytest.raises(CentrexError, match="인증에 실패했습니다"):
        await centrex_users.check_connection(by=admin, number070=LINE, password="wrong")
    user = await centrex_users.save_centrex_user(by=admin, number070=LINE, password=PASSWORD)
    info = await centrex_users.check_connection(by=admin, number070=LINE, user_id=user.id)
    assert info.number070 == LINE


async def test_click_to_dial_uses_the_staff_members_own_line(admin, centrex):
    clerk = await make_staff(name="홍길동")
    with pytest.raises(centrex_users.NoCentrexLine, match="홍길동님의 070 번호"):
        await centrex_users.click_dial(by=clerk, number="02-999-8888")
    await centrex_users.save_centrex_user(by=admin, number070=LINE, password=PASSWORD, staff_id=clerk.id)

    assert await centrex_users.click_dial(by=clerk, number="02-999-8888") == "029998888"
    assert centrex.dialled == [{"line": LINE, "destination": "029998888"}]

    centrex.misbehave(code="2002")
    with pytest.raises(CentrexError, match="권한이 없습니다"):
        await centrex_users.click_dial(by=clerk, number="010-2222-5555")
    with pytest.raises(ValidationError):
        await centrex_users.click_dial(by=clerk, number="")


async def test_ring_callback_registration_points_at_the_secret_path(admin, centrex):
    user = await centrex_users.save_centrex_user(by=admin, number070=LINE, password=PASSWORD)
    address = await centrex_users.register_ring_callback(user.id, by=admin)
    secret = (await ts.load_centrex_settings()).values.ring_secret
    assert address == f"http://203.0.113.10:8080/centrex/ring/{secret}.html"
    [request] = centrex.calls_to("setringcallback")
    assert request.params["callbackurl"] == f"/centrex/ring/{secret}.html"
    assert (request.params["callbackhost"], request.params["callbackport"]) == ("203.0.113.10", "8080")
    registration = await centrex_users.ring_callback_registration(user.id, by=admin)
    assert registration.points_here

    await ts.renew_ring_secret(by=admin)
    assert not (await centrex_users.ring_callback_registration(user.id, by=admin)).points_here


async def test_click_to_dial_sends_one_request_per_gesture_per_staff_member(admin, centrex):
    clerk = await make_staff(name="홍길동")
    other = await make_staff(name="김철수")
    await centrex_users.save_centrex_user(by=admin, number070=LINE, password=PASSWORD, staff_id=clerk.id)
    centrex.add_line("07087654321", PASSWORD)
    await centrex_users.save_centrex_user(
        by=admin, number070="07087654321", password=PASSWORD, staff_id=other.id
    )

    centrex.misbehave(delay=0.2)  # slow enough for the clicks to meet the request in flight
    results = await asyncio.gather(
        *(centrex_users.click_dial(by=clerk, number="02-999-8888") for _ in range(3)), return_exceptions=True
    )
    centrex.behave()
    assert results.count("029998888") == 1
    assert sum(isinstance(r, centrex_users.DialAlreadyRequested) for r in results) == 2
    with pytest.raises(centrex_users.DialAlreadyRequested, match="방금 이 번호로"):
        await centrex_users.click_dial(by=clerk, number="029998888")  # a late click of the same gesture
    assert await centrex_users.click_dial(by=other, number="02-999-8888") == "029998888"
    assert await centrex_users.click_dial(by=clerk, number="031-111-2222") == "0311112222"
    assert centrex.dialled == [
        {"line": LINE, "destination": "029998888"},
        {"line": "07087654321", "destination": "029998888"},
        {"line": LINE, "destination": "0311112222"},
    ]


async def test_a_dial_without_an_answer_is_result_unknown_and_not_sent_again(admin, centrex):
    clerk = await make_staff(name="홍길동")
    await centrex_users.save_centrex_user(by=admin, number070=LINE, password=PASSWORD, staff_id=clerk.id)
    centrex.misbehave(delay=1.0)  # longer than the 0.5 s timeout: carried out, answer lost
    with pytest.raises(CentrexError) as lost:
        await centrex_users.click_dial(by=clerk, number="02-999-8888")
    assert lost.value.maybe_delivered
    centrex.behave()
    with pytest.raises(centrex_users.DialAlreadyRequested):
        await centrex_users.click_dial(by=clerk, number="02-999-8888")
    assert centrex.dialled == [{"line": LINE, "destination": "029998888"}]
