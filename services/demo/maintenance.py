"""Demo products and maintenance contracts from the manual's 제품관리/유지보수관리 pages:
재근상사 (140213-001) bought 뉴젠ERP with key lock NZ090101 and module 기본형 for 20 users at
5,000,000; free maintenance ended 2019-03-31 and a 신규 contract runs 2019-03-31 ~ 2020-03-31.

The customers step seeds 재근상사; when it has not run (or was left out), this step adds just
enough of the customer for the example. Other customers of the manual's lists get their product
and contract only if the customers step created them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.audit import SYSTEM, acting_as
from core.korean import chosung
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.maintenance import ContractState, ContractType
from models.product import CustomerProduct, KeyLock
from services.maintenance import ContractDetail, LineInput, save_contract
from services.phone_directory import sync_customer_phones
from services.products import ModuleInput, save_product

D = dt.date
JAEGEUN_CODE = "140213-001"


@dataclass(frozen=True)
class DemoMaintenance:
    company_name: str
    key_lock: str
    users: int
    amount: int
    free_end_on: dt.date
    contract_date: dt.date
    end_on: dt.date
    payment_form: str  # Y 년납, M 월납


JAEGEUN = DemoMaintenance(
    "재근상사", "NZ090101", 20, 5_000_000, D(2019, 3, 31), D(2019, 3, 31), D(2020, 3, 31), "M"
)
OTHERS = [
    DemoMaintenance(
        "유일종합상사", "NZ150914", 5, 1_000_000, D(2015, 9, 14), D(2015, 9, 14), D(2016, 9, 14), "Y"
    ),
    DemoMaintenance(
        "모드시스템", "NZ170111", 2, 200_000, D(2017, 1, 11), D(2017, 1, 11), D(2018, 1, 11), "Y"
    ),
]


async def _code(kind: CodeKind, code: str) -> CodeEntry | None:
    return await CodeEntry.get_or_none(kind=kind, code=code)


async def _jaegeun() -> tuple[Customer, bool]:
    customer = await Customer.get_or_none(code=JAEGEUN_CODE)
    if customer is not None:
        return customer, False
    status = await _code(CodeKind.CUSTOMER_STATUS, "3")
    class_a = await _code(CodeKind.CUSTOMER_CLASS_A, "01")
    class_b = await _code(CodeKind.CUSTOMER_CLASS_B, "01")
    class_c = await _code(CodeKind.CUSTOMER_CLASS_C, "01")
    customer = await Customer.create(
        code=JAEGEUN_CODE,
        registered_on=D(2014, 2, 13),
        company_name="재근상사",
        company_name_chosung=chosung("재근상사"),
        representative="김대표",
        business_number="1112233332",
        business_number_reversed="2333322111",
        phone="02-999-8888",
        fax="02-999-8889",
        address="경기도 안산시 단원구 강서길 9",
        address_detail="(오동, 성동빌라) 601",
        status=status,
        class_a=class_a,
        class_b=class_b,
        class_c=class_c,
    )
    await sync_customer_phones(customer)
    return customer, True


async def _product_and_contract(customer: Customer, demo: DemoMaintenance) -> bool:
    """Add the example's product and contract unless the customer already has a 뉴젠ERP product."""
    group = await _code(CodeKind.PRODUCT_GROUP, "01")
    basic = await _code(CodeKind.PRODUCT_MODULE, "C011")
    form = await _code(CodeKind.PAYMENT_FORM, demo.payment_form)
    giro = await _code(CodeKind.PAYMENT_METHOD, "01")
    if group is None or basic is None:
        return False
    if await CustomerProduct.filter(customer_id=customer.id, product_group_id=group.id).exists():
        return False
    locks = [] if await KeyLock.filter(number=demo.key_lock).exists() else [demo.key_lock]
    product = await save_product(
        by=SYSTEM,
        customer_id=customer.id,
        product_group_id=group.id,
        first_registered_on=customer.registered_on,
        free_end_on=demo.free_end_on,
        key_locks=locks,
        modules=[ModuleInput(basic.id, demo.users, demo.amount)],
    )
    await save_contract(
        ContractDetail(
            customer_id=customer.id,
            product_id=product.id,
            state=ContractState.CONTRACTED,
            contract_date=demo.contract_date,
            start_on=demo.contract_date,
            end_on=demo.end_on,
            contract_type=ContractType.NEW,
            payment_method_id=giro.id if giro else None,
            payment_form_id=form.id if form else None,
            settlement_month=f"{demo.contract_date:%Y-%m}",
            sales_staff_id=customer.staff_id,
            lines=[
                LineInput(
                    module_id=basic.id,
                    user_count=demo.users,
                    amount=demo.amount,
                    pc_count=1,
                    key_lock_number=locks[0] if locks else "",
                )
            ],
        ),
        by=SYSTEM,
    )
    return True


async def seed() -> str:
    with acting_as(SYSTEM):
        jaegeun, created_customer = await _jaegeun()
        added = []
        if await _product_and_contract(jaegeun, JAEGEUN):
            added.append(jaegeun.company_name)
        for demo in OTHERS:
            customer = await Customer.filter(company_name=demo.company_name).order_by("id").first()
            if customer is not None and await _product_and_contract(customer, demo):
                added.append(customer.company_name)
    note = " (고객 재근상사가 없어 예제에 필요한 만큼 함께 추가)" if created_customer else ""
    if not added:
        return "유지보수 예제: 이미 있음"
    return f"유지보수 예제: {', '.join(added)}의 제품·키락·유지보수 계약 추가{note}"
