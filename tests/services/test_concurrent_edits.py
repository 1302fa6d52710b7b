"""Two people editing the same customer, maintenance contract or quote: whoever saves second is
refused with the first one's name and loses nothing (the form keeps what they typed); the first
save stands. When both press 저장 at the same moment (truly in parallel on PostgreSQL), exactly
one wins."""

import asyncio
import dataclasses
import datetime as dt

import pytest

from core.errors import StaleRecordError
from models.customer import Customer
from models.maintenance import MaintenanceContract
from models.quote import Quote
from services import customers, maintenance, quotes
from tests.factories.customers import make_customer
from tests.factories.maintenance import make_product
from tests.factories.sales import line, make_quote, make_trading_customer
from tests.factories.staff import make_staff


async def first_and_second():
    return await make_staff(name="김먼저"), await make_staff(name="이나중")


async def edit_customer(by, customer: Customer, memo: str) -> Customer:
    data = dataclasses.replace(customers.CustomerInput.of(customer), memo=memo)
    return await customers.save_customer(data, by=by, customer_id=customer.id, version=customer.version)


async def edit_contract(by, contract_id: int, version: int, note: str) -> MaintenanceContract:
    detail = await maintenance.get_contract(contract_id)
    detail.version, detail.note = version, note
    return await maintenance.save_contract(detail, by=by)


async def edit_quote(by, quote: Quote, title: str) -> Quote:
    detail = await quotes.get_quote(quote.id)
    form = quotes.QuoteForm(
        quote_date=quote.quote_date, customer_id=quote.customer_id, partner_id=quote.partner_id, title=title
    )
    lines = [line(x.name, x.quantity, x.unit_price, id=x.id) for x in detail.lines]
    return await quotes.update_quote(quote.id, by=by, version=quote.version, form=form, lines=lines)


async def test_customer_second_save_names_the_first(db):
    first, second = await first_and_second()
    customer = await customers.save_customer(
        customers.CustomerInput(company_name="재근상사", registered_on="2014-02-13"), by=first
    )
    opened_by_both = await Customer.get(id=customer.id)
    await edit_customer(first, opened_by_both, "먼저 쓴 메모")
    with pytest.raises(StaleRecordError, match="김먼저님이") as refused:
        await edit_customer(second, opened_by_both, "나중에 쓴 메모")
    assert "입력한 내용은 그대로 있으니" in str(refused.value)
    assert (await Customer.get(id=customer.id)).memo == "먼저 쓴 메모"


async def test_my_edits_are_reapplied_on_top_of_the_latest_version(db):
    first, second = await first_and_second()
    customer = await customers.save_customer(
        customers.CustomerInput(company_name="재근상사", registered_on="2014-02-13", phone="02-111-2222"),
        by=first,
    )
    opened_by_both = await Customer.get(id=customer.id)
    await edit_customer(first, opened_by_both, "먼저 쓴 메모")
    with pytest.raises(StaleRecordError) as refused:
        await edit_customer(second, opened_by_both, "나중에 쓴 메모")
    conflict = refused.value
    assert conflict.differing == ("memo",)  # the one field where mine and the stored differ
    assert conflict.latest_version == opened_by_both.version + 1
    # 내 입력으로 다시 저장: the same values, on top of the version stored now
    data = dataclasses.replace(customers.CustomerInput.of(opened_by_both), memo="나중에 쓴 메모")
    saved = await customers.save_customer(
        data, by=second, customer_id=customer.id, version=conflict.latest_version
    )
    assert saved.memo == "나중에 쓴 메모" and saved.version == conflict.latest_version + 1


async def test_contract_second_save_names_the_first(db):
    first, second = await first_and_second()
    customer = await make_customer("재근상사")
    product = await make_product(first, customer)
    contract = await maintenance.save_contract(
        maintenance.ContractDetail(
            customer_id=customer.id,
            product_id=product.id,
            start_on=dt.date(2026, 1, 1),
            end_on=dt.date(2026, 12, 31),
            lines=[maintenance.LineInput(amount=1_000)],
        ),
        by=first,
    )
    opened = contract.version
    await edit_contract(first, contract.id, opened, "먼저")
    with pytest.raises(StaleRecordError, match="김먼저님이"):
        await edit_contract(second, contract.id, opened, "나중")
    assert (await MaintenanceContract.get(id=contract.id)).note == "먼저"


async def test_quote_second_save_names_the_first(db):
    first, second = await first_and_second()
    quote = await make_quote(first, await make_trading_customer())
    opened_by_both = await Quote.get(id=quote.id)
    await edit_quote(first, opened_by_both, "먼저 고친 제목")
    with pytest.raises(StaleRecordError, match="김먼저님이"):
        await edit_quote(second, opened_by_both, "나중에 고친 제목")
    assert (await Quote.get(id=quote.id)).title == "먼저 고친 제목"


async def test_saving_at_the_same_moment_one_wins_and_the_other_is_told_who(db):
    first, second = await first_and_second()
    customer = await customers.save_customer(
        customers.CustomerInput(company_name="재근상사", registered_on="2014-02-13"), by=first
    )
    opened_by_both = await Customer.get(id=customer.id)
    results = await asyncio.gather(
        edit_customer(first, opened_by_both, "김먼저의 메모"),
        edit_customer(second, opened_by_both, "이나중의 메모"),
        return_exceptions=True,
    )
    saved = [r for r in results if isinstance(r, Customer)]
    refused = [r for r in results if isinstance(r, StaleRecordError)]
    assert len(saved) == 1 and len(refused) == 1, results
    stored = await Customer.get(id=customer.id)
    winner = "김먼저" if stored.memo == "김먼저의 메모" else "이나중"
    assert refused[0].changed_by == winner
    assert stored.version == opened_by_both.version + 1
