from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.exceptions import IntegrityError

from core.errors import StaleRecordError
from models.base import Record, Versioned

# keys of a setting's JSON value that are secrets (the SMTP password, the Centrex ring callback's
# secret path): kept, never audited
SECRET_VALUE_KEYS = frozenset({"password", "ring_secret"})


def _without_secrets(value: Any, *, changed: bool = False) -> Any:
    if not isinstance(value, dict):
        return value
    return {
        key: ("(변경됨)" if changed else "(저장됨)") if key in SECRET_VALUE_KEYS and item else item
        for key, item in value.items()
    }


class AppSetting(Versioned, Record):
    """Office-wide settings edited in 설정 (company block, CTI, Centrex, backups), one JSON value per key."""

    key = fields.CharField(max_length=100, unique=True)
    value = fields.JSONField(default=dict)

    class Meta:
        table = "app_setting"

    def _changes(self, created: bool) -> dict[str, Any]:
        changes = super()._changes(created)
        if "value" in changes:
            if created:
                changes["value"] = _without_secrets(changes["value"])
            else:
                old, new = changes["value"]
                moved = any(
                    (old or {}).get(key) != (new or {}).get(key)
                    for key in SECRET_VALUE_KEYS
                    if isinstance(old, dict) and isinstance(new, dict)
                )
                changes["value"] = [_without_secrets(old), _without_secrets(new, changed=moved)]
        return changes

    @classmethod
    async def store(cls, key: str, value: dict[str, Any], *, version: int) -> AppSetting:
        """Save one setting as the screen that opened it at `version` saw it (0: not stored yet);
        someone else's save in between is a StaleRecordError naming the keys that differ. The caller
        says who acts (`acting_as`)."""
        row = await cls.get_or_none(key=key)
        if row is None:
            if version != 0:
                raise StaleRecordError(None, None)
            try:
                return await cls.create(key=key, value=value)
            except IntegrityError as exc:  # another admin saved first
                first = await cls.get_or_none(key=key)
                if first is None:
                    raise
                raise StaleRecordError(
                    None,
                    first.updated_at,
                    latest_version=first.version,
                    differing=first.differing_keys(value),
                ) from exc
        row.value = value
        row.version = version
        await row.save()
        return row

    def differing_keys(self, value: Any) -> tuple[str, ...]:
        """The keys of the JSON value where `value` and this row's differ."""
        mine = value if isinstance(value, dict) else {}
        stored = self.value if isinstance(self.value, dict) else {}
        return tuple(key for key in {**mine, **stored} if mine.get(key) != stored.get(key))

    async def save(self, *args: Any, **kwargs: Any) -> None:
        # a conflict names the settings that differ, not the one JSON column holding them all
        try:
            await super().save(*args, **kwargs)
        except StaleRecordError as error:
            stored = await AppSetting.get_or_none(id=self.pk)
            if stored is None or "value" not in error.differing:
                raise
            raise StaleRecordError(
                error.changed_by,
                error.changed_at,
                latest_version=error.latest_version,
                differing=stored.differing_keys(self.value),
            ) from error
