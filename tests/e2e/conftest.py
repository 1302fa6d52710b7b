"""End-to-end: a real `python main.py` on a free port, driven by a real headless Chromium
(Debian's /usr/bin/chromium through Playwright; no downloaded browser). In CI these must run."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "E2e-admin-pass-1"
CHROMIUM = os.environ.get("GOGAEK_CHROMIUM", "/usr/bin/chromium")
STARTUP_DEADLINE = 240.0  # seconds a server may take to answer /healthz before a test gives up
# how long an action or an `expect` waits for the page: on two cores running the suite in four
# processes beside their browsers, a round trip that takes 50 ms alone can take seconds; the
# waits end as soon as the page shows what is expected, so a passing test is not slower for it
PATIENCE_MS = 20_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


expect.set_options(timeout=PATIENCE_MS)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen

    def command(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "main.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )


# per test process: the data folder `create-admin` (and `seed-demo`) made, once for each kind of
# office; every server starts on a copy of it, since each command costs seconds of CPU
_offices: dict[bool, Path] = {}


def _office(env: dict[str, str], seed_demo: bool) -> Path:
    made = _offices.get(seed_demo)
    if made is None:
        made = Path(tempfile.mkdtemp(prefix="gogaek-e2e-office-")) / "data"
        atexit.register(shutil.rmtree, made.parent, ignore_errors=True)
        env = {**env, "GOGAEK_DATA_DIR": str(made), "DATABASE_URL": f"sqlite://{made / 'gogaek.sqlite3'}"}
        commands = [["create-admin", "--login", ADMIN_LOGIN, "--password", ADMIN_PASSWORD]]
        commands += [["seed-demo"]] if seed_demo else []
        for command in commands:
            subprocess.run(
                [sys.executable, "main.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        _offices[seed_demo] = made
    return made


def start_server(data_dir: Path, extra_env: dict[str, str] | None = None, seed_demo: bool = False) -> Server:
    """`python main.py` on a copy of a fresh office (an admin account; the demo data if `seed_demo`)."""
    assert "DATABASE_URL" not in (extra_env or {}), "the servers here run on their SQLite file"
    env = {
        **os.environ,
        "GOGAEK_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite://{data_dir / 'gogaek.sqlite3'}",
    }
    env.pop("NICEGUI_USER_SIMULATION", None)
    env.pop("NICEGUI_STORAGE_PATH", None)
    env.pop("PYTEST_CURRENT_TEST", None)  # NiceGUI would think the server runs inside pytest
    shutil.copytree(_office(env, seed_demo), data_dir, dirs_exist_ok=True)
    env.update(extra_env or {})
    port = _free_port()
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "main.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    # generous: with the suite in several processes on two cores, a start can take a minute or more
    deadline = time.monotonic() + STARTUP_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((data_dir / "server.log").read_text())
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return Server(url=url, data_dir=data_dir, env=env, process=process)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start:\n" + (data_dir / "server.log").read_text())


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(tmp_path / "e2e-data")
    yield running
    stop_server(running)


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(tmp_path / "e2e-data", seed_demo=True)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def browser():
    """Per module: Playwright's sync API keeps an event loop running while it is open, which the
    async tests of other modules must not see."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="ko-KR", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)
    yield page
    context.close()


def connected(page) -> None:
    """The page is loaded and its live connection to the server is up (waiting for the network
    to fall quiet instead never ends when the connection falls back to long polling)."""
    page.wait_for_function("window.did_handshake === true")


def sign_in(page, url: str, login: str = ADMIN_LOGIN, password: str = ADMIN_PASSWORD) -> None:
    page.goto(f"{url}/login?next=/")  # to 고객관리, where most tests start (signing in leads to 오늘)
    page.get_by_label("아이디").fill(login)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{url}/")
    connected(page)  # a click before the page's live connection is up would be lost


def choose(page: Page, field: Locator, option: str | None = None) -> None:
    """Open a select and pick the option named `option` (the first one when None). A click that
    lands while a dialog is still being drawn on a busy machine may leave the list closed: the
    select is clicked again until the list shows."""
    choice = page.get_by_role("option").first if option is None else page.get_by_role("option", name=option)
    for _ in range(5):
        field.click()
        try:
            choice.wait_for(state="visible", timeout=4_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    choice.click()
