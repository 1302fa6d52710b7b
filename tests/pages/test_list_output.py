"""엑셀 and 인쇄 of a list (pages.components.list_output): the file is written to disk and sent
from there — the workbook through the one-time /downloads/ route, the PDF through the preview's
/pdf/ route — never read into memory and pushed through the websocket."""

import io

import openpyxl
from nicegui.testing import User

from pages.components import print_preview
from tests.factories.sales import make_item
from tests.factories.staff import make_admin
from tests.utils import eventually, previewed_pdf, sign_in


def _one(user: User, marker: str):
    return next(iter(user.find(marker).elements))


def _frames(user: User) -> list:
    try:
        return list(user.find("pdf-frame").elements)
    except AssertionError:  # not shown yet
        return []


async def test_the_items_list_is_sent_as_files_streamed_from_disk(user: User):
    await make_admin(login="boss")
    await make_item("9998", "ERP영업관리", 5_000_000, spec="3유저")
    await make_item("9999", "=HYPERLINK(1)", 1_000, taxable=False)
    await sign_in(user, "boss")
    await user.open("/codes/items")
    table = _one(user, "items-table")
    await eventually(lambda: len(table.rows) == 2)

    user.find("items-excel").click()
    response = await user.download.next(timeout=30)
    # fetched from the streamed file route, not bytes handed to the browser in a message
    assert response.request.url.path.startswith("/downloads/")
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [
        ("품번", "품명", "규격", "단위", "단가", "과세", "사용"),
        ("9998", "ERP영업관리", "3유저", None, 5_000_000, "과세", "사용"),
        ("9999", "=HYPERLINK(1)", None, None, 1_000, "면세", "사용"),
    ]
    assert (await user.http_client.get(response.request.url.path)).status_code == 404  # sent once

    user.find("items-print").click()
    frames = await eventually(lambda: _frames(user), within=60)
    token = frames[0].props["src"].rsplit("/", 1)[1]
    kept = print_preview._store[token]
    assert kept.path is not None and kept.path.is_file() and kept.data == b""  # kept on disk
    pdf = await previewed_pdf(user, "품목 인쇄")
    assert pdf == kept.path.read_bytes()
