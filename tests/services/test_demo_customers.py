from models.card import BusinessCard, Employment
from models.customer import Customer, CustomerHistory, TradingPartner
from services import phone_directory
from services.demo import customers as demo_customers
from services.demo import seed_demo


async def test_seed_demo_creates_the_manuals_customers_and_cards_once(db):
    await seed_demo()
    jaegeun = await Customer.get(code="140213-001")
    assert str(jaegeun.registered_on) == "2014-02-13"
    assert (jaegeun.company_name, jaegeun.representative, jaegeun.contact_name) == (
        "재근상사",
        "김대표",
        "이재근",
    )
    assert (jaegeun.phone, jaegeun.mobile, jaegeun.fax) == ("02-999-8888", "010-222-5555", "02-999-8889")
    assert jaegeun.business_number == "1112233332"
    assert (
        jaegeun.address == "경기도 안산시 단원구 강서길 9 (와동, 성동빌라)"
        and jaegeun.address_detail == "601"
    )
    assert jaegeun.staff_id is not None and jaegeun.status_id is not None
    codes = dict(await Customer.all().values_list("code", "company_name"))
    assert codes == {
        "140123-001": "(주)해동통신",
        "140213-001": "재근상사",
        "150701-001": "(주)A상호",
        "150702-001": "제이원제이원",
        "150903-001": "유일종합상사",
        "150915-002": "송일시스템",
        "160921-001": "에스바디케어",
        "160921-002": "뉴시스비즈",
        "160921-003": "하이디자인",
    }
    assert (await Customer.get(code="150903-001")).phone == "02-2275-7980"
    assert (await phone_directory.resolve_caller("02-808-8016")).customer.company_name == "(주)해동통신"
    hong = await BusinessCard.get(name="홍길동", company_name="(주)A상호")
    assert (hong.mobile, hong.direct_phone, hong.fax) == ("010-1245-7845", "02-123-4567", "02-234-5678")
    assert hong.employment == Employment.LEFT  # the manual's 명함관리 list: 홍길동, 대리, 퇴사
    assert await BusinessCard.filter(employment=Employment.LEFT).count() == 1
    assert await BusinessCard.filter(customer_id=None, company_name="test").exists()
    assert (await TradingPartner.get(code="140213-001")).id == jaegeun.partner_id
    assert await CustomerHistory.filter(customer_id=jaegeun.id).count() == 2

    counts = (
        await Customer.all().count(),
        await BusinessCard.all().count(),
        await TradingPartner.all().count(),
    )
    assert counts == (
        len(demo_customers.DEMO_CUSTOMERS),
        len(demo_customers.DEMO_CARDS),
        len(demo_customers.DEMO_CUSTOMERS),
    )
    await seed_demo()  # seeding twice changes nothing
    assert counts == (
        await Customer.all().count(),
        await BusinessCard.all().count(),
        await TradingPartner.all().count(),
    )
    assert await CustomerHistory.filter(customer_id=jaegeun.id).count() == 2
