import pytest

from core.errors import NotFound, ValidationError
from models.attachment import Attachment, AttachmentSlot
from services import attachments, receptions
from tests.utils import make_staff


async def _reception(actor) -> int:
    """Attachments belong to a reception (or a visit report) that exists."""
    saved = await receptions.save_reception(
        receptions.ReceptionInput(received_at="2026-11-27 10:30", inquiry="첨부 확인", receiver_id=actor.id),
        by=actor,
    )
    return saved.id


async def test_store_list_open_and_delete(db, isolated_data):
    actor = await make_staff()
    owner = await _reception(actor)
    stored = await attachments.store_attachment(
        slot=AttachmentSlot.RECEPTION_INQUIRY,
        owner_id=owner,
        filename="견적 요청서.pdf",
        data=b"%PDF-1.4 test",
        by=actor,
    )
    assert stored.original_name == "견적 요청서.pdf"
    assert stored.stored_name != stored.original_name and "/" not in stored.stored_name
    download = await attachments.open_attachment(stored.id)
    assert download.path.read_bytes() == b"%PDF-1.4 test"
    assert isolated_data in download.path.parents
    assert [a.id for a in await attachments.list_attachments(AttachmentSlot.RECEPTION_INQUIRY, owner)] == [
        stored.id
    ]
    await attachments.delete_attachment(stored.id, by=actor)
    assert not download.path.exists()
    assert not await Attachment.exists(id=stored.id)


async def test_names_no_pc_file_can_have_are_refused_and_nothing_is_stored(db, isolated_data):
    actor = await make_staff()
    owner = await _reception(actor)
    refused = {
        "../../../etc/passwd": "경로 구분 문자",
        "..\\..\\견적 요청서.pdf": "경로 구분 문자",
        "passwd\x00.txt": "제어 문자",
        "견적서\u202egpj.exe": "제어 문자",  # shows as 견적서exe.jpg
        "깨진\ud800이름.txt": "제어 문자",
        "가" * 252 + ".pdf": r"너무 깁니다 \(256자\)",
        "": "파일 이름이 없습니다",
        "  . ": "파일 이름이 없습니다",
    }
    for filename, message in refused.items():
        with pytest.raises(ValidationError, match=message):
            await attachments.store_attachment(
                slot=AttachmentSlot.RECEPTION_INQUIRY,
                owner_id=owner,
                filename=filename,
                data=b"hello",
                by=actor,
            )
    assert await Attachment.all().count() == 0
    assert not any(path.is_file() for path in (isolated_data / "attachments").rglob("*"))


async def test_long_korean_names_and_emoji_are_kept_as_typed(db):
    actor = await make_staff()
    owner = await _reception(actor)
    longest = "가" * 251 + ".pdf"
    stored = await attachments.store_attachment(
        slot=AttachmentSlot.RECEPTION_INQUIRY, owner_id=owner, filename=longest, data=b"%PDF-1.4", by=actor
    )
    assert stored.original_name == longest
    family = await attachments.store_attachment(
        slot=AttachmentSlot.RECEPTION_INQUIRY,
        owner_id=owner,
        filename=" 가족 👨\u200d👩\u200d👧.png ",
        data=b"x",
        by=actor,
    )
    assert family.original_name == "가족 👨\u200d👩\u200d👧.png"


async def test_size_and_type_limits(db, monkeypatch):
    actor = await make_staff()
    owner = await _reception(actor)
    monkeypatch.setenv("GOGAEK_UPLOAD_LIMIT_MB", "1")
    from core.settings import reload_settings

    reload_settings()
    with pytest.raises(ValidationError, match="1MB까지"):
        await attachments.store_attachment(
            slot=AttachmentSlot.RECEPTION_INQUIRY,
            owner_id=owner,
            filename="big.zip",
            data=b"x" * (1024 * 1024 + 1),
            by=actor,
        )
    with pytest.raises(ValidationError, match="실행 파일"):
        await attachments.store_attachment(
            slot=AttachmentSlot.RECEPTION_INQUIRY, owner_id=owner, filename="setup.exe", data=b"MZ", by=actor
        )
    with pytest.raises(ValidationError, match="실행 파일"):  # an executable with an innocent name
        await attachments.store_attachment(
            slot=AttachmentSlot.RECEPTION_INQUIRY,
            owner_id=owner,
            filename="invoice.pdf",
            data=b"\x7fELF" + b"\x00" * 64,
            by=actor,
        )
    assert await Attachment.all().count() == 0


async def test_an_attachment_needs_a_reception_or_visit_that_exists(db, isolated_data):
    actor = await make_staff()
    for slot in AttachmentSlot:
        with pytest.raises(NotFound):
            await attachments.store_attachment(
                slot=slot, owner_id=987_654, filename="견적.pdf", data=b"%PDF-1.4", by=actor
            )
    assert await Attachment.all().count() == 0
    assert not any(path.is_file() for path in (isolated_data / "attachments").rglob("*"))
