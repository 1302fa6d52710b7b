"""The admin screens' services check the role themselves (a page check alone could be bypassed
by a handler kept from before a role change): staff are refused and nothing changes."""

import pytest

from core.errors import PermissionDenied
from models.codes import CodeEntry, CodeKind
from models.staff import Role
from services import centrex_users, codes, company, html_templates, items, staff, telephony_settings
from tests.factories.staff import make_admin, make_staff
from tests.services.test_bad_input import snapshot

ADMIN_ONLY = {
    "code: save": lambda by, ids: codes.save_code(by=by, kind=CodeKind.DEPARTMENT, code="X1", name="팀"),
    "code: deactivate": lambda by, ids: codes.set_code_active(ids["code"], by=by, active=False),
    "code: delete": lambda by, ids: codes.delete_code(ids["code"], by=by),
    "item: save": lambda by, ids: items.save_item(by=by, code="A-1", name="스캐너"),
    "item: delete": lambda by, ids: items.delete_item(ids["item"], by=by),
    "company": lambda by, ids: company.save_company(by=by, version=0, name="우리회사"),
    "company stamp": lambda by, ids: company.save_stamp(by=by, version=0, filename="a.png", data=b"x"),
    "company stamp removal": lambda by, ids: company.remove_stamp(by=by, version=0),
    "template: save": lambda by, ids: html_templates.save_template(by=by, name="양식", html="<p>x</p>"),
    "template: delete": lambda by, ids: html_templates.delete_template(ids["template"], by=by),
    "staff: add": lambda by, ids: staff.add_staff(
        by=by, login="x1", name="새사람", password="Long-pass-123", role=Role.ADMIN
    ),
    "staff: edit": lambda by, ids: staff.update_staff(
        by.id, by=by, version=1, name="나", role=Role.ADMIN, extension="", active=True
    ),
    "staff: password reset": lambda by, ids: staff.reset_password(
        ids["admin"], by=by, new_password="Hijack-12345"
    ),
    "CTI settings": lambda by, ids: telephony_settings.save_cti_settings(
        by=by,
        version=None,
        enabled=True,
        port="/dev/ttyS0",
        baud=9600,
        preset="modem",
        regex="",
        init_commands="",
    ),
    "call settings": lambda by, ids: telephony_settings.save_call_settings(
        by=by, version=None, dedup_seconds=30, popup_target="all", others_delay_seconds=0
    ),
    "Centrex settings": lambda by, ids: telephony_settings.save_centrex_settings(
        by=by,
        version=None,
        base_url="http://evil.example",
        poll_seconds=3,
        timeout_seconds=5,
        ring_host="",
        ring_port=80,
    ),
    "ring secret": lambda by, ids: telephony_settings.renew_ring_secret(by=by),
    "Centrex line: save": lambda by, ids: centrex_users.save_centrex_user(
        by=by, number070="07011112222", password="pw"
    ),
    "Centrex line: delete": lambda by, ids: centrex_users.delete_centrex_user(ids["line"], by=by),
    "Centrex line: check": lambda by, ids: centrex_users.check_connection(
        by=by, number070="07011112222", password="pw"
    ),
    "ring callback: register": lambda by, ids: centrex_users.register_ring_callback(ids["line"], by=by),
    "ring callback: read": lambda by, ids: centrex_users.ring_callback_registration(ids["line"], by=by),
}


@pytest.mark.parametrize("name", ADMIN_ONLY)
async def test_staff_are_refused_by_the_service(db, name):
    admin = await make_admin()
    clerk = await make_staff()
    template = await html_templates.save_template(by=admin, name="보고서", html="<p>{{company}}</p>")
    item = await items.save_item(by=admin, code="B-1", name="프린터")
    line = await centrex_users.save_centrex_user(by=admin, number070="07033334444", password="pw")
    await telephony_settings.load_centrex_settings()
    code = await CodeEntry.filter(kind=CodeKind.DEPARTMENT).first()
    ids = {"admin": admin.id, "template": template.id, "item": item.id, "line": line.id, "code": code.id}
    before = await snapshot()
    with pytest.raises(PermissionDenied, match="관리자만"):
        await ADMIN_ONLY[name](clerk, ids)
    assert await snapshot() == before
