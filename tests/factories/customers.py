"""The one customer factory."""

from __future__ import annotations

import datetime as dt
import itertools

from core.audit import SYSTEM, acting_as
from core.korean import chosung
from models.customer import Customer, TradingPartner
from services.phone_directory import sync_customer_phones

_numbers = itertools.count(1)


async def make_customer(
    name: str = "재근상사",
    phone: str = "",
    *,
    mobile: str = "",
    code: str | None = None,
    registered_on: dt.date = dt.date(2020, 1, 1),
    partner: bool = False,
    **fields,
) -> Customer:
    """A customer written directly (the customer service is tested on its own), with its phone
    numbers in the phone directory so that calls find it. `code` defaults to a fresh
    `YYMMDD-NNN` of the registration date; `partner=True` also makes a trading partner of the same
    name and phone and links it (quotes and sales need one); other fields go to the record."""
    number = next(_numbers)
    with acting_as(SYSTEM):
        linked = None
        if partner:
            linked = await TradingPartner.create(code=f"P{number:05d}", name=name, phone=phone)
        customer = await Customer.create(
            code=code or f"{registered_on:%y%m%d}-{number:03d}",
            registered_on=registered_on,
            company_name=name,
            company_name_chosung=chosung(name),
            phone=phone,
            mobile=mobile,
            partner=linked,
            **fields,
        )
    await sync_customer_phones(customer)
    return customer
