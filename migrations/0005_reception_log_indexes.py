"""Reception indexes for the 접수 내역 log: filtered by type and state together newest first, a
number typed from its area code with a state or type, and `reception_newest`, the log walked newest
first checking customer, state and type in the index itself. Recorded as 0005_bench_indexes before
it was renamed (core.db.RENAMED_MIGRATIONS)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_substring_search_tables')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Reception',
            index=Index(fields=['reception_type_id', 'state', 'received_at']),
        ),
        ops.AddIndex(
            model_name='Reception',
            index=Index(fields=['phone_digits', 'state', 'reception_type_id', 'received_at']),
        ),
        ops.AddIndex(
            model_name='Reception',
            index=Index(fields=['received_at', 'customer_id', 'state', 'reception_type_id'], name='reception_newest'),
        ),
    ]
