"""What a benchmark case is made of: the `Operation` the runner (bench.run) measures, and the
`Context` the cases (bench.cases, bench.heavy) pick their inputs from. The runner imports the
cases; the cases import only this module, never the runner."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WARM_UP = 3
SEED = 97


@dataclass
class Operation:
    """One row of the target table. `service(i)` and `baseline(i)` run sample i (inputs cycle).
    A `measure` function replaces both for operations timed elsewhere (a subprocess)."""

    name: str
    description: str
    target_p95_ms: float
    ratio_target: float | None = None
    service: Callable[[int], Awaitable[Any]] | None = None
    baseline: Callable[[int], Any] | None = None
    measure: Callable[[int], Awaitable[dict[str, Any]]] | None = None
    warm_up: int = WARM_UP
    inputs: int = 1  # how many different inputs the samples cycle through (all are warmed up)
    note: str = ""
    close: Callable[[], Any] | None = None  # called after the last sample (ends worker processes)


@dataclass
class Context:
    db: Path
    raw: sqlite3.Connection  # the baseline's connection
    today: dt.date  # the newest day of the data (the generator's "today")

    def rows(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        return self.raw.execute(sql, params).fetchall()

    def value(self, sql: str, params: tuple | list = ()) -> Any:
        row = self.raw.execute(sql, params).fetchone()
        return row[0] if row else None

    def sample(self, sql: str, k: int, params: tuple | list = ()) -> list[Any]:
        """k values from the rows of `sql` (its first column), picked with the fixed seed."""
        values = [r[0] for r in self.rows(sql, params)]
        return random.Random(f"{SEED}{sql}").sample(values, k=min(k, len(values))) if values else []
