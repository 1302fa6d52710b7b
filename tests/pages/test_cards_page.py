import asyncio
import io

from nicegui import background_tasks, ui
from nicegui.testing import User
from openpyxl import Workbook

from core.dates import IMPOSSIBLE_DATE
from models.card import BusinessCard
from models.customer import Customer
from services import cards, customers
from services.cards import CARD_LIST, CardInput
from services.customers import CustomerInput
from tests.factories.staff import make_admin
from tests.list_checks import assert_printed_headers, assert_table_and_sheet_agree, pdf_text, sheet_rows
from tests.utils import eventually, previewed_pdf, shown_values, sign_in

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


async def table(user: User, marker: str) -> ui.table:
    await user.should_see(marker=marker, retries=50)
    return user.find(marker).elements.pop()


async def test_card_menu_adds_a_card_linked_to_a_picked_company_and_filters_by_name(user: User):
    boss = await make_admin(login="boss")
    jaegeun = await customers.save_customer(
        CustomerInput(
            company_name="재근상사", registered_on="2014-02-13", address="경기도 안산시 단원구 강서길 9"
        ),
        by=boss,
    )
    await cards.save_card(CardInput(name="호면수", company_name="test", registered_on="2016-09-21"), by=boss)
    await sign_in(user, "boss")
    await user.open("/cards")
    cards_table = await table(user, "cards-table")
    await eventually(lambda: [r["name"] for r in cards_table.rows] == ["호면수"])

    user.find("cards-add").click()
    await user.should_see(marker="card-name", retries=30)
    user.find("card-name").type("홍길동")
    user.find("card-mobile").type("010-0000-0000")
    user.find("card-pick-customer").click()
    await user.should_see(marker="customer-picker-search", retries=30)
    user.find("customer-picker-search").type("ㅈㄱ")
    picker = await table(user, "customer-picker-table")
    await eventually(lambda: [r["company_name"] for r in picker.rows] == ["재근상사"])
    user.find("customer-picker-table").trigger("rowDblclick", [{}, picker.rows[0], 0])
    company = user.find("card-company").elements.pop()
    await eventually(lambda: company.value == "재근상사")
    user.find("card-save").click()
    await user.should_see("명함 '홍길동'을 저장했습니다.", retries=30)
    card = await BusinessCard.get(name="홍길동")
    assert card.customer_id == jaegeun.id and card.company_address == "경기도 안산시 단원구 강서길 9"
    await eventually(lambda: len(cards_table.rows) == 2)

    user.find("cards-name").type("길동")
    user.find("cards-search").click()
    await eventually(lambda: [r["name"] for r in cards_table.rows] == ["홍길동"])
    user.find("cards-name").clear().type("ㅎㄱㄷ")  # 초성, as 법인상호 on 고객관리
    user.find("cards-company").type("ㅈㄱㅅ")
    user.find("cards-search").click()
    await eventually(
        lambda: [(r["name"], r["company_name"]) for r in cards_table.rows] == [("홍길동", "재근상사")]
    )


async def test_deleting_a_card_asks_and_names_it(user: User):
    boss = await make_admin(login="boss")
    await cards.save_card(CardInput(name="호면수", company_name="(주)A상호"), by=boss)
    await sign_in(user, "boss")
    await user.open("/cards")
    cards_table = await table(user, "cards-table")
    await eventually(lambda: len(cards_table.rows) == 1)
    user.find("cards-table").trigger("rowClick", [{}, cards_table.rows[0], 0])
    user.find("cards-delete").click()
    await user.should_see("명함 '호면수' ((주)A상호)를 삭제할까요?", retries=30)
    user.find("confirm-yes").click()
    await eventually(lambda: cards_table.rows == [])
    assert await BusinessCard.all().count() == 0


async def test_customers_are_imported_from_excel_with_a_preview(user: User):
    await make_admin(login="boss")
    book = Workbook()
    book.active.append(["상호", "사업자등록번호", "전화"])
    book.active.append(["재근상사", "111-22-33332", "02-999-8888"])
    book.active.append(["엉터리상사", "111-22-33333", None])
    buffer = io.BytesIO()
    book.save(buffer)
    await sign_in(user, "boss")
    user.find("customers-import").click()
    await user.should_see(marker="import-upload", retries=30)
    upload = user.find("import-upload").elements.pop()
    await upload.handle_uploads(
        [ui.upload.SmallFileUpload("고객.xlsx", "application/octet-stream", buffer.getvalue())]
    )
    await user.should_see(marker="import-map-company_name", retries=50)
    company = user.find("import-map-company_name").elements.pop()
    await eventually(lambda: company.value == 0)
    user.find("import-preview").click()
    results = await table(user, "import-results")
    await eventually(lambda: [r["action"] for r in results.rows] == ["추가", "오류"])
    assert "검증번호" in results.rows[1]["reasons"]
    assert await Customer.all().count() == 0
    user.find("import-run").click()
    await user.should_see("가져오기를 마쳤습니다: 추가 1건, 갱신 0건, 이미 있음 0건, 오류 1건", retries=50)
    assert [c.company_name for c in await Customer.all()] == ["재근상사"]

    # the same file again: the screen says how rows are matched, and nothing is added twice
    rules = user.find("import-rules").elements.pop()
    assert "사업자번호" in rules.text and "법인상호와 전화번호" in rules.text
    await upload.handle_uploads(
        [ui.upload.SmallFileUpload("고객.xlsx", "application/octet-stream", buffer.getvalue())]
    )
    await user.should_see("열을 확인하고 미리보기를 누르세요.", retries=50)
    user.find("import-preview").click()
    await eventually(lambda: [r["action"] for r in results.rows] == ["이미 있음", "오류"])
    user.find("import-run").click()
    await user.should_see("가져오기를 마쳤습니다: 추가 0건, 갱신 0건, 이미 있음 1건, 오류 1건", retries=50)
    assert await Customer.all().count() == 1


async def test_map_image_upload_takes_images_only_and_is_served_to_signed_in_staff(user: User):
    boss = await make_admin(login="boss")
    customer = await customers.save_customer(
        CustomerInput(company_name="재근상사", registered_on="2014-02-13"), by=boss
    )
    await sign_in(user, "boss")
    await user.open(f"/customers/{customer.id}")
    await user.should_see("약도 없음", retries=30)
    user.find("map-register").click()
    await user.should_see(marker="map-upload", retries=30)
    upload = user.find("map-upload").elements.pop()
    # refused through the uploader's own route: an error status (the uploader marks the file failed)
    # with the service's reason, the dialog still open
    response = await user.http_client.post(
        upload.props["url"], files={"file": ("약도.png", b"MZ\x90\x00 a program", "image/png")}
    )
    assert response.status_code == 422
    assert "이미지가 아닙니다. PNG, JPG, GIF, WEBP, BMP만 올릴 수 있습니다." in response.json()["detail"]
    await user.should_see("이미지가 아닙니다", retries=30)
    await user.should_see(marker="map-upload")
    await upload.handle_uploads([ui.upload.SmallFileUpload("약도.png", "image/png", PNG)])
    await user.should_see("약도를 등록했습니다.", retries=30)
    await user.should_see(marker="map-thumbnail", retries=30)
    response = await user.http_client.get(f"/customer-maps/{customer.id}")
    assert response.status_code == 200 and response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    user.http_client.cookies.clear()
    assert (await user.http_client.get(f"/customer-maps/{customer.id}")).status_code == 401


async def test_a_mistyped_date_filter_keeps_the_list_and_the_typed_text(user: User):
    boss = await make_admin(login="boss")
    await cards.save_card(CardInput(name="호면수", company_name="test", registered_on="2016-09-21"), by=boss)
    await cards.save_card(CardInput(name="홍길동", company_name="test", registered_on="2020-03-02"), by=boss)
    await sign_in(user, "boss")
    await user.open("/cards")
    cards_table = await table(user, "cards-table")
    await eventually(lambda: len(cards_table.rows) == 2)

    date_from = user.find("cards-from").elements.pop()  # a date field: typed as its value
    user.find("cards-use-dates").click()
    date_from.value = "2020-01-01"
    user.find("cards-search").click()
    await eventually(lambda: [r["name"] for r in cards_table.rows] == ["홍길동"])
    await user.should_see("명함 1건")

    date_from.value = "2020-13-01"
    user.find("cards-search").click()
    await eventually(lambda: date_from.props.get("error-message") == IMPOSSIBLE_DATE)
    assert date_from.value == "2020-13-01"  # the typed text stays to be corrected
    assert [r["name"] for r in cards_table.rows] == ["홍길동"]  # not every card: the list stays
    await user.should_see("명함 1건")
    before = set(background_tasks.running_tasks)
    user.find("cards-excel").click()  # nor does 엑셀 export every card
    await asyncio.wait_for(asyncio.gather(*(background_tasks.running_tasks - before)), timeout=30)
    assert user.download.http_responses == []
    assert date_from.props.get("error-message") == IMPOSSIBLE_DATE

    date_from.value = "2016-01-01"
    user.find("cards-search").click()
    await eventually(lambda: len(cards_table.rows) == 2)
    assert "error-message" not in date_from.props


async def test_a_card_is_edited_on_the_page_and_the_list_shows_the_change(user: User):
    boss = await make_admin(login="boss")
    card = await cards.save_card(
        CardInput(
            name="홍길동", company_name="(주)A상호", mobile="010-1245-7845", registered_on="2016-09-21"
        ),
        by=boss,
    )
    await sign_in(user, "boss")
    await user.open("/cards")
    cards_table = await table(user, "cards-table")
    await eventually(lambda: len(cards_table.rows) == 1)
    user.find("cards-table").trigger("rowDblclick", [{}, cards_table.rows[0], 0])
    await user.should_see("명함 수정", retries=30)
    mobile = user.find("card-mobile").elements.pop()
    assert mobile.value == "010-1245-7845"
    user.find("card-mobile").clear().type("010-5555-6666")
    user.find("card-email").type("hong@example.com")
    user.find("card-save").click()
    await user.should_see("명함 '홍길동'을 저장했습니다.", retries=30)
    await eventually(lambda: cards_table.rows[0]["mobile"] == "010-5555-6666")
    assert cards_table.rows[0]["email"] == "hong@example.com"
    saved = await BusinessCard.get(id=card.id)
    assert (saved.mobile, saved.email, saved.version) == (
        "010-5555-6666",
        "hong@example.com",
        card.version + 1,
    )
    assert await BusinessCard.all().count() == 1
    await user.should_not_see(marker="card-save")  # 저장 closed the dialog


async def test_someone_saving_a_card_first_keeps_my_input_and_can_load_the_latest(user: User):
    boss = await make_admin(login="boss")
    card = await cards.save_card(CardInput(name="호면수", company_name="(주)A상호"), by=boss)
    await sign_in(user, "boss")
    await user.open("/cards")
    cards_table = await table(user, "cards-table")
    await eventually(lambda: len(cards_table.rows) == 1)
    user.find("cards-table").trigger("rowDblclick", [{}, cards_table.rows[0], 0])
    await user.should_see(marker="card-name", retries=30)

    theirs = CardInput(name="호면수", company_name="(주)A상호", mobile="010-1111-2222")
    await cards.save_card(theirs, by=boss, card_id=card.id, version=card.version)

    user.find("card-mobile").type("010-3333-4444")
    user.find("card-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 휴대폰", retries=30)
    assert next(iter(user.find("card-mobile").elements)).value == "010-3333-4444"  # kept
    user.find("conflict-reload").click()
    await eventually(lambda: "010-1111-2222" in shown_values(user, "card-mobile"))
    assert (await BusinessCard.get(id=card.id)).mobile == "010-1111-2222"


async def test_the_card_list_its_excel_and_its_print_are_one_declaration(user: User):
    boss = await make_admin(login="boss")
    jaegeun = await customers.save_customer(
        CustomerInput(company_name="재근상사", registered_on="2014-02-13"), by=boss
    )
    await cards.save_card(
        CardInput(
            name="홍길동",
            customer_id=jaegeun.id,
            mobile="010-1234-5678",
            direct_phone="02-111-2222",
            extension="12",
            registered_on="2017-06-28",
            notes="=HYPERLINK(1)",
        ),
        by=boss,
    )
    await cards.save_card(CardInput(name="호면수", company_name="test", registered_on="2016-09-21"), by=boss)
    await sign_in(user, "boss")
    await user.open("/cards")
    cards_table = await table(user, "cards-table")
    await eventually(lambda: len(cards_table.rows) == 2)
    assert cards_table.rows[0]["registered_on"] == "2017-06-28"

    user.find("cards-excel").click()
    response = await user.download.next(timeout=30)
    assert response.request.url.path.startswith("/downloads/")
    rows = sheet_rows(response.content)
    assert_table_and_sheet_agree(CARD_LIST, cards_table, rows)
    # the sheet keeps the words the card import reads, so it imports back
    assert rows[0][:8] == ("등록일자", "이름", "직책", "근무", "소속부서", "담당업무", "회사명", "고객코드")
    assert rows[1][6:11] == ("재근상사", jaegeun.code, "010-1234-5678", "02-111-2222", "12")
    assert rows[1][-1] == "=HYPERLINK(1)"

    user.find("cards-name").type("ㅎㄱㄷ")
    user.find("cards-search").click()
    await eventually(lambda: [r["name"] for r in cards_table.rows] == ["홍길동"])
    user.find("cards-print").click()
    text = pdf_text(await previewed_pdf(user, "명함 목록 인쇄"))
    assert_printed_headers(CARD_LIST, text)  # the screen's headings (거래처명, 전화번호)
    assert "조건: 이름 'ㅎㄱㄷ'" in text and "1건" in text
    assert "홍길동" in text and "재근상사" in text and "호면수" not in text
