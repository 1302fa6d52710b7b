"""Every menu screen (and the windows opened from them) at 1024×768, as an office PC shows it: no
English word left over from a library or a placeholder outside the list of names and units the
office uses itself, and no label, button or tab cut short."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pages.menu import MENU
from tests.e2e.conftest import connected, sign_in

pytestmark = pytest.mark.e2e

# product names, units, codes and abbreviations that office staff say as they are
ALLOWED = {
    "Gogaek",  # the product
    "TOSP",  # the manual's name for a maintenance agreement (TOSP작성, TOSP계약)
    "Html",  # the manual's Html문서 (document templates)
    "AS",  # 애프터서비스, as the manual writes it
    "ERP",
    "PDF",
    "HTML",
    "SMS",
    "LMS",
    "CTI",
    "API",
    "ID",
    "PJT",
    "LG",  # LG U+ Centrex
    "Centrex",
    "COM",  # serial ports (COM1)
    "USB",
    "PC",
    "HP",  # 핸드폰, as offices write it (담당자HP)
    "QR",
    "PBX",  # 전화 교환기, as offices and their vendors call it (IP-PBX)
    "Asterisk",  # IP-PBX products named on CTI환경설정's webhook card
    "FreePBX",
    "CX",  # 3CX
    "URL",
    "SMTP",  # the mail server settings as every provider names them (메일환경설정)
    "STARTTLS",
    "SSL",
    "TLS",
    "Excel",
    "PNG",
    "JPG",
    "GIF",
    "KB",
    "MB",
    "VAT",
    "Enter",
    "Tab",
    "Esc",
    "Ctrl",
    "Shift",
    "IP",
    "HTTP",
    "bps",
    # the caller-ID device: its port names and the words a modem sends (RING, DATE, TIME, NMBR)
    "dev",
    "ttyS",
    "ttyUSB",
    "ttyACM",
    "RING",
    "DATE",
    "TIME",
    "NMBR",
}
KEY = re.compile(r"^F\d{1,2}$")  # function keys (조회[F3])

# visible text on the screen: everything a person reads except what staff typed into lists and
# fields (table cells, inputs) and icon ligatures ("search", "print")
VISIBLE_TEXT = """
() => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    for (let at = el; at; at = at.parentElement) {
      const style = getComputedStyle(at);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return false;
    }
    return true;
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!/[A-Za-z]{2,}/.test(node.textContent)) continue;
    const el = node.parentElement;
    // .font-mono: what must be typed exactly as shown (addresses, device names); td and
    // .record-text: what people typed (a table's cells, 오늘's rows)
    if (!el || el.closest('.q-icon, .material-icons, .font-mono, .record-text, script, style, td, [contenteditable]')) continue;
    if (shown(el)) texts.push(node.textContent.trim());
  }
  for (const field of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!field.value && shown(field)) texts.push(field.placeholder);
  }
  return texts;
}
"""

# a label, a select's chosen value, a button, a tab or a column heading cut short
CUT_SHORT = """
() => {
  const cut = [];
  const selectors = ['.q-field__label', '.q-field__native > span', '.q-btn .block', '.q-tab__label',
                     '.q-checkbox__label', '.q-toggle__label', '.q-radio__label', 'th', '.q-item__label'];
  for (const el of document.querySelectorAll(selectors.join(','))) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) cut.push(el.textContent.trim());
  }
  return cut;
}
"""


def _leaves(entries) -> list[str]:
    paths = []
    for entry in entries:
        paths.extend(_leaves(entry.children) if entry.children else [entry.path])
    return paths


def _first_id(server, table: str) -> int:
    with sqlite3.connect(Path(server.data_dir) / "gogaek.sqlite3") as connection:
        return connection.execute(f"SELECT min(id) FROM {table}").fetchone()[0]


def _english_words(texts: list[str]) -> dict[str, str]:
    """Each English word not allowed, with the text it was found in."""
    return {
        word: text
        for text in texts
        for word in re.findall(r"[A-Za-z]+", text)
        if len(word) > 1 and word not in ALLOWED and not KEY.match(word)
    }


def _settled(page) -> None:
    connected(page)
    page.locator(".q-notification .q-spinner").first.wait_for(state="detached")
    page.wait_for_load_state("load")


def _checked_first_row(page) -> None:
    page.get_by_role("tab", name=re.compile(r"^전체")).click()
    first = page.locator(".q-table__container").first.locator("tbody tr").first
    first.get_by_role("checkbox").click()
    expect(first.get_by_role("checkbox")).to_be_checked()


def _open_dialog(page, opener) -> None:
    opener.click()
    page.get_by_role("dialog").last.wait_for(state="visible")
    _settled(page)


def test_every_screen_speaks_korean_and_cuts_nothing_at_1024(demo_server, page):
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, demo_server.url)
    customer = f"/customers/{_first_id(demo_server, 'customer')}"
    windows = [
        "/customers/new",
        customer,
        f"/quotes/{_first_id(demo_server, 'quote')}",
        f"/ledger/{_first_id(demo_server, 'trading_partner')}",
    ]
    # the forms people fill in most, opened from their screens (path, how to open)
    dialogs = [
        ("/", lambda: page.get_by_test_id("log-add")),
        ("/cards", lambda: page.get_by_role("button", name="추가[F5]")),
        ("/maintenance", lambda: _checked_first_row(page) or page.get_by_role("button", name="TOSP작성")),
    ]
    found: dict[str, dict[str, str]] = {}
    cut: dict[str, list[str]] = {}

    def look(where: str) -> None:
        if words := _english_words(page.evaluate(VISIBLE_TEXT)):
            found[where] = words
        if short := page.evaluate(CUT_SHORT):
            cut[where] = short

    for path in [*_leaves(MENU), "/codes/html", "/codes/items", *windows]:
        page.goto(demo_server.url + path)
        _settled(page)
        look(path)
    page.goto(demo_server.url + customer)
    _settled(page)
    tabs = page.get_by_role("tab")
    for index in range(1, tabs.count()):  # the customer window's tabs after the first (seen above)
        tabs.nth(index).click()
        _settled(page)
        look(f"{customer} {tabs.nth(index).inner_text()}")
    for path, opener in dialogs:
        page.goto(demo_server.url + path)
        _settled(page)
        _open_dialog(page, opener())
        look(f"{path} {page.get_by_role('dialog').last.inner_text()[:20]!r}")
    assert found == {}, f"English words on screen: {found}"
    assert cut == {}, f"cut short at 1024 px: {cut}"
