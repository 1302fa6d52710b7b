"""Document numbers: the next `YYMMDD-NNN` of a day (수주번호, 출고번호, 수금번호) and creating a
document under the next free number when two users save at the same moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.db import serialize_numbering
from core.errors import ValidationError

NUMBER_ATTEMPTS = 8

M = TypeVar("M", bound=Model)


async def next_daily_number(model: type[Model], column: str, day: dt.date) -> str:
    """The next `YYMMDD-NNN` number of a day in `model.column` (수주번호, 출고번호)."""
    prefix = day.strftime("%y%m%d") + "-"
    taken = await model.filter(**{f"{column}__startswith": prefix}).values_list(column, flat=True)
    sequences = [int(number[len(prefix) :]) for number in taken if number[len(prefix) :].isdigit()]
    return f"{prefix}{max(sequences, default=0) + 1:03d}"


async def create_numbered(
    model: type[Model],
    column: str,
    day: dt.date,
    create: Callable[[str], Awaitable[M]],
    numbering: Callable[[type[Model], str, dt.date], Awaitable[str]] | None = None,
) -> M:
    """Run `create(number)` in a transaction with the day's next number (`numbering`, by default
    `YYMMDD-NNN`); when another user took that number at the same moment (unique constraint), try
    again with the following one."""
    number = ""
    for _ in range(NUMBER_ATTEMPTS):
        try:
            async with in_transaction() as connection:
                await serialize_numbering(connection, f"{model._meta.db_table}.{column}")
                number = await (numbering or next_daily_number)(model, column, day)
                return await create(number)
        except IntegrityError:
            if not await model.filter(**{column: number}).exists():
                raise
    raise ValidationError({"": "번호를 정하지 못했습니다. 잠시 후 다시 저장하세요."})
