"""Customers with phone numbers for telephony tests (the customer screens' own factories live
with that feature)."""

from __future__ import annotations

import datetime as dt
import itertools

from core.audit import SYSTEM, acting_as
from core.korean import chosung
from models.customer import Customer
from services.phone_directory import sync_customer_phones

_sequence = itertools.count(1)


async def make_customer(name: str, phone: str = "", *, mobile: str = "", code: str | None = None) -> Customer:
    with acting_as(SYSTEM):
        customer = await Customer.create(
            code=code or f"{dt.date.today():%y%m%d}-{900 + next(_sequence):03d}",
            registered_on=dt.date.today(),
            company_name=name,
            company_name_chosung=chosung(name),
            phone=phone,
            mobile=mobile,
        )
    await sync_customer_phones(customer)
    return customer
