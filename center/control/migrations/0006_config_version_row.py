"""The configuration version's one row exists from the start, so the cache works before any configuration
write (center/control/config_cache.py)."""

import uuid

from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("control", "ConfigVersion").objects.get_or_create(
        pk=1, defaults={"number": 1, "stamp": uuid.uuid4()}
    )


class Migration(migrations.Migration):
    dependencies = [("control", "0005_config_version")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
