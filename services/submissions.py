"""Exactly-once creates: a "new" form carries a token (`new_form_token()` when it opens) and its
create service runs through `create_once`. The same token again — a double click, Enter and a click
together, a laggy tablet's retry after a dropped connection — returns the record the first save
made instead of a second one."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.errors import ValidationError
from models.form_submission import FormSubmission

M = TypeVar("M", bound=Model)
MAX_TOKEN_CHARS = 64


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


async def already_made(model: type[M], kind: str, token: str | None) -> M | None:
    """The record this form token already made, if any (services check it before validating, so
    a repeated save is not refused as a duplicate of itself)."""
    if token is None:
        return None
    done = await FormSubmission.get_or_none(token=token)
    if done is None:
        return None
    if done.kind != kind:
        raise ValidationError({"": "이 입력창은 다른 저장에 쓰였습니다. 창을 닫고 다시 여세요."})
    return await model.get_or_none(id=done.record_id)


async def create_once(model: type[M], kind: str, token: str | None, create: Callable[[], Awaitable[M]]) -> M:
    """`create()` (which writes the record and whatever belongs to it) and the token in one
    transaction; the record already made for this token instead, when there is one. Without a
    token (imports, demo data, scripts) it simply creates."""
    if token is None:
        return await create()
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS:
        raise ValidationError({"": "입력창의 저장 표식이 잘못되었습니다. 창을 닫고 다시 여세요."})
    if (record := await already_made(model, kind, token)) is not None:
        return record
    try:
        async with in_transaction() as connection:
            record = await create()
            await FormSubmission.create(token=token, kind=kind, record_id=record.pk, using_db=connection)
            return record
    except IntegrityError:
        # the same form saved at the very same moment (the unique token): that save's record
        if (record := await already_made(model, kind, token)) is not None:
            return record
        raise
