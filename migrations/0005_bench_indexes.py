from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_bench_search_index')]

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
