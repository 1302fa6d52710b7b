"""오늘's 내 미완료 접수: the open receptions a staff member is to process, read from one index."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0010_call_records')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Reception',
            index=Index(fields=['processor_id', 'state', 'received_at']),
        ),
    ]
