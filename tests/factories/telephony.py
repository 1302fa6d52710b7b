"""Centrex settings pointing at a local server (tests.telephony.centrex_server)."""

from __future__ import annotations

from core.audit import Actor
from services import telephony_settings


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
