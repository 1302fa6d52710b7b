"""Operations measured in whole seconds: the Excel export of every customer (in worker processes,
for their peak memory), the 30-line quote PDF and the server start-up."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.operations import Context, Operation

ROOT = Path(__file__).resolve().parent.parent
EXPORT_RSS_LIMIT_MB = 400
STARTUP_TIMEOUT_S = 60


class _Worker:
    """One `python -m bench.export_worker` process, driven one export at a time."""

    def __init__(self, db: Path, mode: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.export_worker", "--db", str(db), "--mode", mode],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = self._read()
        self.rss_before_mb = ready["rss_mb"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"export worker ended (exit {self.process.wait()})")
        return json.loads(line)

    def export(self) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return self._read()

    def peak_rss_mb(self) -> float:
        """The process's high-water mark of resident memory so far (VmHWM)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def excel_export_case(ctx: Context) -> Operation:
    workers: dict[str, _Worker] = {}

    async def measure(_: int) -> dict[str, Any]:
        if not workers:
            workers["service"] = _Worker(ctx.db, "service")
            workers["bare"] = _Worker(ctx.db, "bare")
        service = workers["service"].export()
        bare = workers["bare"].export()
        if service["rows"] != bare["rows"]:
            raise RuntimeError(f"export wrote {service['rows']} rows, the baseline {bare['rows']}")
        return {
            "ms": service["ms"],
            "baseline_ms": bare["ms"],
            "rows": service["rows"],
            "peak_rss_mb": workers["service"].peak_rss_mb(),
            "rss_target_mb": EXPORT_RSS_LIMIT_MB,
            "rss_before_export_mb": workers["service"].rss_before_mb,
            "baseline_peak_rss_mb": workers["bare"].peak_rss_mb(),
        }

    def close() -> None:
        for worker in workers.values():
            worker.close()

    rows = ctx.value("SELECT COUNT(*) FROM customer")
    return Operation(
        name="excel_export_customers",
        description=f"Excel export of {rows:,} customers (the customer list's 엑셀저장), peak RSS of the process",
        target_p95_ms=20_000,
        ratio_target=1.3,
        measure=measure,
        warm_up=1,
        close=close,
        note="baseline: the same rows via sqlite3 appended to a bare openpyxl write-only workbook",
    )


# ---------------------------------------------------------------------------------------------


async def quote_pdf_case(ctx: Context) -> Operation:
    from xhtml2pdf import pisa

    from html_forms.pdf import pdf_document, resource_policy
    from html_forms.quote import render_quote_html
    from services.quotes import quote_document, quote_pdf

    quote_id, lines = ctx.rows(
        "SELECT quote_id, COUNT(*) AS n FROM quote_line GROUP BY quote_id "
        "ORDER BY n = 30 DESC, n DESC, quote_id LIMIT 1"
    )[0]
    document = pdf_document(render_quote_html(await quote_document(quote_id)))

    def baseline(_: int) -> bytes:
        output = io.BytesIO()
        # the renderer's own resource policy is what lets it read the Korean font file at all
        pisa.CreatePDF(document, dest=output, encoding="utf-8", resource_policy=resource_policy())
        return output.getvalue()

    return Operation(
        name="quote_pdf",
        description=f"quote PDF, {lines} lines, Korean (the quote's 인쇄)",
        target_p95_ms=1000,
        ratio_target=1.3,
        service=lambda _: quote_pdf(quote_id),
        baseline=baseline,
        warm_up=2,
        note="baseline: bare xhtml2pdf of the same HTML document",
    )


# ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _login_served(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_server(db: Path, data_dir: Path) -> tuple[subprocess.Popen, str, float]:
    """Start `python main.py` on a free port; returns (process, base url, ms until /login is 200)."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{db}",
        "GOGAEK_DATA_DIR": str(data_dir),
        "GOGAEK_AUTO_BACKUP": "off",  # the daily backup of a 900 MB file would run right after start-up
    }
    for name in ("NICEGUI_USER_SIMULATION", "NICEGUI_STORAGE_PATH", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)  # set when run from pytest: the server would think it is under test
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "main.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    while not _login_served(url + "/login"):
        if process.poll() is not None:
            raise RuntimeError(f"main.py ended with {process.returncode} before serving /login")
        if time.perf_counter() - started > STARTUP_TIMEOUT_S:
            stop_server(process)
            raise RuntimeError("main.py did not serve /login within a minute")
        time.sleep(0.02)
    return process, url, (time.perf_counter() - started) * 1000


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def startup_case(ctx: Context) -> Operation:
    data_dir = Path(tempfile.mkdtemp(prefix="gogaek-bench-startup-"))

    async def measure(_: int) -> dict[str, Any]:
        process, _, elapsed = start_server(ctx.db, data_dir)
        stop_server(process)
        return {"ms": elapsed}

    def close() -> None:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)

    return Operation(
        name="startup",
        description="start-up to login page served (python main.py on the data file; automatic backup off)",
        target_p95_ms=5000,
        measure=measure,
        warm_up=1,
        close=close,
    )
