from django.db import migrations
from django.db.models import Max

CURSOR = "patch-state-notifications"


def start_at_latest_event(apps, schema_editor):
    """Notify only of changes made from now on, not of an instance's history."""
    event = apps.get_model("events", "Event")
    cursor = apps.get_model("notifications", "EventCursor")
    latest = event.objects.aggregate(latest=Max("id"))["latest"] or 0
    cursor.objects.update_or_create(name=CURSOR, defaults={"last_event_id": latest})


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_event_cursor"),
        ("events", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(start_at_latest_event, migrations.RunPython.noop),
    ]
