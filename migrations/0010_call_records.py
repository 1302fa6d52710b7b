"""통화내역: a call's direction, outcome, answer/end times and duration, who took it, and the
부재중 처리 (handled at/by/memo), with the indexes of the missed list, a period, a customer's, a number's
and a staff member's calls; a customer's messages by number; and 오늘's open receptions to process."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from core.fields import LocalDatetimeField
from models.reception import Direction
from models.telephony import CallEventSource, CallOutcome
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_mail_outbox')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='CallEvent',
            options={'table': 'call_event', 'app': 'models', 'indexes': [Index(fields=['outcome', 'direction', 'handled_at', 'occurred_at'], name='call_event_missed'), Index(fields=['occurred_at', 'direction', 'outcome'], name='call_event_occurred'), Index(fields=['customer_id', 'occurred_at'], name='call_event_customer'), Index(fields=['digits', 'occurred_at'], name='call_event_digits'), Index(fields=['staff_id', 'occurred_at'], name='call_event_staff'), Index(fields=['handled_by_id'], name='call_event_handled_by')], 'pk_attr': 'id', 'table_description': 'One call (수신 or 발신) as reported by a source, after de-duplication: the 통화내역 row.'},
        ),
        ops.AlterField(
            model_name='CallEvent',
            name='source',
            field=fields.CharEnumField(description='CTI: cti\nCENTREX: centrex\nRING: ring\nWEBHOOK: webhook\nDIAL: dial', enum_type=CallEventSource, max_length=10),
        ),
        ops.AddField(
            model_name='CallEvent',
            name='answered_at',
            field=LocalDatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='CallEvent',
            name='direction',
            field=fields.CharEnumField(default=Direction.INBOUND, description='INBOUND: 수신\nOUTBOUND: 발신', enum_type=Direction, max_length=5),
        ),
        ops.AddField(
            model_name='CallEvent',
            name='duration_seconds',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='CallEvent',
            name='ended_at',
            field=LocalDatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='CallEvent',
            name='handled_at',
            field=LocalDatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='CallEvent',
            name='handled_by',
            field=fields.ForeignKeyField('models.Staff', source_field='handled_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='CallEvent',
            name='handled_memo',
            field=fields.CharField(default='', max_length=255),
        ),
        ops.AddField(
            model_name='CallEvent',
            name='outcome',
            field=fields.CharEnumField(default=CallOutcome.UNKNOWN, description='ANSWERED: 응답\nMISSED: 부재중\nUNKNOWN: 알 수 없음', enum_type=CallOutcome, max_length=10),
        ),
        ops.AddField(
            model_name='CallEvent',
            name='staff',
            field=fields.ForeignKeyField('models.Staff', source_field='staff_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='CallEvent',
            index=Index(fields=['outcome', 'direction', 'handled_at', 'occurred_at'], name='call_event_missed'),
        ),
        ops.AddIndex(
            model_name='CallEvent',
            index=Index(fields=['occurred_at', 'direction', 'outcome'], name='call_event_occurred'),
        ),
        ops.AddIndex(
            model_name='CallEvent',
            index=Index(fields=['customer_id', 'occurred_at'], name='call_event_customer'),
        ),
        ops.AddIndex(
            model_name='CallEvent',
            index=Index(fields=['digits', 'occurred_at'], name='call_event_digits'),
        ),
        ops.AddIndex(
            model_name='CallEvent',
            index=Index(fields=['staff_id', 'occurred_at'], name='call_event_staff'),
        ),
        ops.AddIndex(
            model_name='CallEvent',
            index=Index(fields=['handled_by_id'], name='call_event_handled_by'),
        ),
        ops.AddIndex(
            model_name='Reception',
            index=Index(fields=['processor_id', 'state', 'received_at']),
        ),
        ops.AddIndex(
            model_name='Reception',
            index=Index(fields=['receiver_id', 'state', 'processor_id', 'received_at']),
        ),
        ops.AddIndex(
            model_name='SmsMessage',
            index=Index(fields=['destination', 'created_at'], name='sms_message_destination'),
        ),
    ]
