from tortoise import fields

from models.base import Record, Versioned, code_field, staff_field


class TradingPartner(Versioned, Record):
    """거래처: the sales-side record of a company. Changes never flow back to customers."""

    code = fields.CharField(max_length=20, unique=True)
    name = fields.CharField(max_length=100, db_index=True)
    business_number = fields.CharField(max_length=10, default="", db_index=True)
    representative = fields.CharField(max_length=50, default="")
    business_type = fields.CharField(max_length=100, default="")
    business_item = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=30, default="")
    fax = fields.CharField(max_length=30, default="")
    email = fields.CharField(max_length=120, default="")
    postal_code = fields.CharField(max_length=10, default="")
    address = fields.CharField(max_length=200, default="")
    address_detail = fields.CharField(max_length=200, default="")

    class Meta:
        table = "trading_partner"


class Customer(Versioned, Record):
    """고객: a company the office sells to and maintains."""

    code = fields.CharField(max_length=12, unique=True)
    registered_on = fields.DateField(db_index=True)
    status = code_field()
    company_name = fields.CharField(max_length=100, db_index=True)
    company_name_chosung = fields.CharField(max_length=100, default="", db_index=True)
    representative = fields.CharField(max_length=50, default="")
    business_number = fields.CharField(max_length=10, default="", db_index=True)
    # its digits backwards: a search by the last digits walks an index, as phone numbers do
    business_number_reversed = fields.CharField(max_length=10, default="", db_default="", db_index=True)
    business_type = fields.CharField(max_length=100, default="")
    business_item = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=30, default="")
    fax = fields.CharField(max_length=30, default="")
    mobile = fields.CharField(max_length=30, default="")
    email = fields.CharField(max_length=120, default="")
    homepage = fields.CharField(max_length=200, default="")
    postal_code = fields.CharField(max_length=10, default="")
    address = fields.CharField(max_length=200, default="")
    address_detail = fields.CharField(max_length=200, default="")
    contact_name = fields.CharField(max_length=50, default="")
    department = code_field()
    staff = staff_field()
    contract_date = fields.DateField(null=True)
    planned_delivery_date = fields.DateField(null=True)
    first_delivery_date = fields.DateField(null=True)
    management_stop_date = fields.DateField(null=True, db_index=True)
    class_a = code_field()
    class_b = code_field()
    class_c = code_field()
    service_class = code_field()
    map_image = fields.CharField(max_length=100, default="")
    memo = fields.TextField(default="")
    partner = fields.ForeignKeyField(
        "models.TradingPartner", null=True, on_delete=fields.SET_NULL, related_name="customers", db_index=True
    )
    # 수신거부: no renewal reminders (SMS or e-mail) to this customer
    reminder_opt_out = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "customer"
        indexes = (("staff_id", "registered_on"), ("service_class_id", "registered_on"), ("status_id",))


class CustomerHistory(Record):
    """업체정보이력: a timestamped note about a customer, kept forever."""

    customer = fields.ForeignKeyField(
        "models.Customer", on_delete=fields.CASCADE, related_name="history", db_index=True
    )
    note = fields.TextField()

    class Meta:
        table = "customer_history"
        indexes = (("customer_id", "created_at"),)
