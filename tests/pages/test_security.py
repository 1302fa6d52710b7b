from nicegui.testing import User

from core.settings import get_settings
from tests.factories.staff import make_admin
from tests.utils import sign_in


async def test_pages_carry_security_headers(user: User):
    response = await user.http_client.get("/login")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert "object-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


async def test_uploads_above_the_limit_are_refused_by_the_server(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    client = await user.open("/settings/company")
    upload = user.find("company-stamp-upload").elements.pop()
    limit = get_settings().upload_limit_bytes
    response = await user.http_client.post(
        f"/_nicegui/client/{client.id}/upload/{upload.id}",
        content=b"x" * (limit + 200 * 1024),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "파일이 너무 큽니다."


async def test_an_upload_streamed_without_a_length_is_cut_off_at_the_limit(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    client = await user.open("/settings/company")  # a page with a real upload element
    upload = user.find("company-stamp-upload").elements.pop()
    limit = get_settings().upload_limit_bytes
    sent = 0

    async def chunks():  # no Content-Length: the body is counted as it arrives
        nonlocal sent
        yield b'--x\r\nContent-Disposition: form-data; name="files"; filename="big.png"\r\n\r\n'
        while sent < limit * 3:
            sent += 256 * 1024
            yield b"x" * (256 * 1024)

    response = await user.http_client.post(
        f"/_nicegui/client/{client.id}/upload/{upload.id}",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "파일이 너무 큽니다."
    assert sent <= limit + 2 * 1024 * 1024  # reading stopped soon after the limit
