"""Field types shared by the models."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import fields

from core.settings import TIMEZONE

_OFFICE = ZoneInfo(TIMEZONE)


class LocalDatetimeField(fields.DatetimeField):
    """A timestamp as the office sees it: a naive datetime in Korean time, on SQLite and PostgreSQL.

    PostgreSQL's driver returns timestamptz values in UTC and Tortoise (with use_tz off) would only
    drop the zone, shifting every time by nine hours; here they are converted to office time first.
    auto_now/auto_now_add use the office clock too."""

    def to_python_value(self, value: Any) -> dt.datetime | None:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(_OFFICE).replace(tzinfo=None)
        return super().to_python_value(value)

    def to_db_value(self, value: Any, instance: Any) -> Any:
        if hasattr(instance, "_saved_in_db") and (
            self.auto_now or (self.auto_now_add and getattr(instance, self.model_field_name) is None)
        ):
            now = dt.datetime.now(_OFFICE).replace(tzinfo=None)
            setattr(instance, self.model_field_name, now)
            return now
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(_OFFICE).replace(tzinfo=None)
        return super().to_db_value(value, instance)
