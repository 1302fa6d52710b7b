"""올리기 / 파일첨부: a list of attached files with upload and delete.

For a record not saved yet, uploads wait on disk (services.attachments.PendingUploads) and are
stored by `store_pending(owner_id)` right after the record's first save; closing the form without
saving deletes them. A refused file is answered with an error status, so the uploader marks it
failed (red), and a Korean message says why."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, ui
from starlette.datastructures import UploadFile

from core.audit import Actor
from core.errors import GogaekError
from core.korean import format_size, josa
from core.settings import get_settings
from models.attachment import AttachmentSlot
from pages.components.dialogs import confirm
from pages.files import attachment_url
from services import attachments

_CHUNK_BYTES = 1024 * 1024
# the box lists the files itself, with Korean sizes: Quasar's own counter ("0.0B / 0.00%") is hidden
UPLOAD_CSS = ".attachment-upload .q-uploader__subtitle { display: none; }"


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(_CHUNK_BYTES):
        yield chunk


async def read_upload(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """A small file's bytes, at most one byte over `limit` (enough for the service to refuse it)."""
    data = bytearray()
    async for chunk in chunks:
        data += chunk
        if len(data) > limit:
            break
    return bytes(data[: limit + 1])


class CheckedUpload(ui.upload):
    """ui.upload whose route hands each file's bytes to `receive(name, chunks)` as they arrive and
    answers 422 with the ValidationError's message when it refuses the file."""

    def __init__(
        self,
        receive: Callable[[str, AsyncIterator[bytes]], Awaitable[None]],
        *,
        label: str,
        max_file_size: int,
        multiple: bool = True,
    ) -> None:
        super().__init__(label=label, multiple=multiple, auto_upload=True, max_file_size=max_file_size)
        self._receive = receive
        app.remove_route(self._registered_url)  # NiceGUI's route always answers "success"
        app.post(self._registered_url, include_in_schema=False)(self._route)

    async def _route(self, request: Request) -> JSONResponse:
        if self.is_ignoring_events:
            return JSONResponse({"detail": "올리기를 지금 쓸 수 없습니다."}, status_code=403)
        async with request.form(max_files=1, max_fields=10) as form:
            for value in form.values():
                if isinstance(value, UploadFile):
                    refused = await self._accept(value.filename or "", _chunks(value))
                    if refused:
                        return JSONResponse({"detail": refused}, status_code=422)
        return JSONResponse({"upload": "success"})

    async def handle_uploads(self, files: list[ui.upload.FileUpload]) -> None:
        """Simulated uploads (page tests) take the same way as the route's."""
        for file in files:
            await self._accept(file.name, file.iterate())

    async def _accept(self, filename: str, chunks: AsyncIterator[bytes]) -> str | None:
        """None when the file was taken, else the message shown (also returned)."""
        with self.parent_slot or self.client.layout.default_slot:
            try:
                await self._receive(filename, chunks)
            except GogaekError as error:  # refused, or the record was deleted meanwhile
                ui.notify(str(error), type="negative", multi_line=True)
                return str(error)
        return None


class AttachmentBox(ui.column):
    def __init__(
        self, actor: Actor, slot: AttachmentSlot, owner_id: int | None, *, label: str = "첨부파일"
    ) -> None:
        super().__init__()
        self.classes("gap-1 w-full")
        self.actor, self.slot, self.owner_id = actor, slot, owner_id
        self.waiting = attachments.PendingUploads()
        limit = get_settings().upload_limit_bytes
        ui.add_css(UPLOAD_CSS)
        with self:
            with ui.row().classes("items-center gap-2"):
                ui.label(label).classes("text-caption text-grey-8")
                self.upload = (
                    CheckedUpload(self._receive, label="올리기", max_file_size=limit)
                    .on_rejected(
                        lambda: ui.notify(
                            f"{format_size(limit)}보다 큰 파일은 올릴 수 없습니다.", type="negative"
                        )
                    )
                    .props("flat dense bordered hide-upload-btn")
                    .classes("w-64 attachment-upload")
                    .mark(f"upload-{slot.value}")
                )
            self.files = ui.column().classes("gap-0")
        ui.timer(0, self.refresh, once=True)

    @property
    def pending(self) -> list[attachments.PendingFile]:
        """Files waiting for the record's first save."""
        return self.waiting.files

    async def _receive(self, filename: str, chunks: AsyncIterator[bytes]) -> None:
        if self.owner_id is None:
            await self.waiting.add(filename, chunks)
        else:  # a saved record: checked on disk the same way, then moved into place at once
            arriving = attachments.PendingUploads()
            try:
                await arriving.add(filename, chunks)
                await arriving.store(slot=self.slot, owner_id=self.owner_id, by=self.actor)
            finally:
                arriving.release()
        self.upload.reset()
        await self.refresh()

    async def store_pending(self, owner_id: int) -> None:
        self.owner_id = owner_id
        await self.waiting.store(slot=self.slot, owner_id=owner_id, by=self.actor)
        await self.refresh()

    def _handle_delete(self) -> None:
        self.waiting.release()  # the form was closed, or its page left: nobody will save these
        super()._handle_delete()

    async def refresh(self) -> None:
        stored = await attachments.list_attachments(self.slot, self.owner_id) if self.owner_id else []
        self.files.clear()
        with self.files:
            for item in stored:
                with ui.row().classes("items-center gap-1"):
                    ui.icon("attach_file", size="xs")
                    ui.link(item.original_name, attachment_url(item.id), new_tab=False).props(
                        "download"
                    ).mark("attachment-link")
                    ui.label(f"({format_size(item.size)})").classes("text-caption text-grey-7")
                    ui.button(
                        icon="close", on_click=lambda i=item: self._delete(i.id, i.original_name)
                    ).props("flat dense round size=xs")
            for waiting in self.pending:
                with ui.row().classes("items-center gap-1"):
                    ui.icon("schedule", size="xs")
                    ui.label(f"{waiting.name} ({format_size(waiting.size)}, 저장하면 올라갑니다)").classes(
                        "text-caption"
                    )

    async def _delete(self, attachment_id: int, name: str) -> None:
        if await confirm(f"첨부파일 '{name}'{josa(name, '을')} 삭제할까요?", action="삭제", danger=True):
            await attachments.delete_attachment(attachment_id, by=self.actor)
            await self.refresh()
