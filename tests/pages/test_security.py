from nicegui.testing import User

from core.settings import get_settings


async def test_pages_carry_security_headers(user: User):
    response = await user.http_client.get("/login")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert "object-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


async def test_uploads_above_the_limit_are_refused_by_the_server(user: User):
    limit = get_settings().upload_limit_bytes
    response = await user.http_client.post(
        "/_nicegui/client/any-client/upload/any-upload",
        content=b"x" * (limit + 200 * 1024),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "파일이 너무 큽니다."
