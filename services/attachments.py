"""Files attached to receptions (inquiry / answer) and visit reports (올리기, 파일첨부).

Stored under <data>/attachments with generated names (the user's file name never touches the
file system); downloaded under the original (Korean) name through an authenticated route that
always sends them as downloads, never inline."""

from __future__ import annotations

import asyncio
import mimetypes
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

import filetype

from core.audit import Actor, acting_as
from core.errors import NotFound, ValidationError
from core.settings import get_settings
from models.attachment import Attachment, AttachmentSlot

# Programs and scripts are refused whatever they are called: an attachment is opened by a
# colleague with a double click.
BLOCKED_EXTENSIONS = frozenset(
    [
        "exe",
        "dll",
        "com",
        "bat",
        "cmd",
        "msi",
        "msp",
        "scr",
        "pif",
        "cpl",
        "vbs",
        "vbe",
        "js",
        "jse",
        "wsf",
        "wsh",
        "ps1",
        "psm1",
        "hta",
        "lnk",
        "reg",
        "jar",
        "sh",
        "app",
        "dmg",
        "iso",
        "html",
        "htm",
        "xhtml",
        "svg",
    ]
)
BLOCKED_MIME_PREFIXES = ("application/x-msdownload", "application/x-executable", "application/x-sh")


def clean_filename(name: str) -> str:
    """The last path component, without control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not name:
        name = "첨부파일"
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 10:
        return stem[: 200 - len(ext) - 1] + "." + ext
    return name[:200]


def _stored_path(stored_name: str) -> Path:
    return get_settings().attachments_dir / stored_name[:2] / stored_name


def check_upload(name: str, data: bytes) -> str:
    """The content type to store, or a ValidationError for too large, empty or executable files."""
    limit = get_settings().upload_limit_bytes
    if len(data) > limit:
        raise ValidationError(
            {
                "file": f"'{name}'은(는) {len(data) / 1024 / 1024:.1f}MB입니다. {limit // 1024 // 1024}MB까지 올릴 수 있습니다."
            }
        )
    if not data:
        raise ValidationError({"file": f"'{name}'은(는) 빈 파일입니다."})
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    sniffed = filetype.guess(data[:8192])
    if extension in BLOCKED_EXTENSIONS or (sniffed and sniffed.mime.startswith(BLOCKED_MIME_PREFIXES)):
        raise ValidationError({"file": f"'{name}': 실행 파일이나 스크립트는 첨부할 수 없습니다."})
    if sniffed:
        return sniffed.mime
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


async def store_attachment(
    *, slot: AttachmentSlot, owner_id: int, filename: str, data: bytes, by: Actor
) -> Attachment:
    name = clean_filename(filename)
    content_type = check_upload(name, data)
    stored_name = uuid.uuid4().hex
    path = _stored_path(stored_name)

    def write() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    await asyncio.to_thread(write)
    try:
        with acting_as(by):
            return await Attachment.create(
                slot=slot,
                owner_id=owner_id,
                original_name=name,
                stored_name=stored_name,
                size=len(data),
                content_type=content_type,
            )
    except Exception:
        path.unlink(missing_ok=True)
        raise


async def list_attachments(slot: AttachmentSlot, owner_id: int) -> list[Attachment]:
    return await Attachment.filter(slot=slot, owner_id=owner_id).order_by("id")


async def attachment_counts(slot: AttachmentSlot, owner_ids: list[int]) -> dict[int, int]:
    rows = await Attachment.filter(slot=slot, owner_id__in=owner_ids).values_list("owner_id", flat=True)
    counts: dict[int, int] = {}
    for owner_id in rows:
        counts[owner_id] = counts.get(owner_id, 0) + 1
    return counts


@dataclass(frozen=True)
class Download:
    path: Path
    filename: str
    size: int


async def open_attachment(attachment_id: int) -> Download:
    attachment = await Attachment.get_or_none(id=attachment_id)
    if attachment is None:
        raise NotFound("첨부파일")
    path = _stored_path(attachment.stored_name)
    if not path.is_file():
        raise NotFound("첨부파일")
    return Download(path=path, filename=attachment.original_name, size=attachment.size)


async def delete_attachment(attachment_id: int, *, by: Actor) -> None:
    attachment = await Attachment.get_or_none(id=attachment_id)
    if attachment is None:
        return
    with acting_as(by):
        await attachment.delete()
    _stored_path(attachment.stored_name).unlink(missing_ok=True)


async def delete_attachments_of(slot: AttachmentSlot, owner_id: int, *, by: Actor) -> None:
    for attachment in await list_attachments(slot, owner_id):
        await delete_attachment(attachment.id, by=by)
