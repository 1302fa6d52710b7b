import enum

from tortoise import fields

from models.base import Record


class PhoneSource(enum.StrEnum):
    CUSTOMER = "customer"
    CARD = "card"
    LINK = "link"


class PhoneEntry(Record):
    """Phone directory: one normalised number of a customer or card, or an explicit link
    (고객번호 연결) made from a reception. `digits_reversed` makes trailing-fragment search an
    indexed prefix search."""

    audited = False

    digits = fields.CharField(max_length=20, db_index=True)
    digits_reversed = fields.CharField(max_length=20, db_index=True)
    source = fields.CharEnumField(PhoneSource, max_length=10)
    label = fields.CharField(max_length=20, default="")
    customer = fields.ForeignKeyField(
        "models.Customer", null=True, on_delete=fields.CASCADE, related_name="phones", db_index=True
    )
    card = fields.ForeignKeyField(
        "models.BusinessCard", null=True, on_delete=fields.CASCADE, related_name="phones", db_index=True
    )

    class Meta:
        table = "phone_entry"
        indexes = (("customer_id",), ("card_id",))
