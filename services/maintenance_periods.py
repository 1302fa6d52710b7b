"""The periods of maintenance: months added to a date (a month-end stays one), the next period
of a renewal (자동지정), when a product's maintenance ends, and how many months a payment form
pays for."""

from __future__ import annotations

import calendar
import datetime as dt

from models.codes import CodeEntry, CodeKind
from services.codes import PAYMENT_FORM_MONTHS


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months. A month-end stays a month-end (2019-02-28 + 12 → 2020-02-29,
    2020-01-31 + 1 → 2020-02-29, 2020-02-29 + 1 → 2020-03-31); other days are clamped to the
    target month's length (2020-01-30 + 1 → 2020-02-29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return dt.date(year, month, last)
    return dt.date(year, month, min(day.day, last))


def auto_period(previous_end: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """자동지정: the next period starts the day after the previous end and runs `months` months
    (12 for 년납, 1 for 월납): previous end 2019-03-31, 년납 → 2019-04-01 ~ 2020-03-31."""
    return previous_end + dt.timedelta(days=1), add_months(previous_end, months)


def maintenance_end(free_end_on: dt.date | None, paid_end_on: dt.date | None) -> dt.date | None:
    """When the product's maintenance (free or paid, whichever lasts longer) ends."""
    return max((d for d in (free_end_on, paid_end_on) if d), default=None)


async def payment_form_months(payment_form_id: int | None) -> int | None:
    if not payment_form_id:
        return None
    form = await CodeEntry.get_or_none(id=payment_form_id, kind=CodeKind.PAYMENT_FORM)
    return PAYMENT_FORM_MONTHS.get(form.code) if form else None
