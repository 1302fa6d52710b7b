from tortoise import fields

from models.base import Record, Versioned, code_field


class CustomerProduct(Versioned, Record):
    """제품관리: a product (product group) sold to a customer, with its maintenance end dates."""

    customer = fields.ForeignKeyField(
        "models.Customer", on_delete=fields.RESTRICT, related_name="products", db_index=True
    )
    product_group = code_field()
    licence_number = fields.CharField(max_length=50, default="")
    first_registered_on = fields.DateField(null=True)
    free_end_on = fields.DateField(null=True, db_index=True)
    paid_end_on = fields.DateField(null=True, db_index=True)
    note = fields.CharField(max_length=255, default="")

    class Meta:
        table = "customer_product"
        indexes = (("customer_id", "product_group_id"),)


class KeyLock(Record):
    """키락번호: a hardware dongle number, unique across the office."""

    product = fields.ForeignKeyField(
        "models.CustomerProduct", on_delete=fields.CASCADE, related_name="key_locks", db_index=True
    )
    number = fields.CharField(max_length=50, unique=True)

    class Meta:
        table = "key_lock"


class ProductModule(Record):
    """A module (제품 소분류) of a sold product with its user count and its maintenance amount
    (유지보수금액: what one agreement period of this module costs; new agreements start from it)."""

    product = fields.ForeignKeyField(
        "models.CustomerProduct", on_delete=fields.CASCADE, related_name="modules", db_index=True
    )
    module = code_field()
    user_count = fields.IntField(default=0)
    amount = fields.BigIntField(default=0)

    class Meta:
        table = "product_module"
