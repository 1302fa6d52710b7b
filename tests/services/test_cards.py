import datetime as dt

import pytest

from core.errors import StaleRecordError, ValidationError
from models.card import BusinessCard, Employment
from models.codes import CodeEntry, CodeKind
from services import cards, customers
from services.cards import CardFilters, CardInput
from services.customers import CustomerInput
from services.paging import PageRequest
from tests.factories.staff import make_staff


async def _code(kind: CodeKind, name: str) -> int:
    return (await CodeEntry.get(kind=kind, name=name)).id


async def names(filters: CardFilters) -> list[str]:
    page = await cards.search_cards(filters, PageRequest(rows_per_page=100, sort_by="name"))
    return [f"{row['name']}@{row['company_name']}" for row in page.rows]


async def test_a_card_of_a_customer_takes_its_company_and_address(db):
    clerk = await make_staff()
    a_corp = await customers.save_customer(
        CustomerInput(
            company_name="(주)A상호", registered_on="2015-07-01", address="서울시 금천구 가산동 123-45번지"
        ),
        by=clerk,
    )
    card = await cards.save_card(
        CardInput(
            name="홍길동",
            customer_id=a_corp.id,
            position_id=await _code(CodeKind.POSITION, "대리"),
            department_id=await _code(CodeKind.DEPARTMENT, "물류"),
            duty_id=await _code(CodeKind.DUTY, "구매팀"),
            mobile="01012457845",
            direct_phone="02-123-4567",
            fax="02-234-5678",
            group_a_id=await _code(CodeKind.CARD_GROUP_A, "인쇄회사"),
            group_b_id=await _code(CodeKind.CARD_GROUP_B, "매출처"),
            registered_on="2016-09-21",
        ),
        by=clerk,
    )
    assert (card.company_name, card.company_address) == ("(주)A상호", "서울시 금천구 가산동 123-45번지")
    assert card.mobile == "010-1245-7845" and card.employment == Employment.EMPLOYED
    row = (await cards.search_cards(CardFilters(customer_id=a_corp.id))).rows[0]
    assert (row["position"], row["department"], row["duty"], row["group_a"], row["group_b"]) == (
        "대리",
        "물류",
        "구매팀",
        "인쇄회사",
        "매출처",
    )
    assert row["registered_on"] == dt.date(2016, 9, 21)  # the screen formats it (CARD_LIST)


async def test_card_validation_and_locking(db):
    kim = await make_staff(name="김데모")
    lee = await make_staff(name="이주연")
    with pytest.raises(ValidationError) as refused:
        await cards.save_card(
            CardInput(name=" ", mobile="010-12", email="a@b", employment="휴직", registered_on="어제"), by=kim
        )
    assert set(refused.value.fields) == {"name", "mobile", "email", "employment", "registered_on"}
    card = await cards.save_card(CardInput(name="호면수", company_name="test"), by=kim)
    assert card.registered_on == dt.date.today()
    theirs = CardInput.of(card)
    theirs.employment = Employment.LEFT
    await cards.save_card(theirs, by=lee, card_id=card.id, version=card.version)
    mine = CardInput.of(card)
    mine.notes = "늦게 저장"
    with pytest.raises(StaleRecordError) as stale:
        await cards.save_card(mine, by=kim, card_id=card.id, version=card.version)
    assert "이주연" in str(stale.value)
    assert (await BusinessCard.get(id=card.id)).employment == Employment.LEFT


async def test_card_menu_filters_by_period_group_name_and_customer(db):
    clerk = await make_staff()
    printing = await _code(CodeKind.CARD_GROUP_A, "인쇄회사")
    buyer = await _code(CodeKind.CARD_GROUP_B, "매입처")
    jaegeun = await customers.save_customer(
        CustomerInput(company_name="재근상사", registered_on="2014-02-13"), by=clerk
    )
    await cards.save_card(CardInput(name="홍길동", company_name="test", registered_on="2016-03-24"), by=clerk)
    await cards.save_card(
        CardInput(name="홍길동", customer_id=jaegeun.id, registered_on="2017-06-28", group_a_id=printing),
        by=clerk,
    )
    await cards.save_card(
        CardInput(name="호면수", company_name="(주)A상호", registered_on="2016-09-21", group_b_id=buyer),
        by=clerk,
    )
    assert len(await names(CardFilters())) == 3
    assert await names(CardFilters(name="길동")) == ["홍길동@test", "홍길동@재근상사"]
    assert await names(CardFilters(group_a_id=printing)) == ["홍길동@재근상사"]
    assert await names(CardFilters(group_b_id=buyer)) == ["호면수@(주)A상호"]
    assert await names(CardFilters(customer_id=jaegeun.id)) == ["홍길동@재근상사"]
    period = CardFilters(
        use_dates=True, registered_from=dt.date(2016, 1, 1), registered_to=dt.date(2016, 12, 31)
    )
    assert await names(period) == ["호면수@(주)A상호", "홍길동@test"]
    assert await names(CardFilters(company="A상호")) == ["호면수@(주)A상호"]
    # 초성, as 법인상호 is searched on 고객관리; the company follows a card that takes its customer's name
    assert await names(CardFilters(name="ㅎㄱㄷ")) == ["홍길동@test", "홍길동@재근상사"]
    assert await names(CardFilters(name="ㅎㅁ")) == ["호면수@(주)A상호"]
    assert await names(CardFilters(company="ㅈㄱㅅㅅ")) == ["홍길동@재근상사"]
    assert await names(CardFilters(company="ㅅㅎ")) == ["호면수@(주)A상호"]
    assert await names(CardFilters(name="ㅎㄱㄷ", company="ㅈㄱ")) == ["홍길동@재근상사"]
