"""The benchmark runner (docs/performance.md): every operation of the target table measured through the
service function its page calls, next to a raw-SQL baseline that fetches the same rows with the
plain `sqlite3` module on the same file, in the same run.

Samples of the service and of the baseline alternate (after a warm-up that runs every input once),
so a burst of load from other work on the machine hits both alike. Operations cycle through
several inputs (numbers of every format, short and long name fragments…), so the ratio is taken
per input: the median over the samples of service time / baseline time of the same input (the
JSON also gives p50(service) / p50(baseline) as `p50_ratio`).

The targets are set for scale 1.0. Below RATIO_MIN_SCALE (the smoke test runs at 0.02) the ratio
targets are shown but not judged: the baselines take hundredths of a millisecond there, so the
ratio measures the fixed cost of a call (ORM, several small queries for what one raw query does)
rather than the overhead that grows with the office. The p95 and memory targets are judged at
every scale: a smaller office must be at least as fast."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import math
import os
import platform
import sqlite3
import statistics
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.cases import build_operations
from bench.operations import Operation

RATIO_MIN_SCALE = 0.1  # "Scale 0.1 gives a tenth of each, for quick runs"


@dataclass
class Result:
    name: str
    description: str
    samples: int
    p50_ms: float
    p95_ms: float
    baseline_p50_ms: float | None
    ratio: float | None
    target_p95_ms: float
    ratio_target: float | None
    ok: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "samples": self.samples,
            "p50_ms": None if math.isnan(self.p50_ms) else round(self.p50_ms, 3),
            "p95_ms": None if math.isnan(self.p95_ms) else round(self.p95_ms, 3),
            "baseline_p50_ms": None if self.baseline_p50_ms is None else round(self.baseline_p50_ms, 3),
            "ratio": None if self.ratio is None else round(self.ratio, 2),
            "target_p95_ms": self.target_p95_ms,
            "ratio_target": self.ratio_target,
            "ok": self.ok,
            **self.extra,
        }


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: p95 of 30 samples is the 29th smallest, a real sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


async def _time_async(call: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


def _time_sync(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


async def measure(operation: Operation, samples: int, *, judge_ratio: bool = True) -> Result:
    if operation.measure is not None:
        return await _measure_external(operation, samples, judge_ratio=judge_ratio)
    assert operation.service is not None
    for i in range(max(operation.warm_up, operation.inputs)):
        await operation.service(i)
        if operation.baseline:
            operation.baseline(i)
    timings: list[float] = []
    baseline: list[float] = []
    for i in range(samples):
        timings.append(await _time_async(lambda i=i: operation.service(i)))
        if operation.baseline:
            baseline.append(_time_sync(lambda i=i: operation.baseline(i)))
    return _result(operation, timings, baseline, {}, judge_ratio=judge_ratio)


async def _measure_external(operation: Operation, samples: int, *, judge_ratio: bool = True) -> Result:
    """Each sample reports {"ms": …, "baseline_ms": …, and extra numbers (e.g. peak RSS)}."""
    assert operation.measure is not None
    for i in range(operation.warm_up):
        await operation.measure(i)
    reports = [await operation.measure(i) for i in range(samples)]
    timings = [r["ms"] for r in reports]
    baseline = [r["baseline_ms"] for r in reports if r.get("baseline_ms") is not None]
    extra: dict[str, Any] = {}
    for key in reports[0]:
        if key in ("ms", "baseline_ms") or not isinstance(reports[0][key], int | float):
            continue
        values = [r[key] for r in reports]
        extra[key] = round(max(values), 1) if key.endswith("max") or "peak" in key else reports[0][key]
    for key, value in reports[0].items():
        if key not in extra and key not in ("ms", "baseline_ms"):
            extra[key] = value
    return _result(operation, timings, baseline, extra, judge_ratio=judge_ratio)


def _result(
    operation: Operation,
    timings: list[float],
    baseline: list[float],
    extra: dict,
    *,
    judge_ratio: bool = True,
) -> Result:
    p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
    base50 = percentile(baseline, 0.5) if baseline else None
    ratio = None
    if baseline and len(baseline) == len(timings):
        ratio = statistics.median(t / b for t, b in zip(timings, baseline, strict=True) if b > 0)
        extra = {**extra, "p50_ratio": round(p50 / base50, 2) if base50 else None}
    ok = p95 <= operation.target_p95_ms
    if operation.ratio_target is not None and judge_ratio:
        ok = ok and ratio is not None and ratio <= operation.ratio_target
    for limit_key, value_key in (("rss_target_mb", "peak_rss_mb"),):
        if limit_key in extra and value_key in extra:
            ok = ok and extra[value_key] <= extra[limit_key]
    if operation.note:
        extra = {**extra, "note": operation.note}
    return Result(
        name=operation.name,
        description=operation.description,
        samples=len(timings),
        p50_ms=p50,
        p95_ms=p95,
        baseline_p50_ms=base50,
        ratio=ratio,
        target_p95_ms=operation.target_p95_ms,
        ratio_target=operation.ratio_target,
        ok=ok,
        extra=extra,
    )


def _failed(operation: Operation, error: Exception) -> Result:
    return Result(
        name=operation.name,
        description=operation.description,
        samples=0,
        p50_ms=math.nan,
        p95_ms=math.nan,
        baseline_p50_ms=None,
        ratio=None,
        target_p95_ms=operation.target_p95_ms,
        ratio_target=operation.ratio_target,
        ok=False,
        extra={"error": f"{type(error).__name__}: {error}"},
    )


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"


def format_table(results: list[Result]) -> str:
    header = ("operation", "p50 ms", "p95 ms", "baseline p50", "ratio", "target p95", "ratio target", "ok")
    rows = [header]
    for r in results:
        target = f"≤ {_ms(r.target_p95_ms)}"
        if "peak_rss_mb" in r.extra:
            target += f", RSS {r.extra['peak_rss_mb']:.0f}/{r.extra.get('rss_target_mb', 0):.0f} MB"
        rows.append(
            (
                r.name,
                _ms(r.p50_ms),
                _ms(r.p95_ms),
                _ms(r.baseline_p50_ms),
                "—" if r.ratio is None else f"{r.ratio:.2f}",
                target,
                "—" if r.ratio_target is None else f"≤ {r.ratio_target}",
                "yes" if r.ok else "NO",
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(row)]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(files: list[Path]) -> str:
    """The results of one or more JSON reports as a Markdown table (for bench/RESULTS.md)."""
    lines = [
        "| operation | p50 ms | p95 ms | raw SQL p50 ms | ratio | target | ok |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for path in files:
        for r in json.loads(path.read_text())["results"]:
            target = []
            if r.get("target_p95_ms") is not None:
                target.append(f"p95 ≤ {_ms(r['target_p95_ms'])} ms")
            if r.get("ratio_target") is not None:
                target.append(f"ratio ≤ {r['ratio_target']}")
            if "rss_target_mb" in r:
                key = "peak_rss_mb" if "peak_rss_mb" in r and "rss_mb" not in r else "rss_mb"
                target.append(f"RSS {r[key]:.0f} MB ≤ {r['rss_target_mb']} MB")
            ratio = "—" if r.get("ratio") is None else f"{r['ratio']:.2f}"
            lines.append(
                f"| {r['name']} | {_ms(r.get('p50_ms'))} | {_ms(r.get('p95_ms'))} | "
                f"{_ms(r.get('baseline_p50_ms'))} | {ratio} | {', '.join(target)} | {'yes' if r['ok'] else '**no**'} |"
            )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def scale_of(db: Path) -> float:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        customers = connection.execute("SELECT COUNT(*) FROM customer").fetchone()[0]
    return round(customers / 100_000, 3)


async def _run(db: Path, only: list[str] | None, samples: int) -> list[Result] | None:
    from tortoise import Tortoise

    from core.db import migrate, tortoise_config

    url = f"sqlite://{db}"
    started = time.perf_counter()
    await migrate(url)  # as the app does at start-up: the data file gets this branch's schema
    print(f"migrated in {time.perf_counter() - started:.1f} s")
    await Tortoise.init(config=tortoise_config(url))
    results: list[Result] = []
    judge_ratio = scale_of(db) >= RATIO_MIN_SCALE
    if not judge_ratio:
        print(f"scale below {RATIO_MIN_SCALE}: ratio targets shown, not judged (p95 and memory targets are)")
    try:
        operations = await build_operations(db, only=only)
        unknown = set(only or []) - {o.name for o in operations}
        if unknown:
            print(f"unknown operations: {', '.join(sorted(unknown))}")
            return None
        for operation in operations:
            try:
                result = await measure(operation, samples, judge_ratio=judge_ratio)
            except Exception as error:  # one broken operation must not hide the others' results
                traceback.print_exc()
                result = _failed(operation, error)
            finally:
                if operation.close:
                    operation.close()
            results.append(result)
            print(
                f"{result.name:40s} p50 {_ms(result.p50_ms):>8} p95 {_ms(result.p95_ms):>8} "
                f"baseline {_ms(result.baseline_p50_ms):>8} ratio "
                f"{'—' if result.ratio is None else f'{result.ratio:.2f}':>6} {'ok' if result.ok else 'NOT MET'}",
                flush=True,
            )
    finally:
        await Tortoise.close_connections()
    return results


def write_report(db: Path, out: Path, samples: int, results: list[Result]) -> None:
    scale = scale_of(db)
    report = {
        "scale": scale,
        "ratio_targets_judged": scale >= RATIO_MIN_SCALE,
        "database": str(db),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "samples": samples,
        "machine": machine(),
        "results": [r.as_json() for r in results],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print()
    print(format_table(results))
    print(f"\nwritten {out}")


def run(db: Path, out: Path, *, only: list[str] | None = None, samples: int = 30) -> int:
    """Measure every operation (or those named in `only`); exit status 0 when every target is met."""
    if not db.exists():
        print(f"no database at {db}: run `python -m bench generate --db {db}` first")
        return 2
    from core.settings import use_office_timezone

    use_office_timezone()
    logging.getLogger("xhtml2pdf").setLevel(logging.ERROR)  # CSS notes on every PDF
    db = db.resolve()
    results = asyncio.run(_run(db, only, samples))
    if results is None:
        return 2
    write_report(db, out, samples, results)
    return 0 if results and all(r.ok for r in results) else 1
