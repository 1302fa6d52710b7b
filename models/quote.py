import enum

from tortoise import fields

from models.base import Record, Versioned, code_field, staff_field


class QuoteState(enum.StrEnum):
    IN_PROGRESS = "견적진행"
    ACCEPTED = "신청완료"
    CANCELLED = "견적취소"


class DocumentLine:
    """Fields shared by quote, order and shipment lines. Amounts are whole won, a line without an
    item and with zero amounts is a text line (e.g. "- 무상유지보수기간 3개월")."""

    seq = fields.IntField(default=1)
    item_code = fields.CharField(max_length=30, default="")
    name = fields.CharField(max_length=200, default="")
    spec = fields.CharField(max_length=100, default="")
    unit = fields.CharField(max_length=20, default="")
    quantity = fields.IntField(default=0)
    unit_price = fields.BigIntField(default=0)
    supply_amount = fields.BigIntField(default=0)
    vat_amount = fields.BigIntField(default=0)
    total_amount = fields.BigIntField(default=0)
    taxable = fields.BooleanField(default=True)


class DocumentTotals:
    supply_total = fields.BigIntField(default=0)
    vat_total = fields.BigIntField(default=0)
    total_amount = fields.BigIntField(default=0)


class Quote(DocumentTotals, Versioned, Record):
    """견적서. 유효기간초과 is derived from `valid_until`, never stored."""

    number = fields.CharField(max_length=20, unique=True)
    quote_date = fields.DateField(db_index=True)
    valid_until = fields.DateField(null=True, db_index=True)
    customer = fields.ForeignKeyField(
        "models.Customer", null=True, on_delete=fields.RESTRICT, related_name="quotes", db_index=True
    )
    partner = fields.ForeignKeyField(
        "models.TradingPartner", null=True, on_delete=fields.RESTRICT, related_name="quotes", db_index=True
    )
    title = fields.CharField(max_length=200, default="")
    state = fields.CharEnumField(QuoteState, max_length=5, default=QuoteState.IN_PROGRESS)
    staff = staff_field()
    department = code_field()
    contact_name = fields.CharField(max_length=50, default="")
    phone = fields.CharField(max_length=30, default="")
    fax = fields.CharField(max_length=30, default="")
    email = fields.CharField(max_length=120, default="")
    delivery_site = fields.CharField(max_length=200, default="")
    customer_class = code_field()
    payment_terms = fields.CharField(max_length=200, default="")
    delivery_terms = fields.CharField(max_length=200, default="")
    remarks = fields.TextField(default="")

    class Meta:
        table = "quote"
        indexes = (("state", "quote_date"), ("customer_id", "quote_date"))


class QuoteLine(DocumentLine, Record):
    quote = fields.ForeignKeyField(
        "models.Quote", on_delete=fields.CASCADE, related_name="lines", db_index=True
    )
    item = fields.ForeignKeyField(
        "models.Item", null=True, on_delete=fields.SET_NULL, related_name=False, db_index=True
    )

    class Meta:
        table = "quote_line"
