"""GET /healthz: database status plus whatever background components report (CTI, Centrex).
Nothing sensitive goes in here: states, times and error kinds only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from core.db import database_status

StatusProvider = Callable[[], Awaitable[dict[str, Any]] | dict[str, Any]]
_providers: dict[str, StatusProvider] = {}


def register_status(name: str, provider: StatusProvider) -> None:
    _providers[name] = provider


async def health_report() -> dict[str, Any]:
    report: dict[str, Any] = {"database": await database_status()}
    for name, provider in _providers.items():
        result = provider()
        report[name] = await result if isinstance(result, Awaitable) else result
    report["ok"] = bool(report["database"].get("ok"))
    return report
