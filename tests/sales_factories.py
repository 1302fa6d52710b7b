"""Factories for quote and sales tests: customers (with or without a trading partner), items,
and quotes made through the real services; `soon` for page tests."""

from __future__ import annotations

import datetime as dt
import itertools

from core.audit import SYSTEM, Actor, acting_as
from models.customer import Customer, TradingPartner
from models.quote import Quote
from services import items, quotes
from tests.utils import eventually

_numbers = itertools.count(1)


async def make_customer(name: str = "재근상사", *, code: str | None = None, partner: bool = True) -> Customer:
    number = next(_numbers)
    with acting_as(SYSTEM):
        linked = None
        if partner:
            linked = await TradingPartner.create(code=f"P{number:05d}", name=name, phone="02-808-8016")
        return await Customer.create(
            code=code or f"990101-{number:03d}",
            registered_on=dt.date(2014, 2, 13),
            company_name=name,
            contact_name="김담당",
            phone="02-808-8016",
            partner=linked,
        )


async def make_item(code: str, name: str, price: int, *, spec: str = "", taxable: bool = True):
    return await items.save_item(
        by=SYSTEM, code=code, name=name, spec=spec, unit_price=price, taxable=taxable
    )


def line(name: str, quantity: int = 0, unit_price: int = 0, **extra) -> dict:
    return {"name": name, "quantity": quantity, "unit_price": unit_price, **extra}


async def make_quote(
    by: Actor,
    customer: Customer | None,
    lines: list[dict] | None = None,
    *,
    quote_date: dt.date | None = None,
    **form,
) -> Quote:
    return await quotes.create_quote(
        by=by,
        form=quotes.QuoteForm(
            quote_date=quote_date or dt.date.today(),
            customer_id=customer.id if customer else None,
            partner_id=form.pop("partner_id", customer.partner_id if customer else None),
            **form,
        ),
        lines=lines
        if lines is not None
        else [line("ERP영업관리", 1, 5_000_000, spec="3유저"), line("- 무상유지보수기간 3개월")],
    )


async def soon(predicate):
    """`eventually` with room for server round trips on a busy 2-core test machine."""
    return await eventually(predicate, within=10)
