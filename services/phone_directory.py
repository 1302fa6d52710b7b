"""The phone directory: every number of every customer and business card, normalised to digits,
plus explicit links (고객번호 연결). Incoming calls and phone searches resolve through it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.db import sqlite_reader
from core.errors import NotFound, ValidationError
from core.inputs import refuse, wrong_ids, wrong_texts
from core.korean import phone_digits
from models.base import Record
from models.card import BusinessCard
from models.customer import Customer
from models.phone import PhoneEntry, PhoneSource

R = TypeVar("R", bound=Record)
MIN_SEARCH_DIGITS = 3
SUBSCRIBER_DIGITS = 7  # 808-8016: the part of a number without its area code
MAX_CANDIDATES = 10

CUSTOMER_PHONE_FIELDS = {"phone": "전화", "fax": "팩스", "mobile": "휴대폰"}
CARD_PHONE_FIELDS = {"mobile": "휴대폰", "direct_phone": "직통", "fax": "팩스"}


@dataclass
class CallerMatch:
    """What a caller-ID resolves to: one customer, or candidates to choose from, or nothing."""

    digits: str
    customer: Customer | None = None
    candidates: list[Customer] = field(default_factory=list)
    card: BusinessCard | None = None
    shared: bool = False  # the candidates all have exactly this number (not merely a similar one)
    matched_numbers: dict[int, str] = field(default_factory=dict)  # candidate id → its number that matched

    @property
    def matched(self) -> bool:
        return self.customer is not None


def _is_nationwide(digits: str) -> bool:
    return len(digits) == 8 and digits[:2] in {"15", "16", "18"}


def _prefix_range(prefix: str) -> dict[str, str]:
    """An index-friendly `startswith` on a digits column (works the same on SQLite and PostgreSQL)."""
    return {"gte": prefix, "lt": prefix[:-1] + chr(ord(prefix[-1]) + 1)}


def _ends_with(digits: str) -> dict[str, str]:
    bounds = _prefix_range(digits[::-1])
    return {"digits_reversed__gte": bounds["gte"], "digits_reversed__lt": bounds["lt"]}


def _starts_with(digits: str) -> dict[str, str]:
    bounds = _prefix_range(digits)
    return {"digits__gte": bounds["gte"], "digits__lt": bounds["lt"]}


async def _replace_entries(source: PhoneSource, match: dict, owner: dict, numbers: dict[str, str]) -> None:
    """Replace the entries `match` selects with the current numbers, owned by `owner`. A card's
    entries are matched by the card alone: the card may have moved to another customer."""
    async with in_transaction():
        await PhoneEntry.filter(source=source, **match).delete()
        entries = [
            PhoneEntry(digits=d, digits_reversed=d[::-1], source=source, label=label, **owner)
            for label, raw in numbers.items()
            if len(d := phone_digits(raw)) >= MIN_SEARCH_DIGITS
        ]
        if entries:
            await PhoneEntry.bulk_create(entries)


async def sync_customer_phones(customer: Customer) -> None:
    """Call after saving a customer: its phone/fax/mobile become directory entries."""
    await _replace_entries(
        PhoneSource.CUSTOMER,
        {"customer_id": customer.id},
        {"customer_id": customer.id},
        {label: getattr(customer, name) for name, label in CUSTOMER_PHONE_FIELDS.items()},
    )


async def sync_card_phones(card: BusinessCard) -> None:
    """Call after saving a card: its numbers join the directory, under the card's customer if any."""
    await _replace_entries(
        PhoneSource.CARD,
        {"card_id": card.id},
        {"card_id": card.id, "customer_id": card.customer_id},
        {label: getattr(card, name) for name, label in CARD_PHONE_FIELDS.items()},
    )


PHONE_CHARACTERS = re.compile(r"[\d\s()+\-.]*")
MAX_DIGITS = 20  # PhoneEntry.digits


async def link_number(number: str, customer_id: int, *, by: Actor) -> None:
    """고객번호: from now on calls from `number` resolve to this customer (replacing an older link)."""
    refuse(wrong_texts(phone=number), wrong_ids(customer=customer_id))
    digits = phone_digits(number)
    if len(digits) < MIN_SEARCH_DIGITS:
        raise ValidationError({"phone": "연결할 전화번호가 없습니다."})
    # caller-IDs may be numbers no directory lists (050, new ranges): only the form is checked
    if not PHONE_CHARACTERS.fullmatch(number.strip()):
        raise ValidationError({"phone": "전화번호에는 숫자와 - 만 입력하세요."})
    if len(digits) > MAX_DIGITS:
        raise ValidationError({"phone": f"전화번호는 {MAX_DIGITS:,}자리까지입니다."})
    if customer_id is None or not await Customer.exists(id=customer_id):
        raise NotFound("고객")
    with acting_as(by):
        async with in_transaction():
            await PhoneEntry.filter(source=PhoneSource.LINK, digits=digits).delete()
            await PhoneEntry.create(
                digits=digits,
                digits_reversed=digits[::-1],
                source=PhoneSource.LINK,
                label="연결",
                customer_id=customer_id,
            )


# Directory lookups. On SQLite they are short index lookups run on the read connection
# (core.db.SqliteReader): an incoming call must not queue behind other work. Customers and cards
# come back partial, with what a caller-ID needs (CALLER_FIELDS, CARD_FIELDS): screens that edit
# them load the full record by id.

CALLER_FIELDS = (
    "id",
    "code",
    "company_name",
    "representative",
    "phone",
    "mobile",
    "contact_name",
    "partner_id",
)
CARD_FIELDS = ("id", "customer_id", "company_name", "name", "mobile", "direct_phone")
_CUSTOMER_COLUMNS = ", ".join(CALLER_FIELDS)
_CARD_COLUMNS = ", ".join(CARD_FIELDS)


def _partial(model: type[R], names: Sequence[str], row: Sequence[Any]) -> R:
    """A partial model from plain column values, made the way Tortoise makes a row of an
    `.only()` query (`_init_from_db`, which Record extends with the snapshot its audit log keeps):
    saving it without `update_fields` is refused, like any partial model."""
    return model._init_from_db(**dict(zip(names, row, strict=True)))


class _Directory:
    def __init__(self) -> None:
        self.reader = sqlite_reader()
        self.sqlite = self.reader is not None

    async def _rows(self, sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple]]:
        assert self.reader is not None
        return await self.reader.rows(sql, params, quick=True)

    async def exact_entries(self, digits: str) -> list[tuple[str, int | None, int | None]]:
        """(source, customer_id, card_id) of every entry with exactly these digits, oldest first."""
        if self.sqlite:
            _, rows = await self._rows(
                "SELECT source, customer_id, card_id FROM phone_entry WHERE digits = ? ORDER BY id", (digits,)
            )
            return rows
        entries = (
            await PhoneEntry.filter(digits=digits)
            .order_by("id")
            .values_list("source", "customer_id", "card_id")
        )
        return [(str(s), c, k) for s, c, k in entries]

    async def owners_ending_with(self, tail: str, limit: int) -> list[int]:
        """Customers owning a number that ends with `tail` (some of them: at most `limit` entries)."""
        if self.sqlite:
            low, high = _prefix_range(tail[::-1]).values()
            _, rows = await self._rows(
                "SELECT customer_id FROM phone_entry WHERE digits_reversed >= ? AND digits_reversed < ? "
                "AND customer_id IS NOT NULL LIMIT ?",
                (low, high, limit),
            )
            owners = [r[0] for r in rows]
        else:
            owners = await (
                PhoneEntry.filter(**_ends_with(tail), customer_id__not_isnull=True)
                .limit(limit)
                .values_list("customer_id", flat=True)
            )
        return list(dict.fromkeys(owners))

    async def customers(self, ids: list[int]) -> list[Customer]:
        unique = list(dict.fromkeys(ids))[:MAX_CANDIDATES]
        if not unique:
            return []
        if self.sqlite:
            names, rows = await self._rows(
                f"SELECT {_CUSTOMER_COLUMNS} FROM customer WHERE id IN ({','.join('?' * len(unique))})",
                unique,
            )
            found = [_partial(Customer, names, row) for row in rows]
        else:
            found = await Customer.filter(id__in=unique).only(*CALLER_FIELDS)
        by_id = {c.id: c for c in found}
        return [by_id[i] for i in unique if i in by_id]

    async def customer(self, customer_id: int) -> Customer | None:
        found = await self.customers([customer_id])
        return found[0] if found else None

    async def card(self, card_id: int) -> BusinessCard | None:
        if self.sqlite:
            names, rows = await self._rows(
                f"SELECT {_CARD_COLUMNS} FROM business_card WHERE id = ?", (card_id,)
            )
            return _partial(BusinessCard, names, rows[0]) if rows else None
        return await BusinessCard.filter(id=card_id).only(*CARD_FIELDS).first()


async def resolve_caller(number: str | None) -> CallerMatch:
    """Resolve a raw caller-ID ('02-808-8016', '+82 2 808 8016', '0228088016', '8016'…).

    An explicit link wins, then an exact number of exactly one customer. A number given without
    its area code matches by subscriber number. Otherwise customers whose numbers share the
    subscriber part (the same number in another area-code form, or 7+ trailing digits in common)
    are offered as candidates, each with the number it matched; a shorter tail in common is no
    evidence and offers nothing. Customers and the card come back partial (CALLER_FIELDS, CARD_FIELDS)."""
    digits = phone_digits(number)
    match = CallerMatch(digits=digits)
    if len(digits) < 4:
        return match
    directory = _Directory()
    exact = await directory.exact_entries(digits)
    linked = [customer for source, customer, _ in exact if source == PhoneSource.LINK]
    owners = list(dict.fromkeys(customer for _, customer, _ in exact if customer))
    customer_id = linked[0] if linked else owners[0] if len(owners) == 1 else None
    card_id = next((card for _, customer, card in exact if card and customer == customer_id), None)
    if card_id:
        match.card = await directory.card(card_id)
    if customer_id:
        match.customer = await directory.customer(customer_id)
        return match
    if owners:
        match.candidates = await directory.customers(owners)
        match.shared = True
        return match
    if match.card:  # a person whose card is not linked to any customer
        return match
    # a number without its area code (808-8016), but not a nationwide 15xx/16xx/18xx number
    local_call = not digits.startswith("0") and len(digits) <= 8 and not _is_nationwide(digits)
    if len(digits) < SUBSCRIBER_DIGITS:
        return match
    tail = digits[-SUBSCRIBER_DIGITS:]
    owners = await directory.owners_ending_with(tail, MAX_CANDIDATES * 3)
    if local_call and len(owners) == 1:
        match.customer = await directory.customer(owners[0])
        return match
    if owners:
        match.candidates = await directory.customers(owners)
        ids = [c.id for c in match.candidates]
        rows = await PhoneEntry.filter(customer_id__in=ids, **_ends_with(tail)).values_list(
            "customer_id", "digits"
        )
        for owner, number in rows:
            match.matched_numbers.setdefault(owner, number)
    return match


async def customer_ids_for_phone(fragment: str, limit: int = 5000) -> list[int]:
    """Customers having any number (own or a card's) that starts or ends with the typed digits."""
    digits = phone_digits(fragment)
    if len(digits) < MIN_SEARCH_DIGITS:
        return []
    ids: set[int] = set()
    reader = sqlite_reader()
    if reader is not None:
        for column, prefix in (("digits_reversed", digits[::-1]), ("digits", digits)):
            low, high = _prefix_range(prefix).values()
            _, rows = await reader.rows(
                f"SELECT customer_id FROM phone_entry WHERE {column} >= ? AND {column} < ? "
                "AND customer_id IS NOT NULL LIMIT ?",
                (low, high, limit),
                quick="try",
            )
            ids.update(r[0] for r in rows)
        return sorted(ids)
    for condition in (_ends_with(digits), _starts_with(digits)):
        ids.update(
            await PhoneEntry.filter(**condition, customer_id__not_isnull=True)
            .limit(limit)
            .values_list("customer_id", flat=True)
        )
    return sorted(ids)


async def customers_with_numbers(
    numbers: Iterable[str | None], *, exclude_customer_id: int | None = None
) -> dict[int, str]:
    """Customers (other than `exclude_customer_id`) whose own phone or mobile is one of `numbers`:
    customer id → the shared digits. Used to warn before saving a duplicate customer."""
    wanted = {d for raw in numbers if len(d := phone_digits(raw)) >= MIN_SEARCH_DIGITS}
    if not wanted:
        return {}
    query = PhoneEntry.filter(
        source=PhoneSource.CUSTOMER,
        digits__in=wanted,
        label__in=[CUSTOMER_PHONE_FIELDS["phone"], CUSTOMER_PHONE_FIELDS["mobile"]],
    )
    if exclude_customer_id:
        query = query.exclude(customer_id=exclude_customer_id)
    rows = await query.order_by("customer_id").limit(MAX_CANDIDATES).values_list("customer_id", "digits")
    return dict(rows)
