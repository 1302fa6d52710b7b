"""고객 타임라인 in Chromium: the demo office's 재근상사 shows its receptions, visit and quote in date
order in the customer window's 전체 이력 tab, and a click on a reception opens its form."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def _customer_id(server, code: str) -> int:
    with sqlite3.connect(Path(server.data_dir) / "gogaek.sqlite3") as connection:
        return connection.execute("SELECT id FROM customer WHERE code = ?", (code,)).fetchone()[0]


def test_the_timeline_of_jaegeun_lists_its_history_in_date_order_and_opens_a_reception(demo_server, page):
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/customers/{_customer_id(demo_server, '140213-001')}?tab=timeline")
    table = page.get_by_test_id("timeline-table")
    rows = table.locator("tbody tr")
    expect(rows.filter(has_text="2016-09-21 17:50")).to_be_visible()

    lines = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()] for row in rows.all()
    ]  # 일시, 구분, 담당자, 내용
    contacts = [(when, kind) for when, kind, *_ in lines if kind in ("접수", "방문", "견적")]
    assert contacts == [
        ("2019-03-28", "방문"),
        ("2019-03-28", "견적"),
        ("2016-12-06 15:58", "접수"),
        ("2016-09-21 17:50", "접수"),
    ]
    quote = next(line for line in lines if line[1] == "견적")
    assert quote[3].startswith("19032800-2")

    rows.filter(has_text="2016-12-06 15:58").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("AS접수내용 작성")).to_be_visible()
    expect(dialog.get_by_label("접수일시 *")).to_have_value("2016-12-06 15:58:25")
