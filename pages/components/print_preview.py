"""Print preview: a generated PDF is kept for a few minutes under a random token, served only to
the staff member who made it (GET /pdf/{token}), and shown in a dialog with 인쇄 (the browser's
print dialog) and PDF 저장 (download). Every 인쇄 of every screen ends here. A document's PDF is
kept in memory; a printed list (pages.components.list_output) is kept as its temp file, streamed
from disk on each request and deleted when it expires. No URL works without that person's session."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import FileResponse, Response
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
    path: Path | None = None  # a PDF on disk (then `data` is empty), deleted when dropped


_store: dict[str, _Stored] = {}


def _drop(token: str) -> None:
    stored = _store.pop(token, None)
    if stored is not None and stored.path is not None:
        stored.path.unlink(missing_ok=True)


def keep_pdf(actor: Actor, filename: str, data: bytes = b"", *, path: Path | None = None) -> str:
    """Keep a PDF for `actor` (its bytes, or its file `path`, which is then ours to delete);
    returns the URL that serves it."""
    now = time.monotonic()
    for token in [t for t, s in _store.items() if s.expires < now]:
        _drop(token)
    while len(_store) >= MAX_KEPT:
        _drop(next(iter(_store)))
    token = secrets.token_urlsafe(24)
    _store[token] = _Stored(actor.id, filename, data, now + KEEP_SECONDS, path)
    return f"/pdf/{token}"


def _disposition(kind: str, filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def show_pdf(
    actor: Actor, filename: str, data: bytes = b"", *, title: str = "인쇄 미리보기", path: Path | None = None
) -> None:
    """The one print preview of every screen: the PDF (its bytes, or the file at `path`) in the
    browser's viewer, 인쇄 opens the browser's print dialog for it, PDF 저장 downloads it, 닫기
    (or Esc) closes."""
    url = keep_pdf(actor, filename, data, path=path)
    with TransientDialog().props("maximized") as dialog, ui.card().classes("w-full h-full p-2 gap-2"):
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            ui.label(title).classes("text-h6 whitespace-nowrap")
            ui.label(filename).classes("text-grey-7 ellipsis min-w-0")
            ui.space()
            print_button = ui.button("인쇄", icon="print").props("unelevated no-caps").mark("pdf-print")
            ui.button(
                "PDF 저장",
                icon="download",
                on_click=lambda: ui.download.from_url(f"{url}?download=1", filename),
            ).props("outline no-caps").mark("pdf-save")
            ui.button("닫기", icon="close", on_click=dialog.close).props("flat no-caps").mark("pdf-close")
        frame = (
            ui.element("iframe")
            .props(f'src="{url}" title="{title}"')
            .classes("w-full grow border")
            .style("min-height: 70vh")
            .mark("pdf-frame")
        )
    frame.on("load", js_handler=f"() => {{ getHtmlElement({frame.id}).dataset.loaded = '1'; }}")
    print_button.on("click", js_handler=_PRINT_JS.replace("FRAME_ID", str(frame.id)))
    dialog.open()


# Runs in the browser, in the click itself: the viewer in the iframe prints the PDF (the same
# origin serves it, so its window may be asked); before the PDF has arrived, it prints once loaded.
# Should a browser refuse, the PDF opens in a tab of its own, where its viewer prints it.
_PRINT_JS = """() => {
    const frame = getHtmlElement(FRAME_ID);
    if (!frame) return;
    const print = () => {
        try {
            frame.contentWindow.focus();
            frame.contentWindow.print();
        } catch (error) {
            window.open(frame.src, "_blank");
        }
    };
    if (frame.dataset.loaded) print();
    else frame.addEventListener("load", print, { once: true });
}"""


def register() -> None:
    @app.get("/pdf/{token}", include_in_schema=False)
    async def pdf(token: str, download: int = 0) -> Response:
        actor = await session_actor()
        if actor is None:
            raise HTTPException(status_code=401, detail="로그인이 필요합니다.")
        stored = _store.get(token)
        if stored is None or stored.expires < time.monotonic() or stored.staff_id != actor.id:
            raise HTTPException(status_code=404, detail="미리보기가 만료되었습니다. 다시 인쇄하세요.")
        headers = {
            "Content-Disposition": _disposition("attachment" if download else "inline", stored.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        }
        if stored.path is not None:
            if not stored.path.is_file():
                raise HTTPException(status_code=404, detail="미리보기가 만료되었습니다. 다시 인쇄하세요.")
            return FileResponse(stored.path, media_type="application/pdf", headers=headers)
        return Response(stored.data, media_type="application/pdf", headers=headers)
