"""설정 → CTI환경설정 and API사용자등록, driven through the real screens."""

import datetime as dt

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from core.settings import reload_settings
from models.telephony import CentrexUser, SmsMessage, SmsStatus
from services import centrex_users
from services import telephony_settings as ts
from services.centrex_client import password_sha512
from services.telephony_settings import Part
from telephony import runtime
from telephony.serial_reader import State
from tests.factories.customers import make_customer
from tests.factories.staff import make_admin
from tests.telephony.centrex_server import CentrexServer
from tests.telephony.devices import modem_block
from tests.utils import eventually, sign_in

LINE = "07012345678"


@pytest.fixture
def centrex():
    server = CentrexServer().start()
    server.add_line(LINE, "centrex-pw", name="김데모", extension="101")
    yield server
    server.stop()


async def registered() -> CentrexUser | None:
    return await CentrexUser.get_or_none(number070=LINE)


def value_of(user: User, marker: str):
    return user.find(marker=marker).elements.pop()


async def test_admin_connects_a_caller_id_modem_and_calls_pop_up(user: User, device):
    await make_customer("재근상사", "02-999-8888")
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/settings/cti")
    await user.should_see(marker="calls-save", retries=50)
    await user.should_see("사용 안 함")
    await user.should_see("출처: 기본값")
    user.find(marker="cti-enabled").click()
    user.find(marker="cti-port").type(str(device.path))
    user.find(marker="cti-save").click()
    await user.should_see("저장했습니다. 새 설정으로 장치에 연결합니다.", retries=50)
    await eventually(lambda: runtime.cti_reader.state == State.CONNECTED)
    await user.should_see("연결됨", retries=50)
    assert "저장된 설정" in value_of(user, "origin-port").text

    device.write(modem_block("029998888"))
    await user.should_see(marker="call-popup-customer", retries=50)
    await user.should_see("마지막 전화:", retries=50)

    device.unplug()
    await user.should_see("재접속 대기", retries=50)
    await user.should_see("마지막 오류", retries=50)
    device.plug_in()
    user.find(marker="cti-reconnect").click()
    await user.should_see(f"CTI 장치({device.path})에 다시 연결했습니다.", retries=50)
    assert runtime.cti_reader.state == State.CONNECTED


async def test_cti_reconnect_in_the_reception_log_menu_reopens_the_port_and_says_how_it_went(
    user: User, device
):
    admin = await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.should_see(marker="reception-log-table", retries=50)

    def reconnect() -> None:
        with user:
            first = next(iter(ElementFilter(marker="log-cti-reconnect", local_scope=False)))
        UserInteraction(user, {first}, None).click()

    reconnect()
    await user.should_see("CTI를 사용하도록 설정되어 있지 않습니다", retries=50)

    await ts.save_cti_settings(
        by=admin,
        version=None,
        enabled=True,
        port=str(device.path),
        baud=9600,
        preset="modem",
        regex="",
        init_commands="ATZ",
    )
    await runtime.apply_settings(Part.CTI)
    await eventually(lambda: runtime.cti_reader.state == State.CONNECTED)
    connected_since = runtime.cti_reader.since
    reconnect()
    await user.should_see(f"CTI 장치({device.path})에 다시 연결했습니다.", retries=50)
    assert runtime.cti_reader.since != connected_since

    device.unplug()
    await eventually(lambda: runtime.cti_reader.state == State.RETRYING)
    reconnect()
    await user.should_see("연결하지 못했습니다: 포트", retries=50)
    await user.should_see("자동으로 계속 다시 시도합니다.")


async def test_regex_settings_are_checked_and_can_be_tried(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/settings/cti")
    await user.should_see(marker="calls-save", retries=50)
    user.find(marker="cti-preset").elements.pop().set_value("regex")
    user.find(marker="cti-regex").type("CID:(\\d+)")
    user.find(marker="cti-save").click()
    regex = value_of(user, "cti-regex")
    await eventually(lambda: "(?P<number>" in regex.props.get("error-message", ""))
    assert regex.value == "CID:(\\d+)"  # kept as typed

    regex.set_value(r"CID:(?P<number>\d+)")
    user.find(marker="cti-sample").type("CID:0212345678")
    user.find(marker="cti-try").click()
    await user.should_see("번호 0212345678")


async def test_values_from_environment_variables_are_shown_as_such(user: User, monkeypatch):
    monkeypatch.setenv("GOGAEK_CTI_BAUD", "1200")
    monkeypatch.setenv("GOGAEK_CENTREX_POLL_SECONDS", "7")
    reload_settings()
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/settings/cti")
    await user.should_see(marker="calls-save", retries=50)
    assert value_of(user, "origin-baud").text == "출처: 환경변수 GOGAEK_CTI_BAUD"
    baud = value_of(user, "cti-baud")
    assert baud.value == 1200 and baud.props.get("readonly")
    await user.open("/settings/centrex")
    await user.should_see(marker="sms-outbox", retries=50)
    assert value_of(user, "origin-poll_seconds").text == "출처: 환경변수 GOGAEK_CENTREX_POLL_SECONDS"
    assert value_of(user, "origin-base_url").text == "출처: 기본값"


async def test_admin_registers_a_centrex_line_checks_it_and_its_calls_pop_up(user: User, centrex):
    await make_customer("재근상사", "02-999-8888")
    await make_admin(login="boss", name="관리자")
    await sign_in(user, "boss")
    await user.open("/settings/centrex")
    await user.should_see(marker="sms-outbox", retries=50)
    value_of(user, "centrex-base-url").set_value(centrex.base_url)
    value_of(user, "centrex-poll").set_value(0.2)
    user.find(marker="centrex-settings-save").click()
    await user.should_see("저장했습니다.", retries=50)

    user.find(marker="centrex-add").click()
    user.find(marker="centrex-number").type("070-1234-5678")
    user.find(marker="centrex-password").type("wrong")
    user.find(marker="centrex-check").click()
    result = value_of(user, "centrex-check-result")
    await eventually(lambda: "인증에 실패했습니다" in result.text)
    user.find(marker="centrex-password").clear().type("centrex-pw")
    user.find(marker="centrex-check").click()
    await eventually(lambda: result.text.startswith("연결됨: 김데모 · 내선 101"))
    user.find(marker="centrex-extension").type("101")
    user.find(marker="centrex-save").click()
    stored = await eventually(lambda: registered())
    assert stored.password_sha512 == password_sha512("centrex-pw")
    table = value_of(user, "centrex-users")
    await eventually(lambda: [r["number070_label"] for r in table.rows] == ["070-1234-5678"])

    await eventually(lambda: CentrexUser.filter(number070=LINE, last_seen_no__not_isnull=True).exists())
    centrex.ring(LINE, "029998888")
    # a poll round, or a retry after a slow one on a busy machine
    await user.should_see(marker="call-popup-customer", retries=600)


async def test_the_ring_callback_address_is_shown_and_registered(user: User, centrex):
    await make_admin(login="boss")
    admin = await make_admin(login="boss2")
    await centrex_users.save_centrex_user(by=admin, number070=LINE, password="centrex-pw")
    await sign_in(user, "boss")
    await user.open("/settings/centrex")
    await user.should_see(marker="sms-outbox", retries=50)
    value_of(user, "centrex-base-url").set_value(centrex.base_url)
    value_of(user, "ring-host").set_value("203.0.113.10")
    user.find(marker="centrex-settings-save").click()
    await user.should_see("저장했습니다.", retries=50)
    secret = runtime.ring_callback.secret
    assert value_of(user, "ring-url").text == f"http://203.0.113.10:8080/centrex/ring/{secret}.html"

    table = value_of(user, "centrex-users")
    table.selected = [table.rows[0]]
    user.find(marker="ring-register").click()
    await user.should_see("수신 알림 주소를 등록했습니다", retries=50)
    [request] = centrex.calls_to("setringcallback")
    assert request.params["callbackurl"] == f"/centrex/ring/{secret}.html"

    response = await user.http_client.get(
        f"/centrex/ring/{secret}.html",
        params={"sender": "0299998888", "receiver": LINE, "kind": "1", "inner_num": ""},
    )
    assert response.status_code == 200
    assert (await user.http_client.get("/centrex/ring/guess.html")).status_code == 404


async def test_sending_an_sms_from_the_outbox_with_a_live_byte_counter(user: User, centrex):
    admin = await make_admin(login="boss")
    await centrex_users.save_centrex_user(by=admin, number070=LINE, password="centrex-pw", staff_id=admin.id)
    await sign_in(user, "boss")
    await user.open("/settings/centrex")
    await user.should_see(marker="sms-outbox", retries=50)
    value_of(user, "centrex-base-url").set_value(centrex.base_url)
    user.find(marker="centrex-settings-save").click()
    await user.should_see("저장했습니다.", retries=50)

    user.find(marker="outbox-send").click()
    await user.should_see(marker="sms-text", retries=50)
    user.find(marker="sms-destination").type("010-222-5555")
    user.find(marker="sms-text").type("가" * 41)
    size = value_of(user, "sms-size")
    await eventually(lambda: size.text == "82 / 720바이트 (장문 LMS)")
    user.find(marker="sms-text").clear().type("방문 일정 안내드립니다.")
    await eventually(lambda: size.text == "23 / 80바이트 (단문 SMS)")
    user.find(marker="sms-send").click()
    await user.should_see("010-222-5555로 SMS를 보냈습니다 (남은 건수 99).", retries=50)
    message = await SmsMessage.get(destination="0102225555")
    assert message.status == SmsStatus.SENT and message.staff_id == admin.id
    assert centrex.sent_sms[0]["text"] == "방문 일정 안내드립니다."


async def test_health_check_reports_telephony_without_secrets(user: User, device):
    admin = await make_admin(login="boss")
    await centrex_users.save_centrex_user(by=admin, number070=LINE, password="centrex-pw")
    report = (await user.http_client.get("/healthz")).json()
    assert report["cti"]["state"] == "disabled"
    assert set(report["centrex"]) >= {"lines", "errors", "detail"}
    text = str(report)
    assert LINE not in text and password_sha512("centrex-pw") not in text
    assert runtime.ring_callback.secret not in text
    assert ui  # the page layer is loaded

    await ts.save_cti_settings(
        by=admin,
        version=None,
        enabled=True,
        port=str(device.path),
        baud=9600,
        preset="modem",
        regex="",
        init_commands="ATZ",
    )
    await runtime.apply_settings(Part.CTI)

    async def cti_health() -> dict:
        return (await user.http_client.get("/healthz")).json()["cti"]

    await eventually(lambda: runtime.cti_reader.state == State.CONNECTED)
    runtime.cti_reader.last_call_at = None  # the process's one reader: forget earlier tests' calls
    assert (await cti_health())["last_call_at"] is None
    before = dt.datetime.now().replace(microsecond=0)
    device.write(modem_block("029998888"))

    async def last_call_at() -> str | None:
        return (await cti_health())["last_call_at"]

    shown = dt.datetime.fromisoformat(await eventually(last_call_at))
    assert before <= shown <= dt.datetime.now()
    assert "029998888" not in str(await cti_health())  # the time of the call, not who called


async def test_closing_the_sms_dialog_with_a_typed_message_asks_in_its_own_words(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/settings/centrex")
    await user.should_see(marker="sms-outbox", retries=50)
    question = "작성 중인 문자를 보내지 않고 닫을까요?"

    user.find(marker="outbox-send").click()  # a number alone is no message: closes at once
    await user.should_see(marker="sms-text", retries=50)
    user.find(marker="sms-destination").type("010-222-5555")
    user.find(marker="sms-close").click()
    await user.should_not_see(marker="sms-text", retries=50)

    user.find(marker="outbox-send").click()
    await user.should_see(marker="sms-text", retries=50)
    user.find(marker="sms-text").type("방문 일정 안내드립니다.")
    user.find(marker="sms-close").click()
    await user.should_see(question, retries=50)
    user.find("confirm-no").click()
    await user.should_not_see(question, retries=50)
    assert value_of(user, "sms-text").value == "방문 일정 안내드립니다."  # kept
    user.find(marker="sms-close").click()
    await user.should_see(question, retries=50)
    user.find("confirm-yes").click()
    await user.should_not_see(marker="sms-text", retries=50)
    assert not await SmsMessage.exists()
