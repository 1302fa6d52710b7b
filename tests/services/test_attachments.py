import pytest

from core.errors import NotFound, ValidationError
from models.attachment import Attachment, AttachmentSlot
from services import attachments, receptions
from tests.factories.staff import make_staff

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


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
        data=PNG,
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
    with pytest.raises(ValidationError, match=r"\.exe 파일은 첨부할 수 없습니다"):
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


async def _store(actor, owner: int, filename: str, data: bytes):
    return await attachments.store_attachment(
        slot=AttachmentSlot.RECEPTION_INQUIRY, owner_id=owner, filename=filename, data=data, by=actor
    )


async def test_only_documents_and_images_whose_content_matches_their_name_are_accepted(db, isolated_data):
    actor = await make_staff()
    owner = await _reception(actor)
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    accepted = {
        "견적서.pdf": b"%PDF-1.7\n" + b"x" * 100,
        "공문.hwp": cfb,
        "공문.hwpx": b"PK\x03\x04" + b"\x00" * 100,
        "목록.xlsx": b"PK\x03\x04" + b"\x00" * 100,
        "옛날 목록.xls": cfb,
        "메모.txt": "안녕하세요\r\n".encode(),
        "메모 유니코드.txt": "안녕".encode("utf-16"),
        "주소.csv": b"name,phone\n",
        "현장 사진.JPG": b"\xff\xd8\xff\xe0" + b"\x00" * 100,
        "약도.png": PNG,
    }
    for filename, data in accepted.items():
        stored = await _store(actor, owner, filename, data)
        assert stored.original_name == filename
    refused = {
        "x.bat.": (b"@echo off", "점\\(\\.\\)으로 끝나는"),
        "x.bat. .": (b"@echo off", "점\\(\\.\\)으로 끝나는"),
        "help.chm": (b"ITSF" + b"\x00" * 60, r"\.chm 파일은 첨부할 수 없습니다"),
        "addin.xll": (b"MZ" + b"\x00" * 60, r"\.xll 파일은 첨부할 수 없습니다"),
        "page.mht": (b"MIME-Version: 1.0", r"\.mht 파일은 첨부할 수 없습니다"),
        "page.html": (b"<script>", r"\.html 파일은 첨부할 수 없습니다"),
        "README": (b"hello", "확장자가 없는 파일은 첨부할 수 없습니다"),
        "invoice.pdf": (b"MZ\x90\x00" + b"\x00" * 60, r"내용이 \.pdf 파일이 아닙니다"),
        "photo.jpg": (PNG, r"내용이 \.jpg 파일이 아닙니다"),
        "report.docx": (b"%PDF-1.4", r"내용이 \.docx 파일이 아닙니다"),
        "notes.txt": (b"\x7fELF" + b"\x00" * 60, r"내용이 \.txt 파일이 아닙니다"),
    }
    for filename, (data, message) in refused.items():
        with pytest.raises(ValidationError, match=message):
            await _store(actor, owner, filename, data)
    assert await Attachment.all().count() == len(accepted)


async def _chunks(*parts: bytes):
    for part in parts:
        yield part


def _spooled(isolated_data) -> list:
    return [path for path in (isolated_data / "pending-uploads").rglob("*") if path.is_file()]


async def test_uploads_to_an_unsaved_form_wait_on_disk_and_move_into_place_on_save(db, isolated_data):
    actor = await make_staff()
    waiting = attachments.PendingUploads()
    before = attachments.PendingUploads.server_bytes()
    pdf = b"%PDF-1.4\n" + b"x" * 300_000
    await waiting.add("견적서.pdf", _chunks(pdf[:100_000], pdf[100_000:]))
    await waiting.add("현장.png", _chunks(PNG))
    [spooled_pdf, spooled_png] = [item.path for item in waiting.files]
    assert spooled_pdf.read_bytes() == pdf  # the bytes are on disk, in the data folder
    assert {spooled_pdf, spooled_png} == set(_spooled(isolated_data))
    assert attachments.PendingUploads.server_bytes() == before + len(pdf) + len(PNG)

    owner = await _reception(actor)
    stored = await waiting.store(slot=AttachmentSlot.RECEPTION_INQUIRY, owner_id=owner, by=actor)
    assert [a.original_name for a in stored] == ["견적서.pdf", "현장.png"]
    assert (await attachments.open_attachment(stored[0].id)).path.read_bytes() == pdf
    assert waiting.files == [] and _spooled(isolated_data) == []
    assert attachments.PendingUploads.server_bytes() == before


async def test_a_closed_form_releases_its_waiting_files(db, isolated_data):
    waiting = attachments.PendingUploads()
    before = attachments.PendingUploads.server_bytes()
    await waiting.add("견적서.pdf", _chunks(b"%PDF-1.4 " + b"x" * 5000))
    assert len(_spooled(isolated_data)) == 1
    waiting.release()
    assert _spooled(isolated_data) == [] and waiting.files == []
    assert attachments.PendingUploads.server_bytes() == before
    assert not await Attachment.exists()


async def test_waiting_files_are_bounded_per_form_and_per_server(db, isolated_data, monkeypatch):
    from core.settings import reload_settings

    monkeypatch.setenv("GOGAEK_PENDING_UPLOAD_FILES", "2")
    monkeypatch.setenv("GOGAEK_PENDING_UPLOAD_MB", "1")
    monkeypatch.setenv("GOGAEK_PENDING_UPLOADS_TOTAL_MB", "2")
    reload_settings()
    assert attachments.PendingUploads.server_bytes() == 0
    half = b"%PDF-1.4 " + b"x" * (512 * 1024 - 9)
    first = attachments.PendingUploads()
    await first.add("a.pdf", _chunks(half))
    await first.add("b.pdf", _chunks(b"%PDF-1.4 small"))
    with pytest.raises(ValidationError, match="2개까지"):
        await first.add("c.pdf", _chunks(b"%PDF-1.4 small"))
    second = attachments.PendingUploads()
    await second.add("a.pdf", _chunks(half))
    with pytest.raises(ValidationError, match="모두 1MB까지"):
        await second.add("b.pdf", _chunks(half, half))
    third = attachments.PendingUploads()
    await third.add("a.pdf", _chunks(half))
    with pytest.raises(ValidationError, match="서버에 저장을 기다리는 파일이 너무 많습니다"):
        await third.add("b.pdf", _chunks(half))
    # a refused file leaves nothing behind, on disk or in the count
    assert len(_spooled(isolated_data)) == 4
    assert attachments.PendingUploads.server_bytes() == 3 * len(half) + len(b"%PDF-1.4 small")
    for waiting in (first, second, third):
        waiting.release()
    assert _spooled(isolated_data) == [] and attachments.PendingUploads.server_bytes() == 0


async def test_a_file_still_arriving_when_its_form_closes_is_not_kept(db, isolated_data):
    waiting = attachments.PendingUploads()

    async def slow_upload():
        yield b"%PDF-1.4 first half "
        waiting.release()  # the form is closed while the rest of the file arrives
        yield b"second half"

    with pytest.raises(ValidationError, match="양식이 닫혀"):
        await waiting.add("견적서.pdf", slow_upload())
    assert waiting.files == [] and _spooled(isolated_data) == []
    assert attachments.PendingUploads.server_bytes() == 0
