"""seed-demo: 재근상사's 뉴젠ERP product with key lock NZ090101 and its contract, as in the manual."""

import datetime as dt

from models.customer import Customer
from models.maintenance import ContractState, ContractType, MaintenanceContract, MaintenanceLine
from models.product import CustomerProduct, KeyLock
from services.demo import maintenance as demo
from services.products import list_products


async def test_demo_adds_the_manuals_product_and_contract_once(db):
    first = await demo.seed()
    assert "재근상사" in first
    again = await demo.seed()
    assert again == "유지보수 예제: 이미 있음"

    jaegeun = await Customer.get(code="140213-001")
    [product] = await list_products(jaegeun.id)
    assert product.product_group_name == "뉴젠ERP"
    assert product.key_locks == ["NZ090101"]
    assert [(m.module_name, m.user_count, m.amount) for m in product.modules] == [("기본형", 20, 5_000_000)]
    assert product.free_end_on == dt.date(2019, 3, 31)
    assert product.paid_end_on == dt.date(2020, 3, 31)  # the contract is signed (계약)

    [contract] = await MaintenanceContract.filter(customer_id=jaegeun.id)
    assert (contract.contract_date, contract.start_on, contract.end_on) == (
        dt.date(2019, 3, 31),
        dt.date(2019, 3, 31),
        dt.date(2020, 3, 31),
    )
    assert contract.contract_type == ContractType.NEW and contract.state == ContractState.CONTRACTED
    assert contract.total_amount == 5_000_000
    [line] = await MaintenanceLine.filter(contract_id=contract.id)
    assert (line.user_count, line.pc_count, line.key_lock_number) == (20, 1, "NZ090101")
    assert await KeyLock.all().count() == 1


async def test_demo_uses_the_customer_the_customers_step_created(db):
    existing = await Customer.create(
        code="140213-001", registered_on=dt.date(2014, 2, 13), company_name="재근상사"
    )
    await demo.seed()
    assert await Customer.filter(company_name="재근상사").count() == 1
    assert await CustomerProduct.filter(customer_id=existing.id).count() == 1
