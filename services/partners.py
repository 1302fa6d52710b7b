"""거래처 (trading partners) as the customer window's 거래처관리정보 tab sees them.

ERP거래처반영 creates a partner from a customer (pre-filled, confirmed by the user) and links it;
🔍 links an existing one. One way only: nothing here ever writes partner data into a customer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.errors import NotFound, ValidationError
from core.inputs import is_whole, refuse, search_text, wrong_ids, wrong_texts
from core.korean import (
    business_number_error,
    digits_only,
    format_business_number,
    josa,
)
from models.customer import Customer, TradingPartner
from services.field_checks import check_contacts

SEARCH_LIMIT = 50


@dataclass
class PartnerInput:
    code: str = ""
    name: str = ""
    business_number: str = ""
    representative: str = ""
    business_type: str = ""
    business_item: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    postal_code: str = ""
    address: str = ""
    address_detail: str = ""


_LIMITS = {
    "code": 20,
    "name": 100,
    "representative": 50,
    "business_type": 100,
    "business_item": 100,
    "email": 120,
    "postal_code": 10,
    "address": 200,
    "address_detail": 200,
}


async def suggest_partner_code(customer_code: str) -> str:
    """The customer's own code when it is free (the manual shows 재근상사 as 거래처 140213-001),
    else the code with a suffix."""
    if not await TradingPartner.exists(code=customer_code):
        return customer_code
    taken = set(
        await TradingPartner.filter(code__startswith=f"{customer_code}-").values_list("code", flat=True)
    )
    number = 1
    while f"{customer_code}-{number}" in taken:
        number += 1
    return f"{customer_code}-{number}"


async def partner_draft(customer_id: int) -> PartnerInput:
    """ERP거래처반영: the partner form pre-filled from the customer."""
    customer = await Customer.fetch(customer_id, "고객")
    return PartnerInput(
        code=await suggest_partner_code(customer.code),
        name=customer.company_name,
        business_number=format_business_number(customer.business_number),
        representative=customer.representative,
        business_type=customer.business_type,
        business_item=customer.business_item,
        phone=customer.phone,
        fax=customer.fax,
        email=customer.email,
        postal_code=customer.postal_code,
        address=customer.address,
        address_detail=customer.address_detail,
    )


def _validate(data: PartnerInput) -> tuple[dict[str, Any], dict[str, str]]:
    values = {name: str(getattr(data, name) or "").strip() for name in PartnerInput.__dataclass_fields__}
    errors: dict[str, str] = {}
    if not values["code"]:
        errors["code"] = "거래처코드를 입력하세요."
    if not values["name"]:
        errors["name"] = "거래처명을 입력하세요."
    for name, limit in _LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = f"{limit:,}자 이내로 입력하세요."
    if message := business_number_error(values["business_number"]):
        errors["business_number"] = message
    values["business_number"] = digits_only(values["business_number"])
    check_contacts(values, errors, ("phone", "fax"))
    for name, message in wrong_texts(**values).items():
        errors.setdefault(name, message)
    return values, errors


async def create_partner_for_customer(
    customer_id: int, data: PartnerInput, *, by: Actor, customer_version: int | None = None
) -> tuple[TradingPartner, Customer]:
    """Save the confirmed partner form and link the customer to it, in one transaction. The
    customer's version guards the link like any other edit of the customer."""
    values, errors = _validate(data)
    if values["code"] and "code" not in errors and await TradingPartner.exists(code=values["code"]):
        errors["code"] = f"거래처코드 '{values['code']}'{josa(values['code'], '은')} 이미 있습니다."
    if errors:
        raise ValidationError(errors)
    customer = await Customer.fetch(customer_id, "고객")
    try:
        with acting_as(by):
            async with in_transaction():
                partner = await TradingPartner.create(**values)
                customer.partner_id = partner.id
                if customer_version is not None:
                    customer.version = customer_version
                await customer.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"code": f"거래처코드 '{values['code']}'{josa(values['code'], '은')} 이미 있습니다."}
        ) from exc
    return partner, customer


async def link_partner(
    customer_id: int, partner_id: int | None, *, by: Actor, customer_version: int | None = None
) -> Customer:
    """🔍 link an existing partner (or unlink with None)."""
    refuse(
        wrong_ids(customer=customer_id, partner=partner_id),
        {}
        if customer_version is None or is_whole(customer_version)
        else {"version": "고객을 다시 불러오세요."},
    )
    customer = await Customer.get_or_none(id=customer_id) if customer_id is not None else None
    if customer is None:
        raise NotFound("고객")
    if partner_id is not None and not await TradingPartner.exists(id=partner_id):
        raise NotFound("거래처")
    customer.partner_id = partner_id
    if customer_version is not None:
        customer.version = customer_version
    with acting_as(by):
        await customer.save()
    return customer


async def get_partner(partner_id: int) -> TradingPartner:
    return await TradingPartner.fetch(partner_id, "거래처")


async def search_partners(query: str, *, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    """🔍: partners by name fragment, code or business number (digits)."""
    text = search_text(query)
    partners = TradingPartner.all()
    if text:
        digits = digits_only(text)
        if digits and len(digits) == len(text.replace("-", "")):
            partners = partners.filter(Q(business_number__startswith=digits) | Q(code__startswith=text))
        else:
            partners = partners.filter(Q(name__icontains=text) | Q(code__startswith=text))
    rows = await partners.order_by("name", "code").limit(limit)
    return [
        {
            "id": p.id,
            "code": p.code,
            "name": p.name,
            "business_number": format_business_number(p.business_number),
            "representative": p.representative,
            "phone": p.phone,
            "address": " ".join(x for x in (p.address, p.address_detail) if x),
        }
        for p in rows
    ]
