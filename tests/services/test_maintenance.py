"""유지보수: contracts, the state rule, the due list's six sub-tabs, batch TOSP작성, the agreement."""

import datetime as dt
import io
import itertools

import pytest
from pypdf import PdfReader

from core.audit import acting_as
from core.errors import StaleRecordError, ValidationError
from html_forms.maintenance import AgreementDocument, AgreementLine, agreement_html
from html_forms.pdf import render_pdf_async
from models.audit import AuditEntry
from models.codes import CodeKind
from models.maintenance import ContractState, ContractType, MaintenanceContract, MaintenanceLine
from models.product import CustomerProduct
from models.settings import AppSetting
from services import maintenance as m
from services import maintenance_agreements, maintenance_due, maintenance_periods
from services.maintenance import ContractDetail, LineInput
from services.maintenance_agreements import AgreementBasis, AgreementQuery, BatchRequest
from services.maintenance_due import DueQuery, DueTab
from tests.factories.customers import make_customer
from tests.factories.maintenance import code, make_product
from tests.factories.staff import make_staff
from tests.pdf_geometry import placed_text

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2019, 3, 31), 12, D(2020, 3, 31)),
        (D(2020, 1, 31), 1, D(2020, 2, 29)),  # leap February
        (D(2021, 1, 31), 1, D(2021, 2, 28)),
        (D(2020, 2, 29), 12, D(2021, 2, 28)),  # leap day, then a common year
        (D(2019, 2, 28), 12, D(2020, 2, 29)),  # a month end stays a month end
        (D(2020, 2, 29), 1, D(2020, 3, 31)),
        (D(2020, 1, 30), 1, D(2020, 2, 29)),  # clamped
        (D(2020, 2, 28), 1, D(2020, 3, 28)),  # not a month end in a leap year
        (D(2019, 12, 15), 1, D(2020, 1, 15)),  # over the year end
        (D(2019, 11, 30), 3, D(2020, 2, 29)),
    ],
)
def test_add_months_handles_month_ends_and_leap_years(day, months, expected):
    assert maintenance_periods.add_months(day, months) == expected


def test_the_automatic_period_starts_the_day_after_the_previous_end():
    assert maintenance_periods.auto_period(D(2019, 3, 31), 12) == (D(2019, 4, 1), D(2020, 3, 31))
    assert maintenance_periods.auto_period(D(2020, 1, 31), 1) == (D(2020, 2, 1), D(2020, 2, 29))
    assert maintenance_periods.auto_period(D(2019, 12, 31), 1) == (D(2020, 1, 1), D(2020, 1, 31))


# ---------------------------------------------------------------------------------------------
# the due list


async def _due_office(clerk):
    """A hand-built office for the period 2020-02-01 ~ 2020-02-29 (leap February), today 2020-02-29."""
    products = {}
    layout = {
        # name: (free end, paid end, group)
        "A무상2월말": (D(2020, 2, 29), None, "01"),
        "B무상1월말": (D(2020, 1, 31), None, "01"),
        "C유상2월1일": (D(2019, 2, 28), D(2020, 2, 1), "01"),
        "D무상끝유상남음": (D(2020, 2, 15), D(2021, 2, 28), "01"),
        "E유상3월1일": (None, D(2020, 3, 1), "01"),
        "F종료일없음": (None, None, "01"),
        "G다른제품군": (D(2020, 2, 10), None, "02"),
        "H유상먼저무상나중": (D(2020, 2, 10), D(2020, 1, 31), "01"),
        "I윤일유상": (D(2020, 2, 28), D(2020, 2, 29), "01"),
    }
    for name, (free, paid, group) in layout.items():
        customer = await make_customer(name)
        modules = [("C011", 1, 1_000)] if group == "01" else [("T011", 1, 1_000)]
        products[name] = await make_product(
            clerk, customer, group=group, free_end_on=free, paid_end_on=paid, modules=modules
        )
    return products


EXPECTED = {
    DueTab.FREE_AND_RENEWAL: {"A무상2월말", "C유상2월1일", "H유상먼저무상나중", "I윤일유상"},
    DueTab.FREE: {"A무상2월말", "D무상끝유상남음", "H유상먼저무상나중", "I윤일유상"},
    DueTab.RENEWAL: {"C유상2월1일", "I윤일유상"},
    DueTab.ENDED_TODAY: {"B무상1월말", "C유상2월1일", "H유상먼저무상나중"},
    DueTab.NO_END_DATE: {"F종료일없음"},
    DueTab.ALL: {
        "A무상2월말",
        "B무상1월말",
        "C유상2월1일",
        "D무상끝유상남음",
        "E유상3월1일",
        "F종료일없음",
        "H유상먼저무상나중",
        "I윤일유상",
    },
}


async def test_each_due_sub_tab_lists_exactly_the_right_customers(db):
    clerk = await make_staff()
    await _due_office(clerk)
    group = await code(CodeKind.PRODUCT_GROUP, "01")
    query = DueQuery(D(2020, 2, 1), D(2020, 2, 29), product_group_id=group.id)
    for tab, expected in EXPECTED.items():
        page = await maintenance_due.due_list(query, tab=tab, limit=100, today=D(2020, 2, 29))
        assert {r.company_name for r in page.rows} == expected, tab
        assert page.total == len(expected)
        assert page.counts == {t: len(names) for t, names in EXPECTED.items()}


async def test_the_period_filter_does_not_apply_to_ended_today_no_date_and_all(db):
    clerk = await make_staff()
    await _due_office(clerk)
    far_away = DueQuery(D(2030, 1, 1), D(2030, 12, 31))
    page = await maintenance_due.due_list(far_away, tab=DueTab.ENDED_TODAY, limit=100, today=D(2020, 3, 1))
    # today 2020-03-01: everything whose every end date lies before it; G (other group) is in too
    assert {r.company_name for r in page.rows} == {
        "A무상2월말",
        "B무상1월말",
        "C유상2월1일",
        "G다른제품군",
        "H유상먼저무상나중",
        "I윤일유상",
    }
    assert (
        page.counts[DueTab.FREE_AND_RENEWAL] == page.counts[DueTab.FREE] == page.counts[DueTab.RENEWAL] == 0
    )
    assert page.counts[DueTab.NO_END_DATE] == 1
    assert page.counts[DueTab.ALL] == 9


async def test_single_day_period_at_a_month_end_includes_both_bounds(db):
    clerk = await make_staff()
    await _due_office(clerk)
    page = await maintenance_due.due_list(
        DueQuery(D(2020, 2, 29), D(2020, 2, 29)), tab=DueTab.FREE, today=D(2020, 1, 1)
    )
    assert {r.company_name for r in page.rows} == {"A무상2월말"}
    page = await maintenance_due.due_list(
        DueQuery(D(2020, 2, 1), D(2020, 2, 1)), tab=DueTab.RENEWAL, today=D(2020, 1, 1)
    )
    assert {r.company_name for r in page.rows} == {"C유상2월1일"}


async def test_due_list_filters_by_customer_name_sorts_pages_and_shows_the_amount(db):
    clerk = await make_staff()
    await _due_office(clerk)
    query = DueQuery(D(2020, 2, 1), D(2020, 2, 29), customer_query="유상")
    page = await maintenance_due.due_list(
        query, tab=DueTab.ALL, sort_by="company_name", limit=2, today=D(2020, 2, 29)
    )
    assert page.total == 5  # C, D, E, H and I윤일유상
    assert [r.company_name for r in page.rows] == ["C유상2월1일", "D무상끝유상남음"]
    second = await maintenance_due.due_list(
        query, tab=DueTab.ALL, sort_by="company_name", offset=2, limit=2, today=D(2020, 2, 29)
    )
    assert [r.company_name for r in second.rows] == ["E유상3월1일", "H유상먼저무상나중"]
    assert all(r.amount == 1_000 and r.product_group_name == "뉴젠ERP" for r in page.rows)
    descending = await maintenance_due.due_list(
        query, tab=DueTab.ALL, sort_by="paid_end_on", descending=True, limit=1
    )
    assert descending.rows[0].company_name == "D무상끝유상남음"


# ---------------------------------------------------------------------------------------------
# batch creation (TOSP작성)


async def _yearly():
    return await code(CodeKind.PAYMENT_FORM, "Y")


async def test_batch_creates_one_before_sending_contract_per_customer_and_refuses_a_second_run(db):
    clerk = await make_staff()
    jaegeun = await make_customer("재근상사")
    mode = await make_customer("모드시스템")
    first = await make_product(
        clerk, jaegeun, free_end_on=D(2019, 3, 31), modules=[("C011", 20, 5_000_000)], key_locks=["NZ090101"]
    )
    second = await make_product(
        clerk,
        mode,
        free_end_on=D(2017, 1, 11),
        paid_end_on=D(2019, 2, 28),
        modules=[("C011", 3, 150_000), ("C013", 1, 50_000)],
    )
    giro = await code(CodeKind.PAYMENT_METHOD, "01")
    request = BatchRequest(
        product_ids=[first.id, second.id],
        payment_form_id=(await _yearly()).id,
        payment_method_id=giro.id,
        retroactive_fee=10_000,
    )
    result = await maintenance_agreements.create_agreements(request, by=clerk, today=D(2019, 3, 15))
    assert [c.company_name for c in result.created] == ["재근상사", "모드시스템"]
    assert result.skipped == []

    jaegeun_contract = await MaintenanceContract.get(customer_id=jaegeun.id)
    assert jaegeun_contract.state == ContractState.BEFORE_SENDING
    assert (jaegeun_contract.start_on, jaegeun_contract.end_on) == (D(2019, 4, 1), D(2020, 3, 31))
    assert jaegeun_contract.contract_date == D(2019, 3, 31)  # the day it fell due
    assert jaegeun_contract.contract_type == ContractType.NEW  # never paid before
    assert jaegeun_contract.settlement_month == "2019-04"
    assert jaegeun_contract.total_amount == 5_010_000
    assert jaegeun_contract.payment_method_id == giro.id
    [line] = await MaintenanceLine.filter(contract_id=jaegeun_contract.id)
    assert (line.user_count, line.amount, line.key_lock_number) == (20, 5_000_000, "NZ090101")

    mode_contract = await MaintenanceContract.get(customer_id=mode.id)
    assert (mode_contract.start_on, mode_contract.end_on) == (D(2019, 3, 1), D(2020, 2, 29))  # leap year end
    assert mode_contract.contract_type == ContractType.RENEWAL
    assert mode_contract.total_amount == 210_000
    assert await MaintenanceLine.filter(contract_id=mode_contract.id).count() == 2
    # the product's dates are untouched until the agreement comes back signed (계약)
    assert (await CustomerProduct.get(id=first.id)).paid_end_on is None

    again = await maintenance_agreements.create_agreements(request, by=clerk, today=D(2019, 3, 16))
    assert again.created == []
    assert {s.company_name for s in again.skipped} == {"재근상사", "모드시스템"}
    assert all("이미 작성된" in s.reason for s in again.skipped)
    assert await MaintenanceContract.all().count() == 2


async def test_batch_rows_are_marked_as_written_in_the_due_list(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, free_end_on=D(2019, 3, 31), modules=[("C011", 1, 100)])
    query = DueQuery(D(2019, 1, 1), D(2019, 12, 31))
    [row] = (await maintenance_due.due_list(query, today=D(2019, 4, 2))).rows
    assert not row.written
    await maintenance_agreements.create_agreements(BatchRequest([product.id], (await _yearly()).id), by=clerk)
    [row] = (await maintenance_due.due_list(query, today=D(2019, 4, 2))).rows
    assert row.written


async def test_monthly_batch_with_a_month_end_and_a_typed_period(db):
    clerk = await make_staff()
    monthly = await code(CodeKind.PAYMENT_FORM, "M")
    a = await make_product(
        clerk, await make_customer("월납상사"), free_end_on=D(2020, 1, 31), modules=[("C011", 1, 30_000)]
    )
    result = await maintenance_agreements.create_agreements(BatchRequest([a.id], monthly.id), by=clerk)
    assert (result.created[0].start_on, result.created[0].end_on) == (D(2020, 2, 1), D(2020, 2, 29))

    b = await make_product(clerk, await make_customer("직접지정상사"), modules=[("C011", 1, 30_000)])
    typed = BatchRequest(
        [b.id],
        monthly.id,
        start_on=D(2020, 3, 1),
        end_on=D(2020, 12, 31),
        contract_type=ContractType.RENEWAL,
        contract_date=D(2020, 2, 20),
        settlement_month="2020-03",
    )
    result = await maintenance_agreements.create_agreements(typed, by=clerk)
    contract = await MaintenanceContract.get(id=result.created[0].contract_id)
    assert (contract.start_on, contract.end_on, contract.contract_type) == (
        D(2020, 3, 1),
        D(2020, 12, 31),
        ContractType.RENEWAL,
    )
    assert (contract.contract_date, contract.settlement_month) == (D(2020, 2, 20), "2020-03")

    c = await make_product(clerk, await make_customer("종료일없는상사"))
    result = await maintenance_agreements.create_agreements(BatchRequest([c.id], monthly.id), by=clerk)
    assert result.created == [] and "종료일이 없어" in result.skipped[0].reason


async def test_batch_input_is_checked_before_anything_is_written(db):
    clerk = await make_staff()
    product = await make_product(clerk, await make_customer("재근상사"), free_end_on=D(2019, 3, 31))
    with pytest.raises(ValidationError) as error:
        await maintenance_agreements.create_agreements(
            BatchRequest(
                [product.id], None, start_on=D(2020, 1, 1), end_on=D(2019, 1, 1), retroactive_fee=-1
            ),
            by=clerk,
        )
    assert set(error.value.fields) == {"payment_form", "end_on", "retroactive_fee"}
    assert await MaintenanceContract.all().count() == 0


async def test_a_failing_batch_writes_nothing(db, monkeypatch):
    clerk = await make_staff()
    one = await make_product(
        clerk, await make_customer("일번상사"), free_end_on=D(2019, 3, 31), modules=[("C011", 1, 1)]
    )
    two = await make_product(
        clerk, await make_customer("이번상사"), free_end_on=D(2019, 3, 31), modules=[("C011", 1, 1)]
    )
    real = m.lines_from_product
    calls = []

    async def failing_on_second(product_id):
        calls.append(product_id)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return await real(product_id)

    monkeypatch.setattr(maintenance_agreements, "lines_from_product", failing_on_second)
    with pytest.raises(RuntimeError):
        await maintenance_agreements.create_agreements(
            BatchRequest([one.id, two.id], (await _yearly()).id), by=clerk
        )
    assert await MaintenanceContract.all().count() == 0
    assert await MaintenanceLine.all().count() == 0


# ---------------------------------------------------------------------------------------------
# contracts and the state rule


async def _contract(
    clerk,
    customer,
    product,
    *,
    start=D(2019, 4, 1),
    end=D(2020, 3, 31),
    state=ContractState.BEFORE_SENDING,
    lines=None,
    fee=0,
):
    detail = ContractDetail(
        customer_id=customer.id,
        product_id=product.id,
        state=state,
        contract_date=start,
        start_on=start,
        end_on=end,
        retroactive_fee=fee,
        lines=lines if lines is not None else [LineInput(amount=1_000)],
    )
    return await m.save_contract(detail, by=clerk)


async def test_the_total_is_the_lines_plus_the_retroactive_fee(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, key_locks=["NZ090101"])
    basic = await code(CodeKind.PRODUCT_MODULE, "C011")
    contract = await _contract(
        clerk,
        customer,
        product,
        fee=300_000,
        lines=[
            LineInput(
                module_id=basic.id, user_count=20, amount=5_000_000, pc_count=1, key_lock_number="NZ090101"
            ),
            LineInput(amount=700_000, note="추가 교육"),
        ],
    )
    assert contract.total_amount == 6_000_000
    detail = await m.get_contract(contract.id)
    assert detail.total_amount == 6_000_000
    detail.lines = detail.lines[:1]
    detail.retroactive_fee = 0
    await m.save_contract(detail, by=clerk)
    assert (await MaintenanceContract.get(id=contract.id)).total_amount == 5_000_000
    assert await MaintenanceLine.filter(contract_id=contract.id).count() == 1


async def test_a_contract_needs_a_product_registered_in_the_products_tab(db):
    clerk = await make_staff()
    customer = await make_customer("제품없는상사")
    with pytest.raises(ValidationError) as error:
        await m.save_contract(
            ContractDetail(customer_id=customer.id, start_on=D(2020, 1, 1), end_on=D(2020, 12, 31)), by=clerk
        )
    assert "제품관리 탭에 제품을 먼저 등록" in error.value.fields["product"]
    other = await make_product(clerk, await make_customer("남의상사"))
    await make_product(clerk, customer)
    with pytest.raises(ValidationError, match="이 고객의 제품관리에 등록된 제품"):
        await m.save_contract(
            ContractDetail(
                customer_id=customer.id, product_id=other.id, start_on=D(2020, 1, 1), end_on=D(2020, 12, 31)
            ),
            by=clerk,
        )


async def test_every_problem_of_a_contract_is_reported_at_once(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, key_locks=["MINE1"])
    tax = await code(CodeKind.PRODUCT_MODULE, "T011")
    detail = ContractDetail(
        customer_id=customer.id,
        product_id=product.id,
        start_on=D(2020, 4, 1),
        end_on=D(2020, 3, 31),
        settlement_month="2020/04",
        retroactive_fee=m.MAX_AMOUNT + 1,
        note="가" * (m.NOTE_MAX + 1),
        lines=[
            LineInput(module_id=tax.id, amount=1),
            LineInput(amount=1, key_lock_number="THEIRS"),
            LineInput(amount=m.MAX_AMOUNT + 1, note="너무 큼"),
        ],
    )
    with pytest.raises(ValidationError) as refused:
        await m.save_contract(detail, by=clerk)
    fields = refused.value.fields
    assert set(fields) == {"end_on", "settlement_month", "retroactive_fee", "note", "lines"}
    assert "종료일은 시작일과 같거나 뒤" in fields["end_on"]
    assert "1,000억" in fields["retroactive_fee"] or "100,000,000,000" in fields["retroactive_fee"]
    for row in ("1행: 이 제품군의 모듈", "2행: 키락번호 'THEIRS'", "3행: 모듈은 목록에서 고르고"):
        assert row in fields["lines"], row
    assert not await MaintenanceContract.exists()

    # the editor's question when it cannot read a date: the same list, nothing saved
    detail.start_on = None
    problems = await m.contract_problems(detail)
    assert set(problems) == {"start_on", "settlement_month", "retroactive_fee", "note", "lines"}
    assert detail.retroactive_fee == m.MAX_AMOUNT + 1  # what was typed is not changed by asking
    assert (
        await m.contract_problems(
            ContractDetail(
                customer_id=customer.id, product_id=product.id, start_on=D(2020, 4, 1), end_on=D(2021, 3, 31)
            )
        )
        == {}
    )


async def test_lines_use_the_customers_key_locks_and_the_products_modules(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, key_locks=["MINE1"])
    await make_product(clerk, await make_customer("남의상사"), key_locks=["THEIRS"])
    with pytest.raises(ValidationError, match="THEIRS"):
        await _contract(clerk, customer, product, lines=[LineInput(amount=1, key_lock_number="THEIRS")])
    tax = await code(CodeKind.PRODUCT_MODULE, "T011")
    with pytest.raises(ValidationError, match="모듈"):
        await _contract(clerk, customer, product, lines=[LineInput(module_id=tax.id, amount=1)])


async def test_contract_to_signed_sets_the_paid_end_and_reverting_restores_it(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, free_end_on=D(2019, 3, 31), paid_end_on=D(2019, 3, 31))
    contract = await _contract(clerk, customer, product)
    await m.change_contract_state(
        contract.id, by=clerk, state=ContractState.CONTRACTED, version=contract.version
    )
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2020, 3, 31)
    signed = await MaintenanceContract.get(id=contract.id)
    assert signed.state == ContractState.CONTRACTED and signed.previous_paid_end_on == D(2019, 3, 31)
    rows, counts = await m.customer_contracts(customer.id, ContractState.CONTRACTED)
    assert [r.id for r in rows] == [contract.id]
    assert counts[ContractState.CONTRACTED] == 1 and counts[ContractState.BEFORE_SENDING] == 0

    await m.change_contract_state(contract.id, by=clerk, state=ContractState.ON_HOLD, version=signed.version)
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2019, 3, 31)
    held = await MaintenanceContract.get(id=contract.id)
    assert held.previous_paid_end_on is None
    trail = await AuditEntry.filter(
        table_name="maintenance_contract", record_id=contract.id, action="update"
    ).order_by("id")
    assert [t.changes["state"] for t in trail if "state" in t.changes] == [
        ["발송전", "계약"],
        ["계약", "보류"],
    ]
    assert all(t.actor_id == clerk.id for t in trail)

    await m.change_contract_state(contract.id, by=clerk, state=ContractState.CONTRACTED, version=held.version)
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2020, 3, 31)


async def test_a_state_change_reports_how_the_paid_end_date_moved(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, paid_end_on=D(2025, 3, 31))
    contract = await _contract(clerk, customer, product, start=D(2025, 4, 1), end=D(2026, 3, 31))
    signed = await m.change_contract_state(contract.id, by=clerk, state=ContractState.CONTRACTED)
    assert signed.paid_end == [m.PaidEndMove(contract.id, product.id, D(2025, 3, 31), D(2026, 3, 31))]
    back = await m.change_contract_state(contract.id, by=clerk, state=ContractState.BEFORE_SENDING)
    assert back.contract.state == ContractState.BEFORE_SENDING
    assert back.paid_end == [m.PaidEndMove(contract.id, product.id, D(2026, 3, 31), D(2025, 3, 31))]
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2025, 3, 31)
    held = await m.change_contract_state(contract.id, by=clerk, state=ContractState.ON_HOLD)
    assert held.paid_end == []  # 발송전 → 보류 never touches the product

    # a later contract holds the paid end date: leaving 계약 moves nothing, and says nothing moved
    older = await _contract(
        clerk, customer, product, start=D(2026, 4, 1), end=D(2027, 3, 31), state=ContractState.CONTRACTED
    )
    newer = await _contract(
        clerk, customer, product, start=D(2027, 4, 1), end=D(2028, 3, 31), state=ContractState.CONTRACTED
    )
    assert (
        await m.change_contract_state(older.id, by=clerk, state=ContractState.BEFORE_SENDING)
    ).paid_end == []
    # the editor's save reports the same way
    moves: list = []
    detail = await m.get_contract(newer.id)
    detail.state = ContractState.BEFORE_SENDING
    await m.save_contract(detail, by=clerk, paid_end=moves)
    assert moves == [m.PaidEndMove(newer.id, product.id, D(2028, 3, 31), D(2027, 3, 31))]


async def test_a_stale_state_change_leaves_product_and_contract_unchanged(db):
    first_user = await make_staff(name="김먼저")
    second_user = await make_staff(name="이나중")
    customer = await make_customer("재근상사")
    product = await make_product(first_user, customer, paid_end_on=D(2019, 3, 31))
    contract = await _contract(first_user, customer, product)
    opened_version = contract.version
    await m.change_contract_state(
        contract.id, by=first_user, state=ContractState.ON_HOLD, version=opened_version
    )
    with pytest.raises(StaleRecordError, match="김먼저"):
        await m.change_contract_state(
            contract.id, by=second_user, state=ContractState.CONTRACTED, version=opened_version
        )
    # the product was updated first inside the transaction; the refusal rolled that back
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2019, 3, 31)
    assert (await MaintenanceContract.get(id=contract.id)).state == ContractState.ON_HOLD
    assert not await AuditEntry.filter(table_name="customer_product", actor_id=second_user.id).exists()


async def test_a_forced_error_after_the_product_update_rolls_everything_back(db, monkeypatch):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, paid_end_on=D(2019, 3, 31))
    contract = await _contract(clerk, customer, product)
    real_rule = m._apply_state_rule

    async def rule_then_crash(contract, before):
        await real_rule(contract, before)
        raise RuntimeError("power cut")

    monkeypatch.setattr(m, "_apply_state_rule", rule_then_crash)
    with pytest.raises(RuntimeError):
        await m.change_contract_state(contract.id, by=clerk, state=ContractState.CONTRACTED)
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2019, 3, 31)
    assert (await MaintenanceContract.get(id=contract.id)).state == ContractState.BEFORE_SENDING


async def test_reverting_an_older_contract_does_not_undo_a_later_one(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, paid_end_on=D(2019, 3, 31))
    older = await _contract(clerk, customer, product, state=ContractState.CONTRACTED)
    newer = await _contract(
        clerk, customer, product, start=D(2020, 4, 1), end=D(2021, 3, 31), state=ContractState.CONTRACTED
    )
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2021, 3, 31)
    await m.change_contract_state(older.id, by=clerk, state=ContractState.ON_HOLD)
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2021, 3, 31)
    await m.change_contract_state(newer.id, by=clerk, state=ContractState.ON_HOLD)
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2020, 3, 31)


async def test_editing_a_signed_contracts_end_moves_the_paid_end(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, paid_end_on=D(2019, 3, 31))
    contract = await _contract(clerk, customer, product, state=ContractState.CONTRACTED)
    detail = await m.get_contract(contract.id)
    detail.end_on = D(2020, 6, 30)
    await m.save_contract(detail, by=clerk)
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2020, 6, 30)
    assert (await MaintenanceContract.get(id=contract.id)).previous_paid_end_on == D(2019, 3, 31)


async def test_overlapping_contracts_for_one_product_are_refused(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer)
    await _contract(clerk, customer, product)
    with pytest.raises(ValidationError, match="겹치는"):
        await _contract(clerk, customer, product, start=D(2020, 3, 31), end=D(2021, 3, 30))


async def test_deleting_a_contract_removes_its_lines_and_restores_the_paid_end(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사")
    product = await make_product(clerk, customer, paid_end_on=D(2019, 3, 31))
    contract = await _contract(
        clerk,
        customer,
        product,
        state=ContractState.CONTRACTED,
        lines=[LineInput(amount=1), LineInput(amount=2)],
    )
    with pytest.raises(StaleRecordError):
        await m.delete_contract(contract.id, by=clerk, version=contract.version - 1)
    assert await MaintenanceLine.filter(contract_id=contract.id).count() == 2
    await m.delete_contract(contract.id, by=clerk, version=contract.version)
    assert not await MaintenanceContract.filter(id=contract.id).exists()
    assert await MaintenanceLine.filter(contract_id=contract.id).count() == 0
    assert await MaintenanceLine.all().count() == 0
    assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2019, 3, 31)
    deleted = await AuditEntry.filter(action="delete").values_list("table_name", flat=True)
    assert sorted(deleted) == ["maintenance_contract", "maintenance_line", "maintenance_line"]


async def test_several_selected_contracts_change_state_together(db):
    clerk = await make_staff()
    products = []
    for name in ("일번상사", "이번상사"):
        customer = await make_customer(name)
        product = await make_product(clerk, customer, paid_end_on=D(2019, 3, 31))
        products.append((await _contract(clerk, customer, product), product))
    changed = await m.change_contract_states(
        [c.id for c, _ in products], by=clerk, state=ContractState.CONTRACTED
    )
    assert changed.changed == 2
    assert [(m.before, m.after) for m in changed.paid_end] == [(D(2019, 3, 31), D(2020, 3, 31))] * 2
    for _, product in products:
        assert (await CustomerProduct.get(id=product.id)).paid_end_on == D(2020, 3, 31)


# ---------------------------------------------------------------------------------------------
# 유지보수동의서작성 and the agreement document


async def test_agreement_list_by_contract_date_or_settlement_month_with_state_counts(db):
    clerk = await make_staff()
    products = []
    for name, free in (("가상사", D(2019, 3, 31)), ("나상사", D(2019, 5, 31)), ("다상사", D(2018, 12, 31))):
        products.append(
            await make_product(clerk, await make_customer(name), free_end_on=free, modules=[("C011", 1, 100)])
        )
    result = await maintenance_agreements.create_agreements(
        BatchRequest([p.id for p in products], (await _yearly()).id), by=clerk
    )
    await m.change_contract_state(result.created[1].contract_id, by=clerk, state=ContractState.CONTRACTED)

    in_2019 = AgreementQuery(D(2019, 1, 1), D(2019, 12, 31))
    page = await maintenance_agreements.agreement_list(in_2019, state=ContractState.BEFORE_SENDING)
    assert [r.company_name for r in page.rows] == ["가상사"]
    assert page.counts == {
        ContractState.BEFORE_SENDING: 1,
        ContractState.CONTRACTED: 1,
        ContractState.ON_HOLD: 0,
        None: 2,
    }
    everything = await maintenance_agreements.agreement_list(in_2019, state=None)
    assert [r.company_name for r in everything.rows] == ["가상사", "나상사"]

    by_month = AgreementQuery(D(2019, 1, 1), D(2019, 1, 31), basis=AgreementBasis.SETTLEMENT_MONTH)
    page = await maintenance_agreements.agreement_list(by_month, state=None)
    assert [(r.company_name, r.settlement_month) for r in page.rows] == [("다상사", "2019-01")]


async def test_the_agreement_pdf_names_the_customer_lines_totals_and_our_company(db):
    clerk = await make_staff()
    customer = await make_customer("재근상사<script>", representative="김대표", business_number="1112233332")
    product = await make_product(
        clerk, customer, free_end_on=D(2019, 3, 31), modules=[("C011", 20, 5_000_000)], key_locks=["NZ090101"]
    )
    result = await maintenance_agreements.create_agreements(
        BatchRequest([product.id], (await _yearly()).id), by=clerk
    )
    with acting_as(clerk):
        await AppSetting.create(key="company", value={"name": "뉴젠솔루션", "representative": "홍대표"})
    pdf = await maintenance_agreements.agreement_pdf([result.created[0].contract_id])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "유지보수 동의서",
        "재근상사<script>",
        "김대표",
        "기본형",
        "NZ090101",
        "5,000,000",
        "뉴젠솔루션",
        "오백만",
    ):
        assert expected in text, expected
    assert "2019-04-01 ~ 2020-03-31" in text


async def test_a_batch_of_agreements_gives_one_page_set_per_contract(db):
    clerk = await make_staff()
    ids = []
    for name in ("일번상사", "이번상사"):
        product = await make_product(
            clerk, await make_customer(name), free_end_on=D(2019, 3, 31), modules=[("C011", 1, 100)]
        )
        ids.append(product.id)
    result = await maintenance_agreements.create_agreements(BatchRequest(ids, (await _yearly()).id), by=clerk)
    pdf = await maintenance_agreements.agreement_pdf([c.contract_id for c in result.created])
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2
    assert "일번상사" in pages[0] and "이번상사" not in pages[0]
    assert any("이번상사" in text for text in pages[1:])
    assert "(회사정보 미등록)" in pages[0]  # no company settings yet: an honest placeholder


async def test_a_customer_with_two_products_gets_one_agreement_per_product(db):
    """A contract covers one product sold (its product group, its period from that product's own
    end date, its modules as lines), and signing it moves that product's 유상종료일 only — as in
    the manual, where the contract header picks one 제품군 and 계약 sets "the" product's 유상종료일."""
    clerk = await make_staff()
    jaegeun = await make_customer("재근상사")
    erp = await make_product(
        clerk, jaegeun, group="01", free_end_on=D(2019, 3, 31), modules=[("C011", 20, 5_000_000)]
    )
    tax = await make_product(
        clerk, jaegeun, group="02", paid_end_on=D(2019, 6, 30), modules=[("T011", 2, 300_000)]
    )
    due = await maintenance_due.due_list(
        DueQuery(D(2019, 1, 1), D(2019, 12, 31)), tab=DueTab.FREE_AND_RENEWAL, today=D(2019, 3, 1)
    )
    assert sorted(row.product_id for row in due.rows) == sorted([erp.id, tax.id])  # a row per product

    result = await maintenance_agreements.create_agreements(
        BatchRequest([erp.id, tax.id], (await _yearly()).id), by=clerk
    )
    assert [c.company_name for c in result.created] == ["재근상사", "재근상사"]
    contracts = await MaintenanceContract.filter(customer_id=jaegeun.id).order_by("start_on")
    groups = [(await code(CodeKind.PRODUCT_GROUP, g)).id for g in ("01", "02")]
    assert [c.product_group_id for c in contracts] == groups
    assert [(c.start_on, c.end_on) for c in contracts] == [
        (D(2019, 4, 1), D(2020, 3, 31)),
        (D(2019, 7, 1), D(2020, 6, 30)),
    ]
    assert [c.total_amount for c in contracts] == [5_000_000, 300_000]

    await m.change_contract_state(contracts[1].id, by=clerk, state=ContractState.CONTRACTED)
    assert (await CustomerProduct.get(id=tax.id)).paid_end_on == D(2020, 6, 30)
    assert (await CustomerProduct.get(id=erp.id)).paid_end_on is None


async def test_the_agreements_party_cells_never_clip_a_long_phone_fax_or_business_number():
    """사업자번호, 전화 and 팩스 with an extension: every value stays inside the page and no value
    runs over its neighbour on the same line."""
    long_phone = "031-1234-5678 (내선 123)"
    document = AgreementDocument(
        1,
        "(주)재근상사 서울지점 영업본부",
        "140213-001",
        "김대표이사",
        "1112233332",
        "서울특별시 구로구 디지털로 33길 11 에이스테크노타워 8차 1001호",
        long_phone,
        "ERP",
        "L-1",
        "연간",
        D(2019, 3, 1),
        D(2019, 4, 1),
        D(2020, 3, 31),
        "계좌이체",
        "일시납",
        "2019-04",
        0,
        5_000_000,
        "홍길동",
        "",
        [AgreementLine("ERP영업관리", "C011", 20, 5_000_000, "", 3, "NZ090101")],
    )
    company = {
        "name": "뉴젠솔루션 주식회사",
        "representative": "홍대표",
        "business_number": "1234567891",
        "phone": long_phone,
        "fax": "031-1234-5679 (내선 124)",
    }
    pdf = await render_pdf_async(agreement_html([document], company, printed_on=D(2019, 3, 28)))
    width, pieces = placed_text(pdf)
    text = "".join(piece.text for piece in pieces)
    for value in ("111-22-33332", "123-45-67891", long_phone, "031-1234-5679 (내선 124)"):
        assert value in text, value
    right_margin = width - 1.3 / 2.54 * 72
    for piece in pieces:
        assert piece.right <= right_margin + 1, piece
    top = next(piece.baseline for piece in pieces if piece.text == "고객")
    bottom = next(piece.baseline for piece in pieces if piece.text == "계약 내용")
    party_cells = [piece for piece in pieces if bottom < piece.baseline <= top]
    assert len(party_cells) == 2 + 6 * 4
    for one, other in itertools.combinations(party_cells, 2):
        if abs(one.baseline - other.baseline) < 1:
            assert one.right <= other.left + 1 or other.right <= one.left + 1, (one, other)
