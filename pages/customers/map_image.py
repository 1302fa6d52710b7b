"""GET /customer-maps/{id}: a customer's 약도 image, for signed-in staff only. Only files that
were sniffed as images on upload are stored, and they are served with that type and nosniff."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import FileResponse
from nicegui import app

from core.errors import NotFound
from pages.frame import session_actor
from services.customers import map_image_file


def map_image_url(customer_id: int, stored_name: str) -> str:
    """The stored name changes with every upload, so browsers never show an old image."""
    return f"/customer-maps/{customer_id}?v={stored_name}"


def register() -> None:
    @app.get("/customer-maps/{customer_id}", include_in_schema=False)
    async def map_image(customer_id: int) -> FileResponse:
        if await session_actor() is None:
            raise HTTPException(status_code=401, detail="로그인이 필요합니다.")
        try:
            path, media_type = await map_image_file(customer_id)
        except NotFound as missing:
            raise HTTPException(status_code=404, detail=str(missing)) from missing
        return FileResponse(
            path,
            media_type=media_type,
            headers={
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, max-age=3600",
                "Content-Security-Policy": "default-src 'none'",
            },
        )
