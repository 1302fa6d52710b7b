import enum

from tortoise import fields

from models.base import Record, Versioned, code_field, staff_field


class ContractState(enum.StrEnum):
    BEFORE_SENDING = "발송전"
    CONTRACTED = "계약"
    ON_HOLD = "보류"


class ContractType(enum.StrEnum):
    NEW = "신규"
    RENEWAL = "재계약"


class MaintenanceContract(Versioned, Record):
    """유지보수 계약 (TOSP). `total_amount` = sum of line amounts + retroactive fee, kept by the service.
    `previous_paid_end_on` remembers the product's paid end date before 계약 set it, for reverting."""

    customer = fields.ForeignKeyField(
        "models.Customer", on_delete=fields.RESTRICT, related_name="contracts", db_index=True
    )
    product = fields.ForeignKeyField(
        "models.CustomerProduct", on_delete=fields.RESTRICT, related_name="contracts", db_index=True
    )
    product_group = code_field()
    state = fields.CharEnumField(ContractState, max_length=5, default=ContractState.BEFORE_SENDING)
    contract_date = fields.DateField(null=True, db_index=True)
    start_on = fields.DateField(null=True)
    end_on = fields.DateField(null=True, db_index=True)
    contract_type = fields.CharEnumField(ContractType, max_length=5, default=ContractType.NEW)
    payment_method = code_field()
    payment_form = code_field()
    settlement_month = fields.CharField(max_length=7, default="", db_index=True)
    retroactive_fee = fields.BigIntField(default=0)
    total_amount = fields.BigIntField(default=0)
    sales_staff = staff_field()
    previous_paid_end_on = fields.DateField(null=True)
    note = fields.CharField(max_length=255, default="")

    class Meta:
        table = "maintenance_contract"
        indexes = (("state", "start_on"), ("customer_id", "state"))


class MaintenanceLine(Record):
    contract = fields.ForeignKeyField(
        "models.MaintenanceContract", on_delete=fields.CASCADE, related_name="lines", db_index=True
    )
    seq = fields.IntField(default=1)
    module = code_field()
    user_count = fields.IntField(default=0)
    amount = fields.BigIntField(default=0)
    note = fields.CharField(max_length=255, default="")
    pc_count = fields.IntField(default=0)
    key_lock_number = fields.CharField(max_length=50, default="")

    class Meta:
        table = "maintenance_line"
