"""사업자번호 is found by its first or its last digits, as phone numbers are: each customer keeps
the number's digits backwards under an index, filled here for the customers made before
(services/customers.py keeps it from then on)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def _fill_reversed(apps, schema_editor) -> None:
    client = schema_editor.client
    rows = await client.execute_query_dict("SELECT id, business_number FROM customer WHERE business_number <> ''")
    if not rows:
        return
    marks = ("?", "?") if client.capabilities.dialect == "sqlite" else ("$1", "$2")
    await client.execute_many(
        f"UPDATE customer SET business_number_reversed = {marks[0]} WHERE id = {marks[1]}",
        [[r["business_number"][::-1], r["id"]] for r in rows],
    )


class Migration(migrations.Migration):
    dependencies = [("models", "0007_card_name_chosung")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Customer",
            name="business_number_reversed",
            field=fields.CharField(default="", db_index=True, db_default="", max_length=10),
        ),
        ops.RunPython(_fill_reversed, ops.RunPython.noop),
    ]
