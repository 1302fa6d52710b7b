"""Demo staff from the manual's screens (접수자 김데모, 처리자 현빈, 담당 이주연…).

They get random passwords nobody knows: an admin sets real ones in 설정 → 사용자 관리."""

from __future__ import annotations

import secrets

from core.audit import SYSTEM, acting_as
from core.passwords import hash_password_async
from models.staff import Role, Staff

DEMO_STAFF = [
    ("kimdemo", "김데모", "101"),
    ("hong", "홍길동", "102"),
    ("leejy", "이주연", "103"),
    ("hyunbin", "현빈", "104"),
    ("choisa", "최순아", "105"),
    ("kimmodu", "김모두", "106"),
    ("hanhy", "한희윤", "107"),
]


async def seed() -> str:
    created = 0
    with acting_as(SYSTEM):
        for login, name, extension in DEMO_STAFF:
            if await Staff.filter(login=login).exists():
                continue
            await Staff.create(
                login=login,
                name=name,
                extension=extension,
                role=Role.STAFF,
                password_hash=await hash_password_async(secrets.token_urlsafe(24)),
            )
            created += 1
    return f"사원 {created:,}명 추가 (비밀번호는 설정 → 사용자 관리에서 정하세요)"
