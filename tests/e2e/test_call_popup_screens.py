"""End-to-end: the call popup is usable on the screens a receptionist works on. A caller-ID block
written to a real pty pops the card; the element at the centre of its 접수작성 button is that
button (nothing paints over it), and a real pointer click opens the reception form with the
caller's customer. The same holds for 최근 수신 전화 and for a call that arrives while a reception
form is being typed in (the form keeps its focus and its text).

One server for the module (the demo office); every case rings a different demo customer so the
same-number window never merges two cases."""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import PATIENCE_MS, Server, choose, connected, sign_in, start_server, stop_server
from tests.telephony.centrex_server import CentrexServer
from tests.telephony.devices import FakeSerialDevice, modem_block

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql]

SMALL = {"width": 1024, "height": 768}
LARGE = {"width": 1366, "height": 900}


CENTREX_LINE, CENTREX_PASSWORD = "07012345678", "centrex-pw-1"


@pytest.fixture(scope="module")
def centrex() -> Iterator[CentrexServer]:
    server = CentrexServer().start()
    server.add_line(CENTREX_LINE, CENTREX_PASSWORD)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def office(tmp_path_factory, centrex) -> Iterator[tuple[Server, FakeSerialDevice]]:
    directory = tmp_path_factory.mktemp("popup-screens")
    device = FakeSerialDevice(directory)
    running = start_server(
        directory / "e2e-data",
        extra_env={
            "GOGAEK_CTI_PORT": str(device.path),
            "GOGAEK_CTI_BAUD": "9600",
            "GOGAEK_CENTREX_BASE_URL": centrex.base_url,
        },
        seed_demo=True,
    )
    try:
        deadline = time.monotonic() + 15
        while httpx.get(f"{running.url}/healthz").json()["cti"]["state"] != "connected":
            assert time.monotonic() < deadline, "the CTI reader did not connect"
            time.sleep(0.1)
        yield running, device
    finally:
        stop_server(running)
        device.close()


def customer_id(server: Server, name: str) -> int:
    [(found,)] = server.sql("SELECT id FROM customer WHERE company_name = ?", name)
    return found


def screen(browser, server: Server, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)
    sign_in(page, server.url)
    return page


def assert_on_top(page: Page, target: Locator) -> None:
    """The element a pointer at the target's centre would hit is the target or inside it."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    hit = target.evaluate(
        "(el, [x, y]) => { const hit = document.elementFromPoint(x, y);"
        " return el.contains(hit) ? '' : (hit ? hit.outerHTML.slice(0, 200) : 'nothing'); }",
        [x, y],
    )
    assert hit == "", f"something covers it at ({x:.0f}, {y:.0f}): {hit}"


def popup_card(page: Page, number: str) -> Locator:
    return page.locator(".q-page-sticky .q-card", has_text=number)


def reception_form_for(page: Page, customer: str) -> Locator:
    form = page.get_by_role("dialog").filter(has_text="AS접수내용 작성").last
    expect(form.get_by_label("고객", exact=True)).to_have_value(f"{customer} ({CODES[customer]})")
    return form


def close_form(page: Page, form: Locator) -> None:
    """닫기 on a form nobody typed in closes it at once (no question)."""
    forms = page.get_by_role("dialog").filter(has_text="AS접수내용 작성")
    before = forms.count()
    form.get_by_role("button", name="닫기", exact=True).click()
    asked = page.get_by_role("dialog").filter(has_text="저장하지 않은 내용이 있습니다")
    try:
        expect(forms).to_have_count(before - 1)
    except AssertionError:
        raise AssertionError(
            f"the form stayed open after 닫기; asked about unsaved input: {asked.count() > 0}"
        ) from None


def act_on_popup_and_recent_calls(page: Page, number: str, shown: str, customer: str, device) -> None:
    device.write(modem_block(number))
    card = popup_card(page, shown)
    expect(card.get_by_text(customer)).to_be_visible()
    write = card.get_by_role("button", name="접수작성")
    assert_on_top(page, write)
    write.click()
    close_form(page, reception_form_for(page, customer))

    card.get_by_role("button", name="전화 알림 닫기").click()
    expect(card).to_have_count(0)
    recent = page.get_by_role("button", name="최근 수신 전화")
    assert_on_top(page, recent)
    recent.click()
    calls = page.get_by_role("dialog").filter(has_text="최근 수신 전화")
    calls.locator(".q-item", has_text=shown).first.click()
    card = popup_card(page, shown)
    expect(card.get_by_text(customer)).to_be_visible()
    write = card.get_by_role("button", name="접수작성")
    assert_on_top(page, write)
    write.click()
    close_form(page, reception_form_for(page, customer))


CODES = {
    "재근상사": "140213-001",
    "(주)해동통신": "140123-001",
    "(주)A상호": "150701-001",
    "제이원제이원": "150702-001",
}

# (screen, viewport, number rung, as shown, the caller's customer); every number is a demo customer's
CASES = [
    ("/", SMALL, "029998888", "02-999-8888", "재근상사"),
    ("/", LARGE, "028088016", "02-808-8016", "(주)해동통신"),
    ("customer", SMALL, "021234567", "02-123-4567", "(주)A상호"),
    ("customer", LARGE, "023335555", "02-333-5555", "제이원제이원"),
    ("/cards", LARGE, "0102225555", "010-222-5555", "재근상사"),
    ("/settings/cti", LARGE, "01098765432", "010-9876-5432", "(주)해동통신"),
]


@pytest.mark.parametrize(
    ("where", "viewport", "number", "shown", "customer"),
    CASES,
    ids=[f"{where}-{viewport['width']}" for where, viewport, *_ in CASES],
)
def test_the_popup_and_recent_calls_are_on_top_and_clickable(
    office, browser, where, viewport, number, shown, customer
):
    server, device = office
    page = screen(browser, server, viewport)
    try:
        path = f"/customers/{customer_id(server, customer)}" if where == "customer" else where
        page.goto(server.url + path)
        connected(page)
        act_on_popup_and_recent_calls(page, number, shown, customer, device)
        page.screenshot(
            path=server.data_dir / f"popup-{where.strip('/').replace('/', '-')}-{viewport['width']}.png"
        )
    finally:
        page.context.close()


def test_a_call_during_a_reception_form_shows_above_it_without_taking_its_input(office, browser):
    server, device = office
    page = screen(browser, server, LARGE)
    try:
        page.goto(f"{server.url}/customers/{customer_id(server, '(주)A상호')}")
        page.get_by_role("button", name="접수 추가").click()
        typing = reception_form_for(page, "(주)A상호")
        inquiry = typing.get_by_label("접수내용 (고객 문의)")
        inquiry.click()
        page.keyboard.type("복합기 토너 교체 요청")

        device.write(modem_block("0109876543"))  # 제이원제이원's mobile
        card = popup_card(page, "010-987-6543")
        expect(card.get_by_text("제이원제이원")).to_be_visible()
        page.keyboard.type(" (오늘 중)")  # the call took no focus: typing goes on in the form
        expect(inquiry).to_have_value("복합기 토너 교체 요청 (오늘 중)")

        write = card.get_by_role("button", name="접수작성")
        assert_on_top(page, write)
        write.click()
        second = reception_form_for(page, "제이원제이원")
        close_form(page, second)
        expect(typing).to_be_visible()
        expect(inquiry).to_have_value("복합기 토너 교체 요청 (오늘 중)")

        with page.context.expect_page() as opened:  # leaving would lose the form: a new tab
            card.get_by_role("button", name="고객정보").click()
        expect(opened.value).to_have_url(f"{server.url}/customers/{customer_id(server, '제이원제이원')}")
        expect(typing).to_be_visible()
        expect(inquiry).to_have_value("복합기 토너 교체 요청 (오늘 중)")
        page.screenshot(path=Path(server.data_dir) / "popup-over-reception-form.png")
    finally:
        page.context.close()


def test_withheld_calls_20_seconds_apart_are_two_cards_and_two_records(office, browser):
    server, device = office
    page = screen(browser, server, LARGE)
    try:
        page.goto(f"{server.url}/cards")
        device.write(modem_block("P"))
        withheld = page.locator(".q-page-sticky .q-card", has_text="발신번호 표시 제한")
        expect(withheld).to_have_count(1)
        time.sleep(20)  # the next withheld call, well inside the same-number window
        device.write(modem_block("P"))
        expect(withheld).to_have_count(2)
        expect(withheld.get_by_text("미등록 번호")).to_have_count(0)
        expect(withheld.get_by_role("button", name="번호연결")).to_have_count(0)
        [(records,)] = server.sql("SELECT count(*) FROM call_event WHERE number = '발신번호 표시 제한'")
        assert records == 2
    finally:
        page.context.close()


def test_a_triple_click_on_dial_sends_one_request(office, centrex, browser):
    server, device = office
    page = screen(browser, server, LARGE)
    try:
        _register_line(page, server)
        page.goto(f"{server.url}/cards")
        device.write(modem_block("023335555"))  # 제이원제이원
        card = popup_card(page, "02-333-5555")
        dial = card.get_by_role("button", name="02-333-5555 전화걸기")
        assert_on_top(page, dial)
        centrex.misbehave(delay=1.0)  # the answer takes a while: the button is busy meanwhile
        dial.click(click_count=3)
        expect(dial.locator(".q-spinner")).to_be_visible()
        expect(page.get_by_text("내 전화기가 울리면 받으세요. 02-333-5555로 연결합니다.")).to_be_visible()
        expect(dial.locator(".q-spinner")).to_have_count(0)
        centrex.behave()
        page.wait_for_timeout(1000)  # any click still on its way has arrived by now
        assert centrex.dialled == [{"line": CENTREX_LINE, "destination": "023335555"}]
        dialled = server.sql("SELECT source, direction, digits FROM call_event WHERE direction = '발신'")
        assert dialled == [("dial", "발신", "023335555")]  # 전화걸기 is logged as one 발신 call
    finally:
        page.context.close()


def tiny_png() -> bytes:
    row = b"\x00" + b"\xff\x00\x00" * 4
    raw = zlib.compress(row * 4)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def test_linking_a_number_and_registering_a_map_show_at_once(office, browser, tmp_path):
    server, device = office
    page = screen(browser, server, LARGE)
    try:
        page.goto(f"{server.url}/")
        device.write(modem_block("0315550000"))
        card = popup_card(page, "031-555-0000")
        expect(card.get_by_text("미등록 번호")).to_be_visible()
        card.get_by_role("button", name="번호연결").click()
        linker = page.get_by_role("dialog").filter(has_text="번호연결: 031-555-0000")
        linker.get_by_label("법인상호 · 초성 · 고객코드 · 전화번호").fill("재근상사")  # found as typed
        linker.get_by_role("cell", name="재근상사", exact=True).click()
        linker.get_by_role("button", name="선택", exact=True).click()
        expect(page.get_by_text("031-555-0000을 재근상사에 연결했습니다.", exact=False)).to_be_visible()
        expect(card.get_by_text("재근상사")).to_be_visible()  # the card, without a reload
        expect(card.get_by_text("미등록 번호")).to_have_count(0)

        page.goto(f"{server.url}/customers/{customer_id(server, '제이원제이원')}")
        page.get_by_role("button", name="약도등록").click()
        image = tmp_path / "map.png"
        image.write_bytes(tiny_png())
        page.get_by_role("dialog").filter(has_text="약도등록").locator("input[type=file]").set_input_files(
            image
        )
        expect(page.get_by_text("약도를 등록했습니다.")).to_be_visible()
        expect(
            page.locator("img[src*='customer-maps']").first
        ).to_be_visible()  # the thumbnail, without a reload
        assert "RuntimeError" not in (server.data_dir / "server.log").read_text()
    finally:
        page.context.close()


def test_a_centrex_line_failing_authentication_is_shown_on_every_screen(office, browser):
    """Last in the module: the failing line stays registered."""
    server, _ = office
    page = screen(browser, server, LARGE)
    try:
        page.goto(f"{server.url}/settings/centrex")
        page.get_by_role("button", name="추가[F5]").click()
        editor = page.get_by_role("dialog").filter(has_text="API 사용자 추가")
        editor.get_by_label("070 번호").fill("07099998888")  # unknown to the service: 1003
        editor.get_by_label("비밀번호").first.fill("wrong-password")
        editor.get_by_role("button", name="저장").click()
        expect(editor).to_have_count(0)

        page.goto(f"{server.url}/cards")
        banner = page.get_by_text("센트릭스 수신 내역을 못 읽고 있습니다")
        expect(banner).to_be_visible(timeout=60000)
        expect(banner).to_contain_text("인증")
        assert_on_top(page, banner)
        expect(page.get_by_label("전화 연결 문제")).to_be_visible()
        page.screenshot(path=server.data_dir / "telephony-banner.png")
    finally:
        page.context.close()


def _register_line(page, server: Server) -> None:
    """The admin's own 070 line (API사용자등록), once per module."""
    if server.sql("SELECT 1 FROM centrex_user WHERE number070 = ?", CENTREX_LINE):
        return
    page.goto(f"{server.url}/settings/centrex")
    page.get_by_role("button", name="추가[F5]").click()
    editor = page.get_by_role("dialog").filter(has_text="API 사용자 추가")
    editor.get_by_label("070 번호").fill(CENTREX_LINE)
    editor.get_by_label("비밀번호").first.fill(CENTREX_PASSWORD)
    choose(page, editor.get_by_label("사원"), "관리자")
    editor.get_by_role("button", name="저장").click()
    expect(editor).to_have_count(0)


def test_a_missed_centrex_call_waits_in_missed_calls_until_called_back(office, centrex, browser):
    """The line's call history says nobody answered: the call is on 부재중 전화 with the menu's
    badge; 전화걸기 from its row calls back through Centrex, logs a 발신 call and takes it off.
    (At 1366 px: the menu with its badge is open beside the screen.)"""
    server, _ = office
    page = screen(browser, server, LARGE)
    try:
        _register_line(page, server)
        page.goto(f"{server.url}/calls/missed")
        connected(page)
        centrex.ring(CENTREX_LINE, "0314447777", status="NO ANSWER", duration=20)
        card = popup_card(page, "031-444-7777")  # it rang: the popup, dismissed as nobody answered
        card.get_by_role("button", name="전화 알림 닫기").click()
        expect(card).to_have_count(0)
        row = page.get_by_test_id("missed-table").locator("tbody tr", has_text="031-444-7777")
        for _ in range(30):  # the poller reads the line every few seconds, then the call history
            page.get_by_role("button", name="새로고침").click()
            if row.count():
                break
            page.wait_for_timeout(1000)
        expect(row).to_have_count(1)
        badge = page.get_by_test_id("missed-badge")
        expect(badge).to_have_text("1")

        dial = row.get_by_test_id("missed-dial")
        assert_on_top(page, dial)
        dial.click()
        expect(page.get_by_text("내 전화기가 울리면 받으세요. 031-444-7777로 연결합니다.")).to_be_visible()
        expect(row).to_have_count(0)
        expect(badge).to_be_hidden()
        assert {"line": CENTREX_LINE, "destination": "0314447777"} in centrex.dialled
        handled = server.sql(
            "SELECT outcome, handled_memo, handled_by_id IS NOT NULL FROM call_event"
            " WHERE digits = '0314447777' AND direction = '수신'"
        )
        dialled = server.sql(
            "SELECT source FROM call_event WHERE digits = '0314447777' AND direction = '발신'"
        )
        assert handled == [("부재중", "전화 회신", 1)] and dialled == [("dial",)]
    finally:
        page.context.close()
