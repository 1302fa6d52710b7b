"""End-to-end: signing in leads to 오늘 (the demo office, at 1024×768); its counts are the office's,
a row opens its record, and 전체 보기 opens the full list already filtered."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, PATIENCE_MS, connected

pytestmark = pytest.mark.e2e

SMALL = {"width": 1024, "height": 768}
LARGE = {"width": 1366, "height": 900}


def _prepare_office(database) -> dict[str, int]:
    """Give the admin one of the demo's pending receptions and make one product's paid maintenance
    end in ten days (the demo's dates are the manual's, years ago); return the counts the office
    should show, counted here in SQL of their own."""
    today = dt.date.today()
    with sqlite3.connect(database) as db:
        (admin,) = db.execute("SELECT id FROM staff WHERE login = ?", (ADMIN_LOGIN,)).fetchone()
        db.execute(
            "UPDATE reception SET processor_id = ?"
            " WHERE id = (SELECT MIN(id) FROM reception WHERE state = '미처리')",
            (admin,),
        )
        db.execute(
            "UPDATE customer_product SET paid_end_on = ? WHERE id = (SELECT MIN(id) FROM customer_product)",
            ((today + dt.timedelta(days=10)).isoformat(),),
        )
        (mine,) = db.execute(
            "SELECT COUNT(*) FROM reception WHERE state IN ('미처리', '보류')"
            " AND (processor_id = ? OR (processor_id IS NULL AND receiver_id = ?))",
            (admin, admin),
        ).fetchone()
        pending = [
            dt.datetime.fromisoformat(at)
            for (at,) in db.execute("SELECT received_at FROM reception WHERE state = '미처리'")
        ]
        start, end = today.isoformat(), (today + dt.timedelta(days=30)).isoformat()
        (renewals,) = db.execute(
            "SELECT COUNT(*) FROM customer_product"
            " WHERE (free_end_on IS NULL OR free_end_on <= ?) AND (paid_end_on IS NULL OR paid_end_on <= ?)"
            " AND (free_end_on >= ? OR paid_end_on >= ?)",
            (end, end, start, start),
        ).fetchone()
    limit = dt.datetime.now() - dt.timedelta(hours=24)
    return {
        "mine": mine,
        "stale": sum(1 for at in pending if at < limit),
        "renewals": renewals,
    }


def test_signing_in_leads_to_today_whose_counts_and_links_are_the_offices(browser, demo_server):
    expected = _prepare_office(demo_server.data_dir / "gogaek.sqlite3")
    assert expected["mine"] >= 1 and expected["stale"] >= 1 and expected["renewals"] >= 1

    context = browser.new_context(viewport=SMALL, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)
    page.goto(demo_server.url)  # the bare address, as staff type it each morning
    page.wait_for_url(re.compile(r"/login$"))
    page.get_by_label("아이디").fill(ADMIN_LOGIN)
    page.get_by_label("비밀번호").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{demo_server.url}/today")
    connected(page)

    for key in ("mine", "stale", "renewals"):
        expect(page.get_by_test_id(f"today-{key}-count")).to_have_text(f"{expected[key]:,}건")
    for key in ("calls", "agreements", "quotes", "visits"):
        expect(page.get_by_test_id(f"today-{key}-count")).to_have_text(re.compile(r"^[\d,]+건$"))

    # a row opens its record: my reception in the reception form
    mine = page.locator(".q-card").filter(has=page.get_by_test_id("today-mine-count"))
    mine.locator(".q-item").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("접수자 *")).to_be_visible()
    dialog.get_by_role("button", name="닫기").click()
    expect(dialog).to_be_hidden()

    # 전체 보기: the reception log with the same filter, removable
    page.get_by_test_id("today-mine-all").click()
    page.wait_for_url(re.compile(r"/\?mine=1$"))
    expect(page.get_by_test_id("log-view-mine")).to_be_visible()
    rows = page.get_by_test_id("reception-log-table").locator("tbody tr")
    expect(rows).to_have_count(expected["mine"])
    page.get_by_test_id("log-view-mine").locator(".q-chip__icon--remove").click()
    expect(rows).not_to_have_count(expected["mine"])

    page.go_back()
    page.wait_for_url(f"{demo_server.url}/today")
    connected(page)
    page.get_by_test_id("today-renewals-all").click()
    page.wait_for_url(re.compile(r"/maintenance\?section=due&from=.*&tab=free_and_renewal$"))
    today = dt.date.today()
    expect(page.get_by_label("계약기간 (부터)")).to_have_value(today.isoformat())
    expect(page.get_by_label("(까지)")).to_have_value((today + dt.timedelta(days=30)).isoformat())
    expect(page.locator(".q-table").first.locator("tbody tr")).to_have_count(expected["renewals"])

    # at 1366×900 (the menu open beside the cards): 미처리's 전체 보기 opens the log of the old ones
    page.set_viewport_size(LARGE)
    page.goto(f"{demo_server.url}/today")
    connected(page)
    expect(page.get_by_test_id("today-stale-count")).to_have_text(f"{expected['stale']:,}건")
    page.get_by_test_id("today-stale-all").click()
    page.wait_for_url(re.compile(r"/\?state=.*&before="))
    expect(page.get_by_test_id("log-view-before")).to_be_visible()
    expect(page.get_by_test_id("reception-log-table").locator("tbody tr")).to_have_count(expected["stale"])
    context.close()
