from models.phone import PhoneEntry, PhoneSource
from services import cards, customers, phone_directory
from services.customers import CustomerInput
from tests.factories.staff import make_staff


async def add(by, name: str, **numbers):
    return await customers.save_customer(
        CustomerInput(company_name=name, registered_on="2016-09-21", **numbers),
        by=by,
        confirm_duplicates=True,
    )


async def test_a_caller_id_in_any_format_finds_the_customer(db):
    clerk = await make_staff()
    haedong = await add(
        clerk, "(주)해동통신", phone="02-808-8016", mobile="010-9876-5432", fax="070-4321-1234"
    )
    newzen = await add(clerk, "뉴젠솔루션", phone="1544-7230")
    for raw in (
        "02-808-8016",
        "028088016",
        "+82 2 808 8016",
        "+82-2-808-8016",
        "0082 2 808 8016",
        "010-9876-5432",
        "+82 10 9876 5432",
        "07043211234",
    ):
        match = await phone_directory.resolve_caller(raw)
        assert match.customer is not None and match.customer.id == haedong.id, raw
    assert (await phone_directory.resolve_caller("1544-7230")).customer.id == newzen.id
    assert (await phone_directory.resolve_caller("15447230")).customer.id == newzen.id
    # without the area code, the subscriber number is enough when only one customer has it
    assert (await phone_directory.resolve_caller("808-8016")).customer.id == haedong.id


async def test_unknown_or_ambiguous_numbers_give_candidates_not_a_guess(db):
    clerk = await make_staff()
    seoul = await add(clerk, "서울지점", phone="02-555-7230")
    gyeonggi = await add(clerk, "경기지점", phone="031-555-7230")
    ambiguous = await phone_directory.resolve_caller("555-7230")
    assert ambiguous.customer is None
    assert {c.id for c in ambiguous.candidates} == {seoul.id, gyeonggi.id}
    # another area code with the same subscriber number is not silently taken for that customer
    other_area = await phone_directory.resolve_caller("051-555-7230")
    assert other_area.customer is None and len(other_area.candidates) == 2
    assert not ambiguous.shared and not other_area.shared  # similar numbers, not this one
    branch = await add(clerk, "서울지점2", phone="02-555-7230")
    shared = await phone_directory.resolve_caller("02-555-7230")  # exactly the number of two
    assert shared.customer is None and shared.shared
    assert {c.id for c in shared.candidates} == {seoul.id, branch.id}
    # a nationwide number is never taken for a local one that ends the same
    assert (await phone_directory.resolve_caller("1555-7230")).customer is None
    unknown = await phone_directory.resolve_caller("010-0000-1111")
    assert unknown.customer is None and unknown.candidates == [] and not unknown.matched
    assert (await phone_directory.resolve_caller("")).digits == ""


async def test_an_explicit_link_wins_over_the_stored_numbers(db):
    clerk = await make_staff()
    haedong = await add(clerk, "(주)해동통신", phone="02-808-8016")
    jaegeun = await add(clerk, "재근상사", phone="02-999-8888")
    await phone_directory.link_number("02-808-8016", jaegeun.id, by=clerk)
    assert (await phone_directory.resolve_caller("028088016")).customer.id == jaegeun.id
    await phone_directory.link_number("028088016", haedong.id, by=clerk)  # a later link replaces it
    assert (await phone_directory.resolve_caller("02-808-8016")).customer.id == haedong.id
    assert await PhoneEntry.filter(source=PhoneSource.LINK).count() == 1


async def test_card_numbers_follow_the_card_to_its_customer(db):
    clerk = await make_staff()
    a_corp = await add(clerk, "(주)A상호", phone="02-123-4567")
    jaegeun = await add(clerk, "재근상사", phone="02-999-8888")
    card = await cards.save_card(
        cards.CardInput(name="홍길동", customer_id=a_corp.id, mobile="010-1245-7845", fax="02-234-5678"),
        by=clerk,
    )
    match = await phone_directory.resolve_caller("01012457845")
    assert match.customer.id == a_corp.id and match.card.id == card.id
    moved = cards.CardInput.of(card)
    moved.customer_id = jaegeun.id
    moved.company_name = ""
    await cards.save_card(moved, by=clerk, card_id=card.id, version=card.version)
    assert (await phone_directory.resolve_caller("010-1245-7845")).customer.id == jaegeun.id
    assert await phone_directory.customer_ids_for_phone("7845") == [jaegeun.id]
    assert await PhoneEntry.filter(card_id=card.id).count() == 2
    await cards.delete_card(card.id, by=clerk)
    assert await PhoneEntry.filter(card_id=card.id).count() == 0
    assert (await phone_directory.resolve_caller("010-1245-7845")).customer is None


async def test_an_unlinked_card_is_found_as_a_person(db):
    clerk = await make_staff()
    card = await cards.save_card(
        cards.CardInput(name="홍길동", company_name="test", mobile="010-1111-2222"), by=clerk
    )
    match = await phone_directory.resolve_caller("010-1111-2222")
    assert match.customer is None and match.card.id == card.id


async def test_phone_search_matches_leading_or_trailing_digits(db):
    clerk = await make_staff()
    haedong = await add(clerk, "(주)해동통신", phone="02-808-8016")
    jaegeun = await add(clerk, "재근상사", mobile="010-222-8016")
    assert await phone_directory.customer_ids_for_phone("8016") == sorted([haedong.id, jaegeun.id])
    assert await phone_directory.customer_ids_for_phone("02-808") == [haedong.id]
    assert await phone_directory.customer_ids_for_phone("80") == []
