"""발송 내역 (mail_message), the renewal reminders sent (renewal_reminder, one per customer, contract
period and channel) and the customer's 수신거부 flag."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from core.fields import LocalDatetimeField
from models.mail import MailStatus, ReminderChannel
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_customer_business_number_reversed')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MailMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', LocalDatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', LocalDatetimeField(auto_now=True, auto_now_add=False)),
                ('created_by_id', fields.IntField(null=True)),
                ('updated_by_id', fields.IntField(null=True)),
                ('recipient', fields.CharField(max_length=254)),
                ('subject', fields.CharField(max_length=200)),
                ('body', fields.TextField(default='', unique=False)),
                ('attachment_names', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('status', fields.CharEnumField(default=MailStatus.PENDING, db_index=True, description='PENDING: pending\nSENT: sent\nFAILED: failed', enum_type=MailStatus, max_length=10)),
                ('error', fields.CharField(default='', max_length=255)),
                ('sent_at', LocalDatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('staff', fields.ForeignKeyField('models.Staff', source_field='staff_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('record_kind', fields.CharField(default='', max_length=20)),
                ('record_id', fields.IntField(null=True)),
                ('retried', fields.BooleanField(default=False)),
            ],
            options={'table': 'mail_message', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One sending attempt. A failed row is sent again only when a person asks (`retried` then'},
            bases=['Record'],
        ),
        ops.CreateModel(
            name='RenewalReminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', LocalDatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', LocalDatetimeField(auto_now=True, auto_now_add=False)),
                ('created_by_id', fields.IntField(null=True)),
                ('updated_by_id', fields.IntField(null=True)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('period_end', fields.DateField()),
                ('channel', fields.CharEnumField(description='SMS: sms\nEMAIL: email', enum_type=ReminderChannel, max_length=10)),
                ('mail', fields.ForeignKeyField('models.MailMessage', source_field='mail_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('sms', fields.ForeignKeyField('models.SmsMessage', source_field='sms_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'renewal_reminder', 'app': 'models', 'unique_together': (('customer', 'period_end', 'channel'),), 'pk_attr': 'id', 'table_description': 'A renewal notice sent to a customer for the contract period ending on `period_end`, once'},
            bases=['Record'],
        ),
        ops.AddField(
            model_name='Customer',
            name='reminder_opt_out',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
