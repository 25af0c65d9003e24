"""Create upstream Patchwork's default states and review tags."""

from django.db import migrations

# (name, slug, ordering, action_required), in display order.
DEFAULT_STATES = [
    ("New", "new", 0, True),
    ("Under Review", "under-review", 1, True),
    ("Accepted", "accepted", 2, False),
    ("Rejected", "rejected", 3, False),
    ("RFC", "rfc", 4, False),
    ("Not Applicable", "not-applicable", 5, False),
    ("Changes Requested", "changes-requested", 6, False),
    ("Awaiting Upstream", "awaiting-upstream", 7, False),
    ("Superseded", "superseded", 8, False),
    ("Deferred", "deferred", 9, False),
]

# (name, pattern, abbrev)
DEFAULT_TAGS = [
    ("Acked-by", "^Acked-by:", "A"),
    ("Reviewed-by", "^Reviewed-by:", "R"),
    ("Tested-by", "^Tested-by:", "T"),
]


def create_defaults(apps, schema_editor):
    State = apps.get_model("patches", "State")
    Tag = apps.get_model("patches", "Tag")
    for name, slug, ordering, action_required in DEFAULT_STATES:
        State.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "ordering": ordering,
                "action_required": action_required,
            },
        )
    for name, pattern, abbrev in DEFAULT_TAGS:
        Tag.objects.get_or_create(
            abbrev=abbrev, defaults={"name": name, "pattern": pattern}
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("patches", "Tag").objects.filter(
        abbrev__in=[abbrev for _, _, abbrev in DEFAULT_TAGS]
    ).delete()
    apps.get_model("patches", "State").objects.filter(
        slug__in=[slug for _, slug, _, _ in DEFAULT_STATES], patch__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("patches", "0002_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
