"""The strength check refuses what people actually pick (common passwords, keyboard runs, Korean
words typed with the keyboard in English mode) and says why in Korean; real passphrases pass."""

import pytest

from core.passwords import keyboard_keys, password_problem

GUESSABLE = {
    "password": "자주 쓰이는 비밀번호",
    "12345678": "자주 쓰이는 비밀번호",
    "qwerty12": "자주 쓰이는 비밀번호",
    "1q2w3e4r": "자주 쓰이는 비밀번호",
    "qwer1234": "자주 쓰이는 비밀번호",
    "asdf1234": "자주 쓰이는 비밀번호",
    "tkfkdgo": "8자 이상",
    "tkfkdgo!!": "쉽게 추측됩니다",
    "dkssudgktpdy": "한글 단어를 영문 자판으로",
    "사랑해요1234": "한글 단어를 영문 자판으로",
    "gogaek2026": "쉽게 추측됩니다",
    "ㅂㅈㄷㄱㅁㄴㅇㄹ": "자주 쓰이는 비밀번호",
    "zxcvbnm,./": "키보드 배열 순서",
    "abcdefgh123": "연속된 문자나 숫자",
    "kimcs2026!": "아이디나 이름",
}


@pytest.mark.parametrize("password", GUESSABLE)
def test_guessable_passwords_are_refused_with_the_reason(password):
    problem = password_problem(password, login="kimcs", name="김철수")
    assert problem is not None and GUESSABLE[password] in problem, problem


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "blue-river-lamp-42", "푸른강물-램프-42", "Test-pass-1234"]
)
def test_passphrases_are_accepted(password):
    assert password_problem(password, login="kimcs", name="김철수") is None


def test_hangul_is_checked_as_the_keys_pressed():
    assert keyboard_keys("사랑해") == "tkfkdgo"
    assert keyboard_keys("안녕하세요") == "dkssudgktpdy"
    assert keyboard_keys("ㅂㅈㄷㄱ") == "qwer"
    assert keyboard_keys("닭값-7") == "ekfrrkqt-7"


def test_a_long_password_is_judged_by_its_beginning():
    assert password_problem("correct horse battery staple " * 6) is None
    assert password_problem("password" + "x" * 150) is not None
