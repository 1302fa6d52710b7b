"""End-to-end: a real `python main.py` on a free port, driven by a real headless Chromium
(Debian's /usr/bin/chromium through Playwright; no downloaded browser). In CI these must run.

Each server runs on a SQLite file of its own. With GOGAEK_TEST_DATABASE_URL set (the PostgreSQL
run), each runs on a PostgreSQL database of its own instead, made from a template database that
`create-admin` (and `seed-demo`) filled once per test process, and dropped when it stops. Tests
read and write the server's database through `Server.sql`, which speaks to either."""

from __future__ import annotations

import atexit
import datetime as dt
import itertools
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.settings import TIMEZONE
from tests.conftest import EXTERNAL_DATABASE, run_to_end

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On PostgreSQL, only the end-to-end tests marked `postgresql` run: the others read or write
    the server's SQLite file themselves."""
    if not EXTERNAL_DATABASE:
        return
    skip = pytest.mark.skip(reason="reads the server's SQLite file (not marked postgresql)")
    for item in items:
        if "/e2e/" in str(item.path) and item.get_closest_marker("postgresql") is None:
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(name: str) -> str:
    """The URL of the database `name` on the test PostgreSQL server."""
    base, _, rest = EXTERNAL_DATABASE.rpartition("/")
    _, question, query = rest.partition("?")
    return f"{base}/{name}{question}{query}"


def _database_name(url: str) -> str:
    return url.rpartition("/")[2].partition("?")[0]


async def _on_postgres(statement: str, url: str | None = None) -> None:
    """Run one statement (CREATE/DROP DATABASE) on the server's maintenance database."""
    import asyncpg

    base = (url or EXTERNAL_DATABASE).rpartition("/")[0].replace("postgres://", "postgresql://", 1)
    connection = await asyncpg.connect(f"{base}/postgres")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _postgres_sql(url: str, query: str, params: tuple) -> list[tuple]:
    import asyncpg

    numbered = itertools.count(1)
    query = re.sub(r"\?", lambda _: f"${next(numbered)}", query)
    office_time = ZoneInfo(TIMEZONE)
    params = tuple(
        value.replace(tzinfo=office_time)
        if isinstance(value, dt.datetime) and value.tzinfo is None
        else value
        for value in params
    )
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        return [tuple(row) for row in await connection.fetch(query, *params)]
    finally:
        await connection.close()


@dataclass
class Server:
    url: str
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    def sql(self, query: str, *params: object) -> list[tuple]:
        """Run one statement on the server's database (`?` placeholders; a naive datetime is office
        time) and return its rows, committed: what a source or a second program would write."""
        if self.database_url.startswith("sqlite://"):
            params = tuple(
                value.isoformat(" ", "seconds") if isinstance(value, dt.datetime) else value
                for value in params
            )
            with sqlite3.connect(self.data_dir / "gogaek.sqlite3") as db:
                return db.execute(query, params).fetchall()
        return run_to_end(_postgres_sql(self.database_url, query, params))

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
# office (on PostgreSQL, with its database, used as a template); every server starts on a copy of
# it, since each command costs seconds of CPU
_offices: dict[bool, Path] = {}
_server_numbers = itertools.count(1)


def _office_url(made: Path, seed_demo: bool) -> str:
    if EXTERNAL_DATABASE:
        return _database_url(f"{_database_name(EXTERNAL_DATABASE)}_office{int(seed_demo)}")
    return f"sqlite://{made / 'gogaek.sqlite3'}"


def _office(env: dict[str, str], seed_demo: bool) -> Path:
    made = _offices.get(seed_demo)
    if made is None:
        made = Path(tempfile.mkdtemp(prefix="gogaek-e2e-office-")) / "data"
        atexit.register(shutil.rmtree, made.parent, ignore_errors=True)
        database_url = _office_url(made, seed_demo)
        if EXTERNAL_DATABASE:
            name = _database_name(database_url)
            run_to_end(_on_postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            run_to_end(_on_postgres(f'CREATE DATABASE "{name}"'))
        env = {**env, "GOGAEK_DATA_DIR": str(made), "DATABASE_URL": database_url}
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
    assert "DATABASE_URL" not in (extra_env or {}), "the servers here run on a database of their own"
    env = {**os.environ, "GOGAEK_DATA_DIR": str(data_dir)}
    env.pop("NICEGUI_USER_SIMULATION", None)
    env.pop("NICEGUI_STORAGE_PATH", None)
    env.pop("PYTEST_CURRENT_TEST", None)  # NiceGUI would think the server runs inside pytest
    office = _office(env, seed_demo)
    shutil.copytree(office, data_dir, dirs_exist_ok=True)
    if EXTERNAL_DATABASE:
        template = _database_name(_office_url(office, seed_demo))
        name = f"{_database_name(EXTERNAL_DATABASE)}_server{next(_server_numbers)}"
        run_to_end(_on_postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        run_to_end(_on_postgres(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        env["DATABASE_URL"] = _database_url(name)
    else:
        env["DATABASE_URL"] = f"sqlite://{data_dir / 'gogaek.sqlite3'}"
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
    if not server.database_url.startswith("sqlite://"):
        name = _database_name(server.database_url)
        run_to_end(_on_postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
