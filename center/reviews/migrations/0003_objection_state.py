"""An objection has a lifecycle of its own (open → answered); objections already answered start answered."""

from django.db import migrations, models


def answered(apps, schema_editor):
    apps.get_model("reviews", "Objection").objects.exclude(answered_at=None).update(state="answered")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_status_to_state")]

    operations = [
        migrations.AddField(
            model_name="objection",
            name="state",
            field=models.CharField(
                choices=[("open", "待答复"), ("answered", "已答复")],
                default="open",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(answered, migrations.RunPython.noop),
    ]
