"""기초정보등록: the code tables (customer status, reception type, categories, product groups…)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.audit import SYSTEM, Actor, acting_as
from core.errors import InUseError, NotFound, ValidationError
from core.inputs import refuse, whole_number, wrong_choices, wrong_ids, wrong_numbers, wrong_texts
from core.korean import josa
from models.codes import CodeEntry, CodeKind
from services.auth import require_admin_now
from services.submissions import already_made, create_once

K = CodeKind


@dataclass(frozen=True)
class Hierarchy:
    parent_kind: CodeKind
    levels: int


# Reception categories nest inside their own table (대 → 중 → 일반); modules belong to a product group.
HIERARCHIES: dict[CodeKind, Hierarchy] = {
    K.RECEPTION_CATEGORY: Hierarchy(parent_kind=K.RECEPTION_CATEGORY, levels=3),
    K.PRODUCT_MODULE: Hierarchy(parent_kind=K.PRODUCT_GROUP, levels=2),
}

# The manual's values, seeded on first run. (code, name, short name, description[, children])
SEED: dict[CodeKind, list[tuple]] = {
    K.CUSTOMER_STATUS: [
        ("0", "미처리", "", "미처리"),
        ("1", "견적발송", "", "견적발송"),
        ("2", "신규접수", "", "신규접수: 신규 도입 문의 접수"),
        ("3", "설치완료", "", "설치완료: 제품 설치가 끝난 고객"),
        ("4", "취소", "", "취소"),
        ("5", "접수예정", "", "접수예정: 신규 접수 예정"),
        ("6", "협력업체", "", "협력업체: 매출처가 아닌 협력 관계"),
        ("7", "사용안함", "", "프로그램을 더 이상 사용하지 않는 고객"),
        ("8", "업체이관", "", "업체를 다른 곳으로 이관"),
        ("A", "기타", "", "기타"),
    ],
    K.RECEPTION_TYPE: [
        ("1", "고객AS", "AS", "고객 AS 요청"),
        ("2", "영업상담", "영업", "영업 상담"),
        ("3", "사후컨설팅", "사후", "사후 컨설팅"),
        ("4", "고객불만접수", "불만", "고객 불만 접수"),
    ],
    K.RECEPTION_ROUTE: [
        ("1", "전화", "", ""),
        ("2", "방문", "", ""),
        ("3", "이메일", "", ""),
        ("4", "홈페이지", "", ""),
        ("5", "기타", "", ""),
    ],
    K.RECEPTION_CATEGORY: [
        (
            "01",
            "프로그램",
            "",
            "",
            [
                ("0101", "설치", "", "", [("010101", "신규설치", "", ""), ("010102", "재설치", "", "")]),
                ("0102", "오류", "", "", [("010201", "실행오류", "", ""), ("010202", "자료오류", "", "")]),
                (
                    "0103",
                    "사용문의",
                    "",
                    "",
                    [("010301", "기능문의", "", ""), ("010302", "교육요청", "", "")],
                ),
            ],
        ),
        (
            "02",
            "하드웨어",
            "",
            "",
            [
                (
                    "0201",
                    "키락",
                    "",
                    "",
                    [("020101", "키락인식불가", "", ""), ("020102", "키락교체", "", "")],
                ),
                ("0202", "장비", "", "", [("020201", "네트워크", "", ""), ("020202", "프린터", "", "")]),
            ],
        ),
        (
            "03",
            "영업",
            "",
            "",
            [
                ("0301", "견적", "", "", [("030101", "견적요청", "", "")]),
                ("0302", "주문", "", "", [("030201", "주문요청", "", "")]),
            ],
        ),
    ],
    K.CUSTOMER_CLASS_A: [("01", "일반고객", "", ""), ("02", "주요고객", "", "")],
    K.CUSTOMER_CLASS_B: [("01", "월납", "", ""), ("02", "년납", "", "")],
    K.CUSTOMER_CLASS_C: [("01", "영업TM", "", ""), ("02", "소개", "", "")],
    K.CARD_GROUP_A: [("01", "거래처", "", ""), ("02", "인쇄회사", "", "")],
    K.CARD_GROUP_B: [("01", "매출처", "", ""), ("02", "매입처", "", "")],
    K.SERVICE_CLASS: [("01", "유지보수", "", ""), ("02", "무상지원", "", ""), ("03", "없음", "", "")],
    K.PRODUCT_GROUP: [
        ("01", "뉴젠ERP", "", ""),
        ("02", "뉴젠세무ERP", "", ""),
        ("03", "뉴젠잡ERP", "", ""),
        ("04", "프로젝트ERP", "", ""),
    ],
    K.DEPARTMENT: [
        ("01", "관리부서", "", ""),
        ("02", "영업부", "", ""),
        ("03", "기술지원부", "", ""),
        ("04", "물류", "", ""),
        ("05", "마케팅", "", ""),
    ],
    K.POSITION: [
        ("01", "사원", "", ""),
        ("02", "대리", "", ""),
        ("03", "과장", "", ""),
        ("04", "차장", "", ""),
        ("05", "부장", "", ""),
        ("06", "이사", "", ""),
        ("07", "대표", "", ""),
    ],
    K.DUTY: [
        ("01", "구매팀", "", ""),
        ("02", "관리부서", "", ""),
        ("03", "회계", "", ""),
        ("04", "전산", "", ""),
    ],
    K.PAYMENT_METHOD: [
        ("01", "지로", "", ""),
        ("02", "CMS", "", ""),
        ("03", "계좌이체", "", ""),
        ("04", "카드", "", ""),
    ],
}

# Modules of the seeded product groups: (group code, module code, name)
SEED_MODULES = [
    ("01", "C011", "기본형"),
    ("01", "C012", "영업관리"),
    ("01", "C013", "회계관리"),
    ("01", "C014", "인사급여"),
    ("02", "T011", "세무기본형"),
    ("03", "J011", "잡ERP기본형"),
    ("04", "P011", "프로젝트기본형"),
]

# 접수경로 of a reception written from a call (its code: the name may be changed by the office)
PHONE_ROUTE_CODE = "1"

# 납입형태 codes the maintenance workflow relies on: the number of months one payment covers.
PAYMENT_FORM_MONTHS = {"Y": 12, "M": 1}
SEED_PAYMENT_FORMS = [("Y", "년납"), ("M", "월납")]


async def seed_codes() -> None:
    """Fill empty code tables with the manual's values (first run). Existing tables are left alone."""
    with acting_as(SYSTEM):
        async with in_transaction():
            seeded = set(await CodeEntry.all().distinct().values_list("kind", flat=True))
            for kind, rows in SEED.items():
                if kind not in seeded:
                    await _seed_rows(kind, rows, parent=None)
            if K.PRODUCT_MODULE not in seeded:
                groups = {c.code: c for c in await CodeEntry.filter(kind=K.PRODUCT_GROUP)}
                for order, (group_code, code, name) in enumerate(SEED_MODULES, start=1):
                    if group := groups.get(group_code):
                        await CodeEntry.create(
                            kind=K.PRODUCT_MODULE, code=code, name=name, sort_order=order, parent=group
                        )
            if K.PAYMENT_FORM not in seeded:
                for order, (code, name) in enumerate(SEED_PAYMENT_FORMS, start=1):
                    await CodeEntry.create(
                        kind=K.PAYMENT_FORM, code=code, name=name, sort_order=order, system=True
                    )


async def _seed_rows(kind: CodeKind, rows: list[tuple], parent: CodeEntry | None) -> None:
    for order, (code, name, short_name, description, *children) in enumerate(rows, start=1):
        entry = await CodeEntry.create(
            kind=kind,
            code=code,
            name=name,
            short_name=short_name,
            description=description,
            sort_order=order,
            parent=parent,
        )
        if children:
            await _seed_rows(kind, children[0], parent=entry)


async def list_codes(
    kind: CodeKind, *, parent_id: int | None = None, include_inactive: bool = True
) -> list[CodeEntry]:
    """Rows of one table (one level of a hierarchy when `parent_id` is given or the table nests)."""
    query = CodeEntry.filter(kind=kind)
    if parent_id is not None:
        query = query.filter(parent_id=parent_id)
    elif kind in HIERARCHIES and HIERARCHIES[kind].parent_kind == kind:
        query = query.filter(parent_id=None)  # the top level of a table that nests in itself
    if not include_inactive:
        query = query.filter(active=True)
    return await query.order_by("sort_order", "code")


async def codes_for_export(kind: CodeKind, *, parent_id: int | None = None, by: Actor) -> list[CodeEntry]:
    """One code table's rows (one level, as 기초정보등록 shows it) for 엑셀 and 인쇄: admins only."""
    await require_admin_now(by)
    return await list_codes(kind, parent_id=parent_id)


async def code_choices(kind: CodeKind, *, parent_id: int | None = None) -> dict[int, str]:
    """Active rows for a select box: id → name."""
    return {c.id: c.name for c in await list_codes(kind, parent_id=parent_id, include_inactive=False)}


async def active_code_id(kind: CodeKind, code: str) -> int | None:
    """The id of the active row with this code (None when it was removed or switched off)."""
    return await CodeEntry.filter(kind=kind, code=code, active=True).first().values_list("id", flat=True)


async def code_level(entry: CodeEntry) -> int:
    """1 for a top-level row, 2 for its child in the same table, and so on."""
    level = 1
    while entry.parent_id:
        parent = await CodeEntry.get(id=entry.parent_id)
        if parent.kind != entry.kind:
            break
        level += 1
        entry = parent
    return level


async def get_code(entry_id: int) -> CodeEntry:
    return await CodeEntry.fetch(entry_id, "코드")


async def save_code(
    *,
    by: Actor,
    kind: CodeKind,
    code: str,
    name: str,
    short_name: str = "",
    description: str = "",
    sort_order: int | None = None,
    active: bool = True,
    parent_id: int | None = None,
    entry_id: int | None = None,
    version: int | None = None,
    form_token: str | None = None,
) -> CodeEntry:
    """Add (entry_id None, once per `form_token`) or edit one row. Codes are unique per table."""
    by.require_admin()
    if entry_id is None and (made := await already_made(CodeEntry, "code", form_token)):
        return made
    refuse(
        wrong_texts(code=code, name=name, short_name=short_name, description=description),
        wrong_ids(parent=parent_id, entry=entry_id),
        wrong_choices(CodeKind, kind=kind),
        {} if sort_order is None else wrong_numbers(minimum=0, maximum=1_000_000, sort_order=sort_order),
    )
    kind = CodeKind(kind)
    sort_order = None if sort_order is None else whole_number(sort_order)
    code, name = code.strip(), name.strip()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = "코드를 입력하세요."
    elif len(code) > 20:
        errors["code"] = "코드는 20자 이내입니다."
    if not name:
        errors["name"] = "이름을 입력하세요."
    elif len(name) > 100:
        errors["name"] = "이름은 100자 이내입니다."
    if len(short_name) > 20:
        errors["short_name"] = "약칭은 20자 이내입니다."
    if len(description) > 255:
        errors["description"] = "설명은 255자 이내입니다."
    hierarchy = HIERARCHIES.get(kind)
    parent = None
    if parent_id is not None:
        parent = await CodeEntry.get_or_none(id=parent_id)
        if parent is None or hierarchy is None or parent.kind != hierarchy.parent_kind:
            errors["parent"] = "상위 코드가 올바르지 않습니다."
        elif parent.kind == kind and await code_level(parent) >= hierarchy.levels:
            errors["parent"] = f"{hierarchy.levels}단계까지만 만들 수 있습니다."
    elif hierarchy is not None and hierarchy.parent_kind != kind:
        errors["parent"] = "상위 코드를 먼저 선택하세요."
    if (
        code
        and "code" not in errors
        and await CodeEntry.filter(kind=kind, code=code).exclude(id=entry_id or 0).exists()
    ):
        errors["code"] = f"코드 '{code}'{josa(code, '은')} 이미 있습니다. 다른 코드를 입력하세요."
    if errors:
        raise ValidationError(errors)
    with acting_as(by):
        if entry_id is None:
            if sort_order is None:
                sort_order = await CodeEntry.filter(kind=kind, parent_id=parent_id).count() + 1
            try:
                return await create_once(
                    CodeEntry,
                    "code",
                    form_token,
                    lambda: CodeEntry.create(
                        kind=kind,
                        code=code,
                        name=name,
                        short_name=short_name.strip(),
                        description=description.strip(),
                        sort_order=sort_order,
                        active=active,
                        parent=parent,
                    ),
                )
            except IntegrityError as exc:
                raise ValidationError({"code": f"코드 '{code}'{josa(code, '은')} 이미 있습니다."}) from exc
        entry = await CodeEntry.get_or_none(id=entry_id, kind=kind)
        if entry is None:
            raise NotFound("코드")
        if entry.system and entry.code != code:
            raise ValidationError(
                {
                    "code": "프로그램이 사용하는 기본 코드라 코드값은 바꿀 수 없습니다 (이름은 바꿀 수 있습니다)."
                }
            )
        entry.code, entry.name, entry.short_name, entry.description = (
            code,
            name,
            short_name.strip(),
            description.strip(),
        )
        entry.active = active
        if sort_order is not None:
            entry.sort_order = sort_order
        if version is not None:
            entry.version = version
        await entry.save()
        return entry


async def set_code_active(entry_id: int, *, by: Actor, active: bool, version: int | None = None) -> CodeEntry:
    """Switch a row on or off (a row in use is switched off instead of deleted). `version`: the
    version the user saw; a row changed since is refused (StaleRecordError)."""
    by.require_admin()
    entry = await CodeEntry.fetch(entry_id, "코드")
    entry.active = active
    if version is not None:
        entry.version = version
    with acting_as(by):
        await entry.save()
    return entry


async def delete_code(entry_id: int, *, by: Actor) -> None:
    """Delete an unused row. A row in use (or with children) is refused: deactivate it instead."""
    by.require_admin()
    entry = await CodeEntry.fetch(entry_id, "코드")
    if entry.system:
        raise InUseError("프로그램이 사용하는 기본 코드는 삭제할 수 없습니다. '사용 안 함'으로 바꾸세요.")
    try:
        with acting_as(by):
            await entry.delete()
    except IntegrityError as exc:
        raise InUseError(
            f"'{entry.name}' 코드는 사용 중이라 삭제할 수 없습니다. 대신 '사용 안 함'으로 바꾸면 목록에서 빠집니다."
        ) from exc


async def code_names(ids: Iterable[int | None]) -> dict[int, str]:
    """id → name of the code-table rows among `ids` (empty ids skipped), in one query."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(await CodeEntry.filter(id__in=wanted).values_list("id", "name"))
