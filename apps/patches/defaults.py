"""Upstream Patchwork's default states and review tags.

Created by a data migration on a new database, and again after a flush
(tests that need committed data empty every table, and Django re-emits
``post_migrate`` afterwards).
"""

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


def create_defaults(state_model, tag_model) -> None:
    """Create the default states and tags where none of their kind exist.

    Only an empty table is filled, so states or tags an administrator
    removed on purpose are not brought back by a later migration.
    """
    if not state_model.objects.exists():
        state_model.objects.bulk_create(
            state_model(name=name, slug=slug, ordering=ordering, action_required=action)
            for name, slug, ordering, action in DEFAULT_STATES
        )
    if not tag_model.objects.exists():
        tag_model.objects.bulk_create(
            tag_model(name=name, pattern=pattern, abbrev=abbrev)
            for name, pattern, abbrev in DEFAULT_TAGS
        )


def create_defaults_after_migrate(**kwargs) -> None:
    """Recreate the defaults when a flush left the tables empty."""
    from apps.patches.models import State, Tag

    create_defaults(State, Tag)
