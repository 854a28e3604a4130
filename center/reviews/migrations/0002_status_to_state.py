"""The state field is called `state` project-wide (was `status`; `formal_status` → `formal_state`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial"), ("experts", "0004_status_to_state")]

    operations = [
        migrations.RemoveConstraint(model_name="draw", name="draw_one_live_per_group"),
        migrations.RenameField("reviewround", "status", "state"),
        migrations.RenameField("application", "formal_status", "formal_state"),
        migrations.RenameField("draw", "status", "state"),
        migrations.RenameField("drawpick", "status", "state"),
        migrations.RenameField("scoresheet", "status", "state"),
        migrations.RenameField("flag", "status", "state"),
        migrations.RenameField("publicnotice", "status", "state"),
        migrations.AlterModelOptions(name="flag", options={"ordering": ["round", "state", "id"]}),
        migrations.AddConstraint(
            model_name="draw",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "void"), _negated=True),
                fields=("group",),
                name="draw_one_live_per_group",
            ),
        ),
    ]
