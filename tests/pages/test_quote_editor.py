"""The quote editor: build a quote line by line, see the totals follow, save, print."""

from nicegui.testing import User

from core.korean import josa
from models.quote import Quote, QuoteLine, QuoteState
from tests.factories.sales import make_item, make_quote, make_trading_customer, soon
from tests.factories.staff import make_admin, make_staff
from tests.utils import eventually, sign_in


def _text(user: User, marker: str) -> str:
    return next(iter(user.find(marker).elements)).text


def _element(user: User, marker: str):
    return next(iter(user.find(marker).elements))


def _absent(user: User, marker: str) -> bool:
    try:
        user.find(marker)
    except AssertionError:
        return True
    return False


async def test_build_a_quote_with_three_lines_and_watch_the_totals(user: User):
    await make_admin(login="boss")
    await make_staff(login="hong", name="홍길동")
    customer = await make_trading_customer("재근상사")
    await make_item("9998", "ERP영업관리", 5_000_000, spec="3유저")
    await make_item("1101099", "ERP회계관리", 5_000_000, spec="3유저")
    await sign_in(user, "hong")
    await user.open(f"/quotes/new?customer={customer.id}")
    await user.should_see("새 견적서")
    await eventually(lambda: _element(user, "quote-customer").value.startswith("재근상사"))
    assert _element(user, "quote-partner").value == "재근상사"

    user.find("quote-title").type("ERP 도입 견적")
    user.find("lines-add-item").click()
    await user.should_see(marker="item-results")
    results = _element(user, "item-results")
    await soon(lambda: len(results.rows) == 2)
    user.find("item-search").type("영업")
    user.find("item-search").trigger("keydown.enter")
    await soon(lambda: [r["code"] for r in results.rows] == ["9998"])
    user.find("item-results").trigger("rowDblclick", [None, results.rows[0], 0])
    await user.should_see("'ERP영업관리'를 추가했습니다.")
    user.find("item-search-close").click()

    user.find("lines-add-text").click()
    user.find("line-1-name").type("- 무상유지보수기간 3개월")
    user.find("lines-add-text").click()
    user.find("line-2-item-code").type("1101099")
    user.find("line-2-item-code").trigger("keydown.enter")
    await soon(lambda: _element(user, "line-2-name").value == "ERP회계관리")

    assert _text(user, "total-supply") == "10,000,000"
    assert _text(user, "total-vat") == "1,000,000"
    assert _text(user, "total-amount") == "11,000,000"
    assert "금 일천일백만원정" in _text(user, "total-words")

    user.find("line-0-quantity").clear().type("3")
    await soon(lambda: _text(user, "total-amount") == "22,000,000")
    assert _text(user, "line-0-supply") == "15,000,000"
    assert _text(user, "line-1-supply") == ""  # a text line has no amounts
    assert _text(user, "total-vat") == "2,000,000"

    user.find("quote-save").click()
    await user.should_see("을 저장했습니다.", retries=50)
    quote = await Quote.get(customer_id=customer.id)
    assert quote.title == "ERP 도입 견적" and quote.total_amount == 22_000_000
    assert quote.state == QuoteState.IN_PROGRESS
    names = await QuoteLine.filter(quote_id=quote.id).order_by("seq").values_list("name", "quantity")
    assert names == [("ERP영업관리", 3), ("- 무상유지보수기간 3개월", 0), ("ERP회계관리", 1)]
    await user.should_see(f"견적번호 {quote.number}")


async def test_reorder_and_delete_lines_then_save_keeps_order(user: User):
    await make_admin(login="boss")
    writer = await make_staff(login="hong", name="홍길동")
    customer = await make_trading_customer()
    quote = await make_quote(
        writer,
        customer,
        [{"name": "A", "quantity": 1, "unit_price": 100}, {"name": "B", "quantity": 1, "unit_price": 200}],
    )
    await sign_in(user, "hong")
    await user.open(f"/quotes/{quote.id}")
    await user.should_see(f"견적번호 {quote.number}")
    user.find("line-1-up").click()
    await soon(lambda: _element(user, "line-0-name").value == "B")
    user.find("line-1-delete").click()
    await soon(lambda: _absent(user, "line-1-name"))
    assert _text(user, "total-amount") == "220"
    user.find("quote-save").click()
    await user.should_see("을 저장했습니다.", retries=50)
    assert await QuoteLine.filter(quote_id=quote.id).values_list("name", flat=True) == ["B"]


async def test_bad_lines_are_marked_and_typed_values_kept(user: User):
    await make_admin(login="boss")
    await make_staff(login="hong", name="홍길동")
    customer = await make_trading_customer()
    await sign_in(user, "hong")
    await user.open(f"/quotes/new?customer={customer.id}")
    user.find("lines-add-text").click()
    user.find("line-0-quantity").type("2")
    user.find("line-0-unit-price").type("1000")
    user.find("quote-save").click()
    name = _element(user, "line-0-name")
    await soon(lambda: "품명을 입력하세요" in name.props.get("error-message", ""))
    assert _element(user, "line-0-quantity").value == "2"
    assert await Quote.all().count() == 0


async def test_customer_is_picked_by_search_and_fills_the_contact(user: User):
    await make_admin(login="boss")
    await make_staff(login="hong", name="홍길동")
    await make_trading_customer("재근상사")
    await make_trading_customer("하이디자인")
    await sign_in(user, "hong")
    await user.open("/quotes/new")
    await user.should_see("새 견적서")
    user.find("quote-save").click()
    customer = _element(user, "quote-customer")
    await soon(lambda: customer.props.get("error-message") == "고객 또는 거래처를 선택하세요.")

    user.find("quote-customer-pick").click()
    await user.should_see(marker="customer-picker-table")
    user.find("customer-picker-search").type("재근")
    results = _element(user, "customer-picker-table")
    await soon(lambda: [r["company_name"] for r in results.rows] == ["재근상사"])
    user.find("customer-picker-table").trigger("rowDblclick", [None, results.rows[0], 0])
    await soon(lambda: customer.value.startswith("재근상사"))
    assert _element(user, "quote-contact").value == "김담당"
    assert _element(user, "quote-phone").value == "02-808-8016"
    user.find("quote-save").click()
    await user.should_see("을 저장했습니다.", retries=50)
    assert (await Quote.get(title="")).contact_name == "김담당"


def _lines_on_screen(user: User, count: int) -> list[tuple[str, str, str]]:
    """(순번, 품명, 공급가액) of every line as the editor shows them."""
    return [
        (
            _text(user, f"line-{i}-seq"),
            _element(user, f"line-{i}-name").value,
            _text(user, f"line-{i}-supply"),
        )
        for i in range(count)
    ]


async def test_a_line_inserted_in_the_middle_takes_its_place_in_numbers_and_totals(user: User):
    await make_admin(login="boss")
    writer = await make_staff(login="hong", name="홍길동")
    customer = await make_trading_customer()
    quote = await make_quote(
        writer,
        customer,
        [
            {"name": "A", "quantity": 1, "unit_price": 100},
            {"name": "B", "quantity": 1, "unit_price": 200},
            {"name": "C", "quantity": 1, "unit_price": 300},
        ],
    )
    await sign_in(user, "hong")
    await user.open(f"/quotes/{quote.id}")
    await user.should_see(f"견적번호 {quote.number}")
    assert _text(user, "total-amount") == "660"

    user.find("line-0-menu").click()
    user.find("line-0-append").click()  # 아래에 빈 줄 삽입: between A and B
    await soon(lambda: not _absent(user, "line-3-name"))
    assert _lines_on_screen(user, 4) == [
        ("1", "A", "100"),
        ("2", "", ""),  # a blank line has no amounts yet
        ("3", "B", "200"),
        ("4", "C", "300"),
    ]
    user.find("line-1-name").type("X")
    user.find("line-1-quantity").type("2")
    user.find("line-1-unit-price").type("1000")
    await soon(lambda: _text(user, "total-amount") == "2,860")
    assert _text(user, "line-1-supply") == "2,000"
    assert (_text(user, "total-supply"), _text(user, "total-vat")) == ("2,600", "260")

    user.find("line-3-menu").click()
    user.find("line-3-insert").click()  # 위에 빈 줄 삽입: before C, then a text line there
    await soon(lambda: not _absent(user, "line-4-name"))
    user.find("line-3-name").type("- 설치비 별도")
    await soon(lambda: [n for _, n, _ in _lines_on_screen(user, 5)] == ["A", "X", "B", "- 설치비 별도", "C"])
    assert [s for s, _, _ in _lines_on_screen(user, 5)] == ["1", "2", "3", "4", "5"]
    assert _text(user, "total-amount") == "2,860"

    user.find("quote-save").click()
    await user.should_see("을 저장했습니다.", retries=50)
    stored = (
        await QuoteLine.filter(quote_id=quote.id).order_by("seq").values_list("seq", "name", "supply_amount")
    )
    assert stored == [(1, "A", 100), (2, "X", 2_000), (3, "B", 200), (4, "- 설치비 별도", 0), (5, "C", 300)]
    saved = await Quote.get(id=quote.id)
    assert (saved.supply_total, saved.vat_total, saved.total_amount) == (2_600, 260, 2_860)


async def test_copy_from_the_editor_opens_a_new_quote_with_a_new_number_and_the_same_lines(user: User):
    await make_admin(login="boss")
    writer = await make_staff(login="hong", name="홍길동")
    customer = await make_trading_customer()
    source = await make_quote(
        writer,
        customer,
        [
            {"name": "ERP영업관리", "quantity": 1, "unit_price": 5_000_000, "spec": "3유저"},
            {"name": "- 무상유지보수기간 3개월"},
        ],
        title="ERP 도입 견적",
        state=QuoteState.CANCELLED,
    )
    await sign_in(user, "hong")
    await user.open(f"/quotes/{source.id}")
    await user.should_see(f"견적번호 {source.number}")

    user.find("quote-copy").click()
    await user.should_see("새로 만들었습니다. 견적일자는 오늘", retries=50)
    copy = await Quote.exclude(id=source.id).get()
    await user.should_see(f"견적서 {copy.number}{josa(copy.number, '을')} 새로 만들었습니다.")
    assert source.number.endswith("00-1") and copy.number == source.number[:-2] + "-2"  # the next of the day
    await user.should_see(f"견적번호 {copy.number}", retries=50)
    assert _element(user, "line-0-name").value == "ERP영업관리"
    assert _element(user, "line-1-name").value == "- 무상유지보수기간 3개월"
    assert _text(user, "total-amount") == "5,500,000"
    assert _element(user, "quote-title").value == "ERP 도입 견적"

    fields = ("seq", "name", "spec", "quantity", "unit_price", "supply_amount", "vat_amount", "total_amount")
    original = await QuoteLine.filter(quote_id=source.id).order_by("seq").values_list(*fields)
    assert await QuoteLine.filter(quote_id=copy.id).order_by("seq").values_list(*fields) == original
    assert copy.state == QuoteState.IN_PROGRESS and copy.total_amount == source.total_amount
    assert (await Quote.get(id=source.id)).state == QuoteState.CANCELLED  # the original is left alone


async def test_someone_saving_first_keeps_my_quote_input_and_reapplies_it(user: User):
    from core.audit import acting_as

    await make_admin(login="boss")
    writer = await make_staff(login="hong", name="홍길동")
    quote = await make_quote(
        writer, await make_trading_customer(), [{"name": "A", "quantity": 1, "unit_price": 100}]
    )
    await sign_in(user, "hong")
    await user.open(f"/quotes/{quote.id}")
    await user.should_see(f"견적번호 {quote.number}")

    stored = await Quote.get(id=quote.id)  # someone else saves it while it is open here
    stored.title = "다른 사람이 고친 제목"
    with acting_as(writer):
        await stored.save()

    user.find("quote-title").clear().type("내가 고친 제목")
    user.find("quote-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 견적제목", retries=30)
    user.find("conflict-reapply").click()
    await user.should_see("을 저장했습니다.", retries=50)
    assert (await Quote.get(id=quote.id)).title == "내가 고친 제목"
