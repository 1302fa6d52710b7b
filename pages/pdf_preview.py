"""Print preview: a generated PDF is kept in memory for a few minutes under a random token,
served only to the staff member who made it (GET /pdf/{token}), and shown in a dialog with a
download button. Nothing is written to disk and no URL works without that person's session."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import Response
from nicegui import app, ui

from core.audit import Actor
from pages.components.dialogs import TransientDialog
from pages.frame import session_actor

KEEP_SECONDS = 15 * 60
MAX_KEPT = 40


@dataclass(frozen=True)
class _Stored:
    staff_id: int | None
    filename: str
    data: bytes
    expires: float


_store: dict[str, _Stored] = {}


def keep_pdf(actor: Actor, filename: str, data: bytes) -> str:
    """Keep a PDF for `actor`; returns the URL that serves it."""
    now = time.monotonic()
    for token in [t for t, s in _store.items() if s.expires < now]:
        _store.pop(token, None)
    while len(_store) >= MAX_KEPT:
        _store.pop(next(iter(_store)))
    token = secrets.token_urlsafe(24)
    _store[token] = _Stored(actor.id, filename, data, now + KEEP_SECONDS)
    return f"/pdf/{token}"


def _disposition(kind: str, filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def show_pdf(actor: Actor, filename: str, data: bytes, *, title: str = "인쇄 미리보기") -> None:
    """The preview dialog: the PDF in the browser's viewer, 다운로드 saves it."""
    url = keep_pdf(actor, filename, data)
    with TransientDialog().props("maximized") as dialog, ui.card().classes("w-full h-full p-2 gap-2"):
        with ui.row().classes("w-full items-center gap-2"):
            ui.label(title).classes("text-h6")
            ui.label(filename).classes("text-grey-7")
            ui.space()
            ui.button(
                "PDF 다운로드",
                icon="download",
                on_click=lambda: ui.download.from_url(f"{url}?download=1", filename),
            ).props("unelevated no-caps").mark("pdf-download")
            ui.button("닫기", icon="close", on_click=dialog.close).props("flat no-caps").mark("pdf-close")
        ui.element("iframe").props(f'src="{url}" title="{title}"').classes("w-full grow border").style(
            "min-height: 70vh"
        ).mark("pdf-frame")
    dialog.open()


def register() -> None:
    @app.get("/pdf/{token}", include_in_schema=False)
    async def pdf(token: str, download: int = 0) -> Response:
        actor = await session_actor()
        if actor is None:
            raise HTTPException(status_code=401, detail="로그인이 필요합니다.")
        stored = _store.get(token)
        if stored is None or stored.expires < time.monotonic() or stored.staff_id != actor.id:
            raise HTTPException(status_code=404, detail="미리보기가 만료되었습니다. 다시 인쇄하세요.")
        return Response(
            stored.data,
            media_type="application/pdf",
            headers={
                "Content-Disposition": _disposition("attachment" if download else "inline", stored.filename),
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-store",
            },
        )
