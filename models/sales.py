from tortoise import fields

from models.base import Record, Versioned, code_field
from models.quote import DocumentLine, DocumentTotals


class SalesOrder(DocumentTotals, Versioned, Record):
    """수주: an order from a trading partner, usually made from a quote (at most once per quote)."""

    number = fields.CharField(max_length=20, unique=True)
    order_date = fields.DateField(db_index=True)
    partner = fields.ForeignKeyField(
        "models.TradingPartner", on_delete=fields.RESTRICT, related_name="orders", db_index=True
    )
    customer = fields.ForeignKeyField(
        "models.Customer", null=True, on_delete=fields.RESTRICT, related_name=False, db_index=True
    )
    quote = fields.OneToOneField("models.Quote", null=True, on_delete=fields.RESTRICT, related_name="order")
    memo = fields.TextField(default="")

    class Meta:
        table = "sales_order"
        indexes = (("partner_id", "order_date"),)


class SalesOrderLine(DocumentLine, Record):
    order = fields.ForeignKeyField(
        "models.SalesOrder", on_delete=fields.CASCADE, related_name="lines", db_index=True
    )

    class Meta:
        table = "sales_order_line"


class Shipment(DocumentTotals, Versioned, Record):
    """출고 (판매): goods delivered / sold to a partner, shipments raise the credit balance."""

    number = fields.CharField(max_length=20, unique=True)
    shipped_on = fields.DateField(db_index=True)
    partner = fields.ForeignKeyField(
        "models.TradingPartner", on_delete=fields.RESTRICT, related_name="shipments", db_index=True
    )
    customer = fields.ForeignKeyField(
        "models.Customer", null=True, on_delete=fields.RESTRICT, related_name=False, db_index=True
    )
    quote = fields.OneToOneField(
        "models.Quote", null=True, on_delete=fields.RESTRICT, related_name="shipment"
    )
    order = fields.ForeignKeyField(
        "models.SalesOrder", null=True, on_delete=fields.RESTRICT, related_name="shipments", db_index=True
    )
    memo = fields.TextField(default="")

    class Meta:
        table = "shipment"
        indexes = (("partner_id", "shipped_on"),)


class ShipmentLine(DocumentLine, Record):
    shipment = fields.ForeignKeyField(
        "models.Shipment", on_delete=fields.CASCADE, related_name="lines", db_index=True
    )

    class Meta:
        table = "shipment_line"


class Receipt(Versioned, Record):
    """수금: money received from a partner, receipts lower the credit balance. The 수금번호
    (YYMMDD-NNN of the receipt date) lets a duplicate be spotted in the ledger; receipts entered
    before numbering existed have none."""

    number = fields.CharField(max_length=20, default="", db_default="", db_index=True)
    partner = fields.ForeignKeyField(
        "models.TradingPartner", on_delete=fields.RESTRICT, related_name="receipts", db_index=True
    )
    received_on = fields.DateField(db_index=True)
    amount = fields.BigIntField()
    method = code_field()
    memo = fields.CharField(max_length=255, default="")

    class Meta:
        table = "receipt"
        indexes = (("partner_id", "received_on"),)
