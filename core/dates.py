"""Typed dates that cannot exist (2026-02-30, 2026-13-01): named as such wherever they are refused,
instead of "enter a date" or "wrong format", which send the user looking for a typo."""

from __future__ import annotations

import datetime as dt
import re

IMPOSSIBLE_DATE = "존재하지 않는 날짜입니다."
_DATE_SHAPES = (
    re.compile(r"^\s*(\d{4})[-./](\d{1,2})[-./](\d{1,2})\s*$"),
    re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$"),
)


def is_impossible_date(value: object) -> bool:
    """Text shaped like a date (2026-02-30, 2026.02.30, 20260230) whose day does not exist."""
    if not isinstance(value, str):
        return False
    match = next((m for shape in _DATE_SHAPES if (m := shape.match(value))), None)
    if match is None:
        return False
    try:
        dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return True
    return False
