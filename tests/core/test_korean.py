import pytest

from core.korean import (
    amount_in_words,
    business_number_error,
    chosung,
    format_phone,
    format_size,
    is_chosung_query,
    josa,
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


def test_a_phone_number_with_an_extension_is_shown_as_typed():
    assert format_phone(" 031-1234-5678 (내선 123) ") == "031-1234-5678 (내선 123)"


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
        (0, "금 영원정"),
        (10, "금 일십원정"),
        (11, "금 일십일원정"),
        (10_000, "금 일만원정"),
        (1_000_000, "금 일백만원정"),
        (1_100_000, "금 일백일십만원정"),
        (11_000_000, "금 일천일백만원정"),
        (100_000_000, "금 일억원정"),
        (100_010_000, "금 일억일만원정"),
        (1_234_567_890, "금 일십이억삼천사백오십육만칠천팔백구십원정"),
    ],
)
def test_amount_in_words(amount, words):
    """One style on every printed document: 금 …원정, every digit spoken (일십, 일백, 일천)."""
    assert amount_in_words(amount) == words


@pytest.mark.parametrize(
    ("word", "particle", "expected"),
    [
        ("재근상사", "을", "를"),  # after a vowel
        ("홍길동", "를", "을"),  # either form may be asked for
        ("서울", "으로", "로"),  # 으로 → 로 after ㄹ
        ("집", "로", "으로"),
        ("사과", "과", "와"),
        ("품목", "와", "과"),
        ("'임시부서'", "을", "를"),  # quotes are skipped
        ("명함 '호면수' ((주)A상호)", "을", "를"),  # a particle after parentheses follows the word before
        ("견적서 Q-12", "은", "는"),  # 십이
        ("02-333-5555", "으로", "로"),  # 오
        ("2020-03-31", "으로", "로"),  # 일 (ㄹ)
        ("010-222-5550", "으로", "으로"),  # 영
        ("20,000", "이", "이"),  # 이만
        ("10", "를", "을"),  # 십
        ("SMS", "을", "를"),  # 에스
        ("HTML", "을", "을"),  # 엘
        ("Excel", "을", "을"),
        ("ㄱ", "이", "이"),  # 기역
        ("%", "을", "을(를)"),  # cannot be told: both forms
        ("→", "으로", "(으)로"),
        ("", "은", "은(는)"),
    ],
)
def test_josa_follows_how_the_word_is_read(word, particle, expected):
    assert josa(word, particle) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (11, "11바이트"),  # not "0KB" nor "11 B"
        (1023, "1,023바이트"),
        (1024, "1KB"),
        (1536, "1.5KB"),
        (700 * 1024, "700KB"),
        (1024 * 1024, "1MB"),
        (1024 * 1024 * 3 // 2, "1.5MB"),
        (19 * 1024 * 1024, "19MB"),
        (2 * 1024**3, "2GB"),
    ],
)
def test_file_sizes_read_as_office_staff_read_them(size, expected):
    assert format_size(size) == expected
