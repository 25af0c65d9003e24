"""Create upstream Patchwork's default states and review tags."""

from django.db import migrations

from apps.patches.defaults import create_defaults


def forwards(apps, schema_editor):
    create_defaults(apps.get_model("patches", "State"), apps.get_model("patches", "Tag"))


class Migration(migrations.Migration):
    dependencies = [("patches", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
