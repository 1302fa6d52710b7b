"""Customers with phone numbers for telephony tests (the customer screens' own factories live
with that feature), and Centrex settings pointing at a local server."""

from __future__ import annotations

import datetime as dt
import itertools

from core.audit import SYSTEM, Actor, acting_as
from core.korean import chosung
from models.customer import Customer
from services import telephony_settings
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


async def use_centrex_at(
    base_url: str, *, by: Actor, timeout_seconds: float = 2, poll_seconds: float = 60, ring_host: str = ""
) -> None:
    """Saved Centrex settings sending every request to `base_url` (a tests.telephony.centrex_server)."""
    await telephony_settings.save_centrex_settings(
        by=by,
        version=None,
        base_url=base_url,
        poll_seconds=poll_seconds,
        timeout_seconds=timeout_seconds,
        ring_host=ring_host,
        ring_port=8080,
    )
