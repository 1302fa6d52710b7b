"""제품관리: products sold, key locks unique across the office, modules of the product group."""

import datetime as dt

import pytest

from core.errors import InUseError, StaleRecordError, ValidationError
from models.audit import AuditEntry
from models.codes import CodeKind
from models.maintenance import MaintenanceContract
from models.product import CustomerProduct, KeyLock, ProductModule
from services.maintenance import ContractDetail, save_contract
from services.products import ModuleInput, delete_product, get_product, list_products, save_product
from tests.factories.customers import make_customer
from tests.factories.maintenance import code, make_product
from tests.factories.staff import make_staff


async def test_a_product_is_registered_with_key_locks_and_modules(db):
    clerk = await make_staff()
    jaegeun = await make_customer("재근상사")
    product = await make_product(
        clerk,
        jaegeun,
        free_end_on=dt.date(2019, 3, 31),
        modules=[("C011", 20, 5_000_000), ("C012", 3, 1_000_000)],
        key_locks=[" nz090101 "],
        licence_number="LIC-1",
    )
    [row] = await list_products(jaegeun.id)
    assert row.id == product.id
    assert row.product_group_name == "뉴젠ERP"
    assert row.key_locks == ["NZ090101"]  # one lock however it was typed
    assert [(m.module_name, m.user_count, m.amount) for m in row.modules] == [
        ("기본형", 20, 5_000_000),
        ("영업관리", 3, 1_000_000),
    ]
    assert row.amount == 6_000_000
    assert row.free_end_on == dt.date(2019, 3, 31)
    assert await AuditEntry.filter(table_name="key_lock", action="create").count() == 1


async def test_a_key_lock_used_by_another_customer_is_refused_naming_that_customer(db):
    clerk = await make_staff()
    jaegeun = await make_customer("재근상사", code="140213-001")
    mode = await make_customer("모드시스템")
    await make_product(clerk, jaegeun, key_locks=["NZ090101"])
    with pytest.raises(ValidationError) as error:
        await make_product(clerk, mode, key_locks=["NZ090102", "nz090101"])
    message = error.value.fields["key_locks"]
    assert "NZ090101" in message and "재근상사(140213-001)" in message
    assert await CustomerProduct.filter(customer_id=mode.id).count() == 0  # nothing half-saved
    assert not await KeyLock.filter(number="NZ090102").exists()


async def test_the_same_key_lock_twice_in_one_product_is_refused(db):
    clerk = await make_staff()
    customer = await make_customer("유일종합상사")
    with pytest.raises(ValidationError, match="두 번"):
        await make_product(clerk, customer, key_locks=["AB1", "ab1"])


async def test_editing_keeps_unchanged_locks_and_replaces_modules(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, key_locks=["K1", "K2"], modules=[("C011", 5, 100)])
    group = await code(CodeKind.PRODUCT_GROUP, "01")
    accounting = await code(CodeKind.PRODUCT_MODULE, "C013")
    await save_product(
        by=clerk,
        customer_id=customer.id,
        product_id=product.id,
        version=product.version,
        product_group_id=group.id,
        key_locks=["K2", "K3"],
        modules=[ModuleInput(accounting.id, 2, 300)],
    )
    row = await get_product(product.id)
    assert row.key_locks == ["K2", "K3"]
    assert [(m.module_code, m.amount) for m in row.modules] == [("C013", 300)]
    assert await ProductModule.filter(product_id=product.id).count() == 1


async def test_a_module_of_another_group_or_no_group_is_refused(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    tax_module = await code(CodeKind.PRODUCT_MODULE, "T011")
    group = await code(CodeKind.PRODUCT_GROUP, "01")
    with pytest.raises(ValidationError) as error:
        await save_product(
            by=clerk,
            customer_id=customer.id,
            product_group_id=group.id,
            modules=[ModuleInput(tax_module.id, 1, 0)],
        )
    assert "모듈" in error.value.fields["modules"]
    with pytest.raises(ValidationError) as error:
        await save_product(by=clerk, customer_id=customer.id, product_group_id=None)
    assert "제품군" in error.value.fields["product_group"]


async def test_a_stale_product_edit_is_refused(db):
    clerk = await make_staff(name="김먼저")
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer)
    group = await code(CodeKind.PRODUCT_GROUP, "01")
    await save_product(
        by=clerk,
        customer_id=customer.id,
        product_id=product.id,
        version=1,
        product_group_id=group.id,
        note="먼저",
    )
    with pytest.raises(StaleRecordError, match="김먼저"):
        await save_product(
            by=clerk,
            customer_id=customer.id,
            product_id=product.id,
            version=1,
            product_group_id=group.id,
            note="나중",
            key_locks=["NEW1"],
        )
    assert (await CustomerProduct.get(id=product.id)).note == "먼저"
    assert not await KeyLock.filter(number="NEW1").exists()


async def test_a_product_with_contracts_cannot_be_deleted_one_without_goes_with_its_locks(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    kept = await make_product(clerk, customer, key_locks=["K1"], modules=[("C011", 1, 10)])
    await save_contract(
        ContractDetail(
            customer_id=customer.id,
            product_id=kept.id,
            start_on=dt.date(2020, 1, 1),
            end_on=dt.date(2020, 12, 31),
        ),
        by=clerk,
    )
    with pytest.raises(InUseError, match="계약 1건"):
        await delete_product(kept.id, by=clerk)
    gone = await make_product(clerk, customer, group="02", key_locks=["K2"], modules=[("T011", 1, 10)])
    await delete_product(gone.id, by=clerk, version=gone.version)
    assert not await CustomerProduct.filter(id=gone.id).exists()
    assert not await KeyLock.filter(number="K2").exists()
    assert not await ProductModule.filter(product_id=gone.id).exists()
    assert await MaintenanceContract.filter(product_id=kept.id).count() == 1
