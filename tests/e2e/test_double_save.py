"""The double-click sweep: on every "new record" form, 저장 double-clicked (and Enter in a field
followed by a click) makes exactly one row in the database file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, choose, connected, sign_in, start_server, stop_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("double-save") / "e2e-data", seed_demo=True)
    yield running
    stop_server(running)


@pytest.fixture
def signed_in(office: Server, page: Page) -> Page:
    sign_in(page, office.url)
    return page


def _count(server: Server, sql: str, *args) -> int:
    with sqlite3.connect(Path(server.data_dir) / "gogaek.sqlite3") as connection:
        return connection.execute(sql, args).fetchone()[0]


def _one(server: Server, sql: str, *args):
    with sqlite3.connect(Path(server.data_dir) / "gogaek.sqlite3") as connection:
        return connection.execute(sql, args).fetchone()[0]


SAVED_WITHIN_MS = 30_000  # a loaded two-core machine; the wait ends as soon as it shows


def _saved(page: Page, form: str) -> None:
    """The form says it saved (a new customer opens as itself, with a flash that may be gone)."""
    if form == "customer":
        expect(page.get_by_text("고객정보 (더블클릭상사)")).to_be_visible(timeout=SAVED_WITHIN_MS)
    else:
        expect(page.get_by_text("저장했습니다").first).to_be_visible(timeout=SAVED_WITHIN_MS)


def _settled(page: Page) -> None:
    """Every gesture sent before has been handled: a reload is answered after them."""
    page.reload()
    connected(page)


def _open(page: Page, url: str) -> None:
    """Go to a screen and wait for its live connection: a click that lands before it is lost (the
    reception form then never opened under a loaded CI run)."""
    page.goto(url)
    connected(page)


def _double_save(page: Page, save, field, gesture: str) -> None:
    """The two gestures, sent before the server can answer the first one."""
    if gesture == "dblclick":
        save.dblclick()
        return
    box = save.bounding_box()
    assert box is not None
    field.press("Enter")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _partner_id(server: Server) -> int:
    return _one(server, "SELECT partner_id FROM customer WHERE code = '140213-001'")


def _customer_id(server: Server) -> int:
    return _one(server, "SELECT id FROM customer WHERE code = '140213-001'")


def _dialog_save(page: Page):
    return page.get_by_role("dialog").get_by_role("button", name="저장", exact=True)


# Every "new record" form: how to open and fill it (returns its 저장 and a field where Enter
# saves, or None), what it says once saved, and how to count what it made.
def _customer_form(page: Page, server: Server):
    _open(page, f"{server.url}/customers/new")
    page.get_by_label("법인상호").fill("더블클릭상사")
    return page.get_by_role("button", name="저장", exact=True), None


def _reception_form(page: Page, server: Server):
    _open(page, server.url)
    page.get_by_test_id("log-add").click()
    page.get_by_role("dialog").get_by_label("접수내용 (고객 문의)").fill("더블클릭 접수")
    return _dialog_save(page), None


def _card_form(page: Page, server: Server):
    _open(page, f"{server.url}/customers/{_customer_id(server)}?tab=cards")
    page.get_by_role("button", name="추가[F5]").click()
    page.get_by_role("dialog").get_by_label("이름", exact=True).fill("더블클릭")
    return _dialog_save(page), None


def _choose_first(page: Page, label: str) -> None:
    choose(page, page.get_by_role("dialog").get_by_label(label))


def _product_form(page: Page, server: Server):
    _open(page, f"{server.url}/customers/{_customer_id(server)}?tab=products")
    page.get_by_role("button", name="추가[F5]").click()
    _choose_first(page, "관리품목 *")
    return _dialog_save(page), None


def _contract_form(page: Page, server: Server):
    _open(page, f"{server.url}/customers/{_customer_id(server)}?tab=maintenance")
    page.get_by_role("button", name="추가[F5]").click()
    _choose_first(page, "제품군 (제품관리 등록 제품)")
    return _dialog_save(page), None


def _visit_form(page: Page, server: Server):
    _open(page, f"{server.url}/customers/{_customer_id(server)}?tab=visits")
    page.get_by_role("button", name="추가[F5]").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("방문일자 *").fill("2026-03-06")
    dialog.get_by_label("방문목적").fill("더블클릭 방문")
    return _dialog_save(page), None


def _item_form(page: Page, server: Server):
    _open(page, f"{server.url}/codes/items")
    page.get_by_role("button", name="추가[F5]").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("품번 *").fill("DBL-1")
    name = dialog.get_by_label("품명 *")
    name.fill("더블클릭 품목")
    return _dialog_save(page), None


def _template_form(page: Page, server: Server):
    _open(page, f"{server.url}/codes/html")  # opens on the first template: 추가 starts a new one
    page.get_by_role("button", name="추가").click()
    name = page.get_by_label("문서 이름 *")
    expect(name).to_have_value("")
    expect(name).to_be_focused()  # the server has made the form new
    name.fill("더블클릭양식")
    page.get_by_role("button", name="기본양식 불러오기").click()
    expect(page.get_by_text("기본 상담일지 양식을 불러왔습니다")).to_be_visible()
    return page.get_by_role("button", name="저장", exact=True), None


def _quote_form(page: Page, server: Server):
    _open(page, f"{server.url}/quotes/new?customer={_customer_id(server)}")
    page.get_by_label("견적제목").fill("더블클릭 견적")
    return page.get_by_role("button", name="저장", exact=True), None


def _order_form(page: Page, server: Server):
    _open(page, f"{server.url}/ledger/{_partner_id(server)}")
    page.get_by_role("button", name="주문등록").click()
    page.get_by_role("button", name="텍스트줄 추가").click()
    page.locator('[data-cell="line-0-name"]').locator("xpath=descendant-or-self::input").first.fill(
        "더블클릭 주문"
    )
    return _dialog_save(page), None


def _receipt_form(page: Page, server: Server):
    _open(page, f"{server.url}/ledger/{_partner_id(server)}")
    page.get_by_role("button", name="수금입력[F5]").click()
    amount = page.get_by_role("dialog").get_by_label("금액 *")
    amount.fill("5,500,000")
    return _dialog_save(page), amount


def _staff_form(page: Page, server: Server):
    _open(page, f"{server.url}/settings/users")
    page.get_by_role("button", name="추가", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("아이디").fill("dblclick")
    dialog.get_by_label("이름", exact=True).fill("더블클릭직원")
    dialog.get_by_label("초기 비밀번호 (8자 이상)").fill("Dbl-click-pass-9")
    return _dialog_save(page), None


def _centrex_line_form(page: Page, server: Server):
    _open(page, f"{server.url}/settings/centrex")
    page.get_by_role("button", name="추가[F5]").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("070 번호").fill("070-5555-1234")
    dialog.get_by_label("비밀번호", exact=True).fill("centrex-pw")
    return _dialog_save(page), None


FORMS = {
    "customer": (_customer_form, "SELECT count(*) FROM customer WHERE company_name = '더블클릭상사'"),
    "reception": (_reception_form, "SELECT count(*) FROM reception WHERE inquiry = '더블클릭 접수'"),
    "card": (_card_form, "SELECT count(*) FROM business_card WHERE name = '더블클릭'"),
    "product": (_product_form, "SELECT count(*) FROM customer_product"),
    "contract": (_contract_form, "SELECT count(*) FROM maintenance_contract"),
    "visit": (_visit_form, "SELECT count(*) FROM visit_report WHERE purpose = '더블클릭 방문'"),
    "item": (_item_form, "SELECT count(*) FROM item WHERE code = 'DBL-1'"),
    "html_template": (_template_form, "SELECT count(*) FROM html_template WHERE name = '더블클릭양식'"),
    "quote": (_quote_form, "SELECT count(*) FROM quote WHERE title = '더블클릭 견적'"),
    "order": (_order_form, "SELECT count(*) FROM sales_order"),
    "receipt": (_receipt_form, "SELECT count(*) FROM receipt"),
    "staff": (_staff_form, "SELECT count(*) FROM staff WHERE login = 'dblclick'"),
    "centrex_line": (_centrex_line_form, "SELECT count(*) FROM centrex_user WHERE number070 = '07055551234'"),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_double_clicked_save_makes_one_record(office, signed_in, form):
    page = signed_in
    open_form, count = FORMS[form]
    before = _count(office, count)
    save, _ = open_form(page, office)
    save.dblclick()
    _saved(page, form)
    _settled(page)
    assert _count(office, count) == before + 1


@pytest.mark.parametrize("form", ["receipt"])  # 기초정보등록's grid: tests/e2e/test_codes.py
def test_enter_and_a_click_together_make_one_record(office, signed_in, form):
    page = signed_in
    open_form, count = FORMS[form]
    before = _count(office, count)
    save, field = open_form(page, office)
    _double_save(page, save, field, "enter+click")
    _saved(page, form)
    _settled(page)
    assert _count(office, count) == before + 1


# Size limits: a paste over a field's limit is refused at the field with the text kept; a value the
# server never received cannot end in 저장했습니다.


def _paste(page: Page, field, text: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("(text) => navigator.clipboard.writeText(text)", text)
    field.click()
    field.press("End")
    field.press("Control+V")


def test_a_paste_over_the_limit_is_refused_with_the_text_kept(office, signed_in):
    page = signed_in
    before = _count(office, "SELECT count(*) FROM receipt")
    _receipt_form(page, office)
    memo = page.get_by_role("dialog").get_by_label("적요")
    memo.fill("계좌입금")
    _paste(page, memo, "가" * 252)  # 4 + 252 = 256 > 255
    expect(page.get_by_text("붙여넣지 않았습니다: 255자까지")).to_be_visible()
    expect(memo).to_have_value("계좌입금")
    _paste(page, memo, "가" * 251)  # exactly 255 is fine
    expect(memo).to_have_value("계좌입금" + "가" * 251)
    _dialog_save(page).click()
    expect(page.get_by_text("수금을 저장했습니다.")).to_be_visible()
    _settled(page)
    assert _count(office, "SELECT count(*) FROM receipt") == before + 1
    assert _one(office, "SELECT memo FROM receipt ORDER BY id DESC LIMIT 1") == "계좌입금" + "가" * 251


def test_a_two_megabyte_paste_is_refused_and_the_form_keeps_working(office, signed_in):
    page = signed_in
    _open(page, office.url)
    page.get_by_test_id("log-add").click()
    inquiry = page.get_by_role("dialog").get_by_label("접수내용 (고객 문의)")
    inquiry.fill("프린터 안 됨")
    _paste(page, inquiry, "로그" * 1_000_000)
    expect(page.get_by_text("붙여넣지 않았습니다: 20,000자까지")).to_be_visible()
    expect(inquiry).to_have_value("프린터 안 됨")
    inquiry.press("End")
    inquiry.type(" - 재부팅 후에도")
    _dialog_save(page).click()
    expect(page.get_by_text("저장했습니다.").first).to_be_visible()
    _settled(page)
    assert (
        _count(office, "SELECT count(*) FROM reception WHERE inquiry = '프린터 안 됨 - 재부팅 후에도'") == 1
    )


DROP_FIELD_MESSAGES = """(input) => {
  const id = Number(input.closest('[id^="c"]').id.slice(1));
  const send = window.socket.emit.bind(window.socket);
  window.socket.emit = (name, message, ...rest) =>
    name === "event" && message && message.id === id ? undefined : send(name, message, ...rest);
}"""


def test_a_value_the_server_never_received_is_not_reported_saved(office, signed_in):
    page = signed_in
    before = _count(office, "SELECT count(*) FROM receipt")
    _receipt_form(page, office)
    memo = page.get_by_role("dialog").get_by_label("적요")
    memo.fill("계좌입금")
    # what a dropped websocket message leaves behind: the browser shows text the server never got
    # (this field's messages are lost on the way from here on; the page itself keeps what is typed)
    memo.evaluate(DROP_FIELD_MESSAGES)
    memo.press_sequentially(" (서버에 안 간 글)")
    expect(memo).to_have_value("계좌입금 (서버에 안 간 글)")
    _dialog_save(page).click()
    expect(page.get_by_text("서버에 다 전달되지 않아 저장하지 않았습니다")).to_be_visible()
    expect(page.get_by_text("수금을 저장했습니다.")).to_have_count(0)
    _settled(page)
    assert _count(office, "SELECT count(*) FROM receipt") == before
