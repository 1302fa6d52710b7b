"""Document lines shared by quotes, sales orders and shipments: one line as entered, its
amounts (supply, 10 % VAT cut to the won, total), the document totals, the amount in words and
the line checks.

Every amount on a document comes from `compute_totals`: the editor calls it for live totals and
saving calls it again, so numbers typed or tampered with in the browser are never stored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.inputs import whole_number as parse_whole_number
from core.inputs import wrong_texts
from core.korean import amount_in_words

MAX_QUANTITY = 10_000_000
MAX_UNIT_PRICE = 100_000_000_000
MAX_LINES = 500


@dataclass(frozen=True)
class LineInput:
    """One line as the user entered it. Amounts are never part of the input: they are computed."""

    name: str = ""
    item_id: int | None = None
    item_code: str = ""
    spec: str = ""
    unit: str = ""
    quantity: int = 0
    unit_price: int = 0
    taxable: bool = True
    id: int | None = None  # the stored line being edited, if any

    @property
    def is_blank(self) -> bool:
        return not (
            self.name.strip() or self.item_id or self.item_code.strip() or self.quantity or self.unit_price
        )

    @property
    def is_text(self) -> bool:
        """A text-only line such as "- 무상유지보수기간 3개월": no item, nothing to charge."""
        return not self.item_id and not self.item_code.strip() and not self.quantity and not self.unit_price


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def line_from_row(row: LineInput | Mapping[str, Any]) -> LineInput:
    """A line from the editor's row. Keys the browser may also hold (supply_amount, vat_amount,
    total_amount) are ignored on purpose. Unparsable numbers become 0 here; `validate_lines`
    reports them."""
    if isinstance(row, LineInput):
        return row
    item_id = row.get("item_id")
    line_id = row.get("id")
    return LineInput(
        name=_text(row.get("name")),
        item_id=int(item_id) if isinstance(item_id, int | str) and str(item_id).isdigit() else None,
        item_code=_text(row.get("item_code")),
        spec=_text(row.get("spec")),
        unit=_text(row.get("unit")),
        quantity=parse_whole_number(row.get("quantity")) or 0,
        unit_price=parse_whole_number(row.get("unit_price")) or 0,
        taxable=bool(row.get("taxable", True)),
        id=int(line_id) if isinstance(line_id, int | str) and str(line_id).isdigit() else None,
    )


@dataclass(frozen=True)
class LineAmounts:
    supply_amount: int
    vat_amount: int
    total_amount: int


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineAmounts, ...]
    supply_total: int
    vat_total: int
    total_amount: int


def vat_of(supply: int) -> int:
    """10 % of the supply amount, cut to the won (절사). A negative (discount) line gets the
    mirror image of the positive one, so a discount never changes VAT by more than it should."""
    vat = abs(supply) // 10
    return vat if supply >= 0 else -vat


def compute_totals(lines: Iterable[LineInput | Mapping[str, Any]]) -> Totals:
    """THE amount rule: supply = quantity × unit price; VAT = 10 % of supply cut to the won for
    taxable lines, 0 otherwise; line total = supply + VAT; document totals are the sums."""
    amounts = []
    for raw in lines:
        line = line_from_row(raw)
        supply = line.quantity * line.unit_price
        vat = vat_of(supply) if line.taxable else 0
        amounts.append(LineAmounts(supply, vat, supply + vat))
    supply_total = sum(a.supply_amount for a in amounts)
    vat_total = sum(a.vat_amount for a in amounts)
    return Totals(tuple(amounts), supply_total, vat_total, supply_total + vat_total)


def total_in_words(amount: int) -> str:
    """The amount line of a printed quote: 11,000,000 → "금 일천일백만원정" (`amount_in_words`)."""
    return amount_in_words(amount)


def validate_lines(rows: Sequence[LineInput | Mapping[str, Any]]) -> tuple[list[LineInput], dict[str, str]]:
    """Drop blank rows and check the rest. Error keys are `lines.<index>.<field>` (index of the
    row as given) so the editor can show each message next to its cell."""
    kept: list[LineInput] = []
    errors: dict[str, str] = {}
    for index, row in enumerate(rows):
        line = line_from_row(row)
        raw_quantity = row.get("quantity") if isinstance(row, Mapping) else line.quantity
        raw_price = row.get("unit_price") if isinstance(row, Mapping) else line.unit_price
        quantity, price = parse_whole_number(raw_quantity), parse_whole_number(raw_price)
        if line.is_blank and quantity == 0 and price == 0:
            continue
        where = f"{index + 1}번째 줄"
        if not line.name:
            errors[f"lines.{index}.name"] = f"{where}: 품명을 입력하세요."
        elif len(line.name) > 200:
            errors[f"lines.{index}.name"] = f"{where}: 품명은 200자 이내입니다."
        if quantity is None or not 0 <= quantity <= MAX_QUANTITY:
            errors[f"lines.{index}.quantity"] = f"{where}: 수량은 0 이상 1,000만 이하의 정수입니다."
        if price is None or abs(price) > MAX_UNIT_PRICE:
            errors[f"lines.{index}.unit_price"] = f"{where}: 단가는 원 단위 숫자입니다 (1,000억 원 이하)."
        if len(line.item_code) > 30:
            errors[f"lines.{index}.item_code"] = f"{where}: 품번은 30자 이내입니다."
        if len(line.spec) > 100:
            errors[f"lines.{index}.spec"] = f"{where}: 규격은 100자 이내입니다."
        if len(line.unit) > 20:
            errors[f"lines.{index}.unit"] = f"{where}: 단위는 20자 이내입니다."
        for name in wrong_texts(name=line.name, item_code=line.item_code, spec=line.spec, unit=line.unit):
            errors[f"lines.{index}.{name}"] = f"{where}: 입력할 수 없는 제어 문자가 들어 있습니다."
        kept.append(line)
    if len(kept) > MAX_LINES:
        errors["lines"] = f"한 견적서에는 {MAX_LINES:,}줄까지 넣을 수 있습니다."
    return kept, errors


# what a person types on a document line (the amounts are worked out from them)
TYPED_LINE_FIELDS = ("item_code", "name", "spec", "unit", "quantity", "unit_price", "taxable")


def typed_values(line: Any) -> dict[str, Any]:
    """A line's typed fields (a LineInput, a stored line or a line as the editor shows it)."""
    return {name: getattr(line, name) for name in TYPED_LINE_FIELDS}


def line_fields(line: LineInput, amounts: LineAmounts, seq: int) -> dict[str, Any]:
    """The stored columns of a document line (quote, order and shipment lines share them)."""
    return {
        "seq": seq,
        **typed_values(line),
        "supply_amount": amounts.supply_amount,
        "vat_amount": amounts.vat_amount,
        "total_amount": amounts.total_amount,
    }


def is_text_line(item_code: str, quantity: object, unit_price: object) -> bool:
    """A text line ("- 무상유지보수기간 3개월": no item code, no quantity, no price) or an empty one,
    not an item: printed without amounts, and not counted in "외 N건"."""
    return not item_code and not quantity and not unit_price
