"""HTTPS: `python main.py --certfile F --keyfile K` serves TLS with a Secure session cookie and
HSTS; plain HTTP has neither (HSTS there would lock browsers out of the office server)."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, ROOT, Server, _free_port, stop_server


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """What the README tells an office to do: a certificate for the server's address."""
    cert, key = folder / "gogaek.crt", folder / "gogaek.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[Server, ssl.SSLContext]]:
    cert, key = _self_signed(tmp_path)
    data_dir = tmp_path / "e2e-data"
    env = {
        **os.environ,
        "GOGAEK_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite://{data_dir / 'gogaek.sqlite3'}",
    }
    env.pop("NICEGUI_USER_SIMULATION", None)
    env.pop("NICEGUI_STORAGE_PATH", None)
    env.pop("PYTEST_CURRENT_TEST", None)
    subprocess.run(
        [sys.executable, "main.py", "create-admin", "--login", ADMIN_LOGIN, "--password", ADMIN_PASSWORD],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "main.py",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--certfile",
            str(cert),
            "--keyfile",
            str(key),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    trust = ssl.create_default_context(cafile=str(cert))
    url = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError((data_dir / "server.log").read_text())
        try:
            if httpx.get(f"{url}/healthz", verify=trust, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    running = Server(url=url, data_dir=data_dir, env=env, process=process)
    yield running, trust
    stop_server(running)


def test_https_sends_a_secure_cookie_and_hsts(https_server):
    server, trust = https_server
    response = httpx.get(f"{server.url}/login", verify=trust)
    assert response.status_code == 200
    assert "로그인" in response.text
    cookie = response.headers["set-cookie"].lower()
    assert "session=" in cookie and "; secure" in cookie and "samesite=lax" in cookie
    assert response.headers["strict-transport-security"] == "max-age=31536000"
    with pytest.raises(httpx.HTTPError):  # the port speaks TLS only
        httpx.get(server.url.replace("https:", "http:") + "/login", timeout=5)


def test_plain_http_has_neither_secure_cookie_nor_hsts(server):
    response = httpx.get(f"{server.url}/login")
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "session=" in cookie and "secure" not in cookie
    assert "strict-transport-security" not in response.headers


def test_a_certificate_without_its_key_is_refused_with_a_message(tmp_path: Path):
    cert, _ = _self_signed(tmp_path)
    result = subprocess.run(
        [sys.executable, "main.py", "--port", str(_free_port()), "--certfile", str(cert)],
        cwd=ROOT,
        env={
            **os.environ,
            "GOGAEK_DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": f"sqlite://{tmp_path / 'data' / 'gogaek.sqlite3'}",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "개인 키(--keyfile)" in result.stderr
