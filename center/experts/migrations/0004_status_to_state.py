"""The state field is called `state` project-wide (was `status`); labels unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("experts", "0003_activity_event")]

    operations = [
        migrations.RemoveIndex(model_name="expert", name="expert_draw_cover"),
        migrations.RenameModel("ExpertStatusChange", "ExpertStateChange"),
        migrations.RenameField("expert", "status", "state"),
        migrations.RenameField("expertstatechange", "from_status", "from_state"),
        migrations.RenameField("expertstatechange", "to_status", "to_state"),
        migrations.RenameField("recruitmentcall", "status", "state"),
        migrations.RenameField("expertapplication", "status", "state"),
        migrations.AlterField(
            model_name="expertstatechange",
            name="expert",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="state_history", to="experts.expert"
            ),
        ),
        migrations.AddIndex(
            model_name="expert",
            index=models.Index(
                fields=["state", "title_level", "employer", "region", "credit_score"], name="expert_draw_cover"
            ),
        ),
    ]
