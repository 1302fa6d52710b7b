from core.dates import is_impossible_date


def test_a_date_that_cannot_exist_is_told_apart_from_a_typo():
    assert is_impossible_date("2026-02-30")
    assert is_impossible_date("2026.13.01")
    assert is_impossible_date("20250229")
    assert not is_impossible_date("2024-02-29")
    assert not is_impossible_date("2026-02")
    assert not is_impossible_date("")
    assert not is_impossible_date(None)
