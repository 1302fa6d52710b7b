"""Crash safety: the real server (`python main.py`) is killed with SIGKILL at random moments while a
real Chromium writes receptions through the reception form, then started again, at least 20 times.
A write counts as acknowledged when the form showed `접수 #<id>` (set together with "저장했습니다."
after the commit), i.e. exactly what the person at the screen was told. After every kill the
database passes `PRAGMA integrity_check` and holds every acknowledged reception.

Why Chromium and not an API: the acknowledgement the product makes to people is the screen, so
the test checks that promise end to end (browser → websocket → handler → service → commit);
the product has no JSON API and does not need one for this. The server restarts in about 1.5 s,
so 20 kills take a minute or two. GOGAEK_CRASH_KILLS changes the number of kills (default 20)."""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, PATIENCE_MS, ROOT, STARTUP_DEADLINE, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.alone]  # twenty restarts: the machine to itself

KILLS = int(os.environ.get("GOGAEK_CRASH_KILLS", "20"))
SAVED_TITLE = re.compile(r"^접수 #(\d+)$")


def launch(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with open(log, "a") as output:
        process = subprocess.Popen(
            [sys.executable, "main.py", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + STARTUP_DEADLINE
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    process.kill()
    raise AssertionError("the server did not come back:\n" + log.read_text())


def sign_in_if_needed(page, url: str) -> None:
    page.goto(f"{url}/login?next=/")
    if page.url.rstrip("/") != url:  # the session survived the crash: already on the home page
        page.get_by_label("아이디").fill(ADMIN_LOGIN)
        page.get_by_label("비밀번호").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="로그인").click()
        page.wait_for_url(f"{url}/")


def fresh_tab(page):
    """Close `page` and open a new one in its browser context."""
    context = page.context
    page.close()
    tab = context.new_page()
    tab.set_default_timeout(PATIENCE_MS)
    return tab


def write_until_killed(page, process: subprocess.Popen, cycle: int) -> list[tuple[int, str]]:
    """Write receptions until the server dies; returns the acknowledged (id, inquiry) pairs."""
    acknowledged = []
    try:
        while process.poll() is None:
            inquiry = f"충돌시험 {cycle}-{len(acknowledged) + 1}"
            page.get_by_test_id("log-add").click(timeout=5000)
            form = page.get_by_role("dialog")
            form.get_by_label("전화번호").fill("02-808-8016", timeout=5000)
            form.get_by_label("접수내용 (고객 문의)").fill(inquiry, timeout=5000)
            form.get_by_role("button", name="저장", exact=True).click(timeout=5000)
            title = form.get_by_text(SAVED_TITLE)
            while process.poll() is None:
                try:
                    expect(title).to_be_visible(timeout=300)
                except AssertionError:
                    continue
                acknowledged.append((int(SAVED_TITLE.match(title.inner_text()).group(1)), inquiry))
                form.get_by_role("button", name="닫기", exact=True).click(timeout=5000)
                expect(form).to_be_hidden(timeout=5000)
                break
    except (PlaywrightError, AssertionError):
        if process.poll() is None:
            raise
    return acknowledged


def stored(database: Path) -> tuple[str, set[tuple[int, str]]]:
    with sqlite3.connect(database) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        rows = connection.execute("SELECT id, inquiry FROM reception").fetchall()
    return check, set(rows)


def test_sigkill_never_loses_an_acknowledged_reception(tmp_path, page):
    server = start_server(tmp_path / "data")
    env, port = server.env, int(server.url.rsplit(":", 1)[1])
    database = server.data_dir / "gogaek.sqlite3"
    log = server.data_dir / "server.log"
    process = server.process
    rng = random.Random(20261127)
    acknowledged: set[tuple[int, str]] = set()
    screen = page
    try:
        for cycle in range(1, KILLS + 1):
            sign_in_if_needed(screen, server.url)
            # a random moment: before, during or between saves (the page is already up)
            killer = threading.Timer(rng.uniform(0.2, 3.0), process.kill)
            killer.start()
            acknowledged.update(write_until_killed(screen, process, cycle))
            killer.join()
            assert process.wait(timeout=10) == -9, "the server must have died of SIGKILL"
            check, rows = stored(database)
            assert check == "ok", f"after kill {cycle}: {check}"
            missing = acknowledged - rows
            assert not missing, f"after kill {cycle} these acknowledged receptions are gone: {missing}"
            # The old page keeps reconnecting and reloads itself once the server is back, which
            # would race the next navigation (net::ERR_ABORTED). Close it while the server is down
            # and go on in a new tab of the same browser context (same cookies: the session survives).
            screen = fresh_tab(screen)
            process = launch(env, port, log)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)
    assert len(acknowledged) >= KILLS // 2, (
        f"too few writes were acknowledged to mean much: {len(acknowledged)}"
    )
