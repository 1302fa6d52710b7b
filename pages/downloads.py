"""Files made for one user (Excel exports): offered once through an authenticated URL and deleted
as soon as they are sent, or when the browser tab goes away."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException
from fastapi.responses import FileResponse
from nicegui import app, ui
from starlette.background import BackgroundTask

from core.audit import Actor
from pages.frame import session_actor

UNCLAIMED_SECONDS = 15 * 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class _Offer:
    path: Path
    filename: str
    staff_id: int | None
    media_type: str
    expires: float


_offers: dict[str, _Offer] = {}


def _discard(token: str) -> None:
    offer = _offers.pop(token, None)
    if offer:
        offer.path.unlink(missing_ok=True)


def _discard_expired() -> None:
    now = time.monotonic()
    for token in [t for t, o in _offers.items() if o.expires < now]:
        _discard(token)


def offer_file(actor: Actor, path: Path, filename: str, media_type: str = XLSX) -> None:
    """Make the browser download `path` as `filename`; the file is deleted once sent."""
    _discard_expired()
    token = secrets.token_urlsafe(24)
    _offers[token] = _Offer(path, filename, actor.id, media_type, time.monotonic() + UNCLAIMED_SECONDS)
    ui.context.client.on_delete(lambda: _discard(token))
    ui.download.from_url(f"/downloads/{token}", filename, media_type)


def register() -> None:
    @app.get("/downloads/{token}", include_in_schema=False)
    async def download(token: str) -> FileResponse:
        actor = await session_actor()
        if actor is None:
            raise HTTPException(status_code=401, detail="로그인이 필요합니다.")
        offer = _offers.get(token)
        if offer is None or offer.staff_id != actor.id or not offer.path.is_file():
            raise HTTPException(status_code=404, detail="파일이 없거나 이미 받았습니다.")
        del _offers[token]
        return FileResponse(
            offer.path,
            media_type=offer.media_type,
            filename=offer.filename,
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
            background=BackgroundTask(offer.path.unlink, missing_ok=True),
        )
