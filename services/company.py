"""회사정보: our own company block printed on quotes (상호, 사업자번호, 대표자, 주소, 전화, 팩스 and
an optional stamp image), kept in the `company` application setting. The stamp file lives under
<data>/company/ with a generated name."""

from __future__ import annotations

import asyncio
import base64
import uuid
from dataclasses import dataclass, fields
from pathlib import Path

import filetype

from core.audit import Actor, acting_as
from core.errors import ValidationError
from core.inputs import refuse, wrong_texts
from core.korean import (
    business_number_error,
    digits_only,
    format_business_number,
    format_phone,
    josa,
    phone_error,
)
from core.settings import get_settings
from html_forms.quote import CompanyBlock, SupplierFields
from models.settings import AppSetting
from services.attachments import store_bytes

SETTING_KEY = "company"
STAMP_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
STAMP_LIMIT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class CompanyInfo(SupplierFields):
    """회사정보 as stored: the business number in digits only, the stamp's file name."""

    stamp: str = ""  # stored file name under <data>/company/, "" when there is none
    version: int = 0  # 0 until first saved

    @property
    def business_number_display(self) -> str:
        return format_business_number(self.business_number)


_TEXT_FIELDS = {
    "name": (100, "상호"),
    "representative": (50, "대표자"),
    "business_type": (100, "업태"),
    "business_item": (100, "종목"),
    "address": (200, "주소"),
}


def _company_dir() -> Path:
    return get_settings().company_files_dir


def _info(setting: AppSetting | None) -> CompanyInfo:
    if setting is None:
        return CompanyInfo()
    value = setting.value if isinstance(setting.value, dict) else {}
    known = {k: str(v) for k, v in value.items() if k in CompanyInfo.__dataclass_fields__ and k != "version"}
    return CompanyInfo(**known, version=setting.version)


async def get_company() -> CompanyInfo:
    return _info(await AppSetting.get_or_none(key=SETTING_KEY))


async def _store(value: dict[str, str], *, by: Actor, version: int) -> CompanyInfo:
    with acting_as(by):
        return _info(await AppSetting.store(SETTING_KEY, value, version=version))


async def save_company(
    *,
    by: Actor,
    version: int,
    name: str,
    business_number: str = "",
    representative: str = "",
    business_type: str = "",
    business_item: str = "",
    address: str = "",
    phone: str = "",
    fax: str = "",
) -> CompanyInfo:
    """Save the company block (admin). `version` is the one the form opened (0: never saved)."""
    by.require_admin()
    refuse(
        wrong_texts(
            name=name,
            business_number=business_number,
            representative=representative,
            business_type=business_type,
            business_item=business_item,
            address=address,
            phone=phone,
            fax=fax,
        )
    )
    values = {
        "name": name.strip(),
        "representative": representative.strip(),
        "business_type": business_type.strip(),
        "business_item": business_item.strip(),
        "address": address.strip(),
    }
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "상호를 입력하세요."
    for key, (limit, label) in _TEXT_FIELDS.items():
        if len(values[key]) > limit:
            errors[key] = f"{label}{josa(label, '은')} {limit:,}자 이내입니다."
    if problem := business_number_error(business_number):
        errors["business_number"] = problem
    for key, raw in (("phone", phone), ("fax", fax)):
        if problem := phone_error(raw):
            errors[key] = problem
    if errors:
        raise ValidationError(errors)
    current = await get_company()
    values |= {
        "business_number": digits_only(business_number),
        "phone": format_phone(phone) if phone.strip() else "",
        "fax": format_phone(fax) if fax.strip() else "",
        "stamp": current.stamp,
    }
    return await _store(values, by=by, version=version)


def _check_stamp(filename: str, data: bytes) -> str:
    if not data:
        raise ValidationError({"stamp": "빈 파일입니다."})
    if len(data) > STAMP_LIMIT_BYTES:
        raise ValidationError({"stamp": "도장 이미지는 1MB까지 올릴 수 있습니다."})
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in STAMP_TYPES:
        raise ValidationError(
            {"stamp": f"'{filename}': 도장 이미지는 PNG, JPG, GIF 파일만 올릴 수 있습니다."}
        )
    return STAMP_TYPES[kind.mime]


async def save_stamp(*, by: Actor, version: int, filename: str, data: bytes) -> CompanyInfo:
    """Replace the stamp image (직인) printed next to the representative's name."""
    by.require_admin()
    extension = _check_stamp(filename, data)
    current = await get_company()
    stored = f"stamp-{uuid.uuid4().hex}.{extension}"
    path = _company_dir() / stored
    await store_bytes(path, data)
    values = {k: getattr(current, k) for k in CompanyInfo.__dataclass_fields__ if k != "version"}
    try:
        info = await _store(values | {"stamp": stored}, by=by, version=version)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    if current.stamp:
        (_company_dir() / current.stamp).unlink(missing_ok=True)
    return info


async def remove_stamp(*, by: Actor, version: int) -> CompanyInfo:
    by.require_admin()
    current = await get_company()
    values = {k: getattr(current, k) for k in CompanyInfo.__dataclass_fields__ if k != "version"}
    info = await _store(values | {"stamp": ""}, by=by, version=version)
    if current.stamp:
        (_company_dir() / current.stamp).unlink(missing_ok=True)
    return info


async def stamp_data_uri(info: CompanyInfo | None = None) -> str:
    """The stamp as an inline `data:` URI (the PDF renderer never reads files), or ""."""
    info = info or await get_company()
    if not info.stamp or "/" in info.stamp or "\\" in info.stamp:
        return ""
    path = _company_dir() / info.stamp
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError:
        return ""
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in STAMP_TYPES:
        return ""
    return f"data:{kind.mime};base64,{base64.b64encode(data).decode('ascii')}"


async def print_block() -> CompanyBlock:
    """The 공급자 block every printed document carries (견적서, 거래명세서, 영수증); fields not
    entered yet print as empty cells."""
    info = await get_company()
    supplier = {f.name: getattr(info, f.name) for f in fields(SupplierFields)}
    return CompanyBlock(
        **{**supplier, "business_number": info.business_number_display}, stamp_uri=await stamp_data_uri(info)
    )
