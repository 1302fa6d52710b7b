from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='ProductModule',
            options={'table': 'product_module', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A module (제품 소분류) of a sold product with its user count and its maintenance amount'},
        ),
        ops.AddField(
            model_name='ProductModule',
            name='amount',
            field=fields.BigIntField(default=0),
        ),
    ]
