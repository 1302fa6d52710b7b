"""The field checks the record forms share (고객, 명함, 거래처): a form's texts trimmed, length
limits, phone numbers and e-mail addresses, and references to code-table rows. Each check adds
its Korean message under the field's name, so a form shows every problem next to its field."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from core.inputs import wrong_ids, wrong_texts
from core.korean import format_phone, phone_error
from models.codes import CodeEntry, CodeKind

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_error(raw: str) -> str | None:
    if raw and not EMAIL_PATTERN.match(raw):
        return "이메일 주소가 올바르지 않습니다 (예: name@example.com)."
    return None


async def code_reference_errors(values: dict[str, Any], kinds: dict[str, CodeKind]) -> dict[str, str]:
    """Each referenced code-table row must exist and belong to the right table."""
    wanted = {name: values[name] for name in kinds if values.get(name)}
    if not wanted:
        return {}
    found = dict(await CodeEntry.filter(id__in=set(wanted.values())).values_list("id", "kind"))
    return {
        name: "기초정보에 없는 항목입니다. 다시 선택하세요."
        for name, code_id in wanted.items()
        if found.get(code_id) != kinds[name]
    }


def form_values(data: Any, *, not_text: Iterable[str] = ()) -> dict[str, Any]:
    """A form dataclass as a dict; its text fields (those with a text default, besides
    `not_text`) trimmed, a cleared widget's None as ""."""
    skip = set(not_text)
    values: dict[str, Any] = {}
    for spec in fields(data):
        value = getattr(data, spec.name)
        if isinstance(spec.default, str) and spec.name not in skip:
            value = "" if value is None else str(value).strip()
        values[spec.name] = value
    return values


def check_texts(values: dict[str, Any], errors: dict[str, str], limits: dict[str, int], *also: str) -> None:
    """Texts within their limits, and no control characters in them nor in `also`."""
    for name, limit in limits.items():
        if len(values[name]) > limit:
            errors[name] = f"{limit:,}자 이내로 입력하세요."
    errors.update(wrong_texts(**{name: values[name] for name in (*limits, *also)}))


def check_contacts(values: dict[str, Any], errors: dict[str, str], phones: Iterable[str]) -> None:
    """Phone numbers stored in their usual format (or refused), and the e-mail address."""
    for name in phones:
        if message := phone_error(values[name]):
            errors[name] = message
        else:
            values[name] = format_phone(values[name])[:30]
    if message := email_error(values["email"]):
        errors["email"] = message


async def check_codes(
    values: dict[str, Any], errors: dict[str, str], kinds: dict[str, CodeKind], *ids: str
) -> dict[str, str]:
    """The code-table references (and the other ids in `ids`) are whole numbers, and each code is a
    row of its table. Returns the ids that are not numbers at all (their rows were not looked for)."""
    wrong = wrong_ids(**{name: values[name] for name in (*kinds, *ids)})
    errors.update(wrong)
    errors.update(await code_reference_errors(values, {k: v for k, v in kinds.items() if k not in wrong}))
    return wrong
