"""통화내역 in Chromium at 1024×768 on the demo office: the list filters and a row opens its
customer; 부재중 전화 counts in the menu's badge, 처리 완료 (double-clicked) handles one call once
and the badge goes down; the popup's 최근 수신 전화 marks the missed call; the customer window's
통화·문자 tab lists a call from the number of one of its business cards.

The calls are written into the server's database directly, as the sources would."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_LOGIN, choose, connected, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql]

TABLET = {"width": 1024, "height": 768}


def _customer_id(server, code: str) -> int:
    [(found,)] = server.sql("SELECT id FROM customer WHERE code = ?", code)
    return found


def _add_call(
    server,
    number: str,
    minutes_ago: int,
    *,
    direction: str = "수신",
    outcome: str = "응답",
    customer_id: int | None = None,
    duration: int | None = None,
) -> int:
    when = dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=minutes_ago)
    [(staff_id,)] = server.sql("SELECT id FROM staff WHERE login = ?", ADMIN_LOGIN)
    [(call_id,)] = server.sql(
        "INSERT INTO call_event (created_at, updated_at, source, number, digits, extension, occurred_at,"
        " customer_id, external_id, caller_name, direction, outcome, duration_seconds, staff_id,"
        " handled_memo) VALUES (?, ?, 'centrex', ?, ?, '101', ?, ?, '', '', ?, ?, ?, ?, '') RETURNING id",
        when,
        when,
        number,
        re.sub(r"\D", "", number),
        when,
        customer_id,
        direction,
        outcome,
        duration,
        staff_id if outcome == "응답" else None,
    )
    return call_id


def test_the_call_log_filters_and_a_row_opens_its_customer(demo_server, page):
    haedong = _customer_id(demo_server, "140123-001")
    _add_call(demo_server, "02-808-8016", 30, customer_id=haedong, duration=65)
    _add_call(demo_server, "010-3333-4444", 20, outcome="부재중")
    _add_call(demo_server, "031-555-7230", 10, direction="발신", duration=5)
    page.set_viewport_size(TABLET)
    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/calls")
    connected(page)
    rows = page.get_by_test_id("calls-table").locator("tbody tr")
    expect(rows).to_have_count(3)
    first = [cell.strip() for cell in rows.nth(2).locator("td").all_inner_texts()]
    # 일시, 구분, 결과, 전화번호, 고객, 내선, 직원, 통화시간, 접수
    assert first[1:8] == ["수신", "응답", "02-808-8016", "(주)해동통신", "101", "관리자", "1:05"]

    choose(page, page.get_by_label("결과"), "부재중")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("010-3333-4444")
    choose(page, page.get_by_label("결과"), "전체")
    expect(rows).to_have_count(3)
    text = page.get_by_label("전화번호 또는 고객")
    text.fill("해동")
    text.press("Enter")
    expect(rows).to_have_count(1)
    rows.first.click()
    page.wait_for_url(f"{demo_server.url}/customers/{haedong}")


def test_missed_calls_are_counted_in_the_menu_and_handled_once(demo_server, page):
    _add_call(demo_server, "010-3333-4444", 20, outcome="부재중")
    _add_call(demo_server, "010-5555-6666", 10, outcome="부재중")
    page.set_viewport_size(TABLET)
    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/calls/missed")
    connected(page)
    rows = page.get_by_test_id("missed-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    badge = page.locator(".q-drawer .q-badge")
    expect(badge).to_have_text("2")

    rows.filter(has_text="010-5555-6666").get_by_test_id("missed-handle").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("처리 메모").fill("다시 걸어 통화함")
    dialog.get_by_role("button", name="처리 완료").dblclick()
    expect(page.get_by_text("010-5555-6666을 처리 완료했습니다.")).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("010-3333-4444")
    expect(badge).to_have_text("1")
    page.locator(".q-header").get_by_role("button").first.click()  # the menu folds away below 1100 px
    expect(page.locator(".q-drawer .q-item").filter(has_text="부재중 전화")).to_contain_text("1")
    expect(badge).to_be_visible()
    handled = demo_server.sql(
        "SELECT number, handled_memo, handled_by_id FROM call_event WHERE handled_at IS NOT NULL"
    )
    assert [(number, memo) for number, memo, _ in handled] == [("010-5555-6666", "다시 걸어 통화함")]
    assert handled[0][2] is not None

    page.get_by_role("button", name="최근 수신 전화").click()
    recent = page.get_by_role("dialog")
    expect(recent.locator(".q-item").filter(has_text="010-3333-4444")).to_contain_text("부재중")


def test_the_customer_tab_lists_a_call_from_a_business_cards_number(demo_server, page):
    jaegeun = _customer_id(demo_server, "140213-001")
    _add_call(demo_server, "010-0000-0000", 15, outcome="부재중")  # 홍길동's card at 재근상사
    _add_call(demo_server, "02-999-8888", 5, customer_id=jaegeun, duration=125)
    page.set_viewport_size(TABLET)
    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/customers/{jaegeun}?tab=calls")
    rows = page.get_by_test_id("customer-calls-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("2:05")
    expect(rows.nth(1)).to_contain_text("010-0000-0000")
    expect(rows.nth(1)).to_contain_text("부재중")
