"""The benchmark harness itself (issue #9), at scale 0.02: the generator builds a small office and
the runner measures every operation of BENCHMARKS.md, with numbers for each. Timing is not
judged here (bench/RESULTS.md holds the scale-1.0 results); a crash or a missing row is."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from bench.cases import ORDER

ROOT = Path(__file__).resolve().parents[2]


def test_generator_and_runner_measure_every_operation(tmp_path: Path):
    db = tmp_path / "bench.sqlite3"
    out = tmp_path / "results.json"
    subprocess.run(
        [sys.executable, "-m", "bench", "generate", "--scale", "0.02", "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    with sqlite3.connect(db) as connection:
        counts = {
            table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("customer", "business_card", "reception", "quote", "quote_line", "visit_report")
        }
        kinds = {row[0][:3] for row in connection.execute("SELECT phone FROM customer")}
    assert counts == {
        "customer": 2000,
        "business_card": 5000,
        "reception": 20000,
        "quote": 1000,
        "quote_line": 6000,
        "visit_report": 600,
    }
    assert {"02-", "031", "070", "010"} <= kinds and any(kind.startswith("15") for kind in kinds)

    run = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--db", str(db), "--out", str(out), "--samples", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode in (0, 1), (
        run.stdout[-3000:] + run.stderr[-3000:]
    )  # 1: a target missed at this scale
    assert out.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["scale"] == 0.02
    results = {r["name"]: r for r in report["results"]}
    assert list(results) == ORDER
    for name, result in results.items():
        assert result["samples"] == 2, name
        for key in ("p50_ms", "p95_ms", "target_p95_ms"):
            assert isinstance(result[key], int | float) and result[key] >= 0, (name, key)
        assert isinstance(result["ok"], bool), name
        if result["ratio_target"] is not None:
            assert result["baseline_p50_ms"] > 0 and result["ratio"] > 0, name
    assert results["excel_export_customers"]["rows"] == 2000
    assert 0 < results["excel_export_customers"]["peak_rss_mb"] < 2000
    assert "operation" in run.stdout and "p95 ms" in run.stdout  # the printed table
