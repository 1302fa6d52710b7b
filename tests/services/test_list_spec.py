"""One ListSpec gives the screen table, the Excel sheet and the printed table the same columns, in
the same order, with the same totals; Excel keeps dates and amounts typed and formulas as text."""

import datetime as dt
import io
import re
from dataclasses import dataclass

import openpyxl
import pytest
from pypdf import PdfReader

from pages.components.paged_table import spec_columns
from services.list_spec import EXCEL, PRINT, TABLE, ListColumn, ListSpec, print_html, write_pdf, write_xlsx


@dataclass
class Call:
    at: dt.datetime
    name: str
    seconds: int | None
    amount: int
    day: dt.date | None
    memo: str


SPEC = ListSpec(
    "통화 목록",
    (
        ListColumn("at", "일시", "datetime", width=17, sortable=True),
        ListColumn("name", "고객", width=20),
        ListColumn("seconds", "통화시간", "duration", width=8),
        ListColumn("amount", "금액", "amount", width=12, total=True),
        ListColumn("count", "건수", "number", width=6, total=True, value=lambda c: 1),
        ListColumn("day", "처리일", "date", width=11, on=frozenset({TABLE, EXCEL})),
        ListColumn("memo", "메모", width=30, on=frozenset({EXCEL}), excel_label="처리 메모"),
    ),
)
ROWS = [
    Call(dt.datetime(2026, 3, 2, 9, 5), "재근상사", 65, 1_500_000, dt.date(2026, 3, 3), "=HYPERLINK(1)"),
    Call(dt.datetime(2026, 3, 2, 10, 0), "<b>하이디자인</b>", None, 2_000, None, ""),
]


async def _each(rows):
    for row in rows:
        yield row


async def test_one_spec_gives_the_table_the_sheet_and_the_print_the_same_columns_and_totals(db):
    # the screen
    table = spec_columns(SPEC)
    assert [(c["name"], c["label"], c["align"]) for c in table] == [
        ("at", "일시", "left"),
        ("name", "고객", "left"),
        ("seconds", "통화시간", "right"),
        ("amount", "금액", "right"),
        ("count", "건수", "right"),
        ("day", "처리일", "left"),
    ]
    assert table[0]["sortable"] and not table[1]["sortable"]
    assert SPEC.table_row(ROWS[0]) == {
        "at": "2026-03-02 09:05",
        "name": "재근상사",
        "seconds": "1:05",
        "amount": "1,500,000",
        "count": "1",
        "day": "2026-03-03",
    }

    # Excel: the same columns (and the one only Excel shows), typed values, the totals line
    path = await write_xlsx(SPEC, _each(ROWS))
    try:
        sheet = openpyxl.load_workbook(path).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        cells = {(r, c): cell for r, row in enumerate(sheet.iter_rows()) for c, cell in enumerate(row)}
    finally:
        path.unlink()
    assert sheet.title == "통화 목록"
    assert values[0] == ["일시", "고객", "통화시간", "금액", "건수", "처리일", "처리 메모"]
    assert [c.label for c in SPEC.shown(EXCEL)][:6] == [c["label"] for c in table]
    assert values[1][:5] == [dt.datetime(2026, 3, 2, 9, 5), "재근상사", "1:05", 1_500_000, 1]
    assert values[1][5] == dt.datetime(2026, 3, 3) and values[1][6] == "=HYPERLINK(1)"
    assert cells[(1, 6)].data_type == "s" and cells[(1, 3)].number_format == "#,##0"
    assert values[2][2] is None and values[2][5] is None
    assert values[3] == ["합계", None, None, 1_502_000, 2, None, None]

    # print: the columns the print shows, in the spec's order, and the same totals
    document = print_html(SPEC, ROWS, subtitle="3월")
    assert "<p class='sub'>3월 · 2건 · 출력 " in document
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", document)
    assert headers == [c.label for c in SPEC.shown(PRINT)] == ["일시", "고객", "통화시간", "금액", "건수"]
    total = re.search(r"<tr class='total'>(.*?)</tr>", document).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", total) == ["합계", "", "", "1,502,000", "2"]
    assert "&lt;b&gt;하이디자인&lt;/b&gt;" in document and "<b>하이" not in document
    assert "<td class='r'>1,500,000</td>" in document  # amounts to the right, as on the screen
    widths = [float(w) for w in re.findall(r'<th width="([\d.]+)%"', document)]
    assert len(widths) == 5 and sum(widths) == pytest.approx(100, abs=0.2)

    pdf = await write_pdf(SPEC, ROWS, subtitle="3월")
    try:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    finally:
        pdf.unlink()
    assert "통화 목록" in text and "재근상사" in text and "1,502,000" in text


async def test_a_list_without_totals_has_no_totals_line(db):
    spec = ListSpec("품목", (ListColumn("name", "품명"), ListColumn("price", "단가", "amount")))
    path = await write_xlsx(spec, _each([{"name": "ERP", "price": 5}]))
    try:
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    finally:
        path.unlink()
    assert rows == [("품명", "단가"), ("ERP", 5)]
    assert "class='total'" not in print_html(spec, [{"name": "ERP", "price": 5}])


def test_a_column_key_is_used_once_and_formats_are_known():
    with pytest.raises(ValueError):
        ListSpec("x", (ListColumn("a", "가"), ListColumn("a", "나")))
    with pytest.raises(ValueError):
        ListColumn("a", "가", "money")
