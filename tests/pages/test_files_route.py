from nicegui.testing import User

from models.attachment import AttachmentSlot
from services import attachments, receptions
from tests.factories.staff import make_admin, make_staff
from tests.utils import sign_in


async def test_download_needs_a_session_and_is_never_inline(user: User):
    await make_admin(login="boss")
    member = await make_staff(login="clerk")
    reception = await receptions.save_reception(
        receptions.ReceptionInput(received_at="2026-11-27 10:30", receiver_id=member.id, inquiry="첨부 확인"),
        by=member,
    )
    stored = await attachments.store_attachment(
        slot=AttachmentSlot.RECEPTION_ANSWER,
        owner_id=reception.id,
        filename="처리 결과.txt",
        data=b"<script>alert(1)</script>",
        by=member,
    )
    signed_out = await user.http_client.get(f"/files/{stored.id}")
    assert signed_out.status_code == 401
    await sign_in(user, "clerk")
    response = await user.http_client.get(f"/files/{stored.id}")
    assert response.status_code == 200
    assert response.content == b"<script>alert(1)</script>"
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''%EC%B2%98%EB%A6%AC%20%EA%B2%B0%EA%B3%BC.txt"
        in response.headers["content-disposition"]
    )
    assert (await user.http_client.get("/files/999999")).status_code == 404
