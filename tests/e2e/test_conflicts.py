"""Money first: two people edit the same receipt in the ledger; the one who saves second is told
which field differs and saves their amount on top of the latest version (nothing typed is lost)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PATIENCE_MS, Server, connected, sign_in, start_server, stop_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("conflicts") / "e2e-data", seed_demo=True)
    yield running
    stop_server(running)


@pytest.fixture
def other_page(browser: Browser) -> Iterator[Page]:
    """A second person: a browser context of its own, so a session of its own."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)
    yield page
    context.close()


def _row(server: Server, sql: str, *args) -> tuple:
    with sqlite3.connect(Path(server.data_dir) / "gogaek.sqlite3") as connection:
        return connection.execute(sql, args).fetchone()


def _open_receipt(page: Page, url: str, amount: str):
    """The ledger, the receipt of `amount` double-clicked: its 수금 수정 dialog's amount field."""
    page.goto(url)
    connected(page)
    page.locator("tr", has_text=amount).first.dblclick()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("수금 수정")).to_be_visible()
    field = dialog.get_by_label("금액 *")
    expect(field).to_have_value(amount)
    return field


def test_a_receipt_saved_first_by_someone_else_is_saved_with_my_amount_on_top(office, page, other_page):
    (partner_id,) = _row(office, "SELECT partner_id FROM customer WHERE code = '140213-001'")
    ledger = f"{office.url}/ledger/{partner_id}"
    sign_in(page, office.url)
    sign_in(other_page, office.url)

    page.goto(ledger)
    page.get_by_role("button", name="수금입력[F5]").click()
    page.get_by_role("dialog").get_by_label("금액 *").fill("1,234,000")
    page.get_by_role("dialog").get_by_role("button", name="저장", exact=True).click()
    expect(page.get_by_text("수금을 저장했습니다.")).to_be_visible()
    receipt_id, version = _row(office, "SELECT id, version FROM receipt WHERE amount = 1234000")

    mine = _open_receipt(page, ledger, "1,234,000")
    theirs = _open_receipt(other_page, ledger, "1,234,000")
    theirs.fill("1,300,000")
    other_page.get_by_role("dialog").get_by_role("button", name="저장", exact=True).click()
    expect(other_page.get_by_text("수금을 저장했습니다.")).to_be_visible()

    mine.fill("1,250,000")
    page.get_by_role("dialog").get_by_role("button", name="저장", exact=True).click()
    expect(page.get_by_text("내 입력과 저장된 값이 다른 항목: 금액")).to_be_visible()
    expect(mine).to_have_value("1,250,000")  # kept
    page.get_by_role("button", name="내 입력으로 다시 저장").click()
    expect(page.get_by_text("수금을 저장했습니다.")).to_be_visible()
    assert _row(office, "SELECT amount, version FROM receipt WHERE id = ?", receipt_id) == (
        1_250_000,
        version + 2,
    )
