"""유지보수 agreements: TOSP작성 (contracts for the selected products in one go), the
유지보수동의서작성 list by contract date or settlement month, and the printed 유지보수동의서."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.errors import NotFound, ValidationError
from core.inputs import (
    WRONG_CHOICE,
    whole_number,
    wrong_choices,
    wrong_dates,
    wrong_ids,
    wrong_numbers,
    wrong_texts,
)
from html_forms.maintenance import AgreementDocument, AgreementLine
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.maintenance import ContractState, ContractType, MaintenanceContract, MaintenanceLine
from models.product import CustomerProduct
from services import company
from services.codes import code_names
from services.maintenance import (
    MAX_AMOUNT,
    contract_total,
    customer_name_filter,
    line_terms,
    lines_from_product,
    overlapping_contract,
    period_text,
    replace_contract_lines,
    valid_month,
)
from services.maintenance_periods import auto_period, maintenance_end, payment_form_months
from services.staff import staff_names

# ---------------------------------------------------------------------------------------------
# TOSP작성: agreements for the selected products, in one go

EXPORT_CHUNK = 2000


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
        and not valid_month(request.settlement_month)
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
                other = await overlapping_contract(product.id, start_on, end_on)
                if other is not None:
                    result.skipped.append(
                        SkippedProduct(
                            product.id,
                            customer.company_name,
                            f"이미 작성된 계약이 있습니다 ({period_text(other)}).",
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
                await replace_contract_lines(contract.id, lines)
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
    base = customer_name_filter(query.customer_query)
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
    names = await code_names(i for r in page for i in (r["payment_form_id"], r["product_group_id"]))
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
    staff = await staff_names(c.sales_staff_id for c in contracts.values())

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
                        **line_terms(line),
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
