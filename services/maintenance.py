"""유지보수: maintenance contracts (TOSP), the contract state rule, the due list of the
유지보수관리 menu, batch agreement creation (TOSP작성) and the agreement document (유지보수동의서).

Products sold (제품관리) live in services.products; a contract always covers one of them."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field, replace

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.errors import NotFound, ValidationError
from core.inputs import (
    WRONG_CHOICE,
    refuse,
    whole_number,
    wrong_choices,
    wrong_dates,
    wrong_ids,
    wrong_numbers,
    wrong_texts,
)
from core.korean import josa
from html_forms.maintenance import AgreementDocument, AgreementLine
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.maintenance import ContractState, ContractType, MaintenanceContract, MaintenanceLine
from models.product import CustomerProduct, KeyLock, ProductModule
from models.staff import Staff
from services import company
from services.codes import PAYMENT_FORM_MONTHS
from services.submissions import already_made, create_once


@dataclass(frozen=True)
class MaintenanceSummary:
    """One line for the call popup and the customer header: is this customer under maintenance?"""

    state: str  # 유상, 무상, 만료, 없음
    label: str
    ends_on: dt.date | None = None


async def maintenance_summary(customer_id: int, today: dt.date | None = None) -> MaintenanceSummary:
    today = today or dt.date.today()
    products = await CustomerProduct.filter(customer_id=customer_id).values("paid_end_on", "free_end_on")
    if not products:
        return MaintenanceSummary("없음", "등록된 제품 없음")
    paid = max((p["paid_end_on"] for p in products if p["paid_end_on"]), default=None)
    free = max((p["free_end_on"] for p in products if p["free_end_on"]), default=None)
    pending = await MaintenanceContract.filter(
        customer_id=customer_id, state=ContractState.BEFORE_SENDING
    ).exists()
    suffix = " · 동의서 발송전" if pending else ""
    if paid and paid >= today:
        return MaintenanceSummary("유상", f"유상 유지보수 중 (~{paid:%Y-%m-%d}){suffix}", paid)
    if free and free >= today:
        return MaintenanceSummary("무상", f"무상 유지보수 중 (~{free:%Y-%m-%d}){suffix}", free)
    ended = max((d for d in (paid, free) if d), default=None)
    if ended:
        return MaintenanceSummary("만료", f"유지보수 만료 ({ended:%Y-%m-%d}){suffix}", ended)
    return MaintenanceSummary("없음", f"유지보수 종료일 없음{suffix}")


# ---------------------------------------------------------------------------------------------
# Periods


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months. A month-end stays a month-end (2019-02-28 + 12 → 2020-02-29,
    2020-01-31 + 1 → 2020-02-29, 2020-02-29 + 1 → 2020-03-31); other days are clamped to the
    target month's length (2020-01-30 + 1 → 2020-02-29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return dt.date(year, month, last)
    return dt.date(year, month, min(day.day, last))


def auto_period(previous_end: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """자동지정: the next period starts the day after the previous end and runs `months` months
    (12 for 년납, 1 for 월납): previous end 2019-03-31, 년납 → 2019-04-01 ~ 2020-03-31."""
    return previous_end + dt.timedelta(days=1), add_months(previous_end, months)


def maintenance_end(free_end_on: dt.date | None, paid_end_on: dt.date | None) -> dt.date | None:
    """When the product's maintenance (free or paid, whichever lasts longer) ends."""
    return max((d for d in (free_end_on, paid_end_on) if d), default=None)


def contract_total(line_amounts: Iterable[int | None], retroactive_fee: int | None) -> int:
    """유지보수금액 of a contract: the lines plus the retroactive fee (소급비). The only place it is
    computed; the editor shows the same function's result, nobody types it."""
    return sum(int(a or 0) for a in line_amounts) + int(retroactive_fee or 0)


async def payment_form_months(payment_form_id: int | None) -> int | None:
    if not payment_form_id:
        return None
    form = await CodeEntry.get_or_none(id=payment_form_id, kind=CodeKind.PAYMENT_FORM)
    return PAYMENT_FORM_MONTHS.get(form.code) if form else None


async def _names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(await CodeEntry.filter(id__in=wanted).values_list("id", "name"))


async def _staff_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(await Staff.filter(id__in=wanted).values_list("id", "name"))


# ---------------------------------------------------------------------------------------------
# Contracts of one customer (고객정보 → 유지보수관리 tab)


@dataclass(frozen=True)
class LineInput:
    """One contract line: module, users, amount, note, PC count, key lock."""

    module_id: int | None = None
    user_count: int = 0
    amount: int = 0
    note: str = ""
    pc_count: int = 0
    key_lock_number: str = ""


@dataclass(frozen=True)
class ContractRow:
    id: int
    version: int
    customer_id: int
    product_id: int
    product_group_name: str
    state: ContractState
    contract_date: dt.date | None
    start_on: dt.date | None
    end_on: dt.date | None
    contract_type: ContractType
    payment_method_name: str
    payment_form_name: str
    settlement_month: str
    retroactive_fee: int
    total_amount: int
    sales_staff_name: str


@dataclass
class ContractDetail:
    """A contract as the editor opens it (or a new one, id None, with defaults filled in)."""

    customer_id: int
    product_id: int | None = None
    id: int | None = None
    version: int | None = None
    state: ContractState = ContractState.BEFORE_SENDING
    contract_date: dt.date | None = None
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    contract_type: ContractType = ContractType.NEW
    payment_method_id: int | None = None
    payment_form_id: int | None = None
    settlement_month: str = ""
    retroactive_fee: int = 0
    sales_staff_id: int | None = None
    note: str = ""
    lines: list[LineInput] = field(default_factory=list)

    @property
    def total_amount(self) -> int:
        return contract_total((line.amount for line in self.lines), self.retroactive_fee)


async def customer_contracts(
    customer_id: int, state: ContractState | None = None
) -> tuple[list[ContractRow], dict[ContractState | None, int]]:
    """The customer's contracts in one sub-tab (None: 전체), newest first, and every sub-tab's count."""
    query = MaintenanceContract.filter(customer_id=customer_id)
    grouped = await query.annotate(n=Count("id")).group_by("state").values_list("state", "n")
    counts: dict[ContractState | None, int] = {s: 0 for s in ContractState}
    for value, n in grouped:
        counts[ContractState(value)] = n
    counts[None] = sum(counts.values())
    if state is not None:
        query = query.filter(state=state)
    contracts = await query.order_by("-start_on", "-id")
    codes = await _names(
        i for c in contracts for i in (c.product_group_id, c.payment_method_id, c.payment_form_id)
    )
    staff = await _staff_names(c.sales_staff_id for c in contracts)
    rows = [
        ContractRow(
            id=c.id,
            version=c.version,
            customer_id=c.customer_id,
            product_id=c.product_id,
            product_group_name=codes.get(c.product_group_id or 0, ""),
            state=c.state,
            contract_date=c.contract_date,
            start_on=c.start_on,
            end_on=c.end_on,
            contract_type=c.contract_type,
            payment_method_name=codes.get(c.payment_method_id or 0, ""),
            payment_form_name=codes.get(c.payment_form_id or 0, ""),
            settlement_month=c.settlement_month,
            retroactive_fee=c.retroactive_fee,
            total_amount=c.total_amount,
            sales_staff_name=staff.get(c.sales_staff_id or 0, ""),
        )
        for c in contracts
    ]
    return rows, counts


async def get_contract(contract_id: int) -> ContractDetail:
    contract = await MaintenanceContract.fetch(contract_id, "유지보수 계약")
    lines = await MaintenanceLine.filter(contract_id=contract_id).order_by("seq", "id")
    return ContractDetail(
        id=contract.id,
        version=contract.version,
        customer_id=contract.customer_id,
        product_id=contract.product_id,
        state=contract.state,
        contract_date=contract.contract_date,
        start_on=contract.start_on,
        end_on=contract.end_on,
        contract_type=contract.contract_type,
        payment_method_id=contract.payment_method_id,
        payment_form_id=contract.payment_form_id,
        settlement_month=contract.settlement_month,
        retroactive_fee=contract.retroactive_fee,
        sales_staff_id=contract.sales_staff_id,
        note=contract.note,
        lines=[
            LineInput(
                module_id=line.module_id,
                user_count=line.user_count,
                amount=line.amount,
                note=line.note,
                pc_count=line.pc_count,
                key_lock_number=line.key_lock_number,
            )
            for line in lines
        ],
    )


async def lines_from_product(product_id: int) -> list[LineInput]:
    """Lines for a new agreement: one per module of the product with its users and amount. PC
    count and key lock come from the same module's line in the product's latest contract, else
    the product's first key lock."""
    modules = await ProductModule.filter(product_id=product_id).order_by("id")
    first_lock = await KeyLock.filter(product_id=product_id).order_by("id").first()
    latest = await MaintenanceContract.filter(product_id=product_id).order_by("-end_on", "-id").first()
    previous: dict[int | None, MaintenanceLine] = {}
    if latest is not None:
        for line in await MaintenanceLine.filter(contract_id=latest.id).order_by("seq"):
            previous.setdefault(line.module_id, line)
    lines = []
    for module in modules:
        before = previous.get(module.module_id)
        lines.append(
            LineInput(
                module_id=module.module_id,
                user_count=module.user_count,
                amount=module.amount,
                pc_count=before.pc_count if before else 0,
                key_lock_number=before.key_lock_number
                if before
                else (first_lock.number if first_lock else ""),
            )
        )
    return lines


async def new_contract(customer_id: int, product_id: int | None = None) -> ContractDetail:
    """Defaults for 추가 in the customer tab: the product's modules as lines, 년납, the period
    following the product's current end date, the customer's staff as sales staff."""
    customer = await Customer.fetch(customer_id, "고객")
    if product_id is None:
        first = await CustomerProduct.filter(customer_id=customer_id).order_by("id").first()
        product_id = first.id if first else None
    detail = ContractDetail(customer_id=customer_id, product_id=product_id, sales_staff_id=customer.staff_id)
    detail.contract_date = dt.date.today()
    yearly = await CodeEntry.get_or_none(kind=CodeKind.PAYMENT_FORM, code="Y")
    detail.payment_form_id = yearly.id if yearly else None
    if product_id is None:
        return detail
    product = await CustomerProduct.get_or_none(id=product_id, customer_id=customer_id)
    if product is None:
        raise NotFound("제품")
    detail.lines = await lines_from_product(product_id)
    end = maintenance_end(product.free_end_on, product.paid_end_on)
    if end:
        detail.start_on, detail.end_on = auto_period(end, 12)
        detail.settlement_month = f"{detail.start_on:%Y-%m}"
    if product.paid_end_on or await MaintenanceContract.filter(product_id=product_id).exists():
        detail.contract_type = ContractType.RENEWAL
    return detail


def _valid_month(text: str) -> bool:
    try:
        dt.datetime.strptime(text, "%Y-%m")
    except ValueError:
        return False
    return len(text) == 7


async def _overlapping(
    product_id: int, start_on: dt.date, end_on: dt.date, *, except_id: int | None = None
) -> MaintenanceContract | None:
    return (
        await MaintenanceContract.filter(product_id=product_id, start_on__lte=end_on, end_on__gte=start_on)
        .exclude(id=except_id or 0)
        .order_by("start_on")
        .first()
    )


def _period_text(contract: MaintenanceContract) -> str:
    return f"{contract.start_on:%Y-%m-%d} ~ {contract.end_on:%Y-%m-%d}, {contract.state.value}"


async def _contract_errors(detail: ContractDetail) -> dict[str, str]:
    """Every problem of a (normalised) contract, field → message: all of them, not the first."""
    errors: dict[str, str] = {}
    customer = await Customer.get_or_none(id=detail.customer_id)
    if customer is None:
        raise NotFound("고객")
    if not await CustomerProduct.filter(customer_id=detail.customer_id).exists():
        errors["product"] = (
            "제품관리 탭에 제품을 먼저 등록하세요. 유지보수 계약은 등록된 제품에만 만들 수 있습니다."
        )
    elif (
        not detail.product_id
        or not await CustomerProduct.filter(id=detail.product_id, customer_id=detail.customer_id).exists()
    ):
        errors["product"] = "이 고객의 제품관리에 등록된 제품을 선택하세요."
    if detail.start_on is None:
        errors["start_on"] = "시작일을 입력하세요."
    if detail.end_on is None:
        errors["end_on"] = "종료일을 입력하세요."
    elif detail.start_on and detail.end_on < detail.start_on:
        errors["end_on"] = "종료일은 시작일과 같거나 뒤여야 합니다."
    if detail.settlement_month and not _valid_month(detail.settlement_month):
        errors["settlement_month"] = "정산월은 연-월로 입력하세요 (예: 2019-04)."
    if detail.retroactive_fee < 0:
        errors["retroactive_fee"] = "소급비는 0 이상이어야 합니다."
    if (
        detail.payment_method_id
        and not await CodeEntry.filter(id=detail.payment_method_id, kind=CodeKind.PAYMENT_METHOD).exists()
    ):
        errors["payment_method"] = "납부방법이 올바르지 않습니다."
    if (
        detail.payment_form_id
        and not await CodeEntry.filter(id=detail.payment_form_id, kind=CodeKind.PAYMENT_FORM).exists()
    ):
        errors["payment_form"] = "납입형태가 올바르지 않습니다."
    if len(detail.note) > NOTE_MAX:
        errors["note"] = f"비고는 {NOTE_MAX:,}자 이내입니다."
    if "product" not in errors:
        product = await CustomerProduct.get(id=detail.product_id)
        modules = set(
            await CodeEntry.filter(
                kind=CodeKind.PRODUCT_MODULE, parent_id=product.product_group_id
            ).values_list("id", flat=True)
        )
        locks = set(
            await KeyLock.filter(product__customer_id=detail.customer_id).values_list("number", flat=True)
        )
        rows = []
        for index, line in enumerate(detail.lines, start=1):
            if line.module_id and line.module_id not in modules:
                rows.append(f"{index:,}행: 이 제품군의 모듈을 선택하세요.")
            elif min(line.user_count, line.amount, line.pc_count) < 0:
                rows.append(f"{index:,}행: 유저수, 금액, PC는 0 이상이어야 합니다.")
            elif line.key_lock_number and line.key_lock_number not in locks:
                rows.append(
                    f"{index:,}행: 키락번호 '{line.key_lock_number}'{josa(line.key_lock_number, '은')} 이 고객의 제품관리에 없습니다. "
                    "등록된 키락에서 고르세요."
                )
            elif len(line.note) > NOTE_MAX:
                rows.append(f"{index:,}행: 비고는 {NOTE_MAX:,}자 이내입니다.")
        if rows:
            errors["lines"] = " ".join(rows)
        if detail.start_on and detail.end_on and "end_on" not in errors:
            other = await _overlapping(detail.product_id, detail.start_on, detail.end_on, except_id=detail.id)
            if other is not None:
                errors["start_on"] = (
                    f"이 제품에는 기간이 겹치는 계약이 이미 있습니다 ({_period_text(other)})."
                )
    if detail.state == ContractState.CONTRACTED and detail.end_on is None:
        errors.setdefault("end_on", "종료일이 없는 계약은 계약 상태로 둘 수 없습니다.")
    return errors


@dataclass(frozen=True)
class _Coverage:
    """What a contract covered before a change, for the state rule."""

    state: ContractState
    product_id: int
    end_on: dt.date | None


def _coverage(contract: MaintenanceContract) -> _Coverage:
    return _Coverage(contract.state, contract.product_id, contract.end_on)


@dataclass(frozen=True)
class PaidEndMove:
    """The product's paid end date (유상종료일) as a state change moved it: from `before` to
    `after` (None: no date)."""

    contract_id: int | None
    product_id: int
    before: dt.date | None
    after: dt.date | None


async def _apply_state_rule(contract: MaintenanceContract, before: _Coverage | None) -> list[PaidEndMove]:
    """THE contract state rule, used by every path that changes a contract's state, product or
    end date (the customer tab, the 유지보수관리 menu, the editor, deleting). Must run inside the
    caller's transaction, before the contract itself is saved:

    - entering 계약 (from 발송전, 보류 or a new contract): the product's paid end date
      (유상종료일) becomes the contract's end date; the old value is remembered on the contract;
    - leaving 계약 (to 발송전, 보류, or deleted): the remembered paid end date is restored, unless
      the product's paid end date has moved on since (a later contract) — then it stays;
    - a 계약 contract whose end date or product changes: leave, then enter again.
    Moves between 발송전 and 보류 do not touch the product; the contract's own save audits them.
    Returns how each product's paid end date moved (from before the rule to after it), so the
    screen can say so; a date that ends where it started is not a move."""
    was_contracted = before is not None and before.state == ContractState.CONTRACTED
    is_contracted = contract.state == ContractState.CONTRACTED
    moved = (
        was_contracted
        and is_contracted
        and (before.product_id != contract.product_id or before.end_on != contract.end_on)
    )
    dates: dict[int, list[dt.date | None]] = {}  # product id → [first, last] paid end date

    async def set_paid_end(product: CustomerProduct, day: dt.date | None) -> None:
        dates.setdefault(product.id, [product.paid_end_on, None])[1] = day
        product.paid_end_on = day
        await product.save(update_fields=["paid_end_on"])

    if was_contracted and (moved or not is_contracted):
        product = await CustomerProduct.get(id=before.product_id)
        if product.paid_end_on == before.end_on:
            await set_paid_end(product, contract.previous_paid_end_on)
        contract.previous_paid_end_on = None
    if is_contracted and (moved or not was_contracted):
        product = await CustomerProduct.get(id=contract.product_id)
        contract.previous_paid_end_on = product.paid_end_on
        await set_paid_end(product, contract.end_on)
    return [
        PaidEndMove(contract.id, product_id, first, last)
        for product_id, (first, last) in dates.items()
        if first != last
    ]


MAX_AMOUNT = 100_000_000_000
MAX_COUNT = 1_000_000
NOTE_MAX = 255


def _wrong_types(detail: ContractDetail) -> tuple[dict[str, str], bool]:
    """Values of the wrong type or far out of range, before anything is computed from them:
    (field → message, whether the other checks can still run). Numbers out of range and control
    characters leave the rest checkable; an id, date, choice or text of the wrong type (a
    tampered request) does not."""
    rows = []
    checkable = True
    for index, line in enumerate(detail.lines, start=1):
        shape = wrong_ids(module=line.module_id) or {
            k: v
            for k, v in {"note": line.note, "key_lock": line.key_lock_number}.items()
            if not isinstance(v, str)
        }
        if shape:
            checkable = False
        if (
            shape
            or wrong_numbers(minimum=0, maximum=MAX_COUNT, users=line.user_count, pcs=line.pc_count)
            or wrong_numbers(minimum=0, maximum=MAX_AMOUNT, amount=line.amount)
            or wrong_texts(note=line.note, key_lock=line.key_lock_number)
        ):
            rows.append(
                f"{index:,}행: 모듈은 목록에서 고르고, 유저수·금액·PC는 0 이상의 정수로 입력하세요 "
                "(금액은 1,000억 원까지)."
            )
    tampered = {
        **wrong_ids(
            customer=detail.customer_id,
            product=detail.product_id,
            contract=detail.id,
            payment_method=detail.payment_method_id,
            payment_form=detail.payment_form_id,
            sales_staff=detail.sales_staff_id,
        ),
        **wrong_dates(contract_date=detail.contract_date, start_on=detail.start_on, end_on=detail.end_on),
        **wrong_choices(ContractState, state=detail.state),
        **wrong_choices(ContractType, contract_type=detail.contract_type),
        **{
            name: "글자로 입력하세요."
            for name, value in (("settlement_month", detail.settlement_month), ("note", detail.note))
            if not isinstance(value, str)
        },
    }
    problems = {
        **wrong_numbers(minimum=0, maximum=MAX_AMOUNT, retroactive_fee=detail.retroactive_fee),
        **wrong_texts(settlement_month=detail.settlement_month, note=detail.note),
        **({"lines": " ".join(rows)} if rows else {}),
        **tampered,
    }
    return problems, checkable and not tampered


def _normalise(detail: ContractDetail) -> None:
    """Whole numbers (a wrong one counts as 0 for the checks; it has its own message), trimmed
    texts, and no empty lines."""
    detail.retroactive_fee = whole_number(detail.retroactive_fee) or 0
    detail.settlement_month = detail.settlement_month.strip()
    detail.note = detail.note.strip()
    detail.lines = [
        LineInput(
            module_id=line.module_id,
            user_count=whole_number(line.user_count) or 0,
            amount=whole_number(line.amount) or 0,
            note=line.note.strip(),
            pc_count=whole_number(line.pc_count) or 0,
            key_lock_number=line.key_lock_number.strip(),
        )
        for line in detail.lines
        if line.module_id or line.amount or line.note.strip() or line.user_count
    ]


def _merge(found: dict[str, str], first: dict[str, str]) -> dict[str, str]:
    """Both sets of problems; for a field in both, `first`'s message, and the rows of both for
    the lines."""
    merged = {**found, **first}
    if "lines" in found and "lines" in first:
        merged["lines"] = f"{first['lines']} {found['lines']}"
    return merged


async def contract_problems(detail: ContractDetail) -> dict[str, str]:
    """Every problem of a contract as typed, field → message, all at once (empty when it can be
    saved). The editor asks this when it has problems of its own (a date it cannot read) so that
    the user sees everything to fix together."""
    detail = replace(detail, lines=list(detail.lines))
    wrong, checkable = _wrong_types(detail)
    if not checkable:
        return wrong
    _normalise(detail)
    return _merge(await _contract_errors(detail), wrong)


async def save_contract(
    detail: ContractDetail,
    *,
    by: Actor,
    form_token: str | None = None,
    paid_end: list[PaidEndMove] | None = None,
) -> MaintenanceContract:
    """Add (detail.id None, once per `form_token`) or edit a contract with its lines, all or
    nothing. The total is computed here; a state change follows the state rule in the same
    transaction, and how it moved the product's paid end date is appended to `paid_end` (given
    by a screen that says so)."""
    if detail.id is None and (made := await already_made(MaintenanceContract, "contract", form_token)):
        return made
    wrong, checkable = _wrong_types(detail)
    if not checkable:
        raise ValidationError(wrong)
    _normalise(detail)
    contract = None
    if detail.id is not None:
        contract = await MaintenanceContract.get_or_none(id=detail.id, customer_id=detail.customer_id)
        if contract is None:
            raise NotFound("유지보수 계약")
    refuse(_merge(await _contract_errors(detail), wrong))
    product = await CustomerProduct.get(id=detail.product_id)

    async def write() -> MaintenanceContract:
        nonlocal contract
        async with in_transaction():
            before = None
            if contract is None:
                contract = MaintenanceContract(customer_id=detail.customer_id)
            else:
                before = _coverage(contract)
                if detail.version is not None:
                    contract.version = detail.version
            contract.product_id = product.id
            contract.product_group_id = product.product_group_id
            contract.state = detail.state
            contract.contract_date = detail.contract_date
            contract.start_on = detail.start_on
            contract.end_on = detail.end_on
            contract.contract_type = detail.contract_type
            contract.payment_method_id = detail.payment_method_id
            contract.payment_form_id = detail.payment_form_id
            contract.settlement_month = detail.settlement_month
            contract.retroactive_fee = detail.retroactive_fee
            contract.total_amount = contract_total(
                (line.amount for line in detail.lines), detail.retroactive_fee
            )
            contract.sales_staff_id = detail.sales_staff_id
            contract.note = detail.note
            moves = await _apply_state_rule(contract, before)
            await contract.save()
            await _replace_lines(contract.id, detail.lines)
        if paid_end is not None:
            paid_end.extend(PaidEndMove(contract.id, m.product_id, m.before, m.after) for m in moves)
        return contract

    with acting_as(by):
        if contract is None:
            return await create_once(MaintenanceContract, "contract", form_token, write)
        return await write()


async def _replace_lines(contract_id: int, lines: Sequence[LineInput]) -> None:
    existing = await MaintenanceLine.filter(contract_id=contract_id).order_by("seq", "id")
    for seq, line in enumerate(lines, start=1):
        values = {
            "seq": seq,
            "module_id": line.module_id,
            "user_count": line.user_count,
            "amount": line.amount,
            "note": line.note,
            "pc_count": line.pc_count,
            "key_lock_number": line.key_lock_number,
        }
        if seq <= len(existing):
            row = existing[seq - 1]
            if any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                await row.save()
        else:
            await MaintenanceLine.create(contract_id=contract_id, **values)
    for row in existing[len(lines) :]:
        await row.delete()


@dataclass(frozen=True)
class StateChange:
    """What a state change did: the contract, and how it moved products' paid end dates."""

    contract: MaintenanceContract
    paid_end: list[PaidEndMove] = field(default_factory=list)


async def change_contract_state(
    contract_id: int, *, by: Actor, state: ContractState, version: int | None = None
) -> StateChange:
    """발송전 / 계약 / 보류 for one contract, from the customer tab or the 유지보수관리 menu.
    Everything (product paid end date, contract, audit entries) commits together or not at all."""
    state = ContractState(state)
    with acting_as(by):
        async with in_transaction():
            contract = await MaintenanceContract.fetch(contract_id, "유지보수 계약")
            if contract.state == state:
                return StateChange(contract)
            if state == ContractState.CONTRACTED and contract.end_on is None:
                raise ValidationError({"state": "종료일이 없는 계약은 계약 처리할 수 없습니다."})
            before = _coverage(contract)
            contract.state = state
            if version is not None:
                contract.version = version
            moves = await _apply_state_rule(contract, before)
            await contract.save()
    return StateChange(contract, moves)


@dataclass(frozen=True)
class StatesChange:
    changed: int  # how many contracts changed state
    paid_end: list[PaidEndMove] = field(default_factory=list)


async def change_contract_states(
    contract_ids: Sequence[int], *, by: Actor, state: ContractState, versions: dict[int, int] | None = None
) -> StatesChange:
    """The same rule for several selected contracts, all or nothing."""
    changed, moves = 0, []
    async with in_transaction():
        for contract_id in contract_ids:
            contract = await MaintenanceContract.get_or_none(id=contract_id)
            if contract is None or contract.state == state:
                continue
            result = await change_contract_state(
                contract_id, by=by, state=state, version=(versions or {}).get(contract_id)
            )
            moves += result.paid_end
            changed += 1
    return StatesChange(changed, moves)


async def delete_contract(contract_id: int, *, by: Actor, version: int | None = None) -> None:
    """Delete a contract with its lines in one transaction (never an orphan line). A 계약
    contract first gives the product its previous paid end date back (the state rule)."""
    with acting_as(by):
        async with in_transaction():
            contract = await MaintenanceContract.fetch(contract_id, "유지보수 계약")
            if version is not None:
                contract.version = version
                await contract.save(update_fields=["version"])  # refuses a stale copy
            before = _coverage(contract)
            contract.state = ContractState.BEFORE_SENDING
            await _apply_state_rule(contract, before)
            for line in await MaintenanceLine.filter(contract_id=contract_id):
                await line.delete()
            await contract.delete()


# ---------------------------------------------------------------------------------------------
# 유지보수관리 → 유지보수대상업체: the due list


class DueTab(enum.StrEnum):
    FREE_AND_RENEWAL = "free_and_renewal"  # 유지보수[무상+재계약]
    FREE = "free"  # 유지보수[무상]
    RENEWAL = "renewal"  # 유지보수[재계약]
    ENDED_TODAY = "ended_today"  # 유지보수종료[금일기준]
    NO_END_DATE = "no_end_date"  # 무상/유상종료일없음
    ALL = "all"  # 전체


@dataclass(frozen=True)
class DueQuery:
    """Filters of the 유지보수관리 menu: contract period (계약기간), product group (유지보수모듈),
    customer name fragment (거래처명 포함)."""

    period_from: dt.date
    period_to: dt.date
    product_group_id: int | None = None
    customer_query: str = ""


@dataclass(frozen=True)
class DueRow:
    """One product sold (with its customer) in the due list."""

    product_id: int
    customer_id: int
    customer_code: str
    company_name: str
    partner_id: int | None
    status_name: str
    class_a_name: str
    class_b_name: str
    class_c_name: str
    registered_on: dt.date | None
    product_group_name: str
    free_end_on: dt.date | None
    paid_end_on: dt.date | None
    amount: int
    business_number: str
    written: bool  # 작성: an agreement after the current end date is already written (발송전/보류)


@dataclass(frozen=True)
class DueListPage:
    counts: dict[DueTab, int]
    rows: list[DueRow]
    total: int


def due_conditions(query: DueQuery, today: dt.date) -> dict[DueTab, Q]:
    """The six sub-tabs as conditions on a product's free end (F = 무상종료일) and paid end
    (P = 유상종료일). A row is a product sold; the product-group and customer filters apply to
    every tab. With the period [from, to] (both days included) and E = the later of F and P:

    - 무상+재계약: E within [from, to] — every end date the product has (free and paid) has passed
      by `to`, the last of them inside the period: its maintenance runs out in the period.
      (Neither date set: never listed here.)
    - 무상: F within [from, to] (free maintenance ended in the period, whatever P is).
    - 재계약: P within [from, to] (paid maintenance ended in the period, whatever F is).
    - 종료[금일기준]: ignores the period: E < today (all set end dates are before today; a date
      equal to today is still covered). Neither date set: not listed.
    - 종료일없음: ignores the period: neither F nor P is set.
    - 전체: ignores the period: every product matching the other filters."""
    start, end = query.period_from, query.period_to
    free_set, paid_set = Q(free_end_on__isnull=False), Q(paid_end_on__isnull=False)
    free_none, paid_none = Q(free_end_on__isnull=True), Q(paid_end_on__isnull=True)
    return {
        DueTab.FREE_AND_RENEWAL: (free_none | Q(free_end_on__lte=end))
        & (paid_none | Q(paid_end_on__lte=end))
        & (Q(free_end_on__gte=start) | Q(paid_end_on__gte=start)),
        DueTab.FREE: Q(free_end_on__gte=start, free_end_on__lte=end),
        DueTab.RENEWAL: Q(paid_end_on__gte=start, paid_end_on__lte=end),
        DueTab.ENDED_TODAY: (free_none | Q(free_end_on__lt=today))
        & (paid_none | Q(paid_end_on__lt=today))
        & (free_set | paid_set),
        DueTab.NO_END_DATE: free_none & paid_none,
        DueTab.ALL: Q(),
    }


def _customer_filter(customer_query: str) -> Q:
    text = customer_query.strip()
    if not text:
        return Q()
    # a subquery rather than a join keeps the count query a single aggregate without GROUP BY
    return Q(customer_id__in=Subquery(Customer.filter(company_name__icontains=text).values("id")))


def _due_base(query: DueQuery) -> Q:
    base = _customer_filter(query.customer_query)
    if query.product_group_id:
        base &= Q(product_group_id=query.product_group_id)
    return base


DUE_SORTS = {
    "company_name": "customer__company_name",
    "customer_code": "customer__code",
    "registered_on": "customer__registered_on",
    "free_end_on": "free_end_on",
    "paid_end_on": "paid_end_on",
}


async def due_list(
    query: DueQuery,
    *,
    tab: DueTab = DueTab.FREE_AND_RENEWAL,
    offset: int = 0,
    limit: int = 50,
    sort_by: str | None = None,
    descending: bool = False,
    today: dt.date | None = None,
) -> DueListPage:
    """유지보수대상업체: the six sub-tabs' counts (one aggregate query) and one page of the chosen
    tab, everything counted and paged in SQL. The page and the benchmark call this."""
    today = today or dt.date.today()
    conditions = due_conditions(query, today)
    base = _due_base(query)
    aggregates = {
        tab_key.value: Count("id", _filter=condition) if condition else Count("id")
        for tab_key, condition in conditions.items()
    }
    counted = await CustomerProduct.filter(base).annotate(**aggregates).values(*aggregates)
    counts = {tab_key: int((counted[0] if counted else {}).get(tab_key.value) or 0) for tab_key in DueTab}
    order = DUE_SORTS.get(sort_by or "", "customer__company_name")
    ordering = [f"-{order}" if descending else order, "-id" if descending else "id"]
    page = await (
        CustomerProduct.filter(base & conditions[tab])
        .order_by(*ordering)
        .offset(offset)
        .limit(limit)
        .values(
            "id",
            "customer_id",
            "product_group_id",
            "free_end_on",
            "paid_end_on",
            code="customer__code",
            company_name="customer__company_name",
            partner_id="customer__partner_id",
            status_id="customer__status_id",
            class_a_id="customer__class_a_id",
            class_b_id="customer__class_b_id",
            class_c_id="customer__class_c_id",
            registered_on="customer__registered_on",
            business_number="customer__business_number",
        )
    )
    return DueListPage(counts=counts, rows=await _due_rows(page), total=counts[tab])


async def _due_rows(page: list[dict]) -> list[DueRow]:
    if not page:
        return []
    ids = [r["id"] for r in page]
    names = await _names(
        r[key]
        for r in page
        for key in ("status_id", "class_a_id", "class_b_id", "class_c_id", "product_group_id")
    )
    amounts = dict(
        await ProductModule.filter(product_id__in=ids)
        .annotate(total=Sum("amount"))
        .group_by("product_id")
        .values_list("product_id", "total")
    )
    pending: dict[int, list[dt.date | None]] = {}
    for product_id, end_on in await MaintenanceContract.filter(
        product_id__in=ids, state__in=[ContractState.BEFORE_SENDING, ContractState.ON_HOLD]
    ).values_list("product_id", "end_on"):
        pending.setdefault(product_id, []).append(end_on)
    rows = []
    for r in page:
        end = maintenance_end(r["free_end_on"], r["paid_end_on"])
        written = any(end is None or (e and e > end) for e in pending.get(r["id"], []))
        rows.append(
            DueRow(
                product_id=r["id"],
                customer_id=r["customer_id"],
                customer_code=r["code"],
                company_name=r["company_name"],
                partner_id=r["partner_id"],
                status_name=names.get(r["status_id"] or 0, ""),
                class_a_name=names.get(r["class_a_id"] or 0, ""),
                class_b_name=names.get(r["class_b_id"] or 0, ""),
                class_c_name=names.get(r["class_c_id"] or 0, ""),
                registered_on=r["registered_on"],
                product_group_name=names.get(r["product_group_id"] or 0, ""),
                free_end_on=r["free_end_on"],
                paid_end_on=r["paid_end_on"],
                amount=int(amounts.get(r["id"]) or 0),
                business_number=r["business_number"] or "",
                written=written,
            )
        )
    return rows


EXPORT_CHUNK = 2000


async def due_rows_for_export(
    query: DueQuery, tab: DueTab, *, today: dt.date | None = None, limit: int | None = None
) -> AsyncIterator[DueRow]:
    """Every row of one sub-tab, in chunks (for Excel and print)."""
    offset = 0
    while limit is None or offset < limit:
        size = EXPORT_CHUNK if limit is None else min(EXPORT_CHUNK, limit - offset)
        page = await due_list(query, tab=tab, offset=offset, limit=size, today=today)
        for row in page.rows:
            yield row
        if len(page.rows) < size:
            return
        offset += size


# ---------------------------------------------------------------------------------------------
# TOSP작성: agreements for the selected products, in one go


@dataclass(frozen=True)
class BatchRequest:
    """The TOSP작성 dialog. Period: automatic (start/end None: from each product's current end
    date by the payment form) or typed (start_on and end_on). Contract type None: 재계약 when
    the product had paid maintenance or a contract before, else 신규. Contract date None: each
    product's current end date (the day it fell due, as the manual's examples show), or today
    for a product without one. Settlement month empty: the month the new period starts."""

    product_ids: Sequence[int]
    payment_form_id: int | None
    payment_method_id: int | None = None
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    contract_type: ContractType | None = None
    retroactive_fee: int = 0
    contract_date: dt.date | None = None
    settlement_month: str = ""


@dataclass(frozen=True)
class CreatedAgreement:
    contract_id: int
    product_id: int
    company_name: str
    start_on: dt.date
    end_on: dt.date
    total_amount: int


@dataclass(frozen=True)
class SkippedProduct:
    product_id: int
    company_name: str
    reason: str


@dataclass
class BatchResult:
    created: list[CreatedAgreement] = field(default_factory=list)
    skipped: list[SkippedProduct] = field(default_factory=list)


def _wrong_batch_values(request: BatchRequest) -> dict[str, str]:
    """Types first, so that nothing below compares or looks up a value of the wrong kind."""
    product_ids = request.product_ids
    listed = isinstance(product_ids, (list, tuple))
    if not listed or any(p is None or wrong_ids(product=p) for p in product_ids):
        products = {"product": WRONG_CHOICE}
    else:
        products = {}
    return (
        products
        | wrong_ids(payment_form=request.payment_form_id, payment_method=request.payment_method_id)
        | wrong_dates(start_on=request.start_on, end_on=request.end_on, contract_date=request.contract_date)
        | (
            wrong_choices(ContractType, contract_type=request.contract_type)
            if request.contract_type is not None
            else {}
        )
        | wrong_numbers(minimum=0, maximum=MAX_AMOUNT, retroactive_fee=request.retroactive_fee)
        | wrong_texts(settlement_month=request.settlement_month)
    )


async def _check_batch(request: BatchRequest) -> int | None:
    # values of the wrong kind are reported as such and not compared or looked up below
    errors = _wrong_batch_values(request)
    if "product" not in errors and not request.product_ids:
        errors[""] = "작성할 거래처를 선택하세요."
    months = None
    if "payment_form" not in errors:
        months = await payment_form_months(request.payment_form_id)
        if not request.payment_form_id:
            errors["payment_form"] = "납입형태를 선택하세요."
        elif months is None:
            errors["payment_form"] = "납입형태가 올바르지 않습니다."
    typed = request.start_on is not None or request.end_on is not None
    if typed and not {"start_on", "end_on"} & errors.keys():
        if request.start_on is None:
            errors["start_on"] = "시작일을 입력하세요."
        if request.end_on is None:
            errors["end_on"] = "종료일을 입력하세요."
        elif request.start_on and request.end_on < request.start_on:
            errors["end_on"] = "종료일은 시작일과 같거나 뒤여야 합니다."
    if (
        "settlement_month" not in errors
        and request.settlement_month
        and not _valid_month(request.settlement_month)
    ):
        errors["settlement_month"] = "정산월은 연-월로 입력하세요 (예: 2019-04)."
    if (
        "payment_method" not in errors
        and request.payment_method_id
        and not await CodeEntry.filter(id=request.payment_method_id, kind=CodeKind.PAYMENT_METHOD).exists()
    ):
        errors["payment_method"] = "납부방법이 올바르지 않습니다."
    if errors:
        raise ValidationError(errors)
    return months


async def create_agreements(request: BatchRequest, *, by: Actor, today: dt.date | None = None) -> BatchResult:
    """TOSP작성: one 발송전 contract per selected product (a row of the due list), with lines from
    the product's modules, all in one transaction. A product that already has a contract
    overlapping the new period (written before, in any state) is skipped and reported, so running
    the same batch twice creates nothing the second time."""
    months = await _check_batch(request)
    fee = whole_number(request.retroactive_fee) or 0
    today = today or dt.date.today()
    result = BatchResult()
    wanted = list(dict.fromkeys(request.product_ids))
    if not await CustomerProduct.filter(id__in=wanted).exists():
        raise NotFound("선택한 제품")
    with acting_as(by):
        async with in_transaction():
            for product_id in wanted:
                product = await CustomerProduct.get_or_none(id=product_id)
                if product is None:  # deleted by someone since the list was shown
                    result.skipped.append(SkippedProduct(product_id, "", "다른 사용자가 삭제한 제품입니다."))
                    continue
                customer = await Customer.get(id=product.customer_id)
                end = maintenance_end(product.free_end_on, product.paid_end_on)
                if request.start_on and request.end_on:
                    start_on, end_on = request.start_on, request.end_on
                elif end is None:
                    result.skipped.append(
                        SkippedProduct(
                            product.id,
                            customer.company_name,
                            "무상/유상종료일이 없어 기간을 자동으로 정할 수 없습니다 (직접지정으로 작성하세요).",
                        )
                    )
                    continue
                else:
                    start_on, end_on = auto_period(end, months or 12)
                other = await _overlapping(product.id, start_on, end_on)
                if other is not None:
                    result.skipped.append(
                        SkippedProduct(
                            product.id,
                            customer.company_name,
                            f"이미 작성된 계약이 있습니다 ({_period_text(other)}).",
                        )
                    )
                    continue
                contract_type = request.contract_type
                if contract_type is None:
                    renewal = (
                        product.paid_end_on
                        or await MaintenanceContract.filter(product_id=product.id).exists()
                    )
                    contract_type = ContractType.RENEWAL if renewal else ContractType.NEW
                lines = await lines_from_product(product.id)
                contract = await MaintenanceContract.create(
                    customer_id=customer.id,
                    product_id=product.id,
                    product_group_id=product.product_group_id,
                    state=ContractState.BEFORE_SENDING,
                    contract_date=request.contract_date or end or today,
                    start_on=start_on,
                    end_on=end_on,
                    contract_type=contract_type,
                    payment_method_id=request.payment_method_id,
                    payment_form_id=request.payment_form_id,
                    settlement_month=request.settlement_month or f"{start_on:%Y-%m}",
                    retroactive_fee=fee,
                    total_amount=contract_total((line.amount for line in lines), fee),
                    sales_staff_id=customer.staff_id,
                )
                await _replace_lines(contract.id, lines)
                result.created.append(
                    CreatedAgreement(
                        contract.id,
                        product.id,
                        customer.company_name,
                        start_on,
                        end_on,
                        contract.total_amount,
                    )
                )
    return result


# ---------------------------------------------------------------------------------------------
# 유지보수관리 → 유지보수동의서작성: agreements by contract date or settlement month


class AgreementBasis(enum.StrEnum):
    CONTRACT_DATE = "contract_date"  # 계약기간기준: the contract date (계약일자) within the period
    SETTLEMENT_MONTH = "settlement_month"  # 정산월기준: the settlement month within the period's months


@dataclass(frozen=True)
class AgreementQuery:
    period_from: dt.date
    period_to: dt.date
    basis: AgreementBasis = AgreementBasis.CONTRACT_DATE
    product_group_id: int | None = None
    customer_query: str = ""


@dataclass(frozen=True)
class AgreementRow:
    contract_id: int
    version: int
    customer_id: int
    company_name: str
    partner_id: int | None
    settlement_month: str
    state: ContractState
    retroactive_fee: int
    total_amount: int
    first_delivery_date: dt.date | None
    contract_date: dt.date | None
    start_on: dt.date | None
    end_on: dt.date | None
    business_number: str
    contract_type: ContractType
    payment_form_name: str
    product_group_name: str


@dataclass(frozen=True)
class AgreementListPage:
    counts: dict[ContractState | None, int]
    rows: list[AgreementRow]
    total: int


AGREEMENT_SORTS = {
    "company_name": "customer__company_name",
    "settlement_month": "settlement_month",
    "contract_date": "contract_date",
    "start_on": "start_on",
    "end_on": "end_on",
    "total_amount": "total_amount",
}


def _agreement_base(query: AgreementQuery) -> Q:
    base = _customer_filter(query.customer_query)
    if query.product_group_id:
        base &= Q(product_group_id=query.product_group_id)
    if query.basis == AgreementBasis.SETTLEMENT_MONTH:
        base &= Q(
            settlement_month__gte=f"{query.period_from:%Y-%m}",
            settlement_month__lte=f"{query.period_to:%Y-%m}",
        )
    else:
        base &= Q(contract_date__gte=query.period_from, contract_date__lte=query.period_to)
    return base


async def agreement_list(
    query: AgreementQuery,
    *,
    state: ContractState | None = ContractState.BEFORE_SENDING,
    offset: int = 0,
    limit: int = 50,
    sort_by: str | None = None,
    descending: bool = False,
) -> AgreementListPage:
    """유지보수동의서작성: counts of the sub-tabs 발송전/계약/보류/전체 and one page of one of them."""
    base = _agreement_base(query)
    grouped = (
        await MaintenanceContract.filter(base)
        .annotate(n=Count("id"))
        .group_by("state")
        .values_list("state", "n")
    )
    counts: dict[ContractState | None, int] = {s: 0 for s in ContractState}
    for value, n in grouped:
        counts[ContractState(value)] = n
    counts[None] = sum(counts.values())
    condition = base & Q(state=state) if state is not None else base
    order = AGREEMENT_SORTS.get(sort_by or "", "customer__company_name")
    page = await (
        MaintenanceContract.filter(condition)
        .order_by(f"-{order}" if descending else order, "-id" if descending else "id")
        .offset(offset)
        .limit(limit)
        .values(
            "id",
            "version",
            "customer_id",
            "settlement_month",
            "state",
            "retroactive_fee",
            "total_amount",
            "contract_date",
            "start_on",
            "end_on",
            "contract_type",
            "payment_form_id",
            "product_group_id",
            company_name="customer__company_name",
            partner_id="customer__partner_id",
            first_delivery_date="customer__first_delivery_date",
            business_number="customer__business_number",
        )
    )
    names = await _names(i for r in page for i in (r["payment_form_id"], r["product_group_id"]))
    rows = [
        AgreementRow(
            contract_id=r["id"],
            version=r["version"],
            customer_id=r["customer_id"],
            company_name=r["company_name"],
            partner_id=r["partner_id"],
            settlement_month=r["settlement_month"],
            state=ContractState(r["state"]),
            retroactive_fee=r["retroactive_fee"],
            total_amount=r["total_amount"],
            first_delivery_date=r["first_delivery_date"],
            contract_date=r["contract_date"],
            start_on=r["start_on"],
            end_on=r["end_on"],
            business_number=r["business_number"] or "",
            contract_type=ContractType(r["contract_type"]),
            payment_form_name=names.get(r["payment_form_id"] or 0, ""),
            product_group_name=names.get(r["product_group_id"] or 0, ""),
        )
        for r in page
    ]
    return AgreementListPage(counts=counts, rows=rows, total=counts[state])


async def agreement_rows_for_export(
    query: AgreementQuery, state: ContractState | None, *, limit: int | None = None
) -> AsyncIterator[AgreementRow]:
    offset = 0
    while limit is None or offset < limit:
        size = EXPORT_CHUNK if limit is None else min(EXPORT_CHUNK, limit - offset)
        page = await agreement_list(query, state=state, offset=offset, limit=size)
        for row in page.rows:
            yield row
        if len(page.rows) < size:
            return
        offset += size


# ---------------------------------------------------------------------------------------------
# 유지보수동의서: the agreement document


async def company_block() -> dict[str, str]:
    """Our company (회사정보) as the agreement prints it; blank where nothing was entered."""
    info = await company.get_company()
    return {
        key: getattr(info, key)
        for key in ("name", "representative", "business_number", "address", "phone", "fax")
    }


async def agreement_documents(contract_ids: Sequence[int]) -> list[AgreementDocument]:
    """The data of one agreement per contract, in the order given."""
    contracts = {c.id: c for c in await MaintenanceContract.filter(id__in=list(contract_ids))}
    if not contracts:
        raise NotFound("유지보수 계약")
    customers = {c.id: c for c in await Customer.filter(id__in={c.customer_id for c in contracts.values()})}
    products = {
        p.id: p for p in await CustomerProduct.filter(id__in={c.product_id for c in contracts.values()})
    }
    lines: dict[int, list[MaintenanceLine]] = {i: [] for i in contracts}
    for line in await MaintenanceLine.filter(contract_id__in=list(contracts)).order_by("seq", "id"):
        lines[line.contract_id].append(line)
    code_ids = {
        i for c in contracts.values() for i in (c.product_group_id, c.payment_method_id, c.payment_form_id)
    }
    code_ids |= {line.module_id for ls in lines.values() for line in ls}
    codes = {c.id: c for c in await CodeEntry.filter(id__in={i for i in code_ids if i})}
    staff = await _staff_names(c.sales_staff_id for c in contracts.values())

    def name(code_id: int | None) -> str:
        return codes[code_id].name if code_id in codes else ""

    documents = []
    for contract_id in contract_ids:
        contract = contracts.get(contract_id)
        if contract is None:
            continue
        customer = customers[contract.customer_id]
        product = products.get(contract.product_id)
        documents.append(
            AgreementDocument(
                contract_id=contract.id,
                company_name=customer.company_name,
                customer_code=customer.code,
                representative=customer.representative,
                business_number=customer.business_number,
                address=" ".join(p for p in (customer.address, customer.address_detail) if p),
                phone=customer.phone,
                product_group_name=name(contract.product_group_id),
                licence_number=product.licence_number if product else "",
                contract_type=contract.contract_type.value,
                contract_date=contract.contract_date,
                start_on=contract.start_on,
                end_on=contract.end_on,
                payment_method_name=name(contract.payment_method_id),
                payment_form_name=name(contract.payment_form_id),
                settlement_month=contract.settlement_month,
                retroactive_fee=contract.retroactive_fee,
                total_amount=contract.total_amount,
                sales_staff_name=staff.get(contract.sales_staff_id or 0, ""),
                note=contract.note,
                lines=[
                    AgreementLine(
                        module_name=name(line.module_id),
                        module_code=codes[line.module_id].code if line.module_id in codes else "",
                        user_count=line.user_count,
                        amount=line.amount,
                        note=line.note,
                        pc_count=line.pc_count,
                        key_lock_number=line.key_lock_number,
                    )
                    for line in lines[contract.id]
                ],
            )
        )
    return documents


async def agreement_pdf(contract_ids: Sequence[int]) -> bytes:
    """유지보수동의서 as PDF: one agreement per contract, each on its own page(s)."""
    from html_forms.maintenance import agreement_html
    from html_forms.pdf import render_pdf_async

    documents = await agreement_documents(contract_ids)
    html = agreement_html(documents, await company_block(), printed_on=dt.date.today())
    return await render_pdf_async(html)
