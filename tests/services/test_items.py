"""품목 master: unique codes, server-side search, deletion only while unused."""

import pytest

from core.errors import InUseError, PermissionDenied, ValidationError
from models.item import Item
from services import items
from tests.factories.sales import make_quote, make_trading_customer
from tests.factories.staff import make_admin, make_staff


async def test_items_are_added_edited_and_codes_stay_unique(db):
    admin = await make_admin()
    item = await items.save_item(
        by=admin, code="9998", name="ERP영업관리", spec="3유저", unit_price="5,000,000"
    )
    assert item.unit_price == 5_000_000 and item.taxable
    with pytest.raises(ValidationError) as error:
        await items.save_item(by=admin, code="9998", name="", unit_price="12.5")
    assert set(error.value.fields) == {"code", "name", "unit_price"}
    edited = await items.save_item(
        by=admin,
        item_id=item.id,
        version=item.version,
        code="9998",
        name="ERP영업관리(신)",
        unit_price=6_000_000,
    )
    assert edited.name == "ERP영업관리(신)" and edited.unit_price == 6_000_000
    with pytest.raises(PermissionDenied):
        await items.save_item(by=await make_staff(), code="1", name="x")


async def test_search_finds_by_code_or_name_and_hides_inactive_items(db):
    admin = await make_admin()
    await items.save_item(by=admin, code="9998", name="ERP영업관리", unit_price=5_000_000)
    await items.save_item(by=admin, code="1101099", name="ERP회계관리", unit_price=5_000_000)
    await items.save_item(by=admin, code="99981", name="구형 영업관리", active=False)
    assert [i.code for i in await items.search_items("9998")] == ["9998"]
    assert [i.code for i in await items.search_items("erp")] == ["1101099", "9998"]
    assert [i.code for i in await items.search_items("관리", limit=1)] == ["1101099"]
    page = await items.list_items(search="영업", sort_by="code", descending=True)
    assert page.total == 2 and [i.code for i in page.rows] == ["99981", "9998"]
    assert [i.code async for i in items.iter_items()] == ["1101099", "9998", "99981"]


async def test_an_item_on_a_quote_cannot_be_deleted(db):
    admin = await make_admin()
    used = await items.save_item(by=admin, code="9998", name="ERP영업관리", unit_price=5_000_000)
    unused = await items.save_item(by=admin, code="1", name="미사용")
    await make_quote(
        admin, await make_trading_customer(), [{"item_id": used.id, "name": used.name, "quantity": 1}]
    )
    with pytest.raises(InUseError, match="사용 안 함"):
        await items.delete_item(used.id, by=admin)
    await items.delete_item(unused.id, by=admin)
    assert await Item.filter(code="9998").exists() and not await Item.filter(code="1").exists()
