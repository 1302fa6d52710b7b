import datetime as dt

import openpyxl

from services.excel import Column, export_rows


async def _rows(rows):
    for row in rows:
        yield row


async def test_export_keeps_formulas_as_text_and_formats_values(db):
    columns = [Column("상호"), Column("금액", kind="amount"), Column("등록일자", kind="date")]
    path = await export_rows(
        columns,
        _rows(
            [
                ['=HYPERLINK("http://x")', 1234567, dt.date(2026, 11, 27)],
                ["+82 2 808", 0, None],
                ["재근상사", 5, None],
            ]
        ),
        sheet_title="고객",
    )
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "고객"
    assert [c.value for c in sheet[1]] == ["상호", "금액", "등록일자"]
    formula_like = sheet["A2"]
    assert formula_like.value == '=HYPERLINK("http://x")'
    assert formula_like.data_type == "s" and formula_like.quotePrefix
    assert sheet["A3"].data_type == "s"
    assert sheet["B2"].value == 1234567 and sheet["B2"].number_format == "#,##0"
    assert sheet["C2"].value.date() == dt.date(2026, 11, 27) and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["A4"].value == "재근상사"
    path.unlink()


async def test_a_moment_is_written_to_the_second_the_screens_show(db):
    """A fraction of a second would round up in Excel's number: 11:25:36.6 must not read 11:25:37."""
    path = await export_rows(
        [Column("보낸 시각", kind="datetime")], _rows([[dt.datetime(2026, 12, 8, 11, 25, 36, 600_000)]])
    )
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A2"].value == dt.datetime(2026, 12, 8, 11, 25, 36)
    path.unlink()
