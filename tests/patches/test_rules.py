import pytest
from django.contrib.auth.models import AnonymousUser

from apps.patches import rules
from tests.factories import (
    CoverCommentFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    maintainer, submitter, delegate, other, admin = (
        UserFactory(username=name)
        for name in ("maint", "subm", "deleg", "other", "admin")
    )
    admin.is_superuser = admin.is_staff = True
    admin.save()
    project = ProjectFactory(maintainers=[maintainer, delegate])
    patch = PatchFactory(
        project=project,
        submitter=PersonFactory(user=submitter),
        delegate=delegate,
    )
    return {
        "maintainer": maintainer,
        "submitter": submitter,
        "delegate": delegate,
        "other": other,
        "superuser": admin,
        "anonymous": AnonymousUser(),
        "patch": patch,
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("maintainer", True),
        ("submitter", True),
        ("delegate", True),
        ("other", False),
        ("superuser", False),
        ("anonymous", False),
    ],
)
def test_can_edit_patch(cast, who, allowed):
    assert rules.can_edit_patch(cast[who], cast["patch"]) is allowed
    assert rules.can_create_check(cast[who], cast["patch"]) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("maintainer", True),
        ("delegate", True),  # a maintainer too, in this cast
        ("submitter", False),
        ("other", False),
        ("superuser", False),
        ("anonymous", False),
    ],
)
def test_only_the_projects_maintainers_link_versions(cast, who, allowed):
    series = SeriesFactory(project=cast["patch"].project)
    assert rules.can_link_versions(cast[who], series) is allowed


def test_no_actor_links_versions_and_other_projects_maintainers_neither(cast):
    series = SeriesFactory(project=ProjectFactory())
    assert rules.can_link_versions(None, series) is False
    assert rules.can_link_versions(cast["maintainer"], series) is False


def test_comment_author_may_edit_own_patch_comment_only():
    author = UserFactory()
    comment = PatchCommentFactory(submitter=PersonFactory(user=author))
    assert rules.can_edit_patch_comment(author, comment)
    assert not rules.can_edit_patch_comment(UserFactory(), comment)


def test_cover_comment_rule():
    maintainer, author, cover_author = UserFactory(), UserFactory(), UserFactory()
    cover = CoverFactory(
        project=ProjectFactory(maintainers=[maintainer]),
        submitter=PersonFactory(user=cover_author),
    )
    comment = CoverCommentFactory(cover=cover, submitter=PersonFactory(user=author))
    for user in (maintainer, author, cover_author):
        assert rules.can_edit_cover_comment(user, comment)
    assert not rules.can_edit_cover_comment(UserFactory(), comment)
    assert not rules.can_edit_cover_comment(AnonymousUser(), comment)


def test_relations_need_every_project():
    user = UserFactory()
    mine, theirs = ProjectFactory(maintainers=[user]), ProjectFactory()
    assert rules.can_change_relations(user, [mine.pk])
    assert not rules.can_change_relations(user, [mine.pk, theirs.pk])
    assert not rules.can_change_relations(AnonymousUser(), [mine.pk])


def test_anonymous_never_edits_a_comment_even_of_an_unlinked_sender():
    """A sender without an account has no user id, nor has an anonymous user."""
    comment = PatchCommentFactory(submitter=PersonFactory(user=None))
    assert rules.can_edit_patch_comment(AnonymousUser(), comment) is False


def test_maintained_projects_are_read_once_per_user(cast, django_assert_num_queries):
    """Lists ask the rule for every row: one query for the user, not one per row."""
    maintainer = cast["maintainer"]
    others = [PatchFactory(project=cast["patch"].project) for _ in range(3)]
    with django_assert_num_queries(1):
        for patch in [cast["patch"], *others]:
            assert rules.can_edit_patch(maintainer, patch)


@pytest.mark.parametrize(
    ("viewer", "public", "allowed"),
    [
        ("owner", False, True),
        ("other", False, False),
        ("anonymous", False, False),
        ("other", True, True),
        ("anonymous", True, True),
    ],
)
def test_who_may_view_a_bundle(viewer, public, allowed):
    from apps.bundles import rules as bundle_rules
    from tests.factories import BundleFactory

    owner = UserFactory(username="owner")
    users = {
        "owner": owner,
        "other": UserFactory(username="other"),
        "anonymous": AnonymousUser(),
    }
    bundle = BundleFactory(owner=owner, public=public)
    assert bundle_rules.can_view_bundle(users[viewer], bundle) is allowed
