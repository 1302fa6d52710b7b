"""The upload route: only the browser that opened a signed-in page may upload to it; a refused
file is answered with an error status (the uploader marks it failed) and a Korean message; files
waiting in an unsaved form are on disk, not in memory, and are released when the form closes."""

from __future__ import annotations

from datetime import timedelta

import httpx
from nicegui import app
from nicegui.testing import User

from core.settings import get_settings
from models.attachment import Attachment
from models.staff import StaffSession
from pages.frame import signed_in_clients
from services.attachments import PendingUploads
from tests.factories.staff import make_admin, make_staff
from tests.utils import eventually, sign_in

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 12_000  # 3 MB


def _browser() -> User:
    """Another browser: its own cookies, the same server."""
    return User(httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test"))


def _multipart(filename: str, data: bytes) -> dict:
    return {"files": {"file": (filename, data, "application/octet-stream")}}


async def _reception_form(user: User) -> tuple[str, str]:
    """Open a new reception form; the URL of its inquiry uploader."""
    await user.should_see(marker="log-add", retries=50)
    user.find("log-add").click()
    await user.should_see(marker="reception-save", retries=30)
    upload = user.find("upload-reception_inquiry").elements.pop()
    return upload.client.id, upload.props["url"]


def _spooled() -> list:
    folder = get_settings().pending_uploads_dir
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


async def test_only_the_browser_of_a_signed_in_page_may_upload_to_it(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    client_id, url = await _reception_form(user)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as anonymous:
        response = await anonymous.post(url, **_multipart("견적서.pdf", PDF))
    assert response.status_code == 403
    assert "로그인이 필요합니다" in response.json()["detail"]

    other = _browser()  # signed in too, but this page is not its own
    await sign_in(other, "boss")
    response = await other.http_client.post(url, **_multipart("견적서.pdf", PDF))
    assert response.status_code == 403

    visitor = _browser()  # to the page it opened itself, but one that is not signed in
    login_page = await visitor.open("/login")
    response = await visitor.http_client.post(
        f"/_nicegui/client/{login_page.id}/upload/1", **_multipart("견적서.pdf", PDF)
    )
    assert response.status_code == 403
    assert _spooled() == []

    # the page's own browser: accepted (the form is still open in the simulated browser)
    response = await user.http_client.post(url, **_multipart("견적서.pdf", PDF))
    assert response.status_code == 200, response.text
    assert [path.read_bytes() for path in _spooled()] == [PDF]
    assert client_id in url


async def test_a_refused_file_gets_an_error_status_and_says_why(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    _, url = await _reception_form(user)
    before = PendingUploads.server_bytes()  # pages of earlier tests may still hold theirs
    refused = {
        "run.bat.": "점(.)으로 끝나는",
        "help.chm": ".chm 파일은 첨부할 수 없습니다",
        "report.mht": ".mht 파일은 첨부할 수 없습니다",
        "invoice.pdf": "내용이 .pdf 파일이 아닙니다",
    }
    for filename, message in refused.items():
        data = b"MZ\x90\x00" + b"\x00" * 200 if filename == "invoice.pdf" else b"@echo off\r\n"
        response = await user.http_client.post(url, **_multipart(filename, data))
        assert response.status_code == 422, filename
        assert message in response.json()["detail"]
    await user.should_see("첨부할 수 없습니다")
    assert _spooled() == [] and PendingUploads.server_bytes() == before


async def test_files_waiting_in_an_unsaved_form_are_on_disk_and_released_when_it_closes(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    _, url = await _reception_form(user)
    before = PendingUploads.server_bytes()
    for name in ("견적서.pdf", "사양서.pdf"):
        response = await user.http_client.post(url, **_multipart(name, PDF))
        assert response.status_code == 200, response.text
    await user.should_see("저장하면 올라갑니다", retries=20)
    assert [path.read_bytes() for path in _spooled()] == [PDF, PDF]
    assert get_settings().data_dir in _spooled()[0].parents
    assert PendingUploads.server_bytes() == before + 2 * len(PDF)

    user.find("reception-close").click()
    await user.should_see(marker="confirm-yes", retries=20)  # unsaved files: asked first
    user.find("confirm-yes").click()
    await eventually(lambda: _spooled() == [], within=10)
    assert PendingUploads.server_bytes() == before
    assert not await Attachment.exists()


async def test_an_upload_from_a_page_whose_session_ran_out_is_refused_and_closes_the_page(user: User):
    """Uploads are plain HTTP requests, not page events: they check the account as it is now too."""
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    client_id, url = await _reception_form(user)
    idle = timedelta(hours=get_settings().session_idle_hours, minutes=1)
    for session in await StaffSession.filter(revoked_at=None):
        await StaffSession.filter(id=session.id).update(last_seen_at=session.last_seen_at - idle)

    response = await user.http_client.post(url, **_multipart("견적서.pdf", PDF))
    assert response.status_code == 403
    assert _spooled() == []
    assert client_id not in signed_in_clients


async def test_a_refused_company_stamp_is_marked_failed_with_the_services_reason(user: User):
    from services import company
    from tests.pages.test_cards_page import PNG

    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/settings/company")
    url = user.find("company-stamp-upload").elements.pop().props["url"]

    response = await user.http_client.post(url, **_multipart("도장.png", b"MZ\x90\x00 a program"))
    assert response.status_code == 422
    assert "도장 이미지는 PNG, JPG, GIF 파일만 올릴 수 있습니다" in response.json()["detail"]
    await user.should_see("PNG, JPG, GIF 파일만", retries=30)
    assert (await company.get_company()).stamp == ""

    response = await user.http_client.post(url, **_multipart("도장.png", PNG))
    assert response.status_code == 200, response.text
    await user.should_see("도장 이미지를 저장했습니다.", retries=30)
    assert (await company.get_company()).stamp.endswith(".png")
