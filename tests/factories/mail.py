"""SMTP settings pointing at a local server (tests.mail_server)."""

from __future__ import annotations

from core.audit import Actor
from services import mail


async def use_smtp_at(
    port: int, *, by: Actor, user: str = "office@example.com", password: str = "app-pass-1234"
):
    """Saved SMTP settings sending through 127.0.0.1:`port` without TLS, from office@example.com."""
    return await mail.save_smtp_settings(
        by=by,
        version=0,
        host="127.0.0.1",
        port=port,
        security="none",
        user=user,
        password=password,
        sender_address="office@example.com",
        sender_name="",
    )
