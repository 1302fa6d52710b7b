"""인쇄 on the screens that used to push the PDF as a download (명함관리, the customer window's
방문일지 and 유지보수관리 tabs, 고객관리) opens the print preview instead, titled for what it prints."""

import datetime as dt
import io

from nicegui.testing import User
from pypdf import PdfReader

from models.codes import CodeKind
from models.customer import Customer
from services import cards, maintenance_agreements
from services.cards import CardInput
from services.visits import save_visit
from tests.factories.customers import make_customer
from tests.factories.maintenance import code, make_product
from tests.factories.staff import make_admin, make_staff
from tests.utils import eventually, previewed_pdf, sign_in


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _one(user: User, marker: str):
    return next(iter(user.find(marker).elements))


async def test_the_customer_and_card_lists_print_in_the_preview(user: User):
    boss = await make_admin(login="boss")
    await Customer.create(code="140213-001", registered_on=dt.date(2014, 2, 13), company_name="재근상사")
    await cards.save_card(
        CardInput(name="호면수", company_name="하이디자인", registered_on="2016-09-21"), by=boss
    )
    await sign_in(user, "boss")
    await user.should_see(marker="customers-table", retries=50)
    await eventually(lambda: len(_one(user, "customers-table").rows) == 1)
    user.find("customers-print").click()
    text = _text(await previewed_pdf(user, "고객 목록 인쇄"))
    assert "고객 목록" in text and "재근상사" in text

    await user.open("/cards")
    await user.should_see(marker="cards-table", retries=50)
    await eventually(lambda: len(_one(user, "cards-table").rows) == 1)
    user.find("cards-print").click()
    text = _text(await previewed_pdf(user, "명함 목록 인쇄"))
    assert "명함 목록" in text and "호면수" in text and "하이디자인" in text


async def test_the_customer_windows_visit_and_agreement_print_in_the_preview(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    customer = await make_customer("재근상사")
    await save_visit(
        by=clerk,
        customer_id=customer.id,
        written_on=dt.date(2019, 3, 28),
        visit_date=dt.date(2019, 3, 29),
        purpose="추가개발상담요청",
        body_html="<p>재근상사 추가개발 상담</p>",
    )
    product = await make_product(
        clerk,
        customer,
        free_end_on=dt.date(2019, 3, 31),
        modules=[("C011", 20, 5_000_000)],
        key_locks=["NZ090101"],
    )
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-visits", retries=50)

    user.find("tab-visits").click()
    await user.should_see(marker="visits-table", retries=50)
    table = _one(user, "visits-table")
    await eventually(lambda: len(table.rows) == 1)
    user.find("visits-table").trigger("rowContextmenu", [{}, table.rows[0], 0])
    user.find("visits-print").click()
    text = _text(await previewed_pdf(user, "방문일지 미리보기"))
    assert "재근상사 추가개발 상담" in text

    await maintenance_agreements.create_agreements(
        maintenance_agreements.BatchRequest([product.id], (await code(CodeKind.PAYMENT_FORM, "Y")).id),
        by=clerk,
    )
    user.find("tab-maintenance").click()
    await user.should_see(marker="contracts-table", retries=30)
    contracts = _one(user, "contracts-table")
    user.find("contracts-tab-before_sending").click()
    await eventually(lambda: len(contracts.rows) == 1)
    user.find("contracts-table").trigger("rowClick", [{}, contracts.rows[0], 0])
    user.find("contracts-print").click()
    text = _text(await previewed_pdf(user, "유지보수동의서 미리보기"))
    assert "유지보수 동의서" in text and "재근상사" in text and "NZ090101" in text
