import enum

from tortoise import fields

from models.base import Record, Versioned, staff_field


class VisitState(enum.StrEnum):
    PLANNED = "계획"
    DONE = "완료"
    CANCELLED = "취소"
    ON_HOLD = "보류"


class HtmlTemplate(Versioned, Record):
    """Html문서: a document template with {{placeholders}} for customer and visit fields."""

    name = fields.CharField(max_length=100, unique=True)
    html = fields.TextField()
    active = fields.BooleanField(default=True)

    class Meta:
        table = "html_template"


class VisitReport(Versioned, Record):
    """방문일지: a visit to a customer, written from an HTML template."""

    customer = fields.ForeignKeyField(
        "models.Customer", null=True, on_delete=fields.RESTRICT, related_name="visits", db_index=True
    )
    written_on = fields.DateField(db_index=True)
    document_number = fields.CharField(max_length=20, unique=True)
    visit_date = fields.DateField(null=True, db_index=True)
    visit_time = fields.CharField(max_length=5, default="")
    visitor = staff_field()
    purpose = fields.CharField(max_length=200, default="")
    state = fields.CharEnumField(VisitState, max_length=5, default=VisitState.PLANNED)
    template = fields.ForeignKeyField(
        "models.HtmlTemplate", null=True, on_delete=fields.SET_NULL, related_name=False, db_index=True
    )
    body_html = fields.TextField(default="")

    class Meta:
        table = "visit_report"
        indexes = (("customer_id", "written_on"),)
