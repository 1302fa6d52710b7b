"""기초정보등록 in Chromium at the tablet's 1024×768, with real clicks and keys: a code typed into
the last row and Enter is saved once and opens a new row, a name edited in place is saved when the
cursor leaves its row, and an in-use code cannot be deleted."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Server, connected, sign_in, start_server, stop_server

pytestmark = pytest.mark.e2e

DIRTY = "window.gogaekDirtyForms && window.gogaekDirtyForms.size > 0"
CLEAN = "!window.gogaekDirtyForms || window.gogaekDirtyForms.size === 0"


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("codes") / "e2e-data", seed_demo=True)
    yield running
    stop_server(running)


@pytest.fixture
def codes_page(office: Server, page: Page) -> Page:
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, office.url)
    page.goto(f"{office.url}/codes")
    connected(page)
    return page


def _count(server: Server, sql: str, *args) -> int:
    with sqlite3.connect(Path(server.data_dir) / "gogaek.sqlite3") as connection:
        return connection.execute(sql, args).fetchone()[0]


def _open_section(page: Page, label: str) -> Locator:
    page.locator(".q-item", has_text=label).first.click()
    grid = page.locator(f'[data-grid="code-{_KINDS[label]}"]')
    expect(grid.locator("tr[data-row]").first).to_be_visible()
    return grid


_KINDS = {"고객상태": "customer_status", "접수경로": "reception_route", "부서": "department"}


def _names(grid: Locator) -> list[str]:
    return grid.locator('input[aria-label="이름"]').evaluate_all("(inputs) => inputs.map((i) => i.value)")


def _row_named(grid: Locator, name: str) -> Locator:
    index = _names(grid).index(name)
    return grid.locator(f'tr[data-row="{index}"]')


def test_a_code_typed_in_the_last_row_is_saved_once_and_enter_opens_the_next_row(office, codes_page):
    page = codes_page
    grid = _open_section(page, "접수경로")
    rows = grid.locator("tr[data-row]")
    count = rows.count()
    last = rows.last
    expect(last.get_by_label("코드", exact=True)).to_have_attribute("placeholder", "새 코드")

    last.get_by_label("코드", exact=True).click()
    page.keyboard.type("6")
    page.keyboard.press("Tab")
    expect(last.get_by_label("이름", exact=True)).to_be_focused()
    page.keyboard.type("카카오톡")
    expect(last).to_have_attribute("data-state", "changed")
    page.wait_for_function(DIRTY)  # leaving the page now would ask first
    expect(page.get_by_role("button", name="저장")).to_be_enabled()
    # Enter twice, as a key pressed twice in a hurry
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")

    expect(rows).to_have_count(count + 1)
    expect(rows.last.get_by_label("코드", exact=True)).to_be_focused()  # a new row, its first cell
    expect(rows.nth(count - 1)).to_have_attribute("data-state", "saved")
    expect(page.get_by_role("button", name="저장")).to_be_disabled()
    page.wait_for_function(CLEAN)

    # Enter and a click on 저장 together, on the next new row: both sent before either is answered
    page.keyboard.type("7")
    page.keyboard.press("Tab")
    page.keyboard.type("문자")
    save = page.get_by_role("button", name="저장")
    expect(save).to_be_enabled()
    box = save.bounding_box()
    assert box is not None
    page.keyboard.press("Enter")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(rows).to_have_count(count + 2)
    expect(rows.nth(count)).to_have_attribute("data-state", "saved")

    page.reload()
    connected(page)
    grid = _open_section(page, "접수경로")
    expect(grid.locator("tr[data-row]")).to_have_count(count + 2)
    assert _names(grid).count("카카오톡") == 1
    assert _names(grid).count("문자") == 1
    assert _count(office, "SELECT count(*) FROM code_entry WHERE name = '카카오톡'") == 1
    assert _count(office, "SELECT count(*) FROM code_entry WHERE name = '문자'") == 1


def test_a_name_edited_in_place_is_saved_when_the_cursor_leaves_the_row(office, codes_page):
    page = codes_page
    grid = _open_section(page, "부서")
    row = _row_named(grid, "물류")
    name = row.get_by_label("이름", exact=True)
    name.click()
    name.press("End")
    name.press_sequentially("센터")
    expect(row).to_have_attribute("data-state", "changed")
    expect(page.get_by_text("저장하지 않은 줄 1개")).to_be_visible()
    name.press("ArrowDown")  # the cursor leaves the row: it is saved
    expect(row).to_have_attribute("data-state", "saved")
    below = grid.locator(f'tr[data-row="{int(row.get_attribute("data-row") or 0) + 1}"]')
    expect(below.get_by_label("이름", exact=True)).to_be_focused()

    description = below.get_by_label("설명", exact=True)  # and a cell saved with 저장
    description.click()
    description.press_sequentially("온라인 광고")
    page.get_by_role("button", name="저장").click()
    expect(below).to_have_attribute("data-state", "saved")

    # Tab reaches 사용; Enter there goes on to the next row, as in a text cell (Space ticks it)
    row.get_by_label("순서", exact=True).click()
    page.keyboard.press("Tab")
    expect(row.get_by_label("사용", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(below.get_by_label("사용", exact=True)).to_be_focused()
    expect(row.get_by_label("사용", exact=True)).to_have_attribute("aria-checked", "true")
    expect(row).to_have_attribute("data-state", "saved")

    page.get_by_role("button", name="추가").click()  # to the empty line at the bottom
    expect(grid.locator("tr[data-row]").last.get_by_label("코드", exact=True)).to_be_focused()

    page.reload()
    connected(page)
    grid = _open_section(page, "부서")
    expect(_row_named(grid, "물류센터").get_by_label("이름", exact=True)).to_have_value("물류센터")
    assert _count(office, "SELECT count(*) FROM code_entry WHERE description = '온라인 광고'") == 1


def test_deleting_a_code_in_use_is_refused_with_the_reason(office, codes_page):
    page = codes_page
    grid = _open_section(page, "고객상태")  # the demo's customers are 설치완료
    row = _row_named(grid, "설치완료")
    row.locator("td").first.click()  # a click on the row selects it
    expect(row).to_have_class("edit-grid__row--selected")
    page.get_by_role("button", name="삭제").click()
    question = page.get_by_role("dialog")
    expect(question).to_contain_text("고객상태 '3 설치완료'를 삭제할까요?")
    question.get_by_role("button", name="삭제").click()
    expect(page.get_by_text("'설치완료' 코드는 사용 중이라 삭제할 수 없습니다.")).to_be_visible()
    page.get_by_role("dialog").get_by_role("button", name="닫기").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert _count(office, "SELECT count(*) FROM code_entry WHERE name = '설치완료'") == 1
    expect(_row_named(grid, "설치완료").get_by_label("사용", exact=True)).to_have_attribute(
        "aria-checked", "true"
    )
