from django.db import migrations


def forwards(apps, schema_editor):
    from center.experts.disciplines import load

    load(apps.get_model("experts", "Discipline"))


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
