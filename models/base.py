"""The base every table derives from: id, timestamps, created_by/updated_by, the audit log
written on every save and delete, and optimistic locking for records users edit."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import math
from collections.abc import Iterable
from typing import Any, ClassVar, Self

from tortoise import fields
from tortoise.fields.data import CharEnumFieldInstance, IntEnumFieldInstance
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.audit import current_actor
from core.errors import NotFound, RecordDeleted, StaleRecordError, ValidationError
from core.fields import LocalDatetimeField
from core.inputs import CONTROL_CHARACTERS, WRONG_CHARACTERS, WRONG_CHOICE, WRONG_DATE

REDACTED_FIELDS = frozenset({"password_hash", "password_sha512", "token_hash"})
_BOOKKEEPING = frozenset({"id", "created_by_id", "updated_by_id"})
_MAX_AUDIT_VALUE = 200


def _audit_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime | dt.time | decimal.Decimal):
        return str(value)
    if isinstance(value, str) and len(value) > _MAX_AUDIT_VALUE:
        return value[:_MAX_AUDIT_VALUE] + "…"
    return value


# The last line of defence for what services let through: whatever reaches a table fits its column
# on SQLite and PostgreSQL alike (SQLite would store an over-long text or a 2^40 "integer" column
# as is, PostgreSQL would fail with a driver error) and holds no control characters.
MAX_TEXT_CHARS = 2_000_000
_INT_LIMITS = ((fields.SmallIntField, 2**15), (fields.BigIntField, 2**63), (fields.IntField, 2**31))


def _text_problem(field: fields.Field, value: Any) -> str | None:
    if not isinstance(value, str):
        return "글자로 입력하세요."
    limit = getattr(field, "max_length", None) or MAX_TEXT_CHARS
    if len(value) > limit:
        return f"{limit:,}자 이내로 입력하세요."
    if CONTROL_CHARACTERS.search(value):
        return WRONG_CHARACTERS
    return None


def _value_problem(field: fields.Field, value: Any) -> str | None:
    """Why `value` cannot be stored in `field` (a Korean sentence), or None."""
    if value is None or isinstance(field, fields.BooleanField | fields.JSONField):
        return None
    if isinstance(field, CharEnumFieldInstance | IntEnumFieldInstance):
        allowed = {member.value for member in field.enum_type}
        raw = value.value if isinstance(value, enum.Enum) else value
        return None if raw in allowed else WRONG_CHOICE
    if isinstance(field, fields.CharField | fields.TextField):
        return _text_problem(field, value)
    if isinstance(field, fields.IntField):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)  # what a number widget gives; stored as the integer it is
        if isinstance(value, bool) or not isinstance(value, int):
            return "정수로 입력하세요."
        limit = next(bound for kind, bound in _INT_LIMITS if isinstance(field, kind))
        return None if -limit <= value < limit else "숫자가 너무 큽니다."
    if isinstance(field, fields.DatetimeField):
        return (
            None
            if isinstance(value, dt.datetime)
            else "날짜와 시각은 연-월-일 시:분으로 입력하세요 (예: 2019-03-31 14:30)."
        )
    if isinstance(field, fields.DateField):
        return None if isinstance(value, dt.date) else WRONG_DATE
    return None


class Record(Model):
    """Base table. Set `audited = False` on high-volume technical tables (sessions, call events)."""

    id = fields.IntField(primary_key=True)
    created_at = LocalDatetimeField(auto_now_add=True)
    updated_at = LocalDatetimeField(auto_now=True)
    # plain ids, not foreign keys: every table has them, and staff rows are never deleted
    created_by_id = fields.IntField(null=True)
    updated_by_id = fields.IntField(null=True)

    audited: ClassVar[bool] = True
    _snapshot: dict[str, Any]

    @classmethod
    async def fetch(cls, record_id: int, what: str) -> Self:
        """The row with this id, or NotFound naming it in Korean (`what`: "고객", "명함"…)."""
        record = await cls.get_or_none(id=record_id)
        if record is None:
            raise NotFound(what)
        return record

    def edit(self, values: dict[str, Any], version: int | None) -> None:
        """Take the values a user saved and the version they opened (checked by save())."""
        for name, value in values.items():
            setattr(self, name, value)
        if version is not None:
            self.version = version

    class Meta:
        abstract = True

    @classmethod
    def _init_from_db(cls, **kwargs: Any):
        obj = super()._init_from_db(**kwargs)
        obj._snapshot = obj._field_values()
        return obj

    def _field_values(self) -> dict[str, Any]:
        skip = {"created_at", "updated_at", "version"}
        return {
            name: getattr(self, name, None)
            for name in self._meta.db_fields
            if name not in skip and name in self._meta.fields_db_projection
        }

    def _changes(self, created: bool) -> dict[str, Any]:
        before = {} if created else getattr(self, "_snapshot", {})
        changes: dict[str, Any] = {}
        for name, value in self._field_values().items():
            old = before.get(name)
            if created and value in (None, ""):
                continue
            if not created and old == value:
                continue
            if name in REDACTED_FIELDS:
                changes[name] = "(변경됨)"
            elif created:
                changes[name] = _audit_value(value)
            else:
                changes[name] = [_audit_value(old), _audit_value(value)]
        return changes

    def _check_values(self, names: Iterable[str] | None) -> None:
        """Refuse (ValidationError, nothing written) values that do not fit their columns."""
        problems: dict[str, str] = {}
        for name in names if names is not None else self._meta.db_fields:
            field = self._meta.fields_map.get(name)
            if field is None or field.pk or name in ("created_at", "updated_at"):
                continue
            if problem := _value_problem(field, getattr(self, name, None)):
                problems[name] = problem
        if problems:
            raise ValidationError(problems)

    async def _check_version(self, conn) -> None:
        """Refuse the save when the row's version moved since this object was loaded."""
        expected = self.version  # type: ignore[attr-defined]
        bumped = (
            await type(self).filter(pk=self.pk, version=expected).using_db(conn).update(version=expected + 1)
        )
        if bumped:
            self.version = expected + 1  # type: ignore[attr-defined]
            return
        from models.staff import Staff

        current = await type(self).filter(pk=self.pk).using_db(conn).first()
        if current is None:
            raise RecordDeleted()
        changed_by = await Staff.filter(id=current.updated_by_id).using_db(conn).first()
        stored, mine = current._field_values(), self._field_values()
        differing = tuple(
            name for name, value in mine.items() if name not in _BOOKKEEPING and stored.get(name) != value
        )
        raise StaleRecordError(
            changed_by.name if changed_by else None,
            current.updated_at,
            latest_version=current.version,  # type: ignore[attr-defined]
            differing=differing,
        )

    async def save(
        self,
        using_db=None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        actor = current_actor()
        creating = not self._saved_in_db
        self._check_values(None if creating or update_fields is None else update_fields)
        # one transaction for the version check, the row and its audit entry. `using_db` (which
        # Model.create passes as the plain connection) is deliberately replaced by it.
        async with in_transaction() as db:
            if actor and actor.id is not None:
                if creating and self.created_by_id is None:
                    self.created_by_id = actor.id
                self.updated_by_id = actor.id
            if not creating and "version" in self._meta.fields_map:
                await self._check_version(db)
            if update_fields is not None and not creating:
                update_fields = {*update_fields, "updated_at", "updated_by_id"} - {"version"}
            await super().save(
                using_db=db, update_fields=update_fields, force_create=force_create, force_update=force_update
            )
            if self.audited:
                changes = self._changes(creating)
                if creating or changes:
                    await self._write_audit(db, "create" if creating else "update", changes)
            self._snapshot = self._field_values()

    async def delete(self, using_db=None) -> None:
        async with in_transaction() as db:
            await super().delete(using_db=db)
            if self.audited:
                await self._write_audit(
                    db,
                    "delete",
                    {
                        k: _audit_value(v)
                        for k, v in self._field_values().items()
                        if v not in (None, "") and k not in REDACTED_FIELDS
                    },
                )

    async def _write_audit(self, db, action: str, changes: dict[str, Any]) -> None:
        from models.audit import AuditEntry

        actor = current_actor()
        await AuditEntry.create(
            using_db=db,
            actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else "",
            action=action,
            table_name=self._meta.db_table,
            record_id=self.pk,
            changes=changes,
        )


class Versioned:
    """Mixin for records that users edit: a version column for optimistic locking."""

    version = fields.IntField(default=1)


def code_field():
    """A reference to a code-table row (기초정보). RESTRICT: a code in use cannot be deleted."""
    return fields.ForeignKeyField(
        "models.CodeEntry", null=True, on_delete=fields.RESTRICT, related_name=False, db_index=True
    )


def staff_field():
    return fields.ForeignKeyField(
        "models.Staff", null=True, on_delete=fields.RESTRICT, related_name=False, db_index=True
    )
