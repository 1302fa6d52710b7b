"""외상잔액 (credit balance) per trading partner = shipments total − receipts, computed in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tortoise.functions import Sum

from models.customer import Customer
from models.sales import Receipt, Shipment


async def partner_balances(partner_ids: Iterable[int]) -> dict[int, int]:
    ids = list({i for i in partner_ids if i})
    if not ids:
        return {}
    shipped = await (
        Shipment.filter(partner_id__in=ids)
        .annotate(total=Sum("total_amount"))
        .group_by("partner_id")
        .values_list("partner_id", "total")
    )
    received = await (
        Receipt.filter(partner_id__in=ids)
        .annotate(total=Sum("amount"))
        .group_by("partner_id")
        .values_list("partner_id", "total")
    )
    balances = dict.fromkeys(ids, 0)
    for partner_id, total in shipped:
        balances[partner_id] += int(total or 0)
    for partner_id, total in received:
        balances[partner_id] -= int(total or 0)
    return balances


async def customer_balances(customer_ids: Iterable[int]) -> dict[int, int]:
    """Credit balance of each customer's linked partner (0 for customers without a partner)."""
    ids = list(set(customer_ids))
    links = dict(
        await Customer.filter(id__in=ids, partner_id__not_isnull=True).values_list("id", "partner_id")
    )
    by_partner = await partner_balances(links.values())
    return {customer_id: by_partner.get(links.get(customer_id), 0) for customer_id in ids}


async def partner_balance(partner_id: int, *, before: dt.date | None = None) -> int:
    """One partner's credit balance; with `before`, as it stood at the start of that day (the
    이월잔액 of a ledger that starts there)."""
    shipments = Shipment.filter(partner_id=partner_id)
    receipts = Receipt.filter(partner_id=partner_id)
    if before is not None:
        shipments = shipments.filter(shipped_on__lt=before)
        receipts = receipts.filter(received_on__lt=before)
    shipped = await shipments.annotate(total=Sum("total_amount")).values_list("total", flat=True)
    received = await receipts.annotate(total=Sum("amount")).values_list("total", flat=True)
    return int(shipped[0] or 0) - int(received[0] or 0)
