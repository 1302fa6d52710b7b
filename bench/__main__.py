"""python -m bench generate --scale S --db PATH  |  python -m bench run --db PATH --out FILE.json
|  python -m bench report FILE.json [BROWSER.json]  (the Markdown table of bench/RESULTS.md)"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Gogaek benchmark office")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="build the benchmark database")
    generate.add_argument(
        "--scale", type=float, default=1.0, help="1.0 = 100 000 customers, 1 000 000 receptions"
    )
    generate.add_argument("--db", type=Path, default=Path("bench/bench.sqlite3"))
    generate.add_argument("--seed", type=int, default=20261127)
    run = commands.add_parser("run", help="measure every operation of docs/performance.md")
    run.add_argument("--db", type=Path, default=Path("bench/bench.sqlite3"))
    run.add_argument("--out", type=Path, default=Path("bench/results.json"))
    run.add_argument("--only", nargs="*", default=None, help="names of operations to run")
    run.add_argument("--samples", type=int, default=30)
    report = commands.add_parser("report", help="the results as the Markdown table of bench/RESULTS.md")
    report.add_argument("results", type=Path, nargs="+", help="JSON written by run (and by bench.browser)")
    args = parser.parse_args(argv)
    if args.command == "report":
        from bench.run import markdown_table

        print(markdown_table(args.results))
        return 0
    if args.command == "generate":
        from bench.generate import generate as run_generate

        run_generate(args.db, scale=args.scale, seed=args.seed)
        return 0
    from bench.run import run as run_benchmarks

    return run_benchmarks(args.db, args.out, only=args.only, samples=args.samples)


if __name__ == "__main__":
    sys.exit(main())
