"""올리기 / 파일첨부: a list of attached files with upload and delete.

For a record not saved yet, uploads wait in memory and are stored by `store_pending(owner_id)`
right after the record's first save."""

from __future__ import annotations

from nicegui import events, ui

from core.audit import Actor
from core.errors import ValidationError
from core.settings import get_settings
from models.attachment import AttachmentSlot
from pages.components.dialogs import confirm
from pages.files import attachment_url
from services import attachments


class AttachmentBox(ui.column):
    def __init__(
        self, actor: Actor, slot: AttachmentSlot, owner_id: int | None, *, label: str = "첨부파일"
    ) -> None:
        super().__init__()
        self.classes("gap-1 w-full")
        self.actor, self.slot, self.owner_id = actor, slot, owner_id
        self.pending: list[tuple[str, bytes]] = []
        limit = get_settings().upload_limit_bytes
        with self:
            with ui.row().classes("items-center gap-2"):
                ui.label(label).classes("text-caption text-grey-8")
                self.upload = (
                    ui.upload(
                        label="올리기",
                        multiple=True,
                        auto_upload=True,
                        max_file_size=limit,
                        on_upload=self._uploaded,
                        on_rejected=lambda: ui.notify(
                            f"{limit // 1024 // 1024}MB보다 큰 파일은 올릴 수 없습니다.", type="negative"
                        ),
                    )
                    .props("flat dense bordered hide-upload-btn")
                    .classes("w-64")
                    .mark(f"upload-{slot.value}")
                )
            self.files = ui.column().classes("gap-0")
        ui.timer(0, self.refresh, once=True)

    async def _uploaded(self, event: events.UploadEventArguments) -> None:
        data = await event.file.read()
        if self.owner_id is None:
            try:
                attachments.check_upload(attachments.clean_filename(event.file.name), data)
            except ValidationError as error:
                ui.notify(str(error), type="negative")
                return
            self.pending.append((event.file.name, data))
        else:
            try:
                await attachments.store_attachment(
                    slot=self.slot, owner_id=self.owner_id, filename=event.file.name, data=data, by=self.actor
                )
            except ValidationError as error:
                ui.notify(str(error), type="negative")
                return
        self.upload.reset()
        await self.refresh()

    async def store_pending(self, owner_id: int) -> None:
        self.owner_id = owner_id
        for name, data in self.pending:
            await attachments.store_attachment(
                slot=self.slot, owner_id=owner_id, filename=name, data=data, by=self.actor
            )
        self.pending.clear()
        await self.refresh()

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
                    ui.label(f"({item.size / 1024:,.0f}KB)").classes("text-caption text-grey-7")
                    ui.button(
                        icon="close", on_click=lambda i=item: self._delete(i.id, i.original_name)
                    ).props("flat dense round size=xs")
            for name, data in self.pending:
                with ui.row().classes("items-center gap-1"):
                    ui.icon("schedule", size="xs")
                    ui.label(f"{name} ({len(data) / 1024:,.0f}KB, 저장하면 올라갑니다)").classes(
                        "text-caption"
                    )

    async def _delete(self, attachment_id: int, name: str) -> None:
        if await confirm(f"첨부파일 '{name}'을(를) 삭제할까요?", action="삭제", danger=True):
            await attachments.delete_attachment(attachment_id, by=self.actor)
            await self.refresh()
