"""Factories and small helpers shared by tests."""

from __future__ import annotations

import asyncio
import itertools

from nicegui.testing import User

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


async def sign_in(user: User, login: str, password: str = PASSWORD, *, retries: int = 50) -> None:
    """Sign in through the real login page.

    NiceGUI's simulation has one ui.navigate for all simulated browsers, and it belongs to whichever
    browser last had an attribute read (every update sent to a signed-in browser reads one). So the
    redirect after signing in may go to another browser. The session is this browser's own either
    way: when the redirect does not arrive, opening the start page shows whether signing in worked."""
    await user.open("/login")
    user.find("login").type(login)
    user.find("password").type(password)
    user.find("login-button").click()
    try:
        await user.should_see(marker="signed-in-name", retries=retries)
    except AssertionError:
        await user.open("/")
        await user.should_see(marker="signed-in-name", retries=retries)


async def eventually(predicate, within: float = 10.0, interval: float = 0.02):
    """Wait until `predicate()` is truthy (event handlers run as background tasks); returns it."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
