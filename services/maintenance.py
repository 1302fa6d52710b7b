"""유지보수: products sold, maintenance contracts and their state rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.maintenance import ContractState, MaintenanceContract
from models.product import CustomerProduct


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
        return MaintenanceSummary("무상", f"무상 기간 (~{free:%Y-%m-%d}){suffix}", free)
    ended = max((d for d in (paid, free) if d), default=None)
    if ended:
        return MaintenanceSummary("만료", f"유지보수 만료 ({ended:%Y-%m-%d}){suffix}", ended)
    return MaintenanceSummary("없음", f"유지보수 종료일 없음{suffix}")
