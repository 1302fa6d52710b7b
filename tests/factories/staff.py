"""Staff made through the real service, all with the same password."""

from __future__ import annotations

import itertools

from core.audit import SYSTEM, Actor
from models.staff import Role
from services.auth import actor_for, create_staff

PASSWORD = "Test-pass-1234"
_counter = itertools.count(1)


async def make_staff(*, role: Role = Role.STAFF, login: str | None = None, name: str | None = None) -> Actor:
    number = next(_counter)
    staff = await create_staff(
        login=login or f"user{number}",
        name=name or f"사원{number}",
        password=PASSWORD,
        role=role,
        by=SYSTEM,
    )
    return actor_for(staff)


async def make_admin(**kwargs) -> Actor:
    return await make_staff(role=Role.ADMIN, **kwargs)
