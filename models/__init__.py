"""Tortoise models, one module per aggregate. `MODEL_MODULES` is what the ORM and migrations load."""

MODEL_MODULES = [
    "models.audit",
    "models.staff",
    "models.codes",
    "models.settings",
    "models.customer",
    "models.card",
    "models.phone",
    "models.attachment",
    "models.reception",
    "models.product",
    "models.maintenance",
    "models.visit",
    "models.item",
    "models.quote",
    "models.sales",
    "models.telephony",
    "models.form_submission",
    "models.mail",
]
