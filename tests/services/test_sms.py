"""문자보내기 through Centrex smssend, against a local server speaking the Centrex protocol."""

import asyncio

import pytest

from core.errors import GogaekError, ValidationError
from models.telephony import SmsMessage, SmsStatus
from services import centrex_users, sms
from tests.factories.customers import make_customer
from tests.factories.staff import make_admin, make_staff
from tests.factories.telephony import use_centrex_at
from tests.telephony.centrex_server import CentrexServer

LINE = "07012345678"


@pytest.fixture
def centrex():
    server = CentrexServer().start()
    server.add_line(LINE, "pw", sms_quota=10)
    yield server
    server.stop()


@pytest.fixture
async def clerk(db, centrex):
    admin = await make_admin()
    await use_centrex_at(centrex.base_url, by=admin, timeout_seconds=0.5)
    clerk = await make_staff(name="김데모")
    await centrex_users.save_centrex_user(by=admin, number070=LINE, password="pw", staff_id=clerk.id)
    return clerk


def test_bytes_are_counted_like_the_carrier_counts_them():
    assert sms.measure("안녕하세요 A/S 접수되었습니다").bytes == 2 * 12 + 5
    assert sms.measure("가" * 40).kind == "SMS"
    assert sms.measure("가" * 41).kind == "LMS"
    assert sms.measure("가" * 360).kind == "LMS"
    assert sms.measure("가" * 361).kind == ""
    assert sms.measure("똠방각하").bytes == 8  # beyond EUC-KR's 2,350 syllables, still 2 bytes
    assert sms.measure("확인 😀").unsendable == "😀"
    assert sms.measure("가" * 41).label == "82 / 720바이트 (장문 LMS)"
    assert sms.measure("가" * 361).label == "722 / 720바이트 (너무 깁니다)"


async def test_a_message_is_sent_and_kept_with_the_remaining_quota(clerk, centrex):
    customer = await make_customer("재근상사", "02-999-8888", mobile="010-222-5555")
    message = await sms.send_sms(
        by=clerk, destination="010-222-5555", text="방문 일정 안내드립니다.", customer_id=customer.id
    )
    assert (message.status, message.kind, message.remaining) == (SmsStatus.SENT, "SMS", 9)
    assert centrex.sent_sms == [
        {"line": LINE, "destination": "0102225555", "text": "방문 일정 안내드립니다."}
    ]
    stored = await SmsMessage.get(id=message.id)
    assert (stored.staff_id, stored.customer_id, stored.result_code) == (clerk.id, customer.id, "0000")
    assert sms.describe(stored) == "010-222-5555로 SMS를 보냈습니다 (남은 건수 9)."
    assert await sms.last_remaining() == 9
    rows, total = await sms.outbox_page(offset=0, limit=10)
    assert total == 1 and rows[0]["staff__name"] == "김데모"

    long = await sms.send_sms(by=clerk, destination="01022225555", text="가" * 100)
    assert (long.kind, long.status) == ("LMS", SmsStatus.SENT)


async def test_too_long_and_no_quota_are_failures_with_their_meaning(clerk, centrex):
    centrex.misbehave(code="3002")
    too_long = await sms.send_sms(by=clerk, destination="01022225555", text="안내")
    assert (too_long.status, too_long.result_code) == (SmsStatus.FAILED, "3002")
    assert "너무 깁니다" in too_long.result_message
    centrex.behave()
    centrex.lines[LINE].sms_quota = 0
    no_quota = await sms.send_sms(by=clerk, destination="01022225555", text="안내")
    assert (no_quota.status, no_quota.result_code) == (SmsStatus.FAILED, "3004")
    assert "남은 문자 건수가 없습니다" in sms.describe(no_quota)
    assert await SmsMessage.all().count() == 2


async def test_a_lost_response_is_unknown_and_never_sent_again(clerk, centrex):
    centrex.misbehave(delay=1.5)  # the service sends it, but the answer comes too late
    message = await sms.send_sms(by=clerk, destination="01022225555", text="결제 안내")
    assert message.status == SmsStatus.UNKNOWN
    assert "자동으로 다시 보내지 않습니다" in message.result_message
    await asyncio.sleep(2)
    assert len(centrex.calls_to("smssend")) == 1
    assert len(centrex.sent_sms) == 1
    assert (await SmsMessage.get(id=message.id)).status == SmsStatus.UNKNOWN


async def test_an_unreachable_service_is_a_plain_failure(clerk):
    await use_centrex_at("http://127.0.0.1:9/RestApi", by=await make_admin(), timeout_seconds=0.5)
    message = await sms.send_sms(by=clerk, destination="01022225555", text="안내")
    assert message.status == SmsStatus.FAILED and "연결할 수 없습니다" in message.result_message


async def test_bad_input_sends_nothing(clerk, centrex):
    with pytest.raises(ValidationError) as caught:
        await sms.send_sms(by=clerk, destination="02-999-8888", text="   ")
    assert set(caught.value.fields) == {"destination", "text"}
    with pytest.raises(ValidationError, match="보낼 수 없는 글자"):
        await sms.send_sms(by=clerk, destination="01022225555", text="좋아요 👍")
    with pytest.raises(ValidationError, match="너무 깁니다"):
        await sms.send_sms(by=clerk, destination="01022225555", text="가" * 361)
    assert centrex.requests == [] and await SmsMessage.all().count() == 0


async def test_without_any_line_the_user_is_told_who_can_fix_it(db):
    clerk = await make_staff()
    with pytest.raises(GogaekError, match="API사용자등록"):
        await sms.send_sms(by=clerk, destination="01022225555", text="안내")


async def test_staff_without_their_own_line_send_from_the_office_line(clerk, centrex):
    other = await make_staff()
    message = await sms.send_sms(by=other, destination="01022225555", text="안내")
    assert message.status == SmsStatus.SENT and centrex.sent_sms[0]["line"] == LINE


async def test_one_form_token_is_one_message_and_one_smssend_request(clerk, centrex):
    token = "sms-gesture-1"
    first = await sms.send_sms(by=clerk, destination="010-222-5555", text="한 번", form_token=token)
    again = await sms.send_sms(by=clerk, destination="010-222-5555", text="한 번", form_token=token)
    assert again.id == first.id and again.status == SmsStatus.SENT
    assert len(centrex.calls_to("smssend")) == 1

    # the same gesture arriving twice at once (a retry while the first is still in flight)
    centrex.misbehave(delay=0.3)
    both = await asyncio.gather(
        *(
            sms.send_sms(by=clerk, destination="010-222-5555", text="동시에", form_token="sms-gesture-2")
            for _ in range(2)
        )
    )
    centrex.behave()
    assert both[0].id == both[1].id
    assert len(centrex.calls_to("smssend")) == 2
    assert await SmsMessage.filter(text="동시에").count() == 1
    assert (await SmsMessage.get(id=both[0].id)).status == SmsStatus.SENT
