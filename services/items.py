"""품목 (items master): what the office sells, picked when adding quote and order lines.

The list can be large, so searching always happens in SQL with a limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from core.audit import Actor, acting_as
from core.errors import InUseError, NotFound, ValidationError
from core.inputs import refuse, search_text, whole_number, wrong_ids, wrong_texts
from core.korean import josa
from models.item import Item
from models.quote import QuoteLine
from services.submissions import already_made, create_once

MAX_UNIT_PRICE = 100_000_000_000  # 1천억 원: far above any real price, far below 64-bit overflow
SORTABLE = {"code": "code", "name": "name", "spec": "spec", "unit_price": "unit_price"}


@dataclass(frozen=True)
class ItemPage:
    rows: list[Item]
    total: int


def _search_filter(text: str) -> Q:
    text = text.strip()
    if not text:
        return Q()
    return Q(code__istartswith=text) | Q(name__icontains=text) | Q(spec__icontains=text)


async def list_items(
    *,
    search: str = "",
    include_inactive: bool = True,
    offset: int = 0,
    limit: int = 50,
    sort_by: str | None = None,
    descending: bool = False,
) -> ItemPage:
    """The items master, one page at a time (기초정보등록 → 품목)."""
    query = Item.filter(_search_filter(search))
    if not include_inactive:
        query = query.filter(active=True)
    column = SORTABLE.get(sort_by or "", "code")
    order = f"-{column}" if descending else column
    total = await query.count()
    rows = await query.order_by(order, "id").offset(offset).limit(limit)
    return ItemPage(rows=rows, total=total)


async def iter_items(*, search: str = "") -> AsyncIterator[Item]:
    """Every matching item in code order, in chunks (Excel export)."""
    last_code = ""
    while True:
        chunk = await Item.filter(_search_filter(search), code__gt=last_code).order_by("code").limit(2000)
        for item in chunk:
            yield item
        if len(chunk) < 2000:
            return
        last_code = chunk[-1].code


async def search_items(text: str, *, limit: int = 50) -> list[Item]:
    """Active items for a quote line: exact code first, then code prefix, then name matches."""
    text = search_text(text)
    query = Item.filter(active=True).filter(_search_filter(text))
    rows = await query.order_by("code").limit(limit)
    exact = [item for item in rows if item.code == text]
    return exact + [item for item in rows if item.code != text]


async def find_item_by_code(code: str) -> Item | None:
    code = search_text(code)
    return await Item.get_or_none(code=code, active=True) if code else None


async def get_item(item_id: int) -> Item:
    refuse(wrong_ids(item=item_id))
    item = await Item.get_or_none(id=item_id)
    if item is None:
        raise NotFound("품목")
    return item


async def save_item(
    *,
    by: Actor,
    code: str,
    name: str,
    spec: str = "",
    unit: str = "",
    unit_price: object = 0,
    taxable: bool = True,
    active: bool = True,
    item_id: int | None = None,
    version: int | None = None,
    form_token: str | None = None,
) -> Item:
    """Add (item_id None, once per `form_token`) or edit an item. Codes are unique."""
    by.require_admin()
    if item_id is None and (made := await already_made(Item, "item", form_token)):
        return made
    refuse(wrong_texts(code=code, name=name, spec=spec, unit=unit), wrong_ids(item=item_id))
    code, name, spec, unit = code.strip(), name.strip(), spec.strip(), unit.strip()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = "품번을 입력하세요."
    elif len(code) > 30:
        errors["code"] = "품번은 30자 이내입니다."
    if not name:
        errors["name"] = "품명을 입력하세요."
    elif len(name) > 100:
        errors["name"] = "품명은 100자 이내입니다."
    if len(spec) > 100:
        errors["spec"] = "규격은 100자 이내입니다."
    if len(unit) > 20:
        errors["unit"] = "단위는 20자 이내입니다."
    price = whole_number(unit_price)
    if price is None:
        errors["unit_price"] = "단가는 원 단위 숫자로 입력하세요."
    elif not 0 <= price <= MAX_UNIT_PRICE:
        errors["unit_price"] = "단가는 0원 이상 1,000억 원 이하입니다."
    if code and "code" not in errors and await Item.filter(code=code).exclude(id=item_id or 0).exists():
        errors["code"] = f"품번 '{code}'{josa(code, '은')} 이미 있습니다. 다른 품번을 입력하세요."
    if errors:
        raise ValidationError(errors)
    with acting_as(by):
        if item_id is None:
            try:
                return await create_once(
                    Item,
                    "item",
                    form_token,
                    lambda: Item.create(
                        code=code,
                        name=name,
                        spec=spec,
                        unit=unit,
                        unit_price=price,
                        taxable=taxable,
                        active=active,
                    ),
                )
            except IntegrityError as exc:
                raise ValidationError({"code": f"품번 '{code}'{josa(code, '은')} 이미 있습니다."}) from exc
        item = await Item.fetch(item_id, "품목")
        item.code, item.name, item.spec, item.unit = code, name, spec, unit
        item.unit_price = price or 0
        item.taxable, item.active = taxable, active
        if version is not None:
            item.version = version
        await item.save()
        return item


async def delete_item(item_id: int, *, by: Actor) -> None:
    """Delete an item no quote uses; an item on a quote is deactivated instead (the quote keeps
    its own copy of code, name and price either way)."""
    by.require_admin()
    item = await Item.fetch(item_id, "품목")
    if await QuoteLine.filter(item_id=item_id).exists():
        raise InUseError(
            f"품목 '{item.code} {item.name}'{josa(item.name, '은')} 견적서에 쓰여 삭제할 수 없습니다. "
            "대신 '사용 안 함'으로 바꾸면 검색에서 빠집니다."
        )
    with acting_as(by):
        await item.delete()
