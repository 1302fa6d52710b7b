from tortoise import migrations
from tortoise.migrations import operations as ops
from core.fields import LocalDatetimeField
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_reception_log_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FormSubmission',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token', fields.CharField(unique=True, max_length=64)),
                ('kind', fields.CharField(max_length=40)),
                ('record_id', fields.IntField()),
                ('created_at', LocalDatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'form_submission', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='Receipt',
            options={'table': 'receipt', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'received_on'])], 'pk_attr': 'id', 'table_description': '수금: money received from a partner, receipts lower the credit balance. The 수금번호'},
        ),
        ops.AddField(
            model_name='Receipt',
            name='number',
            field=fields.CharField(default='', db_default='', db_index=True, max_length=20),
        ),
    ]
