"""Files attached to receptions (inquiry / answer) and visit reports (올리기, 파일첨부).

Stored under <data>/attachments with generated names (the user's file name never touches the
file system); downloaded under the original (Korean) name through an authenticated route that
always sends them as downloads, never inline."""

from __future__ import annotations

import asyncio
import mimetypes
import os
import shutil
import unicodedata
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import filetype

from core.audit import Actor, acting_as
from core.errors import NotFound, ValidationError
from core.inputs import refuse, wrong_choices, wrong_ids
from core.korean import format_size, josa
from core.settings import get_settings
from models.attachment import Attachment, AttachmentSlot
from models.reception import Reception
from models.visit import VisitReport

# Only documents and images are accepted, and the content must be what the name says: an
# attachment is opened by a colleague with a double click, so a program or script must not pass
# whatever it is called (a blocklist always misses one: .chm, .xll, .mht, "x.bat.").
_CFB = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # HWP 5, doc, xls, ppt
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # hwpx, docx, xlsx, pptx, odt, ods, zip
DOCUMENT_EXTENSIONS = (
    "pdf",
    "hwp",
    "hwpx",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "txt",
    "csv",
    "zip",
)
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff", "heic")
_IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "webp": "image/webp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "heic": "image/heic",
}
ALLOWED_KINDS = "문서(PDF, 한글, 워드, 엑셀, 파워포인트, ODF, 텍스트, CSV, ZIP)와 이미지(JPG, PNG, GIF, BMP, WEBP, TIFF, HEIC)"


def _content_matches(extension: str, head: bytes) -> bool:
    """Whether the first bytes are those of a file of this extension."""
    sniffed = filetype.guess(head)
    if extension in _IMAGE_TYPES:
        return sniffed is not None and sniffed.mime == _IMAGE_TYPES[extension]
    if extension == "pdf":
        return sniffed is not None and sniffed.mime == "application/pdf"
    if extension in ("hwp", "doc", "xls", "ppt"):
        return head.startswith(_CFB)
    if extension in ("hwpx", "docx", "xlsx", "pptx", "odt", "ods", "zip"):
        return head.startswith(_ZIP)
    # txt, csv: plain text, recognised by no binary signature
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    return sniffed is None and (utf16 or b"\x00" not in head)


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
    if name.endswith("."):  # Windows drops trailing dots: "x.bat." would open as x.bat
        raise ValidationError({"file": f"'{name}': 이름이 점(.)으로 끝나는 파일은 올릴 수 없습니다."})
    if len(name) > MAX_FILENAME_CHARS:
        raise ValidationError(
            {
                "file": f"파일 이름이 너무 깁니다 ({len(name):,}자). {MAX_FILENAME_CHARS:,}자 이내로 바꿔 올리세요."
            }
        )
    return name


def _stored_path(stored_name: str) -> Path:
    return get_settings().attachments_dir / stored_name[:2] / stored_name


SNIFF_BYTES = 8192


def check_upload(name: str, size: int, head: bytes) -> str:
    """The content type to store, or a ValidationError: too large, empty, not a document or
    image by its extension, or content that is not what the extension says. `head` is the
    file's first SNIFF_BYTES bytes."""
    limit = get_settings().upload_limit_bytes
    if size > limit:
        raise ValidationError(
            {
                "file": f"'{name}'{josa(name, '은')} {format_size(size)}입니다. {format_size(limit)}까지 올릴 수 있습니다."
            }
        )
    if not size:
        raise ValidationError({"file": f"'{name}'{josa(name, '은')} 빈 파일입니다."})
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in DOCUMENT_EXTENSIONS + IMAGE_EXTENSIONS:
        shown = f".{extension} 파일" if extension else "확장자가 없는 파일"
        raise ValidationError(
            {
                "file": f"'{name}': {shown}{josa(shown, '은')} 첨부할 수 없습니다. {ALLOWED_KINDS}만 올릴 수 있습니다."
            }
        )
    if not _content_matches(extension, head):
        raise ValidationError(
            {
                "file": f"'{name}': 내용이 .{extension} 파일이 아닙니다. "
                "실행 파일이나 이름을 바꾼 파일은 첨부할 수 없습니다."
            }
        )
    sniffed = filetype.guess(head)
    if sniffed:
        return sniffed.mime
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


async def _owner_exists(slot: AttachmentSlot, owner_id: int) -> bool:
    owner = VisitReport if slot == AttachmentSlot.VISIT else Reception
    return await owner.exists(id=owner_id)


def _sync_folder(folder: Path) -> None:
    """Make a folder's new or renamed entries durable (Windows cannot open a folder; NTFS
    journals its entries itself)."""
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _make_folder(folder: Path) -> None:
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        _sync_folder(folder.parent)


def write_durably(path: Path, data: bytes) -> None:
    """Write a file and flush it and its folder entry to the disk, so that a save the user saw
    confirmed survives a power cut."""
    _make_folder(path.parent)
    with path.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    _sync_folder(path.parent)


def _move_durably(source: Path, target: Path) -> None:
    with source.open("rb") as file:
        os.fsync(file.fileno())
    _make_folder(target.parent)
    os.replace(source, target)
    _sync_folder(target.parent)


async def store_bytes(path: Path, data: bytes) -> None:
    """Write an uploaded file (its folder made when missing) durably, off the event loop."""
    await asyncio.to_thread(write_durably, path, data)


async def _create(
    *,
    slot: AttachmentSlot,
    owner_id: int,
    name: str,
    stored_name: str,
    size: int,
    content_type: str,
    by: Actor,
) -> Attachment:
    try:
        with acting_as(by):
            return await Attachment.create(
                slot=slot,
                owner_id=owner_id,
                original_name=name,
                stored_name=stored_name,
                size=size,
                content_type=content_type,
            )
    except Exception:
        _stored_path(stored_name).unlink(missing_ok=True)
        raise


async def _check_owner(slot: AttachmentSlot, owner_id: int) -> None:
    refuse(wrong_choices(AttachmentSlot, slot=slot), wrong_ids(owner=owner_id))
    if owner_id is None or not await _owner_exists(AttachmentSlot(slot), owner_id):
        raise NotFound("첨부할 자료")


async def store_attachment(
    *, slot: AttachmentSlot, owner_id: int, filename: str, data: bytes, by: Actor
) -> Attachment:
    refuse(wrong_choices(AttachmentSlot, slot=slot), wrong_ids(owner=owner_id))
    if not isinstance(data, bytes):
        raise ValidationError({"file": "파일을 다시 올리세요."})
    name = clean_filename(filename)
    content_type = check_upload(name, len(data), data[:SNIFF_BYTES])
    await _check_owner(slot, owner_id)
    stored_name = uuid.uuid4().hex
    await store_bytes(_stored_path(stored_name), data)
    return await _create(
        slot=slot,
        owner_id=owner_id,
        name=name,
        stored_name=stored_name,
        size=len(data),
        content_type=content_type,
        by=by,
    )


@dataclass(frozen=True)
class PendingFile:
    name: str
    path: Path
    size: int
    content_type: str


class PendingUploads:
    """Files uploaded to one form whose record is not saved yet. They wait on disk in the data
    folder (never in memory), bounded per form and for the whole server; `store` moves them into
    place once the record exists, `release` deletes them (form cancelled or page closed)."""

    _server_bytes: ClassVar[int] = 0  # every form's waiting files (and uploads in progress)

    def __init__(self) -> None:
        self.files: list[PendingFile] = []
        self._folder = get_settings().pending_uploads_dir / uuid.uuid4().hex
        self._reserved = 0
        self._arriving = 0  # files being received now (the browser sends several at once)
        self._released = False

    @classmethod
    def server_bytes(cls) -> int:
        return cls._server_bytes

    def _reserve(self, size: int) -> None:
        settings = get_settings()
        if self._reserved + size > settings.pending_upload_mb * 1024 * 1024:
            raise ValidationError(
                {
                    "file": f"저장하지 않은 양식에는 파일을 모두 {settings.pending_upload_mb}MB까지 올릴 수 있습니다. "
                    "먼저 저장한 뒤 더 올리세요."
                }
            )
        if PendingUploads._server_bytes + size > settings.pending_uploads_total_mb * 1024 * 1024:
            raise ValidationError(
                {
                    "file": "지금은 서버에 저장을 기다리는 파일이 너무 많습니다. 양식을 먼저 저장한 뒤 다시 올리세요."
                }
            )
        self._reserved += size
        PendingUploads._server_bytes += size

    def _unreserve(self, size: int) -> None:
        self._reserved -= size
        PendingUploads._server_bytes -= size

    async def add(self, filename: str, chunks: AsyncIterator[bytes]) -> PendingFile:
        """Spool one uploaded file, checked like a stored attachment; a ValidationError (and
        nothing kept) when it is refused."""
        name = clean_filename(filename)
        if self._released:
            raise ValidationError({"file": "양식이 닫혀 파일을 버렸습니다."})
        count_limit = get_settings().pending_upload_files
        if len(self.files) + self._arriving >= count_limit:
            raise ValidationError(
                {
                    "file": f"저장하지 않은 양식에는 파일을 {count_limit:,}개까지 올릴 수 있습니다. 먼저 저장한 뒤 더 올리세요."
                }
            )
        path = self._folder / uuid.uuid4().hex
        size = 0
        self._arriving += 1
        try:
            await asyncio.to_thread(_make_folder, self._folder)
            with path.open("wb") as file:
                async for chunk in chunks:
                    self._reserve(len(chunk))
                    size += len(chunk)
                    await asyncio.to_thread(file.write, chunk)
            if self._released:  # the form was closed while the file arrived
                raise ValidationError({"file": "양식이 닫혀 파일을 버렸습니다."})
            head = await asyncio.to_thread(_read_head, path)
            content_type = check_upload(name, size, head)
        except BaseException:
            self._unreserve(size)
            path.unlink(missing_ok=True)
            raise
        finally:
            self._arriving -= 1
        pending = PendingFile(name=name, path=path, size=size, content_type=content_type)
        self.files.append(pending)
        return pending

    async def store(self, *, slot: AttachmentSlot, owner_id: int, by: Actor) -> list[Attachment]:
        """Move every waiting file into place as an attachment of the saved record."""
        await _check_owner(slot, owner_id)
        stored = []
        while self.files:
            pending = self.files[0]
            stored_name = uuid.uuid4().hex
            await asyncio.to_thread(_move_durably, pending.path, _stored_path(stored_name))
            self.files.pop(0)
            self._unreserve(pending.size)
            stored.append(
                await _create(
                    slot=slot,
                    owner_id=owner_id,
                    name=pending.name,
                    stored_name=stored_name,
                    size=pending.size,
                    content_type=pending.content_type,
                    by=by,
                )
            )
        return stored

    def release(self) -> None:
        """Delete the waiting files (the form was closed without saving)."""
        self._released = True
        for pending in self.files:
            pending.path.unlink(missing_ok=True)
            self._unreserve(pending.size)
        self.files.clear()
        shutil.rmtree(self._folder, ignore_errors=True)


def _read_head(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(SNIFF_BYTES)


def clear_pending_uploads() -> None:
    """At start-up: files of forms left unsaved when the server stopped are nobody's."""
    shutil.rmtree(get_settings().pending_uploads_dir, ignore_errors=True)


async def list_attachments(slot: AttachmentSlot, owner_id: int) -> list[Attachment]:
    return await Attachment.filter(slot=slot, owner_id=owner_id).order_by("id")


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
