"""GET /files/{id}: attachment downloads, for signed-in staff only, always as a download."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import FileResponse
from nicegui import app

from core.errors import NotFound
from pages.frame import session_actor
from services.attachments import open_attachment


def attachment_url(attachment_id: int) -> str:
    return f"/files/{attachment_id}"


def register() -> None:
    @app.get("/files/{attachment_id}", include_in_schema=False)
    async def download(attachment_id: int) -> FileResponse:
        if await session_actor() is None:
            raise HTTPException(status_code=401, detail="로그인이 필요합니다.")
        try:
            file = await open_attachment(attachment_id)
        except NotFound as missing:
            raise HTTPException(status_code=404, detail=str(missing)) from missing
        ascii_name = file.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
        disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file.filename)}"
        return FileResponse(
            file.path,
            media_type="application/octet-stream",
            headers={
                "Content-Disposition": disposition,
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-store",
            },
        )
