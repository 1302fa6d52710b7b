import pytest

from core.errors import ValidationError
from models.attachment import Attachment, AttachmentSlot
from services import attachments
from tests.utils import make_staff


async def test_store_list_open_and_delete(db, isolated_data):
    actor = await make_staff()
    stored = await attachments.store_attachment(
        slot=AttachmentSlot.RECEPTION_INQUIRY,
        owner_id=7,
        filename="견적 요청서.pdf",
        data=b"%PDF-1.4 test",
        by=actor,
    )
    assert stored.original_name == "견적 요청서.pdf"
    assert stored.stored_name != stored.original_name and "/" not in stored.stored_name
    download = await attachments.open_attachment(stored.id)
    assert download.path.read_bytes() == b"%PDF-1.4 test"
    assert isolated_data in download.path.parents
    assert [a.id for a in await attachments.list_attachments(AttachmentSlot.RECEPTION_INQUIRY, 7)] == [
        stored.id
    ]
    await attachments.delete_attachment(stored.id, by=actor)
    assert not download.path.exists()
    assert not await Attachment.exists(id=stored.id)


async def test_path_traversal_names_are_harmless(db, isolated_data):
    actor = await make_staff()
    stored = await attachments.store_attachment(
        slot=AttachmentSlot.VISIT, owner_id=1, filename="../../../etc/passwd\x00.txt", data=b"hello", by=actor
    )
    assert stored.original_name == "passwd.txt"
    assert isolated_data in (await attachments.open_attachment(stored.id)).path.parents


async def test_size_and_type_limits(db, monkeypatch):
    actor = await make_staff()
    monkeypatch.setenv("GOGAEK_UPLOAD_LIMIT_MB", "1")
    from core.settings import reload_settings

    reload_settings()
    with pytest.raises(ValidationError, match="1MB까지"):
        await attachments.store_attachment(
            slot=AttachmentSlot.VISIT, owner_id=1, filename="big.zip", data=b"x" * (1024 * 1024 + 1), by=actor
        )
    with pytest.raises(ValidationError, match="실행 파일"):
        await attachments.store_attachment(
            slot=AttachmentSlot.VISIT, owner_id=1, filename="setup.exe", data=b"MZ", by=actor
        )
    with pytest.raises(ValidationError, match="실행 파일"):  # an executable with an innocent name
        await attachments.store_attachment(
            slot=AttachmentSlot.VISIT,
            owner_id=1,
            filename="invoice.pdf",
            data=b"\x7fELF" + b"\x00" * 64,
            by=actor,
        )
    assert await Attachment.all().count() == 0
