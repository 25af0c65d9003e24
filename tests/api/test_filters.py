"""Filters, search and ordering of every list endpoint (§6).

Invalid values give ``200 []`` (never 400), empty values are ignored (the
spec's Deviation), numeric values are ids only, repeated values are ORed.
"""

import datetime as dt

import pytest

from apps.events.models import Event
from apps.patches.models import State
from tests.api.helpers import url
from tests.factories import (
    BundleFactory,
    CheckFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)


def listed(api, path: str, query: str = "", version: str | None = None) -> list[int]:
    response = api.get(url(path, version) + ("?" + query if query else ""))
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


@pytest.fixture
def patches(db):
    """Three patches over two projects with distinct attributes."""
    alice = UserFactory(username="Alice")
    bob = UserFactory(username="bob")
    linux = ProjectFactory(linkname="linux")
    qemu = ProjectFactory(linkname="qemu")
    ann = PersonFactory(email="Ann@Example.com", name="Ann")
    ben = PersonFactory(email="ben@example.com", name="Ben")
    series = SeriesFactory(project=linux, submitter=ann)
    first = PatchFactory(
        project=linux,
        submitter=ann,
        delegate=alice,
        series=series,
        number=1,
        name="[1/2] net: fix the frobnicator",
        date=T0,
        hash="a" * 40,
        msgid="<one@example.com>",
    )
    second = PatchFactory(
        project=linux,
        submitter=ben,
        delegate=bob,
        state=State.objects.get(slug="under-review"),
        archived=True,
        name="[2/2] net: frobnicate harder",
        date=T0 + dt.timedelta(days=1),
        hash="b" * 40,
        msgid="<Two@example.com>",
    )
    third = PatchFactory(
        project=qemu,
        submitter=ben,
        state=State.objects.get(slug="accepted"),
        name="block: quiet the disk",
        date=T0 + dt.timedelta(days=2),
        hash="c" * 40,
        msgid="<three/3@example.com>",
    )
    return {"first": first, "second": second, "third": third, "series": series}


class TestPatchFilters:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("project=linux", ["first", "second"]),
            ("project=LINUX", ["first", "second"]),
            ("project=qemu&project=linux", ["first", "second", "third"]),
            ("project=nope", []),
            ("project=linux&project=nope", []),
            ("project=", ["first", "second", "third"]),
            ("submitter=ann@example.com", ["first"]),
            ("submitter=BEN@EXAMPLE.COM", ["second", "third"]),
            ("submitter=nobody@example.com", []),
            ("delegate=alice", ["first"]),
            ("delegate=Bob&delegate=ALICE", ["first", "second"]),
            ("delegate=carol", []),
            ("state=new", ["first"]),
            ("state=under-review", ["second"]),
            ("state=Under-Review&state=accepted", ["second", "third"]),
            ("state=under%20review", ["second"]),
            ("state=bogus", []),
            ("archived=true", ["second"]),
            ("archived=False", ["first", "third"]),
            ("archived=NO", ["first", "third"]),
            ("archived=1", ["second"]),
            ("archived=maybe", ["first", "second", "third"]),
            ("archived=", ["first", "second", "third"]),
            ("since=2024-03-02T12:00:00", ["second", "third"]),
            ("since=2024-03-02", ["second", "third"]),
            ("before=2024-03-02T12:00:00", ["first"]),
            ("before=2024-03-02 12:00", ["first"]),
            ("since=2024-03-02T13:00:00%2B01:00", ["second", "third"]),
            ("since=2024-03-02T11:00:00Z", ["second", "third"]),
            ("since=yesterday", []),
            ("unknown=1", ["first", "second", "third"]),
            ("q=frob", ["first", "second"]),
            ("q=NET+harder", ["second"]),
            ("q=net,fix", ["first"]),
            ('q="fix the"', ["first"]),
            ('q="the fix"', []),
            ("q=", ["first", "second", "third"]),
            ("q=%00", []),
            ("project=%00", []),
        ],
    )
    def test_filter(self, api, patches, query, expected):
        assert listed(api, "patches/", query) == [patches[name].pk for name in expected]

    def test_ids_are_ids_only(self, api, patches):
        numeric = ProjectFactory(linkname="12345")
        PatchFactory(project=numeric)
        project_id = patches["third"].project_id
        assert listed(api, "patches/", f"project={project_id}") == [patches["third"].pk]
        # No fallback to the link name for a value made of digits.
        assert listed(api, "patches/", "project=12345") == []
        assert listed(
            api, "patches/", f"submitter={patches['first'].submitter_id}"
        ) == [patches["first"].pk]
        delegate_id = patches["first"].delegate_id
        assert listed(api, "patches/", f"delegate={delegate_id}") == [
            patches["first"].pk
        ]
        state_id = patches["second"].state_id
        assert listed(api, "patches/", f"state={state_id}") == [patches["second"].pk]

    def test_series_filter(self, api, patches):
        assert listed(api, "patches/", f"series={patches['series'].pk}") == [
            patches["first"].pk
        ]
        assert listed(api, "patches/", "series=abc") == []
        assert listed(api, "patches/", "series=999999") == []

    def test_state_matches_the_name_and_the_slug(self, api, patches):
        odd = State.objects.create(name="Needs ACK", slug="needs-acks", ordering=99)
        patch = PatchFactory(project=patches["first"].project, state=odd)
        assert listed(api, "patches/", "state=needs-ack") == [patch.pk]
        assert listed(api, "patches/", "state=needs-acks") == [patch.pk]

    @pytest.mark.parametrize("version", [None, "1.2", "1.4"])
    def test_hash_and_msgid_from_1_2(self, api, patches, version):
        assert listed(api, "patches/", "hash=" + "B" * 40, version) == [
            patches["second"].pk
        ]
        assert listed(api, "patches/", "msgid=Two@example.com", version) == [
            patches["second"].pk
        ]
        assert listed(api, "patches/", "msgid=two@example.com", version) == []
        assert listed(api, "patches/", "msgid=three/3@example.com", version) == [
            patches["third"].pk
        ]

    @pytest.mark.parametrize("version", ["1.0", "1.1"])
    def test_hash_and_msgid_ignored_before_1_2(self, api, patches, version):
        everything = [patches[name].pk for name in ("first", "second", "third")]
        assert listed(api, "patches/", "hash=" + "b" * 40, version) == everything
        assert listed(api, "patches/", "msgid=Two@example.com", version) == everything

    @pytest.mark.parametrize(
        ("order", "expected"),
        [
            ("", ["first", "second", "third"]),
            ("-id", ["third", "second", "first"]),
            ("name", ["first", "second", "third"]),
            ("-name", ["third", "second", "first"]),
            ("-date", ["third", "second", "first"]),
            ("project,-date", ["second", "first", "third"]),
            ("-project,id", ["third", "first", "second"]),
            ("state", ["first", "second", "third"]),
            ("-state", ["third", "second", "first"]),
            ("archived,-id", ["third", "first", "second"]),
            ("-submitter,id", ["second", "third", "first"]),
            ("bogus", ["first", "second", "third"]),
            ("bogus,-date", ["third", "second", "first"]),
        ],
    )
    def test_order(self, api, patches, order, expected):
        assert listed(api, "patches/", f"order={order}") == [
            patches[name].pk for name in expected
        ]

    def test_order_by_check(self, api, patches):
        CheckFactory(patch=patches["second"], state=3)
        CheckFactory(patch=patches["third"], state=1)
        # Sorted by the aggregate's code: pending 0 (no checks), success 1, fail 3.
        assert listed(api, "patches/", "order=check,id") == [
            patches["first"].pk,
            patches["third"].pk,
            patches["second"].pk,
        ]
        assert listed(api, "patches/", "order=-check,id")[0] == patches["second"].pk


class TestCoverAndSeriesFilters:
    @pytest.fixture
    def data(self, db):
        linux = ProjectFactory(linkname="linux")
        other = ProjectFactory(linkname="other")
        ann = PersonFactory(email="ann@example.com")
        c1 = CoverFactory(project=linux, submitter=ann, name="[0/2] alpha", date=T0)
        c2 = CoverFactory(
            project=other,
            name="[0/3] beta",
            date=T0 + dt.timedelta(days=1),
            msgid="<beta@x>",
        )
        s1 = SeriesFactory(
            project=linux,
            submitter=ann,
            cover_letter=c1,
            name="alpha",
            date=T0,
            total=2,
        )
        s2 = SeriesFactory(
            project=other,
            cover_letter=c2,
            name="beta",
            date=T0 + dt.timedelta(days=1),
            total=1,
        )
        PatchFactory(project=other, series=s2, number=1)
        return {"c1": c1, "c2": c2, "s1": s1, "s2": s2, "ann": ann, "linux": linux}

    def test_cover_filters(self, api, data):
        c1, c2 = data["c1"].pk, data["c2"].pk
        assert listed(api, "covers/", "project=linux") == [c1]
        assert listed(api, "covers/", "submitter=ann@example.com") == [c1]
        assert listed(api, "covers/", "since=2024-03-02") == [c2]
        assert listed(api, "covers/", "before=2024-03-02") == [c1]
        assert listed(api, "covers/", "q=beta") == [c2]
        assert listed(api, "covers/", "msgid=beta@x") == [c2]
        assert listed(api, "covers/", "msgid=beta@x", "1.1") == [c1, c2]
        assert listed(api, "covers/", "order=-name") == [c2, c1]
        assert listed(api, "covers/", "order=-date") == [c2, c1]
        assert listed(api, "covers/", "order=submitter,id")[0] == c1

    def test_cover_series_filter_filters_by_series(self, api, data):
        """Upstream compares with project ids and crashes; we filter by series."""
        assert listed(api, "covers/", f"series={data['s2'].pk}") == [data["c2"].pk]
        assert listed(api, "covers/", f"series={data['linux'].pk + 1000}") == []
        assert listed(api, "covers/", "series=x") == []

    def test_series_filters(self, api, data):
        s1, s2 = data["s1"].pk, data["s2"].pk
        assert listed(api, "series/", "project=other") == [s2]
        assert listed(api, "series/", "submitter=ann@example.com") == [s1]
        assert listed(api, "series/", "since=2024-03-02") == [s2]
        assert listed(api, "series/", "before=2024-03-02") == [s1]
        assert listed(api, "series/", "q=alp") == [s1]
        assert listed(api, "series/", "order=-name") == [s2, s1]
        assert listed(api, "series/", "order=-date") == [s2, s1]
        assert listed(api, "series/", "order=submitter,id")[0] == s1

    def test_series_order_by_received_all(self, api, data):
        """Upstream crashes; we sort by the computed flag (s2 is complete)."""
        assert listed(api, "series/", "order=received_all") == [
            data["s1"].pk,
            data["s2"].pk,
        ]
        assert listed(api, "series/", "order=-received_all") == [
            data["s2"].pk,
            data["s1"].pk,
        ]


class TestCommentSearchAndOrder:
    def test_q_searches_the_subject_header(self, api):
        patch = PatchFactory()
        early = PatchCommentFactory(
            patch=patch,
            date=T0 + dt.timedelta(days=1),
            headers=(
                "Message-Id: <c1@x>\nSubject: Re: [PATCH] net: fix\n the frobnicator"
            ),
        )
        late = PatchCommentFactory(
            patch=patch,
            date=T0,
            headers="Message-Id: <c2@x>\nSubject: Re: [PATCH] block\nX-Other: frob",
            content="frobnicator mentioned in the body only",
        )
        path = f"patches/{patch.pk}/comments/"
        assert listed(api, path, "q=frob") == [early.pk]
        assert listed(api, path, "q=block") == [late.pk]
        assert listed(api, path, "q=re:+net") == [early.pk]
        assert listed(api, path, "q=nothing") == []
        assert listed(api, path, "order=date") == [late.pk, early.pk]
        assert listed(api, path, "order=-id") == [late.pk, early.pk]
        # Upstream crashes on order=subject; we ignore it (default order).
        assert listed(api, path, "order=subject") == [early.pk, late.pk]
        assert (
            listed(api, path, "order=-submitter")[0]
            == max((early, late), key=lambda c: c.submitter_id).pk
        )


class TestCheckFilters:
    @pytest.fixture
    def checks(self, db):
        patch = PatchFactory()
        ci = UserFactory(username="ci-bot")
        other = UserFactory(username="lint")
        made = [
            CheckFactory(
                patch=patch,
                user=ci,
                state=1,
                context="build",
                date=T0,
                target_url="https://ci/b",
                description="b",
            ),
            CheckFactory(
                patch=patch,
                user=other,
                state=3,
                context="lint",
                date=T0 + dt.timedelta(days=1),
                target_url="https://ci/a",
                description="a",
            ),
            CheckFactory(
                patch=patch,
                user=ci,
                state=0,
                context="test",
                date=T0 + dt.timedelta(days=2),
                target_url="https://ci/c",
                description="c",
            ),
        ]
        return patch, made

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("user=ci-bot", [0, 2]),
            ("user=CI-BOT&user=lint", [0, 1, 2]),
            ("user=nobody", []),
            ("state=1", [0]),
            ("state=success", [0]),
            ("state=3&state=pending", [1, 2]),
            ("state=SUCCESS", []),
            ("state=7", []),
            ("context=lint", [1]),
            ("context=LINT", []),
            ("context=", [0, 1, 2]),
            ("since=2024-03-02", [1, 2]),
            ("before=2024-03-02", [0]),
            ("q=lint", [0, 1, 2]),
        ],
    )
    def test_filter(self, api, checks, query, expected):
        patch, made = checks
        assert listed(api, f"patches/{patch.pk}/checks/", query) == [
            made[i].pk for i in expected
        ]

    @pytest.mark.parametrize(
        ("order", "expected"),
        [
            ("-id", [2, 1, 0]),
            ("state", [2, 0, 1]),
            ("-date", [2, 1, 0]),
            ("target_url", [1, 0, 2]),
            ("description", [1, 0, 2]),
            ("-context", [2, 1, 0]),
            ("user,-id", [2, 0, 1]),
        ],
    )
    def test_order(self, api, checks, order, expected):
        patch, made = checks
        assert listed(api, f"patches/{patch.pk}/checks/", f"order={order}") == [
            made[i].pk for i in expected
        ]


class TestBundleFilters:
    def test_filters_search_and_order(self, api):
        ann = UserFactory(username="ann")
        bob = UserFactory(username="bob")
        linux = ProjectFactory(linkname="linux")
        qemu = ProjectFactory(linkname="qemu")
        b1 = BundleFactory(owner=bob, project=linux, name="fixes", public=True)
        b2 = BundleFactory(owner=ann, project=qemu, name="ideas", public=True)
        b3 = BundleFactory(owner=ann, project=linux, name="zzz private")
        api.as_user(ann)
        assert listed(api, "bundles/") == [b1.pk, b2.pk, b3.pk]
        assert listed(api, "bundles/", "project=linux") == [b1.pk, b3.pk]
        assert listed(api, "bundles/", "owner=ANN") == [b2.pk, b3.pk]
        assert listed(api, "bundles/", f"owner={bob.pk}") == [b1.pk]
        assert listed(api, "bundles/", "public=false") == [b3.pk]
        assert listed(api, "bundles/", "public=yes") == [b1.pk, b2.pk]
        assert listed(api, "bundles/", "q=ide") == [b2.pk]
        assert listed(api, "bundles/", "order=-name") == [b3.pk, b2.pk, b1.pk]
        # Sorted by owner id: ann's account was created first.
        assert listed(api, "bundles/", "order=owner,id") == [b2.pk, b3.pk, b1.pk]


class TestEventFilters:
    @pytest.fixture
    def events(self, db):
        from apps.events import services as record

        linux = ProjectFactory(linkname="linux")
        qemu = ProjectFactory(linkname="qemu")
        actor = UserFactory(username="actor")
        series = SeriesFactory(project=linux)
        patch = PatchFactory(project=linux, series=series, number=1)
        other = PatchFactory(project=qemu)
        cover = CoverFactory(project=linux)
        made = [
            record.record_series_created(series=series),
            record.record_patch_created(patch=patch),
            record.record_cover_created(cover=cover),
            record.record_patch_created(patch=other),
            record.record_patch_state_changed(
                patch=patch,
                previous=patch.state,
                current=State.objects.get(slug="accepted"),
                actor=actor,
            ),
        ]
        for index, event in enumerate(made):
            Event.objects.filter(pk=event.pk).update(date=T0 + dt.timedelta(days=index))
        return {
            "made": made,
            "series": series,
            "patch": patch,
            "cover": cover,
            "actor": actor,
        }

    def ids(self, events, indexes):
        return [events["made"][i].pk for i in indexes]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", [4, 3, 2, 1, 0]),
            ("order=date", [0, 1, 2, 3, 4]),
            ("order=id", [4, 3, 2, 1, 0]),
            ("project=qemu", [3]),
            ("project=nope", []),
            ("category=patch-created", [3, 1]),
            ("category=patch-created&project=linux", [1]),
            ("category=bogus", []),
            ("category=", [4, 3, 2, 1, 0]),
            ("since=2024-03-03", [4, 3, 2]),
            ("before=2024-03-02T12:00:00", [0]),
            ("q=anything", [4, 3, 2, 1, 0]),
        ],
    )
    def test_filter(self, api, events, query, expected):
        assert listed(api, "events/", query) == self.ids(events, expected)

    def test_object_filters(self, api, events):
        assert listed(api, "events/", f"series={events['series'].pk}") == self.ids(
            events, [0]
        )
        assert listed(api, "events/", f"patch={events['patch'].pk}") == self.ids(
            events, [4, 1]
        )
        assert listed(api, "events/", f"cover={events['cover'].pk}") == self.ids(
            events, [2]
        )
        assert listed(api, "events/", "patch=abc") == []

    @pytest.mark.parametrize("version", [None, "1.2", "1.3"])
    def test_actor_filter_from_1_2(self, api, events, version):
        actor = events["actor"]
        assert listed(api, "events/", f"actor={actor.pk}", version) == self.ids(
            events, [4]
        )
        # Ids only: a username names nothing.
        assert listed(api, "events/", "actor=actor", version) == []

    def test_actor_filter_ignored_before_1_2(self, api, events):
        assert listed(api, "events/", f"actor={events['actor'].pk}", "1.1") == (
            self.ids(events, [4, 3, 2, 1, 0])
        )


class TestAccountSearch:
    def test_projects(self, api):
        a = ProjectFactory(
            linkname="alpha",
            name="Zed",
            listid="alpha.lists.org",
            web_url="https://alpha.example/",
        )
        b = ProjectFactory(
            linkname="beta",
            name="Why",
            listid="beta.lists.org",
            scm_url="git://example/alpha.git",
        )
        assert listed(api, "projects/") == [a.pk, b.pk]
        assert listed(api, "projects/", "q=alpha") == [a.pk, b.pk]
        assert listed(api, "projects/", "q=beta.lists") == [b.pk]
        assert listed(api, "projects/", "order=name") == [b.pk, a.pk]
        assert listed(api, "projects/", "order=-link_name") == [b.pk, a.pk]
        assert listed(api, "projects/", "order=-list_id") == [b.pk, a.pk]
        assert listed(api, "projects/", "order=-id") == [b.pk, a.pk]

    def test_users_and_people(self, api):
        me = UserFactory(
            username="zoe", first_name="Zoe", last_name="Adams", email="z@example.com"
        )
        you = UserFactory(
            username="adam", first_name="Adam", last_name="Young", email="a@example.com"
        )
        api.as_user(me)
        assert listed(api, "users/", "q=adam") == [me.pk, you.pk]
        assert listed(api, "users/", "q=young") == [you.pk]
        assert listed(api, "users/", "q=z@example") == [me.pk]
        assert listed(api, "users/", "order=username") == [you.pk, me.pk]
        assert listed(api, "users/", "order=email") == [you.pk, me.pk]
        p1 = PersonFactory(name="Carla", email="carla@example.com")
        p2 = PersonFactory(name="Bert", email="bert@carla.example")
        assert listed(api, "people/", "q=carla") == [p1.pk, p2.pk]
        assert listed(api, "people/", "q=bert") == [p2.pk]
        assert listed(api, "people/", "order=name") == [p2.pk, p1.pk]
        assert listed(api, "people/", "order=-email") == [p1.pk, p2.pk]


# Every documented filter of every list (rest-api.md §6.3), and what an
# unusable value does: "empty" lists nothing, "ignored" filters nothing.
FILTERS = {
    "patches/": {
        "project": "empty",
        "series": "empty",
        "submitter": "empty",
        "delegate": "empty",
        "state": "empty",
        "archived": "ignored",
        "hash": "empty",
        "msgid": "empty",
        "since": "empty",
        "before": "empty",
    },
    "covers/": {
        "project": "empty",
        "series": "empty",
        "submitter": "empty",
        "msgid": "empty",
        "since": "empty",
        "before": "empty",
    },
    "series/": {
        "project": "empty",
        "submitter": "empty",
        "since": "empty",
        "before": "empty",
    },
    "patches/{patch}/checks/": {
        "user": "empty",
        "state": "empty",
        "context": "empty",
        "since": "empty",
        "before": "empty",
    },
    "bundles/": {"project": "empty", "owner": "empty", "public": "ignored"},
    "events/": {
        "project": "empty",
        "category": "empty",
        "series": "empty",
        "patch": "empty",
        "cover": "empty",
        "actor": "empty",
        "since": "empty",
        "before": "empty",
    },
}


@pytest.fixture
def everything(db, world):
    from apps.events import services as record

    CheckFactory(patch=world.patch)
    BundleFactory(
        owner=world.other, project=world.project, patches=[world.patch], public=True
    )
    record.record_patch_created(patch=world.patch)
    record.record_patch_state_changed(
        patch=world.patch,
        previous=world.patch.state,
        current=State.objects.get(slug="rfc"),
        actor=world.maintainer,
    )
    return world


@pytest.mark.parametrize(
    ("route", "name"), [(r, n) for r, names in FILTERS.items() for n in names]
)
def test_empty_values_are_ignored_and_unusable_ones_list_nothing(
    api, everything, route, name
):
    path = route.format(patch=everything.patch.pk)
    everything_listed = listed(api, path)
    assert everything_listed, f"{path} needs rows for this test"
    assert listed(api, path, f"{name}=") == everything_listed
    unusable = listed(api, path, f"{name}=no-such-thing%20")
    expected = [] if FILTERS[route][name] == "empty" else everything_listed
    assert unusable == expected
