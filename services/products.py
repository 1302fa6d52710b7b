"""제품관리: products sold to a customer, their key locks (키락, unique across the office) and modules.

A maintenance contract can only be written for a product registered here; the product's paid
end date (유상종료일) is then kept by the contract state rule in services.maintenance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.errors import InUseError, NotFound, ValidationError
from core.inputs import refuse, whole_number, wrong_dates, wrong_ids, wrong_numbers, wrong_texts
from core.korean import josa
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.maintenance import MaintenanceContract
from models.product import CustomerProduct, KeyLock, ProductModule
from services.submissions import already_made, create_once

MAX_KEY_LOCK_LENGTH = 50
NOTE_MAX = 255
MAX_USERS = 1_000_000
MAX_AMOUNT = 100_000_000_000


@dataclass(frozen=True)
class ModuleInput:
    """One module row of the product editor."""

    module_id: int | None
    user_count: int = 0
    amount: int = 0


@dataclass(frozen=True)
class ModuleRow:
    id: int
    module_id: int | None
    module_code: str
    module_name: str
    user_count: int
    amount: int


@dataclass(frozen=True)
class ProductRow:
    """A product as the 제품관리 tab shows and edits it."""

    id: int
    version: int
    customer_id: int
    product_group_id: int | None
    product_group_name: str
    licence_number: str
    first_registered_on: dt.date | None
    free_end_on: dt.date | None
    paid_end_on: dt.date | None
    note: str
    key_locks: list[str]
    modules: list[ModuleRow]
    contract_count: int

    @property
    def amount(self) -> int:
        """유지보수금액: the sum of the modules' amounts, what a new agreement starts from."""
        return sum(m.amount for m in self.modules)

    @property
    def user_count(self) -> int:
        return sum(m.user_count for m in self.modules)

    @property
    def label(self) -> str:
        return self.product_group_name + (f" ({self.licence_number})" if self.licence_number else "")


def normalise_key_lock(number: str) -> str:
    """Key-lock numbers are printed on the dongle in capitals; 'nz090101 ' and 'NZ090101' are one lock."""
    return "".join(number.split()).upper()


async def _code_names(ids: set[int | None]) -> dict[int, CodeEntry]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {c.id: c for c in await CodeEntry.filter(id__in=wanted)}


async def list_products(customer_id: int) -> list[ProductRow]:
    """The customer's products with key locks and modules (a handful of rows per customer)."""
    products = await CustomerProduct.filter(customer_id=customer_id).order_by("id")
    ids = [p.id for p in products]
    if not ids:
        return []
    locks: dict[int, list[str]] = {i: [] for i in ids}
    for product_id, number in (
        await KeyLock.filter(product_id__in=ids).order_by("id").values_list("product_id", "number")
    ):
        locks[product_id].append(number)
    module_rows = await ProductModule.filter(product_id__in=ids).order_by("id")
    contracts: dict[int, int] = dict.fromkeys(ids, 0)
    for product_id in await MaintenanceContract.filter(product_id__in=ids).values_list(
        "product_id", flat=True
    ):
        contracts[product_id] += 1
    codes = await _code_names({p.product_group_id for p in products} | {m.module_id for m in module_rows})
    modules: dict[int, list[ModuleRow]] = {i: [] for i in ids}
    for m in module_rows:
        code = codes.get(m.module_id) if m.module_id else None
        modules[m.product_id].append(
            ModuleRow(
                id=m.id,
                module_id=m.module_id,
                module_code=code.code if code else "",
                module_name=code.name if code else "",
                user_count=m.user_count,
                amount=m.amount,
            )
        )
    return [
        ProductRow(
            id=p.id,
            version=p.version,
            customer_id=p.customer_id,
            product_group_id=p.product_group_id,
            product_group_name=codes[p.product_group_id].name if p.product_group_id in codes else "",
            licence_number=p.licence_number,
            first_registered_on=p.first_registered_on,
            free_end_on=p.free_end_on,
            paid_end_on=p.paid_end_on,
            note=p.note,
            key_locks=locks[p.id],
            modules=modules[p.id],
            contract_count=contracts[p.id],
        )
        for p in products
    ]


async def get_product(product_id: int) -> ProductRow:
    product = await CustomerProduct.fetch(product_id, "제품")
    return next(p for p in await list_products(product.customer_id) if p.id == product_id)


async def module_choices(product_group_id: int | None) -> dict[int, str]:
    """Modules (제품 소분류) of a product group for a select box: id → 'code name'."""
    if not product_group_id:
        return {}
    rows = await CodeEntry.filter(
        kind=CodeKind.PRODUCT_MODULE, parent_id=product_group_id, active=True
    ).order_by("sort_order", "code")
    return {c.id: f"{c.name} ({c.code})" for c in rows}


async def key_lock_owner(number: str, *, except_product_id: int | None = None) -> str | None:
    """Who already uses a key-lock number, as a Korean phrase naming the customer; None if free."""
    lock = await KeyLock.filter(number=normalise_key_lock(number)).first()
    if lock is None or lock.product_id == except_product_id:
        return None
    product = await CustomerProduct.get(id=lock.product_id)
    customer = await Customer.get(id=product.customer_id)
    return f"{customer.company_name}({customer.code})"


async def _validate(
    *,
    customer_id: int,
    product: CustomerProduct | None,
    product_group_id: int | None,
    licence_number: str,
    note: str,
    key_locks: Sequence[str],
    modules: Sequence[ModuleInput],
) -> list[str]:
    errors: dict[str, str] = {}
    if not await Customer.filter(id=customer_id).exists():
        raise NotFound("고객")
    if not product_group_id:
        errors["product_group"] = "관리품목(제품군)을 선택하세요."
    elif not await CodeEntry.filter(id=product_group_id, kind=CodeKind.PRODUCT_GROUP).exists():
        errors["product_group"] = "관리품목(제품군)이 올바르지 않습니다."
    elif (
        product is not None
        and product.product_group_id != product_group_id
        and await MaintenanceContract.filter(product_id=product.id).exists()
    ):
        errors["product_group"] = (
            "유지보수 계약이 있는 제품은 제품군을 바꿀 수 없습니다. 새 제품으로 등록하세요."
        )
    if len(licence_number) > 50:
        errors["licence_number"] = "고객허가번호는 50자 이내입니다."
    if len(note) > NOTE_MAX:
        errors["note"] = f"비고는 {NOTE_MAX:,}자 이내입니다."

    numbers: list[str] = []
    for raw in key_locks:
        number = normalise_key_lock(raw)
        if not number:
            continue
        if len(number) > MAX_KEY_LOCK_LENGTH:
            errors["key_locks"] = f"키락번호는 {MAX_KEY_LOCK_LENGTH:,}자 이내입니다: {number[:20]}…"
            break
        if number in numbers:
            errors["key_locks"] = f"키락번호 '{number}'{josa(number, '을')} 두 번 입력했습니다."
            break
        owner = await key_lock_owner(number, except_product_id=product.id if product else None)
        if owner:
            errors["key_locks"] = (
                f"키락번호 '{number}'{josa(number, '은')} 이미 {owner} 고객의 제품에 등록되어 있습니다. "
                "키락번호는 회사 전체에서 하나만 쓸 수 있습니다."
            )
            break
        numbers.append(number)

    allowed = set(await module_choices(product_group_id)) if product_group_id else set()
    seen: set[int] = set()
    for index, row in enumerate(modules, start=1):
        if wrong_numbers(minimum=0, maximum=MAX_USERS, users=row.user_count) or wrong_numbers(
            minimum=0, maximum=MAX_AMOUNT, amount=row.amount
        ):
            errors["modules"] = (
                f"{index:,}행: 유저수와 금액은 0 이상의 정수로 입력하세요 (금액은 1,000억 원까지)."
            )
            break
        if wrong_ids(module=row.module_id):
            errors["modules"] = f"{index:,}행: 모듈을 목록에서 다시 고르세요."
            break
        if not row.module_id:
            errors["modules"] = f"{index:,}행: 모듈을 선택하세요."
            break
        if row.module_id not in allowed:
            errors["modules"] = f"{index:,}행: 선택한 제품군의 모듈이 아닙니다."
            break
        if row.module_id in seen:
            errors["modules"] = f"{index:,}행: 같은 모듈이 두 번 있습니다."
            break
        seen.add(row.module_id)
    if errors:
        raise ValidationError(errors)
    return numbers


async def save_product(
    *,
    by: Actor,
    customer_id: int,
    product_group_id: int | None,
    licence_number: str = "",
    first_registered_on: dt.date | None = None,
    free_end_on: dt.date | None = None,
    paid_end_on: dt.date | None = None,
    note: str = "",
    key_locks: Sequence[str] = (),
    modules: Sequence[ModuleInput] = (),
    product_id: int | None = None,
    version: int | None = None,
    form_token: str | None = None,
) -> CustomerProduct:
    """Add (product_id None, once per `form_token`) or edit a product with its key locks and
    modules, all or nothing."""
    if product_id is None and (made := await already_made(CustomerProduct, "product", form_token)):
        return made
    refuse(
        wrong_ids(customer=customer_id, product=product_id, product_group=product_group_id),
        wrong_dates(
            first_registered_on=first_registered_on, free_end_on=free_end_on, paid_end_on=paid_end_on
        ),
        wrong_texts(licence_number=licence_number, note=note),
        *(wrong_texts(key_locks=number) for number in key_locks),
    )
    product = None
    if product_id is not None:
        product = await CustomerProduct.get_or_none(id=product_id, customer_id=customer_id)
        if product is None:
            raise NotFound("제품")
    licence_number, note = licence_number.strip(), note.strip()
    numbers = await _validate(
        customer_id=customer_id,
        product=product,
        product_group_id=product_group_id,
        licence_number=licence_number,
        note=note,
        key_locks=key_locks,
        modules=modules,
    )
    modules = [
        ModuleInput(row.module_id, whole_number(row.user_count), whole_number(row.amount)) for row in modules
    ]

    async def create() -> CustomerProduct:
        made = await CustomerProduct.create(
            customer_id=customer_id,
            product_group_id=product_group_id,
            licence_number=licence_number,
            first_registered_on=first_registered_on,
            free_end_on=free_end_on,
            paid_end_on=paid_end_on,
            note=note,
        )
        await _sync_key_locks(made.id, numbers)
        await _sync_modules(made.id, modules)
        return made

    try:
        with acting_as(by):
            if product is None:
                return await create_once(CustomerProduct, "product", form_token, create)
            async with in_transaction():
                product.product_group_id = product_group_id
                product.licence_number = licence_number
                product.first_registered_on = first_registered_on
                product.free_end_on = free_end_on
                product.paid_end_on = paid_end_on
                product.note = note
                if version is not None:
                    product.version = version
                await product.save()
                await _sync_key_locks(product.id, numbers)
                await _sync_modules(product.id, modules)
    except IntegrityError as exc:  # another user took the number between the check and the save
        raise ValidationError(
            {"key_locks": "다른 사용자가 방금 같은 키락번호를 등록했습니다. 번호를 확인하세요."}
        ) from exc
    return product


async def _sync_key_locks(product_id: int, numbers: list[str]) -> None:
    existing = {lock.number: lock for lock in await KeyLock.filter(product_id=product_id)}
    for number, lock in existing.items():
        if number not in numbers:
            await lock.delete()
    for number in numbers:
        if number not in existing:
            await KeyLock.create(product_id=product_id, number=number)


async def _sync_modules(product_id: int, modules: Sequence[ModuleInput]) -> None:
    existing = {m.module_id: m for m in await ProductModule.filter(product_id=product_id)}
    wanted = {m.module_id: m for m in modules}
    for module_id, row in existing.items():
        if module_id not in wanted:
            await row.delete()
    for module_id, given in wanted.items():
        row = existing.get(module_id)
        if row is None:
            await ProductModule.create(
                product_id=product_id, module_id=module_id, user_count=given.user_count, amount=given.amount
            )
        elif (row.user_count, row.amount) != (given.user_count, given.amount):
            row.user_count, row.amount = given.user_count, given.amount
            await row.save()


async def delete_product(product_id: int, *, by: Actor, version: int | None = None) -> None:
    """Delete a product with its key locks and modules. A product with contracts is kept: its
    contracts must be deleted first (they would otherwise lose the product they cover)."""
    product = await CustomerProduct.fetch(product_id, "제품")
    contracts = await MaintenanceContract.filter(product_id=product_id).count()
    if contracts:
        raise InUseError(
            f"이 제품에는 유지보수 계약 {contracts:,}건이 있어 삭제할 수 없습니다. "
            "유지보수관리 탭에서 계약을 먼저 삭제하세요."
        )
    with acting_as(by):
        async with in_transaction():
            if version is not None:
                # a stale copy must not delete what someone else just changed
                product.version = version
                await product.save(update_fields=["version"])
            for lock in await KeyLock.filter(product_id=product_id):
                await lock.delete()
            for module in await ProductModule.filter(product_id=product_id):
                await module.delete()
            await product.delete()
