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
from tests.sales_factories import make_customer
from tests.utils import make_staff

MARCH_5 = dt.date(2026, 3, 5)


async def _receipt(clerk, partner_id: int, token: str | None, amount: int = 5_500_000) -> Receipt:
    return await sales.add_receipt(
        by=clerk, partner_id=partner_id, received_on=MARCH_5, amount=amount, form_token=token
    )


async def test_a_receipt_saved_twice_with_one_token_is_one_receipt(db):
    clerk = await make_staff()
    partner = (await make_customer()).partner_id
    token = new_form_token()
    first = await _receipt(clerk, partner, token)
    again = await _receipt(clerk, partner, token)
    assert again.id == first.id
    assert await Receipt.filter(partner_id=partner).count() == 1
    assert await balances.partner_balance(partner) == -5_500_000


async def test_a_double_click_at_the_same_moment_is_one_receipt(db):
    clerk = await make_staff()
    partner = (await make_customer()).partner_id
    token = new_form_token()
    made = await asyncio.gather(*(_receipt(clerk, partner, token) for _ in range(4)))
    assert {receipt.id for receipt in made} == {made[0].id}
    assert await Receipt.filter(partner_id=partner).count() == 1
    assert await FormSubmission.filter(token=token).count() == 1


async def test_two_forms_make_two_numbered_receipts(db):
    clerk = await make_staff()
    partner = (await make_customer()).partner_id
    first = await _receipt(clerk, partner, new_form_token())
    second = await _receipt(clerk, partner, new_form_token(), amount=1_000)
    assert (first.number, second.number) == ("260305-001", "260305-002")
    ledger = await sales.partner_ledger(partner)
    assert [entry.number for entry in ledger.entries] == ["260305-001", "260305-002"]


async def test_a_refused_save_leaves_the_token_free_for_the_corrected_one(db):
    clerk = await make_staff()
    partner = (await make_customer()).partner_id
    token = new_form_token()
    with pytest.raises(ValidationError):
        await _receipt(clerk, partner, token, amount=0)
    assert not await FormSubmission.filter(token=token).exists()
    receipt = await _receipt(clerk, partner, token)
    assert receipt.amount == 5_500_000


async def test_a_token_of_another_kind_of_form_is_refused(db):
    from services.submissions import create_once

    clerk = await make_staff()
    partner = (await make_customer()).partner_id
    token = new_form_token()
    receipt = await _receipt(clerk, partner, token)
    with pytest.raises(ValidationError, match="다른 저장"):
        await create_once(Receipt, "other", token, lambda: Receipt.get(id=receipt.id))
