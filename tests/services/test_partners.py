import pytest

from core.errors import StaleRecordError, ValidationError
from models.customer import Customer, TradingPartner
from services import customers, partners
from services.customers import CustomerInput
from tests.factories.staff import make_staff


async def jaegeun(by) -> Customer:
    return await customers.save_customer(
        CustomerInput(
            company_name="재근상사",
            registered_on="2014-02-13",
            representative="김대표",
            business_number="111-22-33332",
            phone="02-999-8888",
            fax="02-999-8889",
            address="경기도 안산시 단원구 강서길 9 (와동, 성동빌라)",
            address_detail="601",
        ),
        by=by,
    )


async def test_erp_partner_is_prefilled_from_the_customer_and_linked_on_save(db):
    clerk = await make_staff()
    customer = await jaegeun(clerk)
    draft = await partners.partner_draft(customer.id)
    assert (draft.code, draft.name, draft.business_number, draft.representative, draft.phone) == (
        "140213-001",
        "재근상사",
        "111-22-33332",
        "김대표",
        "02-999-8888",
    )
    draft.name = "재근상사(본사)"  # the user may adjust the form before saving
    partner, linked = await partners.create_partner_for_customer(
        customer.id, draft, by=clerk, customer_version=customer.version
    )
    assert partner.business_number == "1112233332" and partner.address_detail == "601"
    assert linked.partner_id == partner.id
    assert (await Customer.get(id=customer.id)).company_name == "재근상사"  # nothing flows back


async def test_partner_changes_never_flow_back_to_the_customer(db):
    clerk = await make_staff()
    customer = await jaegeun(clerk)
    partner, customer = await partners.create_partner_for_customer(
        customer.id, await partners.partner_draft(customer.id), by=clerk, customer_version=customer.version
    )
    partner.phone = "02-111-2222"
    partner.name = "바뀐이름"
    await partner.save()
    stored = await Customer.get(id=customer.id)
    assert (stored.company_name, stored.phone) == ("재근상사", "02-999-8888")


async def test_partner_form_is_validated_and_codes_are_unique(db):
    clerk = await make_staff()
    customer = await jaegeun(clerk)
    bad = await partners.partner_draft(customer.id)
    bad.name, bad.business_number, bad.phone = "", "111-22-33333", "12"
    with pytest.raises(ValidationError) as refused:
        await partners.create_partner_for_customer(customer.id, bad, by=clerk)
    assert set(refused.value.fields) == {"name", "business_number", "phone"}
    await partners.create_partner_for_customer(
        customer.id, await partners.partner_draft(customer.id), by=clerk
    )
    second = await partners.partner_draft(customer.id)
    assert second.code == "140213-001-1"  # the customer's code is taken now
    second.code = "140213-001"
    with pytest.raises(ValidationError) as taken:
        await partners.create_partner_for_customer(customer.id, second, by=clerk)
    assert "이미 있습니다" in taken.value.fields["code"]
    assert await TradingPartner.all().count() == 1


async def test_an_existing_partner_is_found_and_linked(db):
    clerk = await make_staff()
    customer = await jaegeun(clerk)
    existing = await TradingPartner.create(code="P0001", name="재근상사 본점", business_number="1112233332")
    await TradingPartner.create(code="P0002", name="하이디자인")
    assert [p["code"] for p in await partners.search_partners("재근")] == ["P0001"]
    assert [p["code"] for p in await partners.search_partners("111-22")] == ["P0001"]
    assert [p["code"] for p in await partners.search_partners("P000")] == ["P0001", "P0002"]
    linked = await partners.link_partner(
        customer.id, existing.id, by=clerk, customer_version=customer.version
    )
    assert linked.partner_id == existing.id
    with pytest.raises(StaleRecordError):  # the link is an edit of the customer like any other
        await partners.link_partner(customer.id, None, by=clerk, customer_version=customer.version)
    unlinked = await partners.link_partner(customer.id, None, by=clerk, customer_version=linked.version)
    assert unlinked.partner_id is None
