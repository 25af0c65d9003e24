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


@pytest.mark.django_db(transaction=True)
def test_defaults_survive_a_flush_for_transactional_tests():
    """Tests with committed data flush every table; the defaults come back."""
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0)
    assert State.objects.count() == 10
    assert Tag.objects.count() == 3


def test_an_administrators_choice_is_kept(db):
    """Deleting one default state is not undone by the next migrate."""
    from apps.patches.defaults import create_defaults

    State.objects.filter(slug="deferred").delete()
    create_defaults(State, Tag)
    assert not State.objects.filter(slug="deferred").exists()
