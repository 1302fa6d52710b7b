"""Password hashing (argon2id) and session tokens. Hashing is slow on purpose, so callers run it
in a worker thread (`hash_password_async`, `verify_password_async`)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.inputs import CONTROL_CHARACTERS

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200


def password_problem(password: str, login: str = "") -> str | None:
    if not isinstance(password, str) or CONTROL_CHARACTERS.search(password):
        return "비밀번호에 제어 문자를 쓸 수 없습니다."
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"비밀번호는 {MAX_PASSWORD_LENGTH}자 이내로 입력하세요."
    if login and password.lower() == login.lower():
        return "아이디와 같은 비밀번호는 사용할 수 없습니다."
    if len(set(password)) < 4:
        return "너무 단순한 비밀번호입니다. 여러 종류의 문자를 섞어 주세요."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A real hash to verify against when the login does not exist, so timing does not reveal logins.
DUMMY_HASH = hash_password(secrets.token_hex(8))
