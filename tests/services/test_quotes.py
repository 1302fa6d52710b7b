"""견적서: amounts, numbering, editing rules, expiry and the 견적현황 list."""

import asyncio
import datetime as dt

import pytest

from core.audit import acting_as
from core.errors import StaleRecordError, ValidationError
from models.audit import AuditEntry
from models.codes import CodeEntry, CodeKind
from models.quote import Quote, QuoteLine, QuoteState
from services import quote_list, quotes, sales
from services.document_lines import LineInput, compute_totals, total_in_words
from services.quote_list import QuoteFilters, QuoteTab
from tests.factories.sales import line, make_item, make_quote, make_trading_customer
from tests.factories.staff import make_staff

TODAY = dt.date(2026, 3, 10)


def test_vat_is_ten_percent_of_supply_cut_to_the_won():
    totals = compute_totals(
        [
            LineInput(name="소모품", quantity=3, unit_price=3_333),
            LineInput(name="교육", quantity=1, unit_price=99_999, taxable=False),
            LineInput(name="할인", quantity=1, unit_price=-1_005),
        ]
    )
    first, untaxed, discount = totals.lines
    assert (first.supply_amount, first.vat_amount, first.total_amount) == (9_999, 999, 10_998)
    assert (untaxed.supply_amount, untaxed.vat_amount, untaxed.total_amount) == (99_999, 0, 99_999)
    assert (discount.supply_amount, discount.vat_amount) == (-1_005, -100)
    assert totals.supply_total == 9_999 + 99_999 - 1_005
    assert totals.vat_total == 999 + 0 - 100
    assert totals.total_amount == totals.supply_total + totals.vat_total


def test_amount_in_words_as_printed():
    assert total_in_words(0) == "금 영원정"
    assert total_in_words(10_000) == "금 일만원정"
    assert total_in_words(11_000_000) == "금 일천일백만원정"
    assert total_in_words(1_234_567_890) == "금 일십이억삼천사백오십육만칠천팔백구십원정"


async def test_saved_quote_recomputes_tampered_amounts_and_keeps_text_lines(db):
    writer = await make_staff(name="홍길동")
    customer = await make_trading_customer()
    tampered = [
        line("소모품", 3, 3_333, supply_amount=1, vat_amount=2, total_amount=3),
        line("", 0, 0),  # an empty row the editor left at the end
        line("- 무상유지보수기간 3개월", total_amount=999_999),
    ]
    quote = await make_quote(writer, customer, tampered, quote_date=TODAY)
    stored = await QuoteLine.filter(quote_id=quote.id).order_by("seq")
    assert [(x.seq, x.name, x.supply_amount, x.vat_amount, x.total_amount) for x in stored] == [
        (1, "소모품", 9_999, 999, 10_998),
        (2, "- 무상유지보수기간 3개월", 0, 0, 0),
    ]
    saved = await Quote.get(id=quote.id)
    assert (saved.supply_total, saved.vat_total, saved.total_amount) == (9_999, 999, 10_998)
    assert saved.number == "26031000-1"
    assert saved.created_by_id == writer.id


async def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(db):
    writer = await make_staff()
    with pytest.raises(ValidationError) as error:
        await quotes.create_quote(
            by=writer,
            form=quotes.QuoteForm(quote_date=TODAY, valid_until=TODAY - dt.timedelta(days=1), email="nope"),
            lines=[line("", 2, 1000), line("정상", "두개", 1000)],
        )
    assert set(error.value.fields) == {"valid_until", "customer", "email", "lines.0.name", "lines.1.quantity"}
    assert "1번째 줄" in error.value.fields["lines.0.name"]
    assert await Quote.all().count() == 0


async def test_numbers_stay_unique_when_many_users_save_at_once(db):
    writer = await make_staff()
    customer = await make_trading_customer()
    created = await asyncio.gather(*(make_quote(writer, customer, quote_date=TODAY) for _ in range(12)))
    expected = [f"26031000-{n}" for n in range(1, 13)]  # YYMMDD, revision 00, the day's sequence
    assert sorted(q.number for q in created) == sorted(expected)
    other_day = await make_quote(writer, customer, quote_date=TODAY + dt.timedelta(days=1))
    assert other_day.number == "26031100-1"

    # sorted by 견적번호 the list keeps the issuing order (…-9 before …-10), on screen and in Excel
    on_screen = await quote_list.quote_status(QuoteFilters(), today=TODAY, sort_by="number", descending=False)
    assert [r.number for r in on_screen.rows] == [*expected, "26031100-1"]
    exported = [
        r.number async for r in quote_list.iter_quote_rows(QuoteFilters(), sort_by="number", descending=True)
    ]
    assert exported == ["26031100-1", *reversed(expected)]


async def test_the_sequence_continues_after_numbers_of_the_older_form(db):
    writer = await make_staff()
    customer = await make_trading_customer()
    older = await make_quote(writer, customer, quote_date=TODAY)
    with acting_as(writer):
        older.number = "260310-007"  # a number written before 견적번호 took the manual's form
        await older.save()
    assert (await make_quote(writer, customer, quote_date=TODAY)).number == "26031000-8"
    assert quotes.quote_number_sequence("26031000-12", TODAY) == 12
    assert quotes.quote_number_sequence("26031100-12", TODAY) is None


async def test_a_number_taken_in_the_meantime_is_retried(db, monkeypatch):
    writer = await make_staff()
    customer = await make_trading_customer()
    first = await make_quote(writer, customer, quote_date=TODAY)
    real_next = quotes.next_quote_number
    calls = []

    async def stale_then_real(model, column, day):
        calls.append(day)
        return first.number if len(calls) == 1 else await real_next(model, column, day)

    monkeypatch.setattr(quotes, "next_quote_number", stale_then_real)
    second = await make_quote(writer, customer, quote_date=TODAY)
    assert len(calls) == 2
    assert second.number == "26031000-2"
    assert await Quote.all().count() == 2


async def test_expiry_is_derived_at_the_date_boundary(db):
    writer = await make_staff()
    customer = await make_trading_customer()
    await make_quote(writer, customer, quote_date=TODAY, valid_until=TODAY + dt.timedelta(days=5))
    await make_quote(writer, customer, quote_date=TODAY)  # no validity date: never expires
    await make_quote(writer, customer, quote_date=TODAY, state=QuoteState.CANCELLED, valid_until=TODAY)
    last_valid_day = TODAY + dt.timedelta(days=5)
    assert not quotes.is_expired(QuoteState.IN_PROGRESS, last_valid_day, last_valid_day)
    assert quotes.is_expired(QuoteState.IN_PROGRESS, last_valid_day, last_valid_day + dt.timedelta(days=1))
    assert not quotes.is_expired(QuoteState.ACCEPTED, last_valid_day, last_valid_day + dt.timedelta(days=1))

    on_last_day = await quote_list.quote_status(QuoteFilters(), today=last_valid_day)
    day_after = await quote_list.quote_status(QuoteFilters(), today=last_valid_day + dt.timedelta(days=1))
    assert on_last_day.counts[QuoteTab.IN_PROGRESS] == 2 and on_last_day.counts[QuoteTab.EXPIRED] == 0
    assert day_after.counts[QuoteTab.IN_PROGRESS] == 1 and day_after.counts[QuoteTab.EXPIRED] == 1
    assert day_after.counts[QuoteTab.CANCELLED] == 1  # cancelled quotes never expire
    expired = await quote_list.quote_status(
        QuoteFilters(), tab=QuoteTab.EXPIRED, today=last_valid_day + dt.timedelta(days=1)
    )
    assert [r.expired for r in expired.rows] == [True]
    assert (await Quote.get(id=expired.rows[0].id)).state == QuoteState.IN_PROGRESS  # never stored


async def test_editing_updates_changed_lines_and_refuses_a_stale_copy(db):
    first_user = await make_staff(name="김먼저")
    second_user = await make_staff(name="이나중")
    customer = await make_trading_customer()
    quote = await make_quote(
        first_user, customer, [line("A", 1, 1000), line("B", 2, 1000), line("C", 3, 1000)], quote_date=TODAY
    )
    opened_version = quote.version
    stored = {x.name: x for x in await QuoteLine.filter(quote_id=quote.id)}
    form = quotes.QuoteForm(quote_date=TODAY, customer_id=customer.id, title="수정본")
    edited = [
        {"id": stored["C"].id, "name": "C", "quantity": 3, "unit_price": 1000},
        {"id": stored["A"].id, "name": "A", "quantity": 5, "unit_price": 1000},
        line("D", 1, 500),
    ]
    await quotes.update_quote(quote.id, by=first_user, version=opened_version, form=form, lines=edited)
    after = await QuoteLine.filter(quote_id=quote.id).order_by("seq")
    assert [(x.seq, x.name, x.quantity, x.supply_amount) for x in after] == [
        (1, "C", 3, 3000),
        (2, "A", 5, 5000),
        (3, "D", 1, 500),
    ]
    assert after[0].id == stored["C"].id and after[1].id == stored["A"].id
    assert not await QuoteLine.filter(id=stored["B"].id).exists()
    saved = await Quote.get(id=quote.id)
    assert saved.title == "수정본" and saved.total_amount == 9_350
    line_audit = await AuditEntry.filter(table_name="quote_line", record_id=stored["A"].id, action="update")
    assert line_audit and line_audit[-1].changes["quantity"] == [1, 5]

    with pytest.raises(StaleRecordError, match="김먼저님이"):
        await quotes.update_quote(
            quote.id, by=second_user, version=opened_version, form=form, lines=[line("X", 1, 1)]
        )
    assert await QuoteLine.filter(quote_id=quote.id).count() == 3


async def test_copy_gets_a_new_number_and_the_same_lines(db):
    writer = await make_staff()
    customer = await make_trading_customer()
    source = await make_quote(
        writer,
        customer,
        quote_date=dt.date(2019, 3, 28),
        valid_until=dt.date(2019, 4, 27),
        state=QuoteState.CANCELLED,
        title="ERP 도입",
    )
    copy = await quotes.copy_quote(source.id, by=writer, quote_date=TODAY)
    assert copy.number == "26031000-1" and copy.id != source.id
    assert copy.state == QuoteState.IN_PROGRESS and copy.title == "ERP 도입"
    assert copy.valid_until == TODAY + dt.timedelta(days=30)
    fields = ("seq", "name", "spec", "quantity", "unit_price", "supply_amount", "vat_amount", "total_amount")
    original = await QuoteLine.filter(quote_id=source.id).order_by("seq").values_list(*fields)
    copied = await QuoteLine.filter(quote_id=copy.id).order_by("seq").values_list(*fields)
    assert copied == original and len(copied) == 2
    assert copy.total_amount == source.total_amount


async def test_processed_quote_can_no_longer_be_edited_or_deleted(db):
    writer = await make_staff()
    customer = await make_trading_customer()
    quote = await make_quote(writer, customer, quote_date=TODAY)
    await sales.process_to_order(quote.id, by=writer)
    fresh = await Quote.get(id=quote.id)
    form = quotes.QuoteForm(quote_date=TODAY, customer_id=customer.id)
    with pytest.raises(ValidationError, match="복사해서"):
        await quotes.update_quote(quote.id, by=writer, version=fresh.version, form=form, lines=[])
    with pytest.raises(ValidationError, match="삭제할 수 없습니다"):
        await quotes.delete_quote(quote.id, by=writer)


async def test_delete_removes_the_quote_and_its_lines(db):
    writer = await make_staff()
    quote = await make_quote(writer, await make_trading_customer(), quote_date=TODAY)
    await quotes.delete_quote(quote.id, by=writer)
    assert not await Quote.filter(id=quote.id).exists()
    assert not await QuoteLine.filter(quote_id=quote.id).exists()


async def test_status_list_filters_counts_sums_and_sorts_in_sql(db):
    hong = await make_staff(name="홍길동")
    kim = await make_staff(name="김모두")
    jaegeun = await make_trading_customer("재근상사")
    a_sangho = await make_trading_customer("(주)A상호")
    await make_quote(hong, jaegeun, [line("A", 1, 1_000_000)], quote_date=TODAY, staff_id=hong.id)
    await make_quote(
        hong, a_sangho, [line("B", 2, 1_000_000)], quote_date=TODAY - dt.timedelta(days=1), staff_id=hong.id
    )
    await make_quote(
        kim,
        a_sangho,
        [line("C", 1, 300_000)],
        quote_date=TODAY - dt.timedelta(days=40),
        staff_id=kim.id,
        state=QuoteState.CANCELLED,
    )

    everything = await quote_list.quote_status(QuoteFilters(), today=TODAY)
    assert everything.total == 3
    assert [r.quote_date for r in everything.rows] == sorted(
        (r.quote_date for r in everything.rows), reverse=True
    )
    assert everything.total_amount == 1_100_000 + 2_200_000 + 330_000

    last_month = QuoteFilters(date_from=TODAY - dt.timedelta(days=7), date_to=TODAY)
    page = await quote_list.quote_status(last_month, tab=QuoteTab.IN_PROGRESS, today=TODAY)
    assert page.counts == {
        QuoteTab.ALL: 2,
        QuoteTab.IN_PROGRESS: 2,
        QuoteTab.ACCEPTED: 0,
        QuoteTab.CANCELLED: 0,
        QuoteTab.EXPIRED: 0,
    }
    assert page.supply_total == 3_000_000 and page.vat_total == 300_000

    by_name = await quote_list.quote_status(
        QuoteFilters(text="A상호"), today=TODAY, sort_by="quote_date", descending=False
    )
    assert [r.customer_name for r in by_name.rows] == ["(주)A상호", "(주)A상호"]
    assert by_name.rows[0].state == QuoteState.CANCELLED
    with acting_as(hong):
        a_sangho.status_id = (await CodeEntry.get(kind=CodeKind.CUSTOMER_STATUS, code="1")).id
        await a_sangho.save()
    by_progress = await quote_list.quote_status(QuoteFilters(progress_id=a_sangho.status_id), today=TODAY)
    assert by_progress.counts[QuoteTab.ALL] == 2 and by_progress.counts[QuoteTab.IN_PROGRESS] == 1
    assert {r.progress for r in by_progress.rows} == {"견적발송"}
    by_staff = await quote_list.quote_status(QuoteFilters(staff_id=kim.id), today=TODAY)
    assert [r.staff_name for r in by_staff.rows] == ["김모두"]
    second_page = await quote_list.quote_status(QuoteFilters(), today=TODAY, offset=2, limit=2)
    assert len(second_page.rows) == 1 and second_page.total == 3

    exported = [
        row async for row in quote_list.iter_quote_rows(QuoteFilters(), tab=QuoteTab.CANCELLED, today=TODAY)
    ]
    assert [r.total_amount for r in exported] == [330_000]


async def test_customer_defaults_prefill_a_new_quote(db):
    customer = await make_trading_customer("재근상사")
    defaults = await quotes.customer_defaults(customer.id)
    assert defaults.customer_name == "재근상사"
    assert defaults.partner_id == customer.partner_id and defaults.partner_name == "재근상사"
    assert defaults.phone == "02-808-8016" and defaults.contact_name == "김담당"


async def test_item_lines_keep_a_link_to_their_item(db):
    writer = await make_staff()
    item = await make_item("9998", "ERP영업관리", 5_000_000, spec="3유저")
    quote = await make_quote(
        writer,
        await make_trading_customer(),
        [
            {
                "item_id": item.id,
                "item_code": "9998",
                "name": "ERP영업관리",
                "quantity": 1,
                "unit_price": 5_000_000,
            }
        ],
        quote_date=TODAY,
    )
    stored = await QuoteLine.get(quote_id=quote.id)
    assert stored.item_id == item.id and stored.item_code == "9998" and stored.vat_amount == 500_000
