"""Excel import of customers and business cards, for offices leaving another system.

upload .xlsx → `read_sheet` (off the event loop) → `guess_mapping` (columns to fields, by header)
→ `preview_import` (what each row would do, with reasons for bad rows) → `run_import`. Bad rows
are skipped and listed; the rest are saved through the same services as the screens.

Re-importing the same file never duplicates. Each row is matched to a stored record (MATCH_RULES
says the same in Korean on the import screen):
- customers: by 고객코드; else by 사업자번호; else a row with a code not stored yet is added under
  that code; a row with neither code nor business number matches a customer with the same
  법인상호 and the same 전화번호 or 휴대폰 (digits only), or of that name without any number yet;
  a row without any number matches by 법인상호 alone. Same name with another number is another
  customer (a branch) and is added.
- cards: the same 이름 at the same company (the customer of the 고객코드, else the 회사명), with
  the same 휴대폰 or 직통번호 (digits only), or without any number yet; a row without numbers
  matches by 이름 and company.
A matched row whose cells change nothing is reported as 이미 있음 and not saved; otherwise the
record is updated with the row's non-empty cells (갱신)."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import io
import zipfile
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from core.audit import Actor
from core.errors import GogaekError, ValidationError
from core.korean import josa, phone_digits
from models.card import BusinessCard, Employment
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.staff import Staff
from services import cards, customers
from services.excel import Progress, report_progress

MAX_ROWS = 100_000
PREVIEW_ROWS = 200
MAX_NAME_MATCHES = 200


class ImportKind(enum.StrEnum):
    CUSTOMERS = "customers"
    CARDS = "cards"


@dataclass(frozen=True)
class ImportField:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


# Headers as the exports write them (so an exported file imports back), plus common alternatives.
CUSTOMER_FIELDS = [
    ImportField("code", "고객코드", ("코드", "거래처코드", "고객번호")),
    ImportField("registered_on", "등록일자", ("등록일", "등록일시")),
    ImportField("status", "고객상태", ("상태",)),
    ImportField(
        "company_name", "법인상호", ("상호", "회사명", "거래처명", "고객명", "업체명"), required=True
    ),
    ImportField("representative", "대표자", ("대표", "대표자명")),
    ImportField("business_number", "사업자번호", ("사업자등록번호",)),
    ImportField("business_type", "업태"),
    ImportField("business_item", "종목"),
    ImportField("phone", "전화번호", ("전화", "대표전화")),
    ImportField("fax", "팩스번호", ("팩스", "FAX")),
    ImportField("mobile", "휴대폰", ("핸드폰", "휴대전화", "휴대폰번호")),
    ImportField("email", "이메일", ("메일", "E-MAIL", "EMAIL")),
    ImportField("homepage", "홈페이지", ("웹사이트",)),
    ImportField("postal_code", "우편번호"),
    ImportField("address", "주소"),
    ImportField("address_detail", "상세주소"),
    ImportField("contact_name", "담당자", ("고객담당자",)),
    ImportField("department", "담당부서"),
    ImportField("staff", "담당사원", ("영업담당",)),
    ImportField("contract_date", "계약일자", ("계약일",)),
    ImportField("planned_delivery_date", "납품예정일"),
    ImportField("first_delivery_date", "최초납품일"),
    ImportField("management_stop_date", "관리중지일"),
    ImportField("class_a", "분류A", ("고객분류A",)),
    ImportField("class_b", "분류B", ("고객분류B",)),
    ImportField("class_c", "분류C", ("고객분류C",)),
    ImportField("service_class", "서비스분류"),
    ImportField("memo", "메모", ("비고",)),
]

CARD_FIELDS = [
    ImportField("registered_on", "등록일자", ("등록일",)),
    ImportField("name", "이름", ("성명", "담당자"), required=True),
    ImportField("position", "직책", ("직급",)),
    ImportField("employment", "근무", ("재직", "재직여부")),
    ImportField("department", "소속부서", ("부서",)),
    ImportField("duty", "담당업무", ("업무",)),
    ImportField("company_name", "회사명", ("소속회사", "거래처명", "상호")),
    ImportField("customer_code", "고객코드"),
    ImportField("mobile", "휴대폰", ("핸드폰", "휴대전화")),
    ImportField("direct_phone", "직통번호", ("전화번호", "직통")),
    ImportField("extension", "내선", ("내선번호",)),
    ImportField("fax", "팩스번호", ("팩스", "FAX")),
    ImportField("email", "이메일", ("메일", "E-MAIL", "EMAIL")),
    ImportField("homepage", "홈페이지"),
    ImportField("company_address", "회사주소", ("주소",)),
    ImportField("group_a", "분류A", ("명함그룹A",)),
    ImportField("group_b", "분류B", ("명함그룹B",)),
    ImportField("notes", "비고", ("메모",)),
]

FIELDS = {ImportKind.CUSTOMERS: CUSTOMER_FIELDS, ImportKind.CARDS: CARD_FIELDS}

# How rows find the records they update, as the import screen and its report say it.
MATCH_RULES = {
    ImportKind.CUSTOMERS: (
        "이미 있는 고객은 새로 만들지 않습니다. 고객코드 → 사업자번호 순으로 찾고, 둘 다 없는 행은 "
        "법인상호와 전화번호(또는 휴대폰)가 같은 고객을 찾습니다(전화번호가 없는 행은 법인상호만으로). "
        "상호가 같아도 전화번호가 다르면 다른 고객(지점)으로 추가합니다."
    ),
    ImportKind.CARDS: (
        "이미 있는 명함은 새로 만들지 않습니다. 같은 회사(고객코드의 고객, 없으면 회사명)에서 "
        "이름과 휴대폰(또는 직통번호)이 같은 명함을 찾습니다(번호가 없는 행은 이름과 회사만으로). "
        "번호가 다르면 다른 사람으로 추가합니다."
    ),
}
MATCH_OUTCOMES = "찾은 행은 바뀌는 내용이 있으면 '갱신', 없으면 '이미 있음'으로 표시합니다."

# Columns holding names of code-table rows (or staff), resolved to ids per row.
_CUSTOMER_CODES = {
    "status": ("status_id", CodeKind.CUSTOMER_STATUS),
    "department": ("department_id", CodeKind.DEPARTMENT),
    "class_a": ("class_a_id", CodeKind.CUSTOMER_CLASS_A),
    "class_b": ("class_b_id", CodeKind.CUSTOMER_CLASS_B),
    "class_c": ("class_c_id", CodeKind.CUSTOMER_CLASS_C),
    "service_class": ("service_class_id", CodeKind.SERVICE_CLASS),
}
_CARD_CODES = {
    "position": ("position_id", CodeKind.POSITION),
    "department": ("department_id", CodeKind.DEPARTMENT),
    "duty": ("duty_id", CodeKind.DUTY),
    "group_a": ("group_a_id", CodeKind.CARD_GROUP_A),
    "group_b": ("group_b_id", CodeKind.CARD_GROUP_B),
}
_FIELD_LABELS = {kind: {f.key: f.header for f in fields} | {"": "행"} for kind, fields in FIELDS.items()}
_ID_FIELD_LABELS = {
    "status_id": "고객상태",
    "department_id": "부서",
    "class_a_id": "분류A",
    "class_b_id": "분류B",
    "class_c_id": "분류C",
    "service_class_id": "서비스분류",
    "staff_id": "담당사원",
    "position_id": "직책",
    "duty_id": "담당업무",
    "group_a_id": "분류A",
    "group_b_id": "분류B",
    "customer_id": "고객코드",
}


@dataclass
class Sheet:
    """The first worksheet: its header row and the data rows below it (Excel row numbers kept)."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]


def _read(data: bytes) -> Sheet:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError(
            {"file": "엑셀(.xlsx) 파일이 아닙니다. 엑셀에서 .xlsx로 저장해 올리세요."}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        headers = next(lines, None)
        if not headers or not any(h not in (None, "") for h in headers):
            raise ValidationError({"file": "첫 줄에 제목(법인상호, 전화번호 …)이 있어야 합니다."})
        width = len(headers)
        rows = []
        for number, values in enumerate(lines, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    {"file": f"한 번에 {MAX_ROWS:,}행까지 가져올 수 있습니다. 파일을 나누세요."}
                )
            rows.append((number, [*values, *[None] * (width - len(values))][:width]))
        return Sheet(headers=[str(h).strip() if h is not None else "" for h in headers], rows=rows)
    finally:
        workbook.close()


async def read_sheet(data: bytes) -> Sheet:
    """Parse an uploaded workbook off the event loop."""
    return await asyncio.to_thread(_read, data)


def _normal(text: str) -> str:
    return "".join(text.split()).upper()


def guess_mapping(kind: ImportKind, headers: list[str]) -> dict[str, int]:
    """field key → column index, by header name (exact header first, then known aliases)."""
    normal = [_normal(h) for h in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for pass_aliases in (False, True):
        for item in FIELDS[kind]:
            if item.key in mapping:
                continue
            names = item.aliases if pass_aliases else (item.header,)
            for name in names:
                target = _normal(name)
                index = next((i for i, h in enumerate(normal) if h == target and i not in used), None)
                if index is not None:
                    mapping[item.key] = index
                    used.add(index)
                    break
    return mapping


class RowAction(enum.StrEnum):
    CREATE = "추가"
    UPDATE = "갱신"
    UNCHANGED = "이미 있음"  # matched a stored record and the row changes nothing in it
    ERROR = "오류"


@dataclass
class RowOutcome:
    row_number: int
    label: str
    action: RowAction
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    outcomes: list[RowOutcome]

    def count(self, action: RowAction) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def errors(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action == RowAction.ERROR]


class _Lookups:
    """Code-table rows and staff by name, loaded once per import."""

    def __init__(self, codes: dict[tuple[str, str], int], staff: dict[str, int]) -> None:
        self.codes, self.staff = codes, staff

    @classmethod
    async def load(cls) -> _Lookups:
        codes: dict[tuple[str, str], int] = {}
        for code_id, kind, code, name in await CodeEntry.filter(active=True).values_list(
            "id", "kind", "code", "name"
        ):
            codes.setdefault((kind, _normal(name)), code_id)
            codes.setdefault((kind, _normal(code)), code_id)
        staff = {_normal(name): staff_id for staff_id, name in await Staff.all().values_list("id", "name")}
        return cls(codes, staff)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _cells(sheet_row: list[Any], mapping: dict[str, int]) -> dict[str, Any]:
    return {key: sheet_row[index] for key, index in mapping.items() if index < len(sheet_row)}


def _resolve_codes(
    cells: dict[str, Any],
    table: dict[str, tuple[str, CodeKind]],
    lookups: _Lookups,
    reasons: list[str],
    labels,
) -> dict[str, int | None]:
    resolved: dict[str, int | None] = {}
    for key, (target, kind) in table.items():
        name = _text(cells.get(key))
        if not name:
            continue
        code_id = lookups.codes.get((kind.value, _normal(name)))
        if code_id is None:
            reasons.append(f"{labels[key]} '{name}'{josa(name, '이')} 기초정보에 없습니다.")
        resolved[target] = code_id
    return resolved


def _reasons(error: ValidationError, labels: dict[str, str]) -> list[str]:
    return [
        f"{labels.get(name) or _ID_FIELD_LABELS.get(name, name)}: {message}"
        for name, message in error.fields.items()
    ]


# --- customers ------------------------------------------------------------------------------


@dataclass
class _CustomerRow:
    number: int
    label: str
    data: customers.CustomerInput | None
    code: str
    reasons: list[str]
    given: set[str]


def _customer_row(number: int, cells: dict[str, Any], lookups: _Lookups) -> _CustomerRow:
    labels = _FIELD_LABELS[ImportKind.CUSTOMERS]
    reasons: list[str] = []
    values: dict[str, Any] = {}
    for item in CUSTOMER_FIELDS:
        if item.key in _CUSTOMER_CODES or item.key in ("code", "staff"):
            continue
        raw = cells.get(item.key)
        if isinstance(raw, dt.datetime | dt.date):
            values[item.key] = raw
        else:
            values[item.key] = _text(raw)
    values.update(_resolve_codes(cells, _CUSTOMER_CODES, lookups, reasons, labels))
    staff_name = _text(cells.get("staff"))
    if staff_name:
        values["staff_id"] = lookups.staff.get(_normal(staff_name))
        if values["staff_id"] is None:
            reasons.append(f"담당사원 '{staff_name}'{josa(staff_name, '이')} 사원 목록에 없습니다.")
    given = {key for key, value in values.items() if value not in ("", None)}
    if not values.get("registered_on"):
        values["registered_on"] = dt.date.today()
    return _CustomerRow(
        number=number,
        label=values.get("company_name") or "",
        data=customers.CustomerInput(**values) if not reasons else None,
        code=_text(cells.get("code")),
        reasons=reasons,
        given=given,
    )


def _customer_numbers(phone: str, mobile: str) -> set[str]:
    return {d for d in (phone_digits(phone), phone_digits(mobile)) if d}


def _customer_key(code: str, values: dict[str, Any]) -> str:
    """What identifies the row within one file (mirrors `_match_customer`)."""
    if code:
        return f"code:{code}"
    if values["business_number"]:
        return f"brn:{values['business_number']}"
    numbers = sorted(_customer_numbers(values["phone"], values["mobile"]))
    return f"name:{_normal(values['company_name'])}:{','.join(numbers)}"


async def _match_customer(code: str, values: dict[str, Any]) -> Customer | None:
    """The stored customer this row is (the rules are in the module docstring). `values` are
    validated: the business number is digits, phones are formatted."""
    if code and (found := await Customer.get_or_none(code=code)):
        return found
    if values["business_number"]:
        return await Customer.filter(business_number=values["business_number"]).order_by("id").first()
    if code:  # a new code: the row is added under it
        return None
    same_name = (
        await Customer.filter(company_name=values["company_name"]).order_by("id").limit(MAX_NAME_MATCHES)
    )
    numbers = _customer_numbers(values["phone"], values["mobile"])
    if not numbers:
        return same_name[0] if same_name else None
    by_number = [c for c in same_name if numbers & _customer_numbers(c.phone, c.mobile)]
    if by_number:
        return by_number[0]
    return next((c for c in same_name if not _customer_numbers(c.phone, c.mobile)), None)


def _merged(existing: Customer, row: _CustomerRow) -> customers.CustomerInput:
    """The stored customer with the file's non-empty cells on top (empty cells keep what is there)."""
    merged = customers.CustomerInput.of(existing)
    assert row.data is not None
    for name in row.given:
        setattr(merged, name, getattr(row.data, name))
    return merged


def _changes_anything(stored: Customer | BusinessCard, values: dict[str, Any]) -> bool:
    """Whether saving these validated column values would change the stored record."""
    return any(getattr(stored, name) != value for name, value in values.items())


# --- cards ----------------------------------------------------------------------------------


@dataclass
class _CardRow:
    number: int
    label: str
    data: cards.CardInput | None
    reasons: list[str]
    given: set[str]


async def _card_row(
    number: int, cells: dict[str, Any], lookups: _Lookups, customer_ids: dict[str, int]
) -> _CardRow:
    labels = _FIELD_LABELS[ImportKind.CARDS]
    reasons: list[str] = []
    values: dict[str, Any] = {}
    for item in CARD_FIELDS:
        if item.key in _CARD_CODES or item.key in ("customer_code", "employment"):
            continue
        raw = cells.get(item.key)
        values[item.key] = raw if isinstance(raw, dt.datetime | dt.date) else _text(raw)
    values.update(_resolve_codes(cells, _CARD_CODES, lookups, reasons, labels))
    employment = _text(cells.get("employment"))
    if employment:
        if employment in ("재직", "1", "1.재직"):
            values["employment"] = Employment.EMPLOYED
        elif employment in ("퇴사", "2", "2.퇴사"):
            values["employment"] = Employment.LEFT
        else:
            reasons.append(f"근무 '{employment}'{josa(employment, '은')} 재직 또는 퇴사여야 합니다.")
    code = _text(cells.get("customer_code"))
    if code:
        if code not in customer_ids:
            found = await Customer.filter(code=code).values_list("id", flat=True)
            if found:
                customer_ids[code] = found[0]
        if code in customer_ids:
            values["customer_id"] = customer_ids[code]
        else:
            reasons.append(f"고객코드 '{code}'인 고객이 없습니다.")
    given = {key for key, value in values.items() if value not in ("", None)}
    return _CardRow(
        number=number,
        label=values.get("name") or "",
        data=cards.CardInput(**values) if not reasons else None,
        reasons=reasons,
        given=given,
    )


def _card_numbers(mobile: str, direct_phone: str) -> set[str]:
    return {d for d in (phone_digits(mobile), phone_digits(direct_phone)) if d}


def _card_key(values: dict[str, Any]) -> tuple[Any, ...]:
    """What identifies the card within one file (mirrors `_match_card`)."""
    company = values["customer_id"] or _normal(values["company_name"])
    numbers = tuple(sorted(_card_numbers(values["mobile"], values["direct_phone"])))
    return (_normal(values["name"]), company, numbers)


def _same_company(card: BusinessCard, values: dict[str, Any]) -> bool:
    if values["customer_id"] and card.customer_id:
        return card.customer_id == values["customer_id"]
    return _normal(card.company_name) == _normal(values["company_name"])


async def _match_card(values: dict[str, Any]) -> BusinessCard | None:
    """The stored card this row is: same name and company, and a number in common if the row has
    any (or none stored yet). `values` are validated, so a card of a customer carries that customer's company name."""
    numbers = _card_numbers(values["mobile"], values["direct_phone"])
    candidates = await BusinessCard.filter(name=values["name"]).order_by("id").limit(MAX_NAME_MATCHES)
    same = [card for card in candidates if _same_company(card, values)]
    if not numbers:
        return same[0] if same else None
    by_number = [card for card in same if numbers & _card_numbers(card.mobile, card.direct_phone)]
    if by_number:
        return by_number[0]
    return next((card for card in same if not _card_numbers(card.mobile, card.direct_phone)), None)


# --- preview and import ------------------------------------------------------------------------


async def _process(
    kind: ImportKind,
    sheet: Sheet,
    mapping: dict[str, int],
    *,
    by: Actor | None,
    limit: int | None = None,
    on_progress: Progress | None = None,
) -> ImportReport:
    """Validate every row; with `by`, also save. Without `by` (preview), rows that would match a row
    earlier in the same file are reported as updates, as the import would do."""
    missing = [f.header for f in FIELDS[kind] if f.required and f.key not in mapping]
    if missing:
        raise ValidationError({"mapping": f"{', '.join(missing)} 열을 지정하세요."})
    lookups = await _Lookups.load()
    labels = _FIELD_LABELS[kind]
    outcomes: list[RowOutcome] = []
    seen: set[Any] = set()
    customer_ids: dict[str, int] = {}
    rows = sheet.rows if limit is None else sheet.rows[:limit]
    for position, (number, sheet_row) in enumerate(rows, start=1):
        cells = _cells(sheet_row, mapping)
        if kind == ImportKind.CUSTOMERS:
            outcome = await _customer(number, cells, lookups, labels, by, seen)
        else:
            outcome = await _card(number, cells, lookups, labels, by, seen, customer_ids)
        outcomes.append(outcome)
        if position % 50 == 0 or position == len(rows):
            await report_progress(on_progress, position, len(rows))
    return ImportReport(outcomes)


def _row_action(existing: Any, merged_values: dict[str, Any] | None, key: Any, seen: set) -> RowAction:
    """A row that matches a stored record updates it if it changes anything; any other row makes
    a new record, or updates the one an earlier row of the file made (the same key)."""
    if existing:
        assert merged_values is not None
        action = RowAction.UPDATE if _changes_anything(existing, merged_values) else RowAction.UNCHANGED
    else:
        action = RowAction.UPDATE if key in seen else RowAction.CREATE
    seen.add(key)
    return action


async def _saved_outcome(saving: Awaitable[Any], done: RowOutcome, labels: dict[str, str]) -> RowOutcome:
    """`done` once the row is saved; the reasons when the save refused it."""
    try:
        await saving
    except ValidationError as error:
        return RowOutcome(done.row_number, done.label, RowAction.ERROR, _reasons(error, labels))
    except GogaekError as error:
        return RowOutcome(done.row_number, done.label, RowAction.ERROR, [str(error)])
    return done


async def _customer(number, cells, lookups, labels, by, seen) -> RowOutcome:
    row = _customer_row(number, cells, lookups)
    if row.data is None:
        return RowOutcome(number, row.label, RowAction.ERROR, row.reasons)
    values, errors = await customers.validate_customer(row.data)
    if errors:
        return RowOutcome(number, row.label, RowAction.ERROR, _reasons(ValidationError(errors), labels))
    existing = await _match_customer(row.code, values)
    merged_values = (await customers.validate_customer(_merged(existing, row)))[0] if existing else None
    action = _row_action(existing, merged_values, _customer_key(row.code, values), seen)
    if by is None or action == RowAction.UNCHANGED:
        return RowOutcome(number, row.label, action)
    if existing:
        saving = customers.save_customer(
            _merged(existing, row),
            by=by,
            customer_id=existing.id,
            version=existing.version,
            confirm_duplicates=True,
        )
    else:
        saving = customers.save_customer(row.data, by=by, code=row.code or None, confirm_duplicates=True)
    return await _saved_outcome(saving, RowOutcome(number, row.label, action), labels)


async def _card(number, cells, lookups, labels, by, seen, customer_ids) -> RowOutcome:
    row = await _card_row(number, cells, lookups, customer_ids)
    if row.data is None:
        return RowOutcome(number, row.label, RowAction.ERROR, row.reasons)
    values, errors = await cards.validate_card(row.data)
    if errors:
        return RowOutcome(number, row.label, RowAction.ERROR, _reasons(ValidationError(errors), labels))
    existing = await _match_card(values)
    merged = merged_values = None
    if existing:
        merged = cards.CardInput.of(existing)
        for name in row.given:
            setattr(merged, name, getattr(row.data, name))
        merged_values, _ = await cards.validate_card(merged)
    action = _row_action(existing, merged_values, _card_key(values), seen)
    if by is None or action == RowAction.UNCHANGED:
        return RowOutcome(number, row.label, action)
    if existing and merged is not None:
        saving = cards.save_card(merged, by=by, card_id=existing.id, version=existing.version)
    else:
        saving = cards.save_card(row.data, by=by)
    return await _saved_outcome(saving, RowOutcome(number, row.label, action), labels)


async def preview_import(
    kind: ImportKind, sheet: Sheet, mapping: dict[str, int], *, limit: int | None = PREVIEW_ROWS
) -> ImportReport:
    """What importing would do with the first `limit` rows (None: all), without saving anything."""
    return await _process(kind, sheet, mapping, by=None, limit=limit)


async def run_import(
    kind: ImportKind, sheet: Sheet, mapping: dict[str, int], *, by: Actor, on_progress: Progress | None = None
) -> ImportReport:
    """Import every good row; bad rows are skipped and reported with their reasons."""
    return await _process(kind, sheet, mapping, by=by, on_progress=on_progress)
