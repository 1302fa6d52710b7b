"""Korean text helpers: 초성 (initial consonants), particles (조사), phone numbers, business numbers,
amounts, dates."""

from __future__ import annotations

import datetime as dt
import functools
import re

import phonenumbers
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.kr import brn

_CHOSUNG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_CHOSUNG_CHARS = frozenset(_CHOSUNG) | frozenset("ㄳㄵㄶㄺㄻㄼㄽㄾㄿㅀㅄ")


def chosung(text: str) -> str:
    """Initial consonants of every Hangul syllable; other characters are kept (lower-cased).
    `chosung("재근상사") == "ㅈㄱㅅㅅ"`."""
    out = []
    for ch in text:
        code = ord(ch)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            out.append(_CHOSUNG[(code - _HANGUL_FIRST) // 588])
        elif not ch.isspace():
            out.append(ch.lower())
    return "".join(out)


def is_chosung_query(text: str) -> bool:
    """True when the query consists only of initial consonants (the user typed ㅈㄱㅅㅅ)."""
    stripped = text.replace(" ", "")
    return bool(stripped) and all(ch in _CHOSUNG_CHARS for ch in stripped)


# 조사 pairs: (after a final consonant, after a vowel). 으로/로 takes 로 after ㄹ too.
_PARTICLES = {
    form: pair
    for pair in [("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"), ("으로", "로")]
    for form in pair
}
_FINALS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"  # a syllable's final, by (code - 가) % 28
_DIGIT_FINALS = ["ㅇ", "ㄹ", "", "ㅁ", "", "", "ㄱ", "ㄹ", "ㄹ", ""]  # 영 일 이 삼 사 오 육 칠 팔 구
_ROUND_FINALS = ["ㅂ", "ㄱ", "ㄴ", "ㄴ"]  # 십 백 천 만 (억, 조 … end in a consonant too)
_LETTER_FINALS = {
    "l": "ㄹ",
    "r": "ㄹ",
    "m": "ㅁ",
    "n": "ㄴ",
}  # 엘 알 엠 엔; other letter names end in a vowel
_WORD_FINALS = [
    ("ng", "ㅇ"),
    ("le", "ㄹ"),
    ("l", "ㄹ"),
    ("m", "ㅁ"),
    ("n", "ㄴ"),
    ("k", "ㄱ"),
    ("p", "ㅂ"),
    ("t", "ㅅ"),
]
_TRAILING = " '\"‘’“”.,"


def _without_closing_parenthesis(text: str) -> str:
    """ "서울(Seoul)" → "서울": a particle after a parenthesis follows the word before it."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[index], 0)
        if depth == 0:
            return text[:index].rstrip(_TRAILING) or text  # "(주)" alone is read as it is
    return text


def _final_consonant(word: str) -> str | None:
    """The final consonant the word is read with ("" after a vowel, None when it cannot be told):
    its last Hangul syllable's, a number's as read (3 삼, 10 십, 2,000 천, 31 일), a letter's name
    (SMS 에스, HTML 엘), an English word's ending (Excel ㄹ). Quotes are skipped."""
    text = word.rstrip(_TRAILING)
    if text.endswith(")"):
        text = _without_closing_parenthesis(text)
    if not text:
        return None
    last = text[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        return _FINALS[(ord(last) - _HANGUL_FIRST) % 28].strip()
    if last in _CHOSUNG_CHARS:
        return last
    if last.isdigit():
        digits = re.search(r"[\d,]+$", text).group().replace(",", "")
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros and digits.strip("0"):
            return _ROUND_FINALS[min(zeros, 4) - 1]
        return _DIGIT_FINALS[int(last)]
    if last.isascii() and last.isalpha():
        letters = re.search(r"[A-Za-z]+$", text).group()
        if len(letters) == 1 or letters.isupper():  # an abbreviation is read letter by letter
            return _LETTER_FINALS.get(last.lower(), "")
        return next((final for ending, final in _WORD_FINALS if letters.lower().endswith(ending)), "")
    return None


def josa(word: object, particle: str) -> str:
    """The form of 은/는, 이/가, 을/를, 과/와 or 으로/로 that follows `word` as it is read:
    `josa("재근상사", "을") == "를"`, `josa("견적서 Q-12", "은") == "는"`, `josa("서울", "으로") == "로"`.
    Where the reading cannot be told (a symbol), both forms: "을(를)", "(으)로"."""
    with_final, without = _PARTICLES[particle]
    final = _final_consonant(str(word))
    if final is None:
        return "(으)로" if with_final == "으로" else f"{with_final}({without})"
    return without if not final or (final == "ㄹ" and with_final == "으로") else with_final


def digits_only(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def phone_digits(raw: str | None) -> str:
    """A caller-ID or typed number reduced to national digits: '+82 2 808 8016' → '028088016'."""
    digits = digits_only(raw)
    if digits.startswith("82") and (raw or "").lstrip().startswith("+"):
        digits = "0" + digits[2:]
    elif digits.startswith("0082"):
        digits = "0" + digits[4:]
    return digits


@functools.lru_cache(maxsize=8192)
def format_phone(raw: str | None) -> str:
    """Korean display format ('02-808-8016', '010-1234-5678', '1544-7230'); unknown shapes are
    returned as typed, and so is a number with words in it ('031-1234-5678 (내선 123)'): its
    extension must not be glued onto the number. Remembered: parsing with phonenumbers costs a
    tenth of a millisecond, a page of a hundred numbers 14 ms."""
    if re.search(r"[^\d\s()+\-.]", raw or ""):
        return (raw or "").strip()
    digits = phone_digits(raw)
    if not digits:
        return (raw or "").strip()
    if len(digits) == 8 and digits[:2] in {"15", "16", "18"}:
        return f"{digits[:4]}-{digits[4:]}"
    try:
        parsed = phonenumbers.parse(digits, "KR")
    except phonenumbers.NumberParseException:
        return (raw or "").strip()
    if not phonenumbers.is_possible_number(parsed):
        return (raw or "").strip()
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_error(raw: str | None) -> str | None:
    """A Korean message when a typed phone number cannot be a Korean number, else None."""
    text = (raw or "").strip()
    if not text:
        return None
    if re.search(r"[^\d\s()+\-.]", text):
        return "전화번호에는 숫자와 - 만 입력하세요."
    digits = phone_digits(text)
    if len(digits) == 8 and digits[:2] in {"15", "16", "18"}:
        return None
    try:
        parsed = phonenumbers.parse(digits, "KR")
    except phonenumbers.NumberParseException:
        return "올바른 전화번호가 아닙니다."
    if not phonenumbers.is_valid_number(parsed):
        return "올바른 전화번호가 아닙니다. 지역번호를 포함해 입력하세요 (예: 02-808-8016)."
    return None


_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def business_number_check_digit(first_nine: str) -> int:
    """The 10th digit of a 사업자등록번호 (National Tax Service rule; python-stdnum checks only the
    format of Korean BRNs, not this digit)."""
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, _BRN_WEIGHTS, strict=True)) + digits[8] * 5 // 10
    return (10 - total % 10) % 10


def business_number_error(raw: str | None) -> str | None:
    """A Korean message when a business registration number (사업자번호) is invalid, else None."""
    digits = digits_only(raw)
    if not (raw or "").strip():
        return None
    if len(digits) != 10:
        return "사업자번호는 숫자 10자리입니다 (예: 123-45-67890)."
    try:
        brn.validate(digits)
    except StdnumError:
        return "사업자번호 형식이 올바르지 않습니다. 다시 확인하세요."
    if business_number_check_digit(digits[:9]) != int(digits[9]):
        return "사업자번호가 올바르지 않습니다 (검증번호 불일치). 다시 확인하세요."
    return None


def format_business_number(raw: str | None) -> str:
    digits = digits_only(raw)
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if len(digits) == 10 else (raw or "")


def format_amount(value: int | float | None) -> str:
    """Thousands separators: 11000000 → '11,000,000'."""
    return f"{int(value or 0):,}"


def format_size(size: int) -> str:
    """A file size as office staff read it: 11 → '11바이트', 1536 → '1.5KB', 1048576 → '1MB'."""
    if size < 1024:
        return f"{size:,}바이트"
    value, unit = size / 1024, "KB"
    for bigger in ("MB", "GB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    text = f"{value:,.1f}" if value < 10 else f"{value:,.0f}"
    return text.removesuffix(".0") + unit


def format_date(value: dt.date | dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def format_datetime(value: dt.datetime | None, seconds: bool = False) -> str:
    if not value:
        return ""
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


_DIGITS = ["", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"]
_SMALL_UNITS = ["", "십", "백", "천"]
_LARGE_UNITS = ["", "만", "억", "조", "경"]


def number_in_words(number: int) -> str:
    """A whole number in Sino-Korean words with every digit spoken: 11,000,000 → '일천일백만',
    10 → '일십', 0 → '영'. Used inside `amount_in_words`."""
    if number == 0:
        return "영"
    if number < 0:
        return "마이너스 " + number_in_words(-number)
    groups = []
    unit = 0
    while number:
        number, group = divmod(number, 10000)
        if group:
            words = "".join(
                _DIGITS[int(d)] + _SMALL_UNITS[3 - i] for i, d in enumerate(f"{group:04d}") if d != "0"
            )
            groups.append(words + _LARGE_UNITS[unit])
        unit += 1
    return "".join(reversed(groups))


def amount_in_words(amount: int) -> str:
    """The one way every printed document (견적서, 유지보수동의서, 거래명세서, 영수증) writes an amount
    in words: "금 " + the number with every digit spoken (일천, 일백, 일십 — nobody can add a digit in
    front) + "원정", no spaces inside: 1,100,000 → '금 일백일십만원정', 10 → '금 일십원정',
    0 → '금 영원정'."""
    return f"금 {number_in_words(amount)}원정"
