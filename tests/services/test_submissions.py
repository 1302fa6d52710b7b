"""Exactly-once creates: the same form token twice (one after the other, or at the same moment)
makes one record; every create service of a "new" form takes `form_token=`."""

import asyncio
import datetime as dt

import pytest

from core.errors import ValidationError
from models.form_submission import FormSubmission
from models.sales import Receipt
from services import balances, sales
from services.submissions import new_form_token
from tests.factories.sales import make_trading_customer
from tests.factories.staff import make_admin, make_staff

MARCH_5 = dt.date(2026, 3, 5)


async def _receipt(clerk, partner_id: int, token: str | None, amount: int = 5_500_000) -> Receipt:
    return await sales.add_receipt(
        by=clerk, partner_id=partner_id, received_on=MARCH_5, amount=amount, form_token=token
    )


async def test_a_receipt_saved_twice_with_one_token_is_one_receipt(db):
    clerk = await make_staff()
    partner = (await make_trading_customer()).partner_id
    token = new_form_token()
    first = await _receipt(clerk, partner, token)
    again = await _receipt(clerk, partner, token)
    assert again.id == first.id
    assert await Receipt.filter(partner_id=partner).count() == 1
    assert await balances.partner_balance(partner) == -5_500_000


async def test_a_double_click_at_the_same_moment_is_one_receipt(db):
    clerk = await make_staff()
    partner = (await make_trading_customer()).partner_id
    token = new_form_token()
    made = await asyncio.gather(*(_receipt(clerk, partner, token) for _ in range(4)))
    assert {receipt.id for receipt in made} == {made[0].id}
    assert await Receipt.filter(partner_id=partner).count() == 1
    assert await FormSubmission.filter(token=token).count() == 1


async def test_two_forms_make_two_numbered_receipts(db):
    clerk = await make_staff()
    partner = (await make_trading_customer()).partner_id
    first = await _receipt(clerk, partner, new_form_token())
    second = await _receipt(clerk, partner, new_form_token(), amount=1_000)
    assert (first.number, second.number) == ("260305-001", "260305-002")
    ledger = await sales.partner_ledger(partner)
    assert [entry.number for entry in ledger.entries] == ["260305-001", "260305-002"]


async def test_a_refused_save_leaves_the_token_free_for_the_corrected_one(db):
    clerk = await make_staff()
    partner = (await make_trading_customer()).partner_id
    token = new_form_token()
    with pytest.raises(ValidationError):
        await _receipt(clerk, partner, token, amount=0)
    assert not await FormSubmission.filter(token=token).exists()
    receipt = await _receipt(clerk, partner, token)
    assert receipt.amount == 5_500_000


async def test_a_token_of_another_kind_of_form_is_refused(db):
    from services.submissions import create_once

    clerk = await make_staff()
    partner = (await make_trading_customer()).partner_id
    token = new_form_token()
    receipt = await _receipt(clerk, partner, token)
    with pytest.raises(ValidationError, match="다른 저장"):
        await create_once(Receipt, "other", token, lambda: Receipt.get(id=receipt.id))


# Every create service of a "new" form: (what, a create with the given token, the table's rows).
async def _customer_ids() -> tuple[int, int]:
    customer = await make_trading_customer("토큰상사")
    return customer.id, customer.partner_id


async def _code_id(kind, value: str) -> int:
    from models.codes import CodeEntry

    return (await CodeEntry.get(kind=kind, code=value)).id


async def _create_customer(clerk, token):
    from services.customers import CustomerInput, save_customer

    data = CustomerInput(company_name="새고객상사", registered_on="2026-03-05", phone="02-555-0101")
    return await save_customer(data, by=clerk, form_token=token)


async def _create_reception(clerk, token):
    from services.receptions import ReceptionInput, save_reception

    customer_id, _ = await _customer_ids()
    data = ReceptionInput(
        received_at=dt.datetime(2026, 3, 5, 10, 0),
        receiver_id=clerk.id,
        customer_id=customer_id,
        inquiry="프린터가 안 됩니다",
    )
    return await save_reception(data, by=clerk, form_token=token)


async def _create_card(clerk, token):
    from services.cards import CardInput, save_card

    customer_id, _ = await _customer_ids()
    return await save_card(
        CardInput(name="홍길동", customer_id=customer_id, mobile="01012457845", registered_on="2026-03-05"),
        by=clerk,
        form_token=token,
    )


async def _create_product(clerk, token):
    from models.codes import CodeKind
    from services.products import save_product

    customer_id, _ = await _customer_ids()
    return await save_product(
        by=clerk,
        customer_id=customer_id,
        product_group_id=await _code_id(CodeKind.PRODUCT_GROUP, "01"),
        key_locks=["KL-1"],
        form_token=token,
    )


async def _create_contract(clerk, token):
    from models.codes import CodeKind
    from services import maintenance
    from services.products import save_product

    customer_id, _ = await _customer_ids()
    product = await save_product(
        by=clerk, customer_id=customer_id, product_group_id=await _code_id(CodeKind.PRODUCT_GROUP, "01")
    )
    detail = maintenance.ContractDetail(
        customer_id=customer_id,
        product_id=product.id,
        contract_date=dt.date(2026, 3, 1),
        start_on=dt.date(2026, 3, 1),
        end_on=dt.date(2027, 2, 28),
        lines=[maintenance.LineInput(amount=1_000)],
    )
    return await maintenance.save_contract(detail, by=clerk, form_token=token)


async def _create_visit(clerk, token):
    from services.visits import save_visit

    customer_id, _ = await _customer_ids()
    return await save_visit(
        by=clerk,
        customer_id=customer_id,
        written_on=dt.date(2026, 3, 5),
        visit_date=dt.date(2026, 3, 6),
        purpose="상담",
        form_token=token,
    )


async def _create_item(clerk, token):
    from services.items import save_item

    admin = await make_admin()
    return await save_item(by=admin, code="T-1", name="토큰품목", unit_price="1,000", form_token=token)


async def _create_code(clerk, token):
    from models.codes import CodeKind
    from services.codes import save_code

    admin = await make_admin()
    return await save_code(by=admin, kind=CodeKind.RECEPTION_ROUTE, code="T9", name="토큰", form_token=token)


async def _create_template(clerk, token):
    from services.html_templates import save_template

    admin = await make_admin()
    return await save_template(by=admin, name="토큰양식", html="<p>{{company}}</p>", form_token=token)


async def _create_quote(clerk, token):
    from services import quotes

    customer_id, _ = await _customer_ids()
    return await quotes.create_quote(
        by=clerk,
        form=quotes.QuoteForm(quote_date=MARCH_5, customer_id=customer_id),
        lines=[{"name": "ERP영업관리", "quantity": 1, "unit_price": 5_000_000}],
        form_token=token,
    )


async def _create_order(clerk, token):
    customer_id, partner_id = await _customer_ids()
    return await sales.create_order(
        by=clerk,
        partner_id=partner_id,
        customer_id=customer_id,
        order_date=MARCH_5,
        lines=[{"name": "소모품", "quantity": 3, "unit_price": 3_333}],
        form_token=token,
    )


async def _create_receipt(clerk, token):
    _, partner_id = await _customer_ids()
    return await _receipt(clerk, partner_id, token)


async def _create_staff(clerk, token):
    from models.staff import Role, Staff
    from services.auth import actor_for
    from services.staff import add_staff

    existing = await Staff.get_or_none(login="token-admin")  # one admin: the rows count the new one
    admin = actor_for(existing) if existing else await make_admin(login="token-admin")
    return await add_staff(
        by=admin,
        login="token-clerk",
        name="토큰직원",
        password="Gogaek-token-9",
        role=Role.STAFF,
        form_token=token,
    )


async def _create_centrex_line(clerk, token):
    from services.centrex_users import save_centrex_user

    admin = await make_admin()
    return await save_centrex_user(
        by=admin, number070="070-1234-5678", password="centrex-pw", form_token=token
    )


CREATES = {
    "customer": _create_customer,
    "reception": _create_reception,
    "card": _create_card,
    "product": _create_product,
    "contract": _create_contract,
    "visit": _create_visit,
    "item": _create_item,
    "code": _create_code,
    "html_template": _create_template,
    "quote": _create_quote,
    "order": _create_order,
    "receipt": _create_receipt,
    "staff": _create_staff,
    "centrex_line": _create_centrex_line,
}


@pytest.mark.parametrize("what", CREATES)
async def test_every_create_form_saves_once_per_token(db, what):
    clerk = await make_staff()
    token = new_form_token()
    create = CREATES[what]
    first = await create(clerk, token)
    model = type(first)
    rows = await model.all().count()
    # the same form again (after it was answered), then two at the very same moment
    assert (await create(clerk, token)).id == first.id
    again = await asyncio.gather(create(clerk, token), create(clerk, token))
    assert {made.id for made in again} == {first.id}
    assert await model.all().count() == rows
    assert await FormSubmission.filter(token=token, record_id=first.id).count() == 1
