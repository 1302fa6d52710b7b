"""A list whose totals line the caller sums itself (고객접수현황's 담당자별: "2명", the last
reception) gives it to write_xlsx / print_html as `footer`, drawn through the list's columns;
a log's moments keep their seconds on the screen and in print (datetime_seconds)."""

import datetime as dt

import openpyxl

from services.list_spec import ListColumn, ListSpec, print_html, write_xlsx

AT = dt.datetime(2026, 3, 2, 9, 5, 17)
SPEC = ListSpec(
    "담당자별",
    (
        ListColumn("seq", "순번", "number"),
        ListColumn("name", "접수자"),
        ListColumn("received", "접수건수", "number"),
        ListColumn("last", "최종접수일", "datetime_seconds"),
    ),
)
ROWS = [{"seq": 1, "name": "김데모", "received": 2, "last": AT}]
FOOTER = {"seq": "합계", "name": "1명", "received": 2, "last": AT}


async def _each(rows):
    for row in rows:
        yield row


async def test_a_footer_is_the_totals_line_of_the_sheet_and_the_print(db):
    path = await write_xlsx(SPEC, _each(ROWS), footer=FOOTER)
    try:
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    finally:
        path.unlink()
    assert rows == [
        ("순번", "접수자", "접수건수", "최종접수일"),
        (1, "김데모", 2, AT),
        ("합계", "1명", 2, AT),
    ]

    markup = print_html(SPEC, ROWS, footer=FOOTER)
    total = markup[markup.index("<tr class='total'>") :]
    assert "합계" in total and "1명" in total and "2026-03-02 09:05:17" in total
    assert SPEC.table_row(ROWS[0])["last"] == "2026-03-02 09:05:17"
