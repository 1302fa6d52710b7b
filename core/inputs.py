"""Type and range checks for values as screens hand them to services. Screens send ints, dates
and text, but a tampered request or a programming slip must still end in a Korean message and an
unchanged database, never in a driver error or a silently rounded value. Each function returns
field → message for the values that are wrong; services merge that into their own errors (or
call `refuse` first, before any lookup uses the values)."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from core.errors import ValidationError

MAX_ID = 2**31 - 1
WRONG_CHOICE = "목록에서 다시 고르세요."
WRONG_DATE = "날짜는 연-월-일 순서로 입력하세요 (예: 2019-03-31)."
WRONG_CHARACTERS = "입력할 수 없는 제어 문자가 들어 있습니다. 지우고 다시 입력하세요."
# C0/C1 control characters except tab and line breaks, DEL, and lone surrogates (not encodable)
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def wrong_texts(**values: Any) -> dict[str, str]:
    """Text without control characters (tab and line breaks are fine); None counts as empty."""
    return {
        name: "글자로 입력하세요." if not isinstance(value, str) else WRONG_CHARACTERS
        for name, value in values.items()
        if value is not None and (not isinstance(value, str) or CONTROL_CHARACTERS.search(value))
    }


def search_text(value: Any) -> str:
    """What a search box's text can match: control characters removed (nothing stored contains
    them, and PostgreSQL refuses a NUL byte in any query), trimmed; "" for what is not text."""
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else ""


def is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def wrong_ids(**values: Any) -> dict[str, str]:
    """Ids picked from a list: None or a positive integer."""
    return {
        name: WRONG_CHOICE
        for name, value in values.items()
        if value is not None and not (is_whole(value) and 0 < value <= MAX_ID)
    }


def wrong_dates(**values: Any) -> dict[str, str]:
    """Dates the screen already parsed: None or a date."""
    return {
        name: WRONG_DATE
        for name, value in values.items()
        if value is not None and not isinstance(value, dt.date)
    }


def wrong_choices(choices: type, **values: Any) -> dict[str, str]:
    """Values of an enum (a member or its value)."""
    allowed = {member.value for member in choices}
    return {
        name: WRONG_CHOICE for name, value in values.items() if getattr(value, "value", value) not in allowed
    }


_WHOLE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.0*)?$")


def whole_number(value: Any) -> int | None:
    """An integer from an int, a whole float or text like "1,200" or "3.0" ("" and None are 0);
    None when the value is not a whole number (letters, "1,5", 1.5, NaN, infinity, lists…)."""
    if value is None or value == "":
        return 0
    if is_whole(value):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 40 or not _WHOLE.match(text):
            return None
        return int(text.replace(",", "").split(".")[0])
    return None


def wrong_numbers(*, minimum: int, maximum: int, **values: Any) -> dict[str, str]:
    """Whole numbers within [minimum, maximum] (see `whole_number` for what counts)."""
    problems = {}
    for name, value in values.items():
        number = whole_number(value)
        if number is None or not minimum <= number <= maximum:
            problems[name] = f"{minimum:,}에서 {maximum:,} 사이의 정수로 입력하세요."
    return problems


def refuse(*problems: dict[str, str]) -> None:
    """Raise one ValidationError with every problem, if there is any."""
    merged = {name: message for found in problems for name, message in found.items()}
    if merged:
        raise ValidationError(merged)
