from django.db import migrations


class Migration(migrations.Migration):
    operations = [migrations.RunSQL(migrations.RunSQL.noop, migrations.RunSQL.noop)]
