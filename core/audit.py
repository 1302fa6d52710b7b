"""Who is acting. Services run their writes inside `acting_as(actor)`; the model base class
(models/base.py) reads it to fill created_by/updated_by and to write the audit log, so no service
writes audit rows by hand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from core.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    """The signed-in staff member (or a system process) on whose behalf a service runs."""

    id: int | None
    name: str
    is_admin: bool = False
    extension: str = ""

    def require_admin(self) -> None:
        if not self.is_admin:
            raise PermissionDenied()


SYSTEM = Actor(id=None, name="시스템", is_admin=True)

_current: ContextVar[Actor | None] = ContextVar("gogaek_actor", default=None)


def current_actor() -> Actor | None:
    return _current.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
