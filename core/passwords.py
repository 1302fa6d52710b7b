"""Password hashing (argon2id), the strength check and session tokens. Hashing is slow on purpose,
so callers run it in a worker thread (`hash_password_async`, `verify_password_async`).

The strength check scores with zxcvbn (common-password lists, keyboard patterns, sequences,
dates) and adds what it does not know about Korean offices: a password typed in Hangul is also
checked as the keys pressed on a 2-beolsik keyboard, and common Korean words typed with the
keyboard left in English mode ("tkfkdgo" is 사랑해) count as dictionary words."""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from core.inputs import CONTROL_CHARACTERS

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
# zxcvbn's score from 0 (guessed at once) to 4; 3 means "safely unguessable" against an online
# attack that is throttled, which is what the sign-in form has
MIN_STRENGTH = 3
# zxcvbn's matching grows quickly with length; a longer password is judged by its beginning
_SCORED_LENGTH = 64

# 2-beolsik: the key(s) for each Hangul letter (compatibility jamo), and the order of the letters
# that may begin and end a syllable (Unicode composes a syllable from their positions)
_CONSONANTS = "ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JAMO_KEYS = {
    **dict(
        zip(
            _CONSONANTS,
            [
                "r",
                "R",
                "rt",
                "s",
                "sw",
                "sg",
                "e",
                "E",
                "f",
                "fr",
                "fa",
                "fq",
                "ft",
                "fx",
                "fv",
                "fg",
                "a",
                "q",
                "Q",
                "qt",
                "t",
                "T",
                "d",
                "w",
                "W",
                "c",
                "z",
                "x",
                "v",
                "g",
            ],
            strict=True,
        )
    ),
    **dict(
        zip(
            _VOWELS,
            [
                "k",
                "o",
                "i",
                "O",
                "j",
                "p",
                "u",
                "P",
                "h",
                "hk",
                "ho",
                "hl",
                "y",
                "n",
                "nj",
                "np",
                "nl",
                "b",
                "m",
                "ml",
                "l",
            ],
            strict=True,
        )
    ),
}
_INITIAL_KEYS = [_JAMO_KEYS[letter] for letter in "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"]
_VOWEL_KEYS = [_JAMO_KEYS[letter] for letter in _VOWELS]
_FINAL_KEYS = [
    "",
    *(_JAMO_KEYS[letter] for letter in "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"),
]


def keyboard_keys(text: str) -> str:
    """The keys pressed to type `text` on a Korean 2-beolsik keyboard: "사랑해" → "tkfkdgo"."""
    keys = []
    for character in text:
        code = ord(character) - 0xAC00
        if 0 <= code < 11172:
            initial, rest = divmod(code, 21 * 28)
            vowel, final = divmod(rest, 28)
            keys.append(_INITIAL_KEYS[initial] + _VOWEL_KEYS[vowel] + _FINAL_KEYS[final])
        else:
            keys.append(_JAMO_KEYS.get(character, character))
    return "".join(keys)


# Words people in a Korean office reach for, as typed with the keyboard in English mode, and a few
# romanised ones zxcvbn's English lists do not have.
_KOREAN_WORDS = [
    "사랑",
    "사랑해",
    "사랑해요",
    "보고싶어",
    "안녕",
    "안녕하세요",
    "감사합니다",
    "비밀번호",
    "비번",
    "암호",
    "고객",
    "고객관리",
    "관리자",
    "사무실",
    "회사",
    "우리회사",
    "우리집",
    "대한민국",
    "한국",
    "서울",
    "부산",
    "행복",
    "행운",
    "자기야",
    "여보",
    "하나님",
    "천사",
    "바보",
    "가나다라",
    "컴퓨터",
    "삼성",
    "엘지",
    "영업",
    "경리",
    "사장님",
    "대표",
    "직원",
    "손님",
    "접수",
]
_ROMANISED_WORDS = [
    "gogaek",
    "saranghae",
    "sarang",
    "annyeong",
    "annyeonghaseyo",
    "gamsahamnida",
    "hangul",
    "hanguk",
    "korea",
    "daehanminguk",
    "seoul",
    "busan",
    "samsung",
    "haengbok",
]
KOREAN_KEYBOARD_WORDS = frozenset(keyboard_keys(word) for word in _KOREAN_WORDS)
_GUESSABLE_WORDS = sorted(KOREAN_KEYBOARD_WORDS) + _ROMANISED_WORDS

_TIP = " 서로 관계없는 단어 서너 개를 이어 쓰는 식으로 더 길게 만들어 주세요."


def _weakness(match: dict, personal: set[str]) -> str:
    """Why zxcvbn found this part of a password easy to guess, in Korean."""
    pattern = match["pattern"]
    token = match["token"].lower()
    if pattern == "dictionary":
        if match.get("dictionary_name") == "user_inputs":
            if token in personal:
                return "아이디나 이름이 들어 있어 쉽게 추측됩니다."
            if token in KOREAN_KEYBOARD_WORDS:
                return "흔한 한글 단어를 영문 자판으로 친 것이라 쉽게 추측됩니다."
            return "흔한 단어라 쉽게 추측됩니다."
        if match.get("dictionary_name") == "passwords":
            return "자주 쓰이는 비밀번호입니다."
        return "흔한 단어라 쉽게 추측됩니다."
    if pattern == "spatial":
        return "키보드 배열 순서라 쉽게 추측됩니다."
    if pattern == "sequence":
        return "연속된 문자나 숫자라 쉽게 추측됩니다."
    if pattern == "repeat":
        return "같은 글자가 반복되어 쉽게 추측됩니다."
    if pattern in ("date", "regex"):
        return "날짜나 연도가 들어 있어 쉽게 추측됩니다."
    return "추측하기 쉬운 비밀번호입니다."


def password_problem(password: str, login: str = "", name: str = "") -> str | None:
    """What is wrong with a new password, in Korean, or None when it is good enough."""
    if not isinstance(password, str) or CONTROL_CHARACTERS.search(password):
        return "비밀번호에 제어 문자를 쓸 수 없습니다."
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"비밀번호는 {MIN_PASSWORD_LENGTH:,}자 이상이어야 합니다."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"비밀번호는 {MAX_PASSWORD_LENGTH:,}자 이내로 입력하세요."
    if login and password.lower() == login.lower():
        return "아이디와 같은 비밀번호는 사용할 수 없습니다."
    if len(set(password)) < 4:
        return "너무 단순한 비밀번호입니다. 여러 종류의 문자를 섞어 주세요."
    personal = {value.lower() for value in (login, name, keyboard_keys(name)) if value}
    typed = keyboard_keys(password)[:_SCORED_LENGTH]
    result = zxcvbn(typed, user_inputs=[*personal, *_GUESSABLE_WORDS])
    if result["score"] >= MIN_STRENGTH:
        return None
    guessable = [match for match in result["sequence"] if match["pattern"] != "bruteforce"]
    if not guessable:
        return "너무 짧거나 단순한 비밀번호입니다." + _TIP
    worst = max(guessable, key=lambda match: len(match["token"]))
    return _weakness(worst, personal) + _TIP


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
