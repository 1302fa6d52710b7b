import enum

from tortoise import fields

from models.base import Record, Versioned, code_field


class Employment(enum.StrEnum):
    EMPLOYED = "재직"
    LEFT = "퇴사"


class BusinessCard(Versioned, Record):
    """명함: a person at a customer (or at a company not registered as a customer)."""

    customer = fields.ForeignKeyField(
        "models.Customer", null=True, on_delete=fields.SET_NULL, related_name="cards", db_index=True
    )
    company_name = fields.CharField(max_length=100, default="", db_index=True)
    company_name_chosung = fields.CharField(
        max_length=100, default="", db_default=""
    )  # 초성: "ㅎㄱㄷ" finds 홍길동
    company_address = fields.CharField(max_length=200, default="")
    name = fields.CharField(max_length=50, db_index=True)
    name_chosung = fields.CharField(max_length=50, default="", db_default="")
    employment = fields.CharEnumField(Employment, max_length=5, default=Employment.EMPLOYED)
    position = code_field()
    department = code_field()
    duty = code_field()
    mobile = fields.CharField(max_length=30, default="")
    direct_phone = fields.CharField(max_length=30, default="")
    extension = fields.CharField(max_length=20, default="")
    fax = fields.CharField(max_length=30, default="")
    email = fields.CharField(max_length=120, default="")
    homepage = fields.CharField(max_length=200, default="")
    group_a = code_field()
    group_b = code_field()
    registered_on = fields.DateField(db_index=True)
    notes = fields.TextField(default="")

    class Meta:
        table = "business_card"
        indexes = (("customer_id", "name"),)
