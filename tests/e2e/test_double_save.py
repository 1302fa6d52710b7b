"""The double-click sweep: on every "new record" form, 저장 double-clicked (and Enter in a field
followed by a click) makes exactly one row in the database file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, sign_in, start_server, stop_server

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


def _settled(page: Page) -> None:
    """Every gesture sent before has been handled: a reload is answered after them."""
    page.reload()
    page.wait_for_load_state("networkidle")


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


@pytest.mark.parametrize("gesture", ["dblclick", "enter+click"])
def test_receipt(office, signed_in, gesture):
    page = signed_in
    partner = _partner_id(office)
    before = _count(office, "SELECT count(*) FROM receipt WHERE partner_id = ?", partner)
    page.goto(f"{office.url}/ledger/{partner}")
    page.get_by_role("button", name="수금입력[F5]").click()
    dialog = page.get_by_role("dialog")
    amount = dialog.get_by_label("금액 *")
    amount.fill("5,500,000")
    save = dialog.get_by_role("button", name="저장")
    _double_save(page, save, amount, gesture)
    expect(page.get_by_text("수금을 저장했습니다.").first).to_be_visible()
    _settled(page)
    assert _count(office, "SELECT count(*) FROM receipt WHERE partner_id = ?", partner) == before + 1
