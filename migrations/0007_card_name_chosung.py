"""명함 이름 and 회사명 are searched by 초성 as 법인상호 is: each card keeps the 초성 of both, filled
here for the cards made before (services/cards.py keeps them from then on)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from core.korean import chosung


async def _fill_chosung(apps, schema_editor) -> None:
    client = schema_editor.client
    rows = await client.execute_query_dict("SELECT id, name, company_name FROM business_card")
    if not rows:
        return
    marks = ("?", "?", "?") if client.capabilities.dialect == "sqlite" else ("$1", "$2", "$3")
    await client.execute_many(
        f"UPDATE business_card SET name_chosung = {marks[0]}, company_name_chosung = {marks[1]} WHERE id = {marks[2]}",
        [[chosung(r["name"])[:50], chosung(r["company_name"])[:100], r["id"]] for r in rows],
    )


class Migration(migrations.Migration):
    dependencies = [("models", "0006_form_submission_receipt_number")]

    initial = False

    operations = [
        ops.AddField(
            model_name="BusinessCard",
            name="company_name_chosung",
            field=fields.CharField(default="", db_default="", max_length=100),
        ),
        ops.AddField(
            model_name="BusinessCard",
            name="name_chosung",
            field=fields.CharField(default="", db_default="", max_length=50),
        ),
        ops.RunPython(_fill_chosung, ops.RunPython.noop),
    ]
