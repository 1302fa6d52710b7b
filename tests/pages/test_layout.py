"""The frame around every screen: the menu of docs/product.md (admin-only entries only for admins) and
Korean component texts (Quasar's ko-KR language pack)."""

from nicegui import ui
from nicegui.testing import User

from tests.factories.staff import make_admin, make_staff
from tests.utils import sign_in

ADMIN_MENU = [
    "오늘",
    ("고객관리", ["고객관리", "통화내역", "부재중 전화"]),
    "명함관리",
    ("고객관리현황", ["방문일정", "고객접수현황", "견적현황", "메일 발송 내역"]),
    "유지보수관리",
    "기초정보등록",
    (
        "설정",
        [
            "사용자 관리",
            "CTI환경설정",
            "API사용자등록",
            "회사정보",
            "메일환경설정",
            "감사 로그",
            "접속 주소",
            "비밀번호 변경",
        ],
    ),
]
STAFF_MENU = [
    "오늘",
    ("고객관리", ["고객관리", "통화내역", "부재중 전화"]),
    "명함관리",
    ("고객관리현황", ["방문일정", "고객접수현황", "견적현황", "메일 발송 내역"]),
    "유지보수관리",
    ("설정", ["접속 주소", "비밀번호 변경"]),
]


def _labels(element: ui.element) -> list[str]:
    return [e.text for e in element.descendants() if isinstance(e, ui.item_label)]


def menu_shown(user: User) -> list:
    """The left menu as the user sees it: entries, and groups with their entries, in order."""
    drawer = user.find(ui.left_drawer).elements.pop()
    (menu_list,) = [e for e in drawer.default_slot.children if isinstance(e, ui.list)]
    shown = []
    for entry in menu_list.default_slot.children:
        if isinstance(entry, ui.expansion):
            shown.append((entry.text, _labels(entry)))
        else:
            shown.extend(_labels(entry))
    return shown


async def test_an_admin_sees_the_whole_menu_of_the_spec(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    assert menu_shown(user) == ADMIN_MENU


async def test_staff_do_not_see_admin_only_entries(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    assert menu_shown(user) == STAFF_MENU


async def test_the_group_of_the_open_screen_is_unfolded(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/status/receptions")
    groups = {e.text: e.value for e in user.find(ui.expansion).elements}
    assert groups == {"고객관리": False, "고객관리현황": True, "설정": False}
    await user.open("/calls/missed")
    groups = {e.text: e.value for e in user.find(ui.expansion).elements}
    assert groups == {"고객관리": True, "고객관리현황": False, "설정": False}


async def test_pages_load_quasars_korean_language_pack(user: User):
    await make_admin(login="boss")
    response = await user.http_client.get("/login")  # signed out too
    assert '<html lang="ko-KR"' in response.text
    await sign_in(user, "boss")
    page = (await user.http_client.get("/")).text
    assert '<html lang="ko-KR"' in page
    assert 'const language = "ko-KR";' in page  # what NiceGUI hands Quasar's lang plugin
    pack = next(part.split('"')[0] for part in page.split('src="')[1:] if "/static/lang/" in part)
    assert pack.endswith("/static/lang/ko-KR.umd.prod.js")
    script = await user.http_client.get(pack)
    assert script.status_code == 200 and "ko-KR" in script.text
