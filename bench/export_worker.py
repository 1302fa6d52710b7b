"""A separate process for one side of the Excel-export benchmark, so its peak memory is its own.

    python -m bench.export_worker --db PATH --mode service|bare

Reads a line per export from stdin ("go", or "quit"), answers one JSON line per export:
{"ms": export time, "rows": rows written, "bytes": file size}. The first line it prints is
{"ready": true, "rss_mb": …} once set up.

- service: the customer list's 엑셀저장 path (services.customer_list.export_customers with the screen's
  default filters: every customer, code order newest first). NiceGUI and the page modules are
  imported first, so the process carries what the server carries before it exports.
- bare: the same rows (same columns, names and order) fetched with plain sqlite3 and appended as
  plain values to an openpyxl write-only workbook: the physical limit of writing this file."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sqlite3
import sys
import time
from pathlib import Path

from bench.cases import _CUSTOMER_SELECT


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _bare_export(db: Path) -> tuple[int, Path]:
    from openpyxl import Workbook

    from core.korean import format_business_number
    from services.customer_list import CUSTOMER_LIST
    from services.excel import temp_xlsx_path

    select = _CUSTOMER_SELECT.replace("c.partner_id\nFROM", "c.memo\nFROM")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("고객목록")
    sheet.append([column.header for column in CUSTOMER_LIST.excel_columns()])
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = 0
    # the columns of _CUSTOMER_SELECT minus id, in the order of the export (CUSTOMER_LIST's sheet)
    for r in connection.execute(f"{select} ORDER BY c.code DESC"):
        (_, code, registered, status, name, rep, bn, btype, bitem, phone, fax, mobile, email, home) = r[:14]
        (postal, address, detail, contact, department, staff, contract, planned, first, stop) = r[14:24]
        (class_a, class_b, class_c, service_class, memo) = r[24:29]
        sheet.append(
            [
                code,
                _day(registered),
                status,
                name,
                rep,
                format_business_number(bn),
                btype,
                bitem,
                phone,
                fax,
                mobile,
                email,
                home,
                postal,
                address,
                detail,
                contact,
                department,
                staff,
                _day(contract),
                _day(planned),
                _day(first),
                class_a,
                class_b,
                class_c,
                service_class,
                _day(stop),
                memo,
            ]
        )
        rows += 1
    connection.close()
    path = temp_xlsx_path("bench-bare-")
    workbook.save(path)
    return rows, path


async def _service_loop(db: Path) -> None:
    import nicegui  # noqa: F401 - the server's footprint
    from tortoise import Tortoise

    import pages  # noqa: F401
    from core.db import tortoise_config
    from services.customer_list import CustomerFilters, export_customers

    await Tortoise.init(config=tortoise_config(f"sqlite://{db}"))
    progress: list[tuple[int, int]] = []
    try:
        print(json.dumps({"ready": True, "rss_mb": round(_rss_mb(), 1)}), flush=True)
        for line in sys.stdin:
            if line.strip() != "go":
                break
            started = time.perf_counter()
            path = await export_customers(
                CustomerFilters(),
                sort_by="code",
                descending=True,
                on_progress=lambda done, total: progress.append((done, total)),
            )
            elapsed = (time.perf_counter() - started) * 1000
            size = path.stat().st_size
            path.unlink()
            rows = progress[-1][0] if progress else 0
            print(json.dumps({"ms": elapsed, "rows": rows, "bytes": size}), flush=True)
    finally:
        await Tortoise.close_connections()


def _bare_loop(db: Path) -> None:
    print(json.dumps({"ready": True, "rss_mb": round(_rss_mb(), 1)}), flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        started = time.perf_counter()
        rows, path = _bare_export(db)
        elapsed = (time.perf_counter() - started) * 1000
        size = path.stat().st_size
        path.unlink()
        print(json.dumps({"ms": elapsed, "rows": rows, "bytes": size}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--mode", choices=("service", "bare"), required=True)
    args = parser.parse_args()
    from core.settings import use_office_timezone

    use_office_timezone()
    if args.mode == "service":
        asyncio.run(_service_loop(args.db.resolve()))
    else:
        _bare_loop(args.db.resolve())


if __name__ == "__main__":
    main()
