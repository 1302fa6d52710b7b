"""Items, quotes and quote lines made through the real services, and the trading customer they
are made for; `soon` for page tests."""

from __future__ import annotations

import datetime as dt

from core.audit import SYSTEM, Actor
from models.customer import Customer
from models.quote import Quote
from services import items, quotes
from tests.factories.customers import make_customer
from tests.utils import eventually


async def make_trading_customer(name: str = "재근상사", *, code: str | None = None, **fields) -> Customer:
    """A customer with a trading partner of the same name (quotes, orders and receipts go to it)."""
    fields.setdefault("phone", "02-808-8016")
    fields.setdefault("contact_name", "김담당")
    fields.setdefault("registered_on", dt.date(2014, 2, 13))
    return await make_customer(name, code=code, partner=True, **fields)


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
