"""Reception indexes for 고객접수현황 (a period's receptions counted per day and type, per
customer and per receiving staff from the indexes alone, never from the table) and for the log's
담당자 search (contact_name). Recorded as 0003_receptions_indexes before it was renamed
(core.db.RENAMED_MIGRATIONS)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_maintenance_module_amount')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Reception',
            index=Index(fields=['contact_name']),
        ),
        ops.AddIndex(
            model_name='Reception',
            index=Index(fields=['received_at', 'reception_type_id', 'receiver_id', 'state', 'customer_id']),
        ),
        ops.AddIndex(
            model_name='Reception',
            index=Index(fields=['receiver_id', 'received_at', 'state']),
        ),
    ]
