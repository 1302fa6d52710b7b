"""The left menu (docs/product.md, "Screens"). Paths are the single source of truth for page URLs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MenuEntry:
    label: str
    path: str
    icon: str
    admin: bool = False
    badge: str = ""  # a count shown beside the label (pages.frame.MENU_BADGES builds it)
    children: tuple[MenuEntry, ...] = field(default_factory=tuple)


START_PATH = "/today"  # where signing in leads unless the user was on their way to another page

MENU: tuple[MenuEntry, ...] = (
    MenuEntry("오늘", START_PATH, "today"),
    MenuEntry(
        "고객관리",
        "/",
        "groups",
        children=(
            MenuEntry("고객관리", "/", "groups"),
            MenuEntry("통화내역", "/calls", "call"),
            MenuEntry("부재중 전화", "/calls/missed", "phone_missed", badge="missed_calls"),
        ),
    ),
    MenuEntry("명함관리", "/cards", "contact_page"),
    MenuEntry(
        "고객관리현황",
        "/status",
        "insights",
        children=(
            MenuEntry("방문일정", "/status/visits", "event"),
            MenuEntry("고객접수현황", "/status/receptions", "support_agent"),
            MenuEntry("견적현황", "/status/quotes", "request_quote"),
            MenuEntry("메일 발송 내역", "/status/mail", "outgoing_mail"),
        ),
    ),
    MenuEntry("유지보수관리", "/maintenance", "build_circle"),
    MenuEntry("기초정보등록", "/codes", "tune", admin=True),
    MenuEntry(
        "설정",
        "/settings",
        "settings",
        children=(
            MenuEntry("사용자 관리", "/settings/users", "manage_accounts", admin=True),
            MenuEntry("CTI환경설정", "/settings/cti", "settings_phone", admin=True),
            MenuEntry("API사용자등록", "/settings/centrex", "cloud", admin=True),
            MenuEntry("회사정보", "/settings/company", "business", admin=True),
            MenuEntry("메일환경설정", "/settings/mail", "mail", admin=True),
            MenuEntry("감사 로그", "/settings/audit", "policy", admin=True),
            MenuEntry("접속 주소", "/settings/addresses", "qr_code_2"),
            MenuEntry("비밀번호 변경", "/settings/password", "password"),
        ),
    ),
)
