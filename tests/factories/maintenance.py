"""Products with modules and key locks made through the real service; `code` looks up a seeded
code entry."""

from __future__ import annotations

import datetime as dt

from core.audit import Actor
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from services.products import ModuleInput, save_product


async def code(kind: CodeKind, value: str) -> CodeEntry:
    return await CodeEntry.get(kind=kind, code=value)


async def make_product(
    by: Actor,
    customer: Customer,
    *,
    group: str = "01",
    free_end_on: dt.date | None = None,
    paid_end_on: dt.date | None = None,
    modules: list[tuple[str, int, int]] = (),
    key_locks: list[str] = (),
    licence_number: str = "",
):
    """modules: (module code, users, amount)."""
    product_group = await code(CodeKind.PRODUCT_GROUP, group)
    module_inputs = [
        ModuleInput(module_id=(await code(CodeKind.PRODUCT_MODULE, m)).id, user_count=users, amount=amount)
        for m, users, amount in modules
    ]
    return await save_product(
        by=by,
        customer_id=customer.id,
        product_group_id=product_group.id,
        licence_number=licence_number,
        free_end_on=free_end_on,
        paid_end_on=paid_end_on,
        key_locks=key_locks,
        modules=module_inputs,
    )
