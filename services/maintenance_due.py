"""유지보수관리 → 유지보수대상업체: the due list — products whose maintenance ends, by tab, one
page at a time, and every row for Excel and print."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncIterator
from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.functions import Count, Sum

from models.maintenance import ContractState, MaintenanceContract
from models.product import CustomerProduct, ProductModule
from services.codes import code_names
from services.maintenance import customer_name_filter
from services.maintenance_periods import maintenance_end


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


def _due_base(query: DueQuery) -> Q:
    base = customer_name_filter(query.customer_query)
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
    names = await code_names(
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
