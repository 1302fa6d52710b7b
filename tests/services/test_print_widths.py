"""A printed list gives each column the room its content needs: an empty column shrinks to the
minimum, long text (접수사항) gets the most but stays capped, Hangul counts double; a long 접수사항
then wraps onto far fewer lines than in columns all alike."""

import io
import re

import pytest
from pypdf import PdfReader

from html_forms.pdf import render_pdf_async
from html_forms.table_print import CSS as PRINT_CSS
from html_forms.table_print import LANDSCAPE
from services.list_spec import ListColumn, ListSpec, print_html, write_pdf
from services.print_widths import CELL_PADDING, MAX_COLUMN, MIN_COLUMN, column_widths, display_width

HEADERS = ["순번", "접수일자", "대분류", "거래처", "접수사항"]
INQUIRY = "키락 인식이 되지 않아 프로그램이 실행되지 않는다고 하심 원격으로 드라이버 재설치 후 확인 요청"
ROWS = [[str(n), "2016-09-21 14:00", "", "재근상사", INQUIRY] for n in (1, 2, 3)]


def test_hangul_counts_double():
    assert display_width("재근상사") == 8
    assert display_width("02-999-8888") == 11
    assert display_width("(주)A상호") == 9


def test_widths_follow_content():
    widths = column_widths(HEADERS, ROWS)
    assert len(widths) == len(HEADERS) and abs(sum(widths) - 100) < 0.01
    number, received, empty, customer, inquiry = widths
    assert empty == min(widths)  # nobody filled 대분류: it gets the minimum
    assert inquiry == max(widths)  # the long text gets the most room
    assert received > customer > number  # "2016-09-21 14:00" (16) > "재근상사" (8) > "1" (header 순번)
    capped = (MAX_COLUMN + CELL_PADDING) / (MIN_COLUMN + CELL_PADDING)
    assert inquiry / empty == pytest.approx(capped, rel=0.02)  # capped, however long the text


def test_a_long_text_is_capped_and_hangul_is_wider_than_latin():
    headers = ["A", "B", "C"]
    widths = column_widths(headers, [["가" * 30, "a" * 30, "x" * 500]])
    assert widths[0] > widths[1]  # 30 Hangul are wider than 30 Latin letters
    assert widths[0] == widths[2]  # 60 half-widths and 500 both stop at the cap
    assert column_widths(headers, [["가나", "ab", ""]])[2] == min(
        column_widths(headers, [["가나", "ab", ""]])
    )


def test_when_the_page_is_too_narrow_only_the_long_columns_give_way():
    headers = ["전화번호", "접수사항", "처리사항"]
    rows = [["02-999-8888", "가" * 40, "나" * 40]]
    phone, inquiry, answer = column_widths(headers, rows, room=60)
    # the phone number keeps all it needs (11 + padding, of 60), the two texts share the rest
    assert phone == pytest.approx(100 * (11 + CELL_PADDING) / 60, abs=0.1)
    assert inquiry == pytest.approx((100 - phone) / 2, abs=0.15)
    assert answer == pytest.approx((100 - phone) / 2, abs=0.15)


def test_an_empty_list_shares_the_width_by_headers():
    widths = column_widths(["순번", "법인상호"], [])
    assert widths == [50.0, 50.0]  # both empty: both at the minimum


def _spec(headers: list[str]) -> ListSpec:
    return ListSpec(
        "접수현황", tuple(ListColumn(f"c{i}", h, value=lambda r, i=i: r[i]) for i, h in enumerate(headers))
    )


def test_the_printed_html_carries_the_widths_and_escapes_text():
    row = [*ROWS[0][:3], "<b>재근</b>", "x"]
    document = print_html(_spec(HEADERS), [row])
    given = [float(w) for w in re.findall(r'<th width="([\d.]+)%"', document)]
    assert given == column_widths(HEADERS, [row])
    assert "&lt;b&gt;재근&lt;/b&gt;" in document and "<b>재근" not in document


def _lines_of(pdf: bytes, text: str) -> int:
    """On how many lines of the first page pieces of `text` are printed (per row)."""
    heights: set[int] = set()

    def visit(piece, cm, tm, font, size):
        if piece.strip() and piece.strip() in text:
            heights.add(round(cm[5] + tm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return len(heights)


async def test_a_long_inquiry_wraps_onto_fewer_lines_than_with_equal_columns():
    headers = [
        "순번", "접수일자", "접수구분", "대분류", "중분류", "일반분류", "거래처",
        "전화번호", "담당자", "접수자", "처리자", "접수사항", "처리사항",
    ]  # fmt: skip
    row = ["1", "2016-09-21 14:00:00", "전화", "", "", "", "재근상사", "02-999-8888"]
    rows = [[*row, "김대표", "김데모", "홍길동", INQUIRY, "처리 완료"]]
    path = await write_pdf(_spec(headers), rows)
    try:
        pdf = path.read_bytes()
    finally:
        path.unlink()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "일반" in text and "재근상사" in text and "처리 완료" in text
    # the same table with no widths: every column alike
    equal = re.sub(r' width="[\d.]+%"', "", print_html(_spec(headers), rows))
    before = await render_pdf_async(equal, extra_css=PRINT_CSS + LANDSCAPE)
    assert _lines_of(before, INQUIRY) >= 6
    assert _lines_of(pdf, INQUIRY) <= 2
