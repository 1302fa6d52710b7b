"""유지보수: maintenance contracts (TOSP) of a customer, the contract state rule and the one-line
maintenance summary of a customer. The due list is services.maintenance_due, the agreements
(TOSP작성, 유지보수동의서작성, the printed 유지보수동의서) services.maintenance_agreements.

Products sold (제품관리) live in services.products; a contract always covers one of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.errors import NotFound, ValidationError
from core.inputs import (
    refuse,
    whole_number,
    wrong_choices,
    wrong_dates,
    wrong_ids,
    wrong_numbers,
    wrong_texts,
)
from core.korean import josa
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.maintenance import ContractState, ContractType, MaintenanceContract, MaintenanceLine
from models.product import CustomerProduct, KeyLock, ProductModule
from services.codes import code_names
from services.maintenance_periods import auto_period, maintenance_end
from services.staff import staff_names
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


def contract_total(line_amounts: Iterable[int | None], retroactive_fee: int | None) -> int:
    """유지보수금액 of a contract: the lines plus the retroactive fee (소급비). The only place it is
    computed; the editor shows the same function's result, nobody types it."""
    return sum(int(a or 0) for a in line_amounts) + int(retroactive_fee or 0)


def customer_name_filter(customer_query: str) -> Q:
    """Rows (contracts, products) of the customers whose 법인상호 contains the text."""
    text = customer_query.strip()
    if not text:
        return Q()
    # a subquery rather than a join keeps the count query a single aggregate without GROUP BY
    return Q(customer_id__in=Subquery(Customer.filter(company_name__icontains=text).values("id")))


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
    codes = await code_names(
        i for c in contracts for i in (c.product_group_id, c.payment_method_id, c.payment_form_id)
    )
    staff = await staff_names(c.sales_staff_id for c in contracts)
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


def line_terms(line: MaintenanceLine) -> dict[str, Any]:
    """What a stored contract line says besides its module: the editor's line and the printed
    동의서's line both carry it as stored."""
    return {
        "user_count": line.user_count,
        "amount": line.amount,
        "note": line.note,
        "pc_count": line.pc_count,
        "key_lock_number": line.key_lock_number,
    }


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
        lines=[LineInput(module_id=line.module_id, **line_terms(line)) for line in lines],
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


def valid_month(text: str) -> bool:
    """정산월 as typed: `YYYY-MM`."""
    try:
        dt.datetime.strptime(text, "%Y-%m")
    except ValueError:
        return False
    return len(text) == 7


async def overlapping_contract(
    product_id: int, start_on: dt.date, end_on: dt.date, *, except_id: int | None = None
) -> MaintenanceContract | None:
    """The earliest other contract of the product whose period overlaps start_on ~ end_on."""
    return (
        await MaintenanceContract.filter(product_id=product_id, start_on__lte=end_on, end_on__gte=start_on)
        .exclude(id=except_id or 0)
        .order_by("start_on")
        .first()
    )


def period_text(contract: MaintenanceContract) -> str:
    """How a message names a contract: its period and state."""
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
    if detail.settlement_month and not valid_month(detail.settlement_month):
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
            other = await overlapping_contract(
                detail.product_id, detail.start_on, detail.end_on, except_id=detail.id
            )
            if other is not None:
                errors["start_on"] = f"이 제품에는 기간이 겹치는 계약이 이미 있습니다 ({period_text(other)})."
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
            await replace_contract_lines(contract.id, detail.lines)
        if paid_end is not None:
            paid_end.extend(PaidEndMove(contract.id, m.product_id, m.before, m.after) for m in moves)
        return contract

    with acting_as(by):
        if contract is None:
            return await create_once(MaintenanceContract, "contract", form_token, write)
        return await write()


async def replace_contract_lines(contract_id: int, lines: Sequence[LineInput]) -> None:
    """Make the stored lines of a contract equal to `lines`, in their order."""
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
