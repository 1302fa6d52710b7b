from tortoise import fields

from models.base import Record, Versioned


class Item(Versioned, Record):
    """품목: something the office sells, used on quote lines."""

    code = fields.CharField(max_length=30, unique=True)
    name = fields.CharField(max_length=100, db_index=True)
    spec = fields.CharField(max_length=100, default="")
    unit = fields.CharField(max_length=20, default="")
    unit_price = fields.BigIntField(default=0)
    taxable = fields.BooleanField(default=True)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "item"
