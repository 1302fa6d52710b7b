import pytest

from core.korean import (
    amount_in_words,
    business_number_error,
    chosung,
    format_phone,
    is_chosung_query,
    phone_digits,
    phone_error,
)


def test_chosung():
    assert chosung("재근상사") == "ㅈㄱㅅㅅ"
    assert chosung("하이디자인") == "ㅎㅇㄷㅈㅇ"
    assert is_chosung_query("ㅈㄱㅅㅅ") and is_chosung_query("ㅎ ㅇ")
    assert not is_chosung_query("재근") and not is_chosung_query("")


@pytest.mark.parametrize(
    ("raw", "digits", "shown"),
    [
        ("02-808-8016", "028088016", "02-808-8016"),
        ("+82 2 808 8016", "028088016", "02-808-8016"),
        ("0082-2-808-8016", "028088016", "02-808-8016"),
        ("01012345678", "01012345678", "010-1234-5678"),
        ("070-1234-5678", "07012345678", "070-1234-5678"),
        ("1544-7230", "15447230", "1544-7230"),
        ("031 555 5555", "0315555555", "031-555-5555"),
    ],
)
def test_phone_numbers(raw, digits, shown):
    assert phone_digits(raw) == digits
    assert format_phone(raw) == shown
    assert phone_error(raw) is None


def test_phone_errors_are_korean():
    assert phone_error("02-80") is not None
    assert "숫자" in phone_error("전화주세요")


@pytest.mark.parametrize("number", ["111-22-33332", "124-81-00998", "2208162517", "134-86-72683"])
def test_valid_business_numbers(number):
    assert business_number_error(number) is None


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("123-45-67890", "검증번호"),
        ("124-81-00997", "검증번호"),
        ("1234", "10자리"),
        ("000-00-00000", "형식"),
    ],
)
def test_invalid_business_numbers(number, message):
    assert message in business_number_error(number)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "영"),
        (10_000, "일만"),
        (11_000_000, "일천일백만"),
        (1_234_567_890, "일십이억삼천사백오십육만칠천팔백구십"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words
