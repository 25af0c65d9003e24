"""Every list endpoint runs a fixed number of queries, however long the page.

Each list is requested with one row and with 250 rows (``per_page=100``),
every row carrying all the relations the endpoint embeds; the count must
not move, except for the one query counting the rows of a list longer than
its page (apps/paging.py: a list that fits on its page is counted by
reading it). Lists also never load the bodies they do not show.
"""

import datetime as dt
import itertools
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.bundles.models import Bundle, BundlePatch
from apps.checks.models import Check
from apps.events.models import Event
from apps.patches.models import (
    Cover,
    Patch,
    PatchComment,
    PatchRelation,
    Series,
    State,
)
from apps.people.models import Person, User
from apps.projects.models import Project
from tests.api.helpers import url
from tests.factories import PersonFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
SIZES = (1, 250)
# Smaller than the larger size, so that list is longer than its page.
PER_PAGE = 100


class Builder:
    """Bulk-create rows carrying every relation the lists embed."""

    def __init__(self):
        self.project = ProjectFactory(linkname="qc", show_dependencies=True)
        self.user = UserFactory(username="qc-user")
        self.project.maintainers.add(self.user)
        self.person = PersonFactory(user=self.user)
        self.state = State.objects.order_by("ordering").first()
        self.counter = 0

    def _n(self) -> int:
        self.counter += 1
        return self.counter

    def series(self, n: int) -> list[Series]:
        covers = Cover.objects.bulk_create(
            Cover(
                project=self.project,
                submitter=self.person,
                msgid=f"<c{self._n()}@x>",
                name="[0/2] cover",
                date=T0,
                headers="Subject: cover",
                content="cover body",
            )
            for _ in range(n)
        )
        made = Series.objects.bulk_create(
            Series(
                project=self.project,
                submitter=self.person,
                cover_letter=cover,
                name="series",
                date=T0,
                total=2,
            )
            for cover in covers
        )
        through = Series.dependencies.through
        through.objects.bulk_create(
            through(from_series_id=later.pk, to_series_id=earlier.pk)
            for earlier, later in itertools.pairwise(made)
        )
        return made

    def patches(self, n: int, **extra) -> list[Patch]:
        series = self.series(n)
        relations = PatchRelation.objects.bulk_create(PatchRelation() for _ in range(n))
        made = []
        for number in (1, 2):
            made += Patch.objects.bulk_create(
                Patch(
                    project=self.project,
                    submitter=self.person,
                    delegate=self.user,
                    state=self.state,
                    series=one_series,
                    number=number,
                    related=relation,
                    msgid=f"<p{self._n()}@x>",
                    name=f"[{number}/2] change",
                    date=T0 + dt.timedelta(minutes=number),
                    headers="Subject: change",
                    content="body",
                    diff="--- a/x\n+++ b/x\n",
                    hash="0" * 40,
                    **extra,
                )
                for one_series, relation in zip(series, relations, strict=True)
            )
        Check.objects.bulk_create(
            Check(patch=patch, user=self.user, state=1, context=f"ctx{i}")
            for patch in made
            for i in range(2)
        )
        return made


def list_queries(api, path: str) -> tuple[int, list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(
            url(path) + ("&" if "?" in path else "?") + f"per_page={PER_PAGE}"
        )
    assert response.status_code == 200, response.content
    return len(captured), [q["sql"] for q in captured.captured_queries], response


def assert_constant(api, build, path, expected: int) -> list[str]:
    """Request ``path`` with 1 and 250 rows built by ``build(n)``.

    With 250 rows it must run exactly ``expected`` queries, plus the
    statements that fix the join order on PostgreSQL (apps.api.db); with one
    row, which fits on its page and so is not counted, one query fewer.
    Returns the SQL of the last request.
    """
    if connection.vendor == "postgresql":
        # Inside the test's transaction: SAVEPOINT, SET LOCAL, SET back,
        # RELEASE (a request outside a transaction: BEGIN, SET, COMMIT).
        expected += 4
    counts = []
    sql = []
    for size in SIZES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")  # settle the connection before counting
        target = build(size)
        count, sql, response = list_queries(
            api, path(target) if callable(path) else path
        )
        assert len(response.json()) >= min(size, PER_PAGE)
        counts.append(count)
    assert counts == [expected - 1, expected], f"{path}: {counts}"
    return sql


def loads_column(sql: list[str], table: str, column: str) -> bool:
    pattern = re.compile(rf'"{table}"\."{column}"')
    return any(pattern.search(statement) for statement in sql)


@pytest.fixture
def builder(db):
    return Builder()


def test_patch_list(api, builder):
    """Count, page ids, rows (joins and check summary), relation members."""

    def build(n):
        Patch.objects.all().delete()
        return builder.patches((n + 1) // 2)

    sql = assert_constant(api, build, "patches/", 4)
    for column in ("diff", "content", "headers"):
        assert not loads_column(sql, "patches_patch", column)


def test_patch_list_with_filters_adds_one_lookup_per_filter(
    api, builder, django_assert_num_queries
):
    builder.patches(5)
    extra = 4 if connection.vendor == "postgresql" else 0  # see assert_constant
    # Ten patches fit on the page: no count (see assert_constant).
    with django_assert_num_queries(3 + 2 + extra):
        api.get(url("patches/") + "?project=qc&state=new&order=-check")


# Every prefix that reads another table, so none may cost a query of its own.
SEARCH = (
    "change from:qc-user OR project:qc state:new is:open -is:archived has:checks"
    + " check:success delegate:qc-user -tag:acked-by since:2020-01-01"
    + " -file:nothing/ -diff:nothing"
)


def test_patch_list_with_a_search_runs_the_same_queries(api, builder):
    """A search is part of the page-ids query: no lookup of its own."""

    def build(n):
        Patch.objects.all().delete()
        return builder.patches((n + 1) // 2)

    assert_constant(api, build, "patches/?search=" + quote(SEARCH), 4)


def test_cover_list_with_a_search_runs_the_same_queries(api, builder):
    def build(n):
        Series.objects.all().delete()
        Cover.objects.all().delete()
        return builder.series(n)

    assert_constant(api, build, "covers/?search=cover+project:qc+since:2020-01-01", 3)


def test_cover_list(api, builder):
    """Count, page ids and rows."""

    def build(n):
        Series.objects.all().delete()
        Cover.objects.all().delete()
        return builder.series(n)

    sql = assert_constant(api, build, "covers/", 3)
    for column in ("content", "headers"):
        assert not loads_column(sql, "patches_cover", column)


def linked_versions() -> None:
    """Make every series but the first the next version of the one before."""
    rows = list(Series.objects.order_by("id"))
    for previous, current in itertools.pairwise(rows):
        current.previous_version = previous
    for row in rows:
        row.lineage = rows[0].pk
    Series.objects.bulk_update(rows, ["previous_version", "lineage"])


@pytest.mark.parametrize(("version", "expected"), [("1.4", 5), ("1.5", 7)])
def test_series_list(api, builder, version, expected):
    """Count, page ids, rows, then patches and the dependency edges (both ways).

    From 1.5 also every version of the page's series, and their patches'
    states counted.
    """

    def build(n):
        Patch.objects.all().delete()
        Series.objects.all().delete()
        builder.patches(n)
        linked_versions()

    sql = assert_constant(api, build, f"{version}/series/", expected)
    for table, column in (
        ("patches_cover", "content"),
        ("patches_cover", "headers"),
        ("patches_patch", "diff"),
        ("patches_patch", "content"),
    ):
        assert not loads_column(sql, table, column)


def test_event_list(api, builder):
    """Count, page ids and one query joining every payload object."""
    from apps.events import services as record

    def build(n):
        Event.objects.all().delete()
        patches = builder.patches(1)
        patch, series = patches[0], patches[0].series
        comment = PatchComment.objects.create(
            patch=patch,
            submitter=builder.person,
            msgid=f"<m{n}@x>",
            content="Acked-by: x",
        )
        check = Check.objects.first()
        makers = [
            lambda: record.record_patch_created(patch=patch),
            lambda: record.record_cover_created(cover=series.cover_letter),
            lambda: record.record_series_completed(series=series),
            lambda: record.record_patch_completed(patch=patch, series=series),
            lambda: record.record_patch_comment_created(comment=comment),
            lambda: record.record_check_created(
                check=check, project_id=check.patch.project_id
            ),
            lambda: record.record_patch_delegated(
                patch=patch, previous=None, current=builder.user, actor=builder.user
            ),
            lambda: record.record_patch_state_changed(
                patch=patch,
                previous=builder.state,
                current=builder.state,
                actor=builder.user,
            ),
        ]
        for i in range(n):
            makers[i % len(makers)]()

    sql = assert_constant(api, build, "events/", 3)
    for table, column in (
        ("patches_patch", "diff"),
        ("patches_cover", "content"),
        ("patches_patchcomment", "content"),
    ):
        assert not loads_column(sql, table, column)


def test_bundle_list(api, builder):
    """Count, page ids, rows and the bundles' patches."""

    def build(n):
        Bundle.objects.all().delete()
        patches = builder.patches(1)
        bundles = Bundle.objects.bulk_create(
            Bundle(
                owner=builder.user,
                project=builder.project,
                name=f"b{builder._n()}",
                public=True,
            )
            for _ in range(n)
        )
        BundlePatch.objects.bulk_create(
            BundlePatch(bundle=bundle, patch=patch, order=order)
            for bundle in bundles
            for order, patch in enumerate(patches)
        )

    sql = assert_constant(api, build, "bundles/", 4)
    assert not loads_column(sql, "patches_patch", "diff")


def test_check_list(api, builder):
    """The parent patch, count, page ids and rows."""

    def build(n):
        Check.objects.all().delete()
        patch = builder.patches(1)[0]
        users = User.objects.bulk_create(
            User(username=f"ci{builder._n()}", email=f"ci{builder.counter}@x")
            for _ in range(n)
        )
        Check.objects.bulk_create(
            Check(patch=patch, user=user, state=1) for user in users
        )
        return patch

    assert_constant(api, build, lambda patch: f"patches/{patch.pk}/checks/", 4)


def test_comment_lists(api, builder):
    """The parent, count, page ids and rows."""

    def build(n):
        patch = builder.patches(1)[0]
        PatchComment.objects.bulk_create(
            PatchComment(
                patch=patch,
                submitter=builder.person,
                msgid=f"<r{builder._n()}@x>",
                headers="Subject: Re: x",
                content="ok",
            )
            for _ in range(n)
        )
        return patch

    sql = assert_constant(api, build, lambda patch: f"patches/{patch.pk}/comments/", 4)
    assert not loads_column(sql, "patches_patch", "diff")

    def build_cover(n):
        from apps.patches.models import CoverComment

        cover = builder.series(1)[0].cover_letter
        CoverComment.objects.bulk_create(
            CoverComment(
                cover=cover,
                submitter=builder.person,
                msgid=f"<r{builder._n()}@x>",
                headers="Subject: Re: x",
                content="ok",
            )
            for _ in range(n)
        )
        return cover

    assert_constant(api, build_cover, lambda cover: f"covers/{cover.pk}/comments/", 4)


def test_project_user_and_people_lists(api, builder):
    """Token lookup, count, page ids, rows (and the projects' maintainers)."""
    api.as_user(builder.user)

    def build_projects(n):
        Project.objects.exclude(pk=builder.project.pk).delete()
        made = Project.objects.bulk_create(
            Project(
                linkname=f"p{builder._n()}",
                name=f"P{builder.counter}",
                listid=f"l{builder.counter}",
                listemail=f"e{builder.counter}",
            )
            for _ in range(n)
        )
        for project in made:
            project.maintainers.add(builder.user)

    assert_constant(api, build_projects, "projects/", 5)

    def build_users(n):
        User.objects.bulk_create(
            User(username=f"u{builder._n()}", email=f"u{builder.counter}@x")
            for _ in range(n)
        )

    assert_constant(api, build_users, "users/", 4)

    def build_people(n):
        users = User.objects.bulk_create(
            User(username=f"v{builder._n()}", email=f"v{builder.counter}@x")
            for _ in range(n)
        )
        Person.objects.bulk_create(
            Person(email=f"{user.username}@x", user=user) for user in users
        )

    assert_constant(api, build_people, "people/", 4)


def detail_queries(api, path: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # settle the connection before counting
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url(path))
    assert response.status_code == 200, (path, response.content)
    return len(captured)


def test_detail_endpoints_run_a_fixed_number_of_queries(api, builder):
    """Each detail endpoint, for an object with few and with many relations.

    The series and bundle embed their patches, the patch its checks and
    relations: the count must not grow with them.
    """
    api.token_auth(builder.user)

    def paths(patch, bundle) -> dict[str, str]:
        comment = PatchComment.objects.filter(patch=patch).first()
        check = Check.objects.filter(patch=patch).first()
        return {
            "patch": f"patches/{patch.pk}/",
            "cover": f"covers/{patch.series.cover_letter_id}/",
            "series": f"series/{patch.series_id}/",
            "comment": f"patches/{patch.pk}/comments/{comment.pk}/",
            "check": f"patches/{patch.pk}/checks/{check.pk}/",
            "bundle": f"bundles/{bundle.pk}/",
            "project": f"projects/{builder.project.pk}/",
            "person": f"people/{builder.person.pk}/",
            "user": f"users/{builder.user.pk}/",
        }

    counts = []
    for size in (1, 30):
        patches = builder.patches(size)
        first = patches[0]
        PatchComment.objects.bulk_create(
            PatchComment(
                patch=first, submitter=builder.person, msgid=f"<c{size}-{i}@x>"
            )
            for i in range(size)
        )
        Check.objects.bulk_create(
            Check(patch=first, user=builder.user, state=1, context=f"more{i}")
            for i in range(size)
        )
        # The whole series in one relation, and a bundle of every patch.
        relation = first.related
        Patch.objects.filter(pk__in=[p.pk for p in patches]).update(related=relation)
        bundle = Bundle.objects.create(
            owner=builder.user, project=builder.project, name=f"b{size}"
        )
        BundlePatch.objects.bulk_create(
            BundlePatch(bundle=bundle, patch=p, order=i) for i, p in enumerate(patches)
        )
        counts.append(
            {
                name: detail_queries(api, path)
                for name, path in paths(first, bundle).items()
            }
        )
    assert counts[0] == counts[1]
    # PostgreSQL fixes the join order of the row queries (see assert_constant);
    # a project's detail has no such query.
    fixed = 4 if connection.vendor == "postgresql" else 0
    expected = {
        name: count + (fixed if name != "project" else 0)
        for name, count in DETAIL_QUERIES.items()
    }
    assert counts[0] == expected


# The token with its user, then the object with what it embeds (a patch its
# checks, a series and a bundle their patches, a project its maintainers).
DETAIL_QUERIES = {
    "patch": 3,
    "cover": 2,
    # 1.5: plus its patches' states counted (and its versions, when linked).
    "series": 5,
    "comment": 3,
    "check": 3,
    "bundle": 3,
    "project": 3,
    "person": 2,
    "user": 2,
}
