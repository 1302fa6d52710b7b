import enum

from tortoise import fields

from models.base import Record, Versioned


class CodeKind(enum.StrEnum):
    """The code tables of 기초정보등록. Values are stable keys, labels live in services.codes."""

    CUSTOMER_STATUS = "customer_status"
    RECEPTION_TYPE = "reception_type"
    RECEPTION_ROUTE = "reception_route"
    RECEPTION_CATEGORY = "reception_category"
    CUSTOMER_CLASS_A = "customer_class_a"
    CUSTOMER_CLASS_B = "customer_class_b"
    CUSTOMER_CLASS_C = "customer_class_c"
    CARD_GROUP_A = "card_group_a"
    CARD_GROUP_B = "card_group_b"
    SERVICE_CLASS = "service_class"
    PRODUCT_GROUP = "product_group"
    PRODUCT_MODULE = "product_module"
    DEPARTMENT = "department"
    POSITION = "position"
    DUTY = "duty"
    PAYMENT_METHOD = "payment_method"
    PAYMENT_FORM = "payment_form"


class CodeEntry(Versioned, Record):
    """One row of a code table. Hierarchies (reception category levels, product group → modules)
    point to their parent row. `system` rows carry meaning the program relies on (e.g. 년납/월납)
    and can be renamed but not deleted."""

    kind = fields.CharEnumField(CodeKind, max_length=30)
    code = fields.CharField(max_length=20)
    name = fields.CharField(max_length=100)
    short_name = fields.CharField(max_length=20, default="")
    description = fields.CharField(max_length=255, default="")
    sort_order = fields.IntField(default=0)
    active = fields.BooleanField(default=True)
    system = fields.BooleanField(default=False)
    parent = fields.ForeignKeyField(
        "models.CodeEntry", null=True, on_delete=fields.RESTRICT, related_name="children", db_index=True
    )

    class Meta:
        table = "code_entry"
        unique_together = (("kind", "code"),)
        indexes = (("kind", "sort_order"),)
