"""The default states and tags match upstream Patchwork's fixtures."""

import pytest

from apps.patches.models import State, Tag

pytestmark = pytest.mark.django_db


def test_default_states_match_upstream():
    rows = list(
        State.objects.values_list("name", "slug", "ordering", "action_required")
    )
    assert rows == [
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


def test_default_tags_match_upstream():
    rows = sorted(Tag.objects.values_list("name", "pattern", "abbrev", "show_column"))
    assert rows == [
        ("Acked-by", "^Acked-by:", "A", True),
        ("Reviewed-by", "^Reviewed-by:", "R", True),
        ("Tested-by", "^Tested-by:", "T", True),
    ]
