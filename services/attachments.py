"""Files attached to receptions (inquiry / answer) and visit reports (올리기, 파일첨부).

Stored under <data>/attachments with generated names (the user's file name never touches the
file system); downloaded under the original (Korean) name through an authenticated route that
always sends them as downloads, never inline."""

from __future__ import annotations

import asyncio
import mimetypes
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

import filetype

from core.audit import Actor, acting_as
from core.errors import NotFound, ValidationError
from core.inputs import refuse, wrong_choices, wrong_ids
from core.settings import get_settings
from models.attachment import Attachment, AttachmentSlot
from models.reception import Reception
from models.visit import VisitReport

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


MAX_FILENAME_CHARS = 255
# right-to-left overrides and isolates: "견적서\u202egpj.exe" shows as "견적서exe.jpg"
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_filename(name: str) -> str:
    """The name the file is listed and downloaded under (NFC, trimmed). Browsers send a file's
    own name only, so a name no PC file can have is refused with a ValidationError: empty, with
    a path separator, with control characters (or text-direction overrides that disguise the
    extension), or longer than 255 characters."""
    if not isinstance(name, str):
        raise ValidationError({"file": "파일 이름이 올바르지 않습니다."})
    name = unicodedata.normalize("NFC", name).strip()
    if not name.strip("."):
        raise ValidationError({"file": "파일 이름이 없습니다. 이름이 있는 파일을 올리세요."})
    if "/" in name or "\\" in name:
        raise ValidationError({"file": "파일 이름에 경로 구분 문자(/ 또는 \\)가 있어 올릴 수 없습니다."})
    if any(unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI_CONTROLS for ch in name):
        raise ValidationError(
            {"file": "파일 이름에 제어 문자가 있어 올릴 수 없습니다. 이름을 바꿔 다시 올리세요."}
        )
    if len(name) > MAX_FILENAME_CHARS:
        raise ValidationError(
            {
                "file": f"파일 이름이 너무 깁니다 ({len(name):,}자). {MAX_FILENAME_CHARS}자 이내로 바꿔 올리세요."
            }
        )
    return name


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


async def _owner_exists(slot: AttachmentSlot, owner_id: int) -> bool:
    owner = VisitReport if slot == AttachmentSlot.VISIT else Reception
    return await owner.exists(id=owner_id)


async def store_bytes(path: Path, data: bytes) -> None:
    """Write an uploaded file (its folder made when missing) off the event loop."""

    def write() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    await asyncio.to_thread(write)


async def store_attachment(
    *, slot: AttachmentSlot, owner_id: int, filename: str, data: bytes, by: Actor
) -> Attachment:
    refuse(wrong_choices(AttachmentSlot, slot=slot), wrong_ids(owner=owner_id))
    if not isinstance(data, bytes):
        raise ValidationError({"file": "파일을 다시 올리세요."})
    name = clean_filename(filename)
    content_type = check_upload(name, data)
    if owner_id is None or not await _owner_exists(AttachmentSlot(slot), owner_id):
        raise NotFound("첨부할 자료")
    stored_name = uuid.uuid4().hex
    path = _stored_path(stored_name)
    await store_bytes(path, data)
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
    attachment = await Attachment.fetch(attachment_id, "첨부파일")
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
