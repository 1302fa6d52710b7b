"""Reading the audit log: a record's 변경 이력 and the office's 감사 로그 (admins only).

Each row's changes become lines "필드: 이전 → 이후" in the screens' labels (services.audit_labels);
ids of codes, staff, customers, partners and items read as their names, looked up once per page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tortoise import Tortoise

from core.audit import Actor
from models.audit import AuditEntry
from models.base import REDACTED_FIELDS
from models.settings import SECRET_VALUE_KEYS
from services.audit_labels import (
    ACTION_LABELS,
    FIELD_LABELS,
    HIDDEN_FIELDS,
    TABLE_LABELS,
    VALUE_LABELS,
    field_label,
    table_label,
)
from services.auth import require_admin_now
from services.paging import Page

EXPORT_LIMIT = 100_000
EXPORT_CHUNK = 1000
_NAME_COLUMNS = {
    "code_entry": "name",
    "staff": "name",
    "customer": "company_name",
    "trading_partner": "name",
    "item": "name",
    "quote": "number",
    "sales_order": "number",
    "shipment": "number",
}
_EMPTY = "(없음)"
_MASKED = ("(저장됨)", "(변경됨)")  # what models.settings writes in place of a secret
_SECRET_LABELS = {"password_hash": "비밀번호", "password_sha512": "API 비밀번호"}


@dataclass
class OfficeLogFilters:
    """감사 로그 filters; empty ones do not narrow."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor_name: str = ""
    table: str = ""
    action: str = ""
    record_id: int | None = None


def _references() -> dict[str, dict[str, str]]:
    """Per audited table: which `*_id` columns point to a table whose rows have a name."""
    found: dict[str, dict[str, str]] = {}
    for app in Tortoise.apps.values():
        for model in app.values():
            meta = model._meta
            refs = {}
            for name in meta.fk_fields:
                field = meta.fields_map[name]
                target = field.related_model._meta.db_table
                if target in _NAME_COLUMNS:
                    refs[field.source_field] = target
            found[meta.db_table] = refs
    return found


def _ids_wanted(entries: list[AuditEntry], refs: dict[str, dict[str, str]]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        table_refs = refs.get(entry.table_name, {})
        for field, value in (entry.changes or {}).items():
            target = table_refs.get(field)
            if target is None:
                continue
            for one in value if isinstance(value, list) else [value]:
                if isinstance(one, int) and not isinstance(one, bool):
                    wanted[target].add(one)
    return wanted


async def _names(wanted: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    """One query per referenced table for the whole page."""
    models = {model._meta.db_table: model for app in Tortoise.apps.values() for model in app.values()}
    names: dict[str, dict[int, str]] = {}
    for table, ids in wanted.items():
        column = _NAME_COLUMNS[table]
        rows = await models[table].filter(id__in=sorted(ids)).values_list("id", column)
        names[table] = {row_id: name for row_id, name in rows}
    return names


def _value(table: str, field: str, value: Any, target: str | None, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "" or value == []:
        return _EMPTY
    if target is not None and isinstance(value, int):
        known = names.get(target, {})
        return (known[value] or str(value)) if value in known else f"(삭제된 항목 {value})"
    if isinstance(value, bool):
        return "예" if value else "아니오"
    if isinstance(value, str):
        value = VALUE_LABELS.get(field, {}).get(value, value)
        return value.replace("\r\n", " ").replace("\n", " ")
    if isinstance(value, list):
        return ", ".join(_value(table, field, v, None, names) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(table, field, v, None, names)}" for k, v in value.items())
    return str(value)


def _is_secret(key: str) -> bool:
    return key in SECRET_VALUE_KEYS or any(word in key.lower() for word in ("password", "secret", "token"))


def _secret_free(value: Any) -> Any:
    """A setting's value without its secrets, whatever was written before (a second line of defence:
    rows from before a key was known to be secret)."""
    if isinstance(value, dict):
        return {k: (v if v in _MASKED else "(숨김)") if _is_secret(k) and v else v for k, v in value.items()}
    return value


def _in_form_order(table: str, changes: dict[str, Any]) -> list[tuple[str, Any]]:
    """The fields in the order the registry lists them (the screen's order), unknown ones last."""
    order = {name: index for index, name in enumerate(FIELD_LABELS.get(table, {}))}
    return sorted(changes.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def _change_lines(
    entry: AuditEntry, refs: dict[str, dict[str, str]], names: dict[str, dict[int, str]]
) -> list[str]:
    table = entry.table_name
    table_refs = refs.get(table, {})
    lines: list[str] = []
    for field, change in _in_form_order(table, entry.changes or {}):
        if field in HIDDEN_FIELDS or field in REDACTED_FIELDS:
            if entry.action == "update" and field in _SECRET_LABELS:
                lines.append(f"{_SECRET_LABELS[field]}: 변경됨")  # that it changed, never the value
            continue
        label = field_label(table, field)
        target = table_refs.get(field)
        if entry.action == "update" and isinstance(change, list) and len(change) == 2:
            old, new = (_secret_free(v) for v in change)
            if isinstance(old, dict) and isinstance(new, dict):
                for key in sorted(set(old) | set(new)):
                    if old.get(key) != new.get(key):
                        before = _value(table, key, old.get(key), None, names)
                        after = _value(table, key, new.get(key), None, names)
                        lines.append(f"{label} {key}: {before} → {after}")
                continue
            lines.append(
                f"{label}: {_value(table, field, old, target, names)} → {_value(table, field, new, target, names)}"
            )
        else:
            lines.append(f"{label}: {_value(table, field, _secret_free(change), target, names)}")
    return lines


async def _rows(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    refs = _references()
    names = await _names(_ids_wanted(entries, refs))
    return [
        {
            "id": entry.id,
            "at": entry.at,
            "actor_name": entry.actor_name or "시스템",
            "action": entry.action,
            "action_label": ACTION_LABELS.get(entry.action, entry.action),
            "table_name": entry.table_name,
            "table_label": table_label(entry.table_name),
            "record_id": entry.record_id,
            "lines": _change_lines(entry, refs, names),
        }
        for entry in entries
    ]


async def record_history(table: str, record_id: int, *, limit: int = 20, offset: int = 0) -> Page:
    """변경 이력 of one record, newest first, one page."""
    query = AuditEntry.filter(table_name=table, record_id=record_id)
    total = await query.count()
    entries = await query.order_by("-at", "-id").offset(offset).limit(limit)
    return Page(rows=await _rows(entries), total=total)


def _office_query(filters: OfficeLogFilters):
    query = AuditEntry.all()
    if filters.date_from:
        query = query.filter(at__gte=dt.datetime.combine(filters.date_from, dt.time.min))
    if filters.date_to:
        query = query.filter(at__lt=dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min))
    if filters.actor_name.strip():
        query = query.filter(actor_name__icontains=filters.actor_name.strip())
    if filters.table:
        query = query.filter(table_name=filters.table)
    if filters.action:
        query = query.filter(action=filters.action)
    if filters.record_id is not None:
        query = query.filter(record_id=filters.record_id)
    return query


async def office_log(filters: OfficeLogFilters, *, by: Actor, limit: int = 50, offset: int = 0) -> Page:
    """감사 로그: every change in the office, newest first; admins only."""
    await require_admin_now(by)
    query = _office_query(filters)
    total = await query.count()
    entries = await query.order_by("-at", "-id").offset(offset).limit(limit)
    return Page(rows=await _rows(entries), total=total)


async def iter_office_log(filters: OfficeLogFilters, *, by: Actor) -> AsyncIterator[dict[str, Any]]:
    """The 감사 로그 rows for 엑셀, in chunks (at most EXPORT_LIMIT)."""
    await require_admin_now(by)
    query = _office_query(filters).order_by("-at", "-id")
    for offset in range(0, EXPORT_LIMIT, EXPORT_CHUNK):
        entries = await query.offset(offset).limit(EXPORT_CHUNK)
        for row in await _rows(entries):
            yield row
        if len(entries) < EXPORT_CHUNK:
            return


def table_choices() -> dict[str, str]:
    """대상 종류 for the filter: every table the log can name, by its Korean word."""
    return dict(sorted(TABLE_LABELS.items(), key=lambda item: item[1]))
