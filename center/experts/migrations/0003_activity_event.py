"""Committee activities point at the event record itself instead of a free-text page reference."""

import re

import django.db.models.deletion
from django.db import migrations, models


def link_events(apps, schema_editor):
    """A reference that names an event (its id, or its page /events/…/<id>/) becomes the link; others are
    dropped (they were free text with no record behind them)."""
    Activity = apps.get_model("experts", "CommitteeActivity")
    Event = apps.get_model("events", "Event")
    for act in Activity.objects.exclude(event_ref=""):
        found = re.search(r"(\d+)/?$", act.event_ref.strip())
        if found and Event.objects.filter(pk=int(found.group(1))).exists():
            act.event_id = int(found.group(1))
            act.save(update_fields=["event"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("experts", "0002_discipline_tree"),
    ]

    operations = [
        migrations.AddField(
            model_name="committeeactivity",
            name="event",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="committee_activities",
                to="events.event",
                verbose_name="关联活动",
            ),
        ),
        migrations.RunPython(link_events, migrations.RunPython.noop),
        migrations.RemoveField(model_name="committeeactivity", name="event_ref"),
    ]
