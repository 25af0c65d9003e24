"""Patch resources: computed fields and updates (§7.5, §9)."""

import datetime as dt

import pytest

from apps.events.models import Event
from apps.patches.models import Patch, PatchRelation, State
from tests.api.helpers import url
from tests.factories import CheckFactory, PatchFactory, ProjectFactory, UserFactory
from tests.hostile import SCRIPT_URLS

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


def detail(api, patch, version=None):
    response = api.get(url(f"patches/{patch.pk}/", version))
    assert response.status_code == 200
    return response.json()


class TestFields:
    def test_values(self, api, world):
        world.project.list_archive_url_format = "https://lore.example/r/{}"
        world.project.save()
        patch = PatchFactory(
            project=world.project,
            msgid="<x1@example.com>",
            name="[RFC,v2,3/7] mm: tidy",
            date=dt.datetime(
                2017, 9, 20, 21, 46, 31, tzinfo=dt.timezone(dt.timedelta(hours=10))
            ),
            commit_ref="abc123",
        )
        body = detail(api, patch)
        assert body["msgid"] == "<x1@example.com>"
        assert body["list_archive_url"] == "https://lore.example/r/x1@example.com"
        assert body["date"] == "2017-09-20T11:46:31"
        assert body["state"] == "new"
        assert body["archived"] is False
        assert body["commit_ref"] == "abc123"
        assert body["pull_url"] is None
        assert body["delegate"] is None
        assert body["series"] == []
        assert body["tags"] == {}
        assert body["related"] == []
        assert body["prefixes"] == ["RFC", "v2", "3/7"]
        assert body["check"] == "pending"

    def test_microseconds_only_when_set(self, api, world):
        patch = PatchFactory(project=world.project, date=T0.replace(microsecond=484971))
        assert detail(api, patch)["date"] == "2024-05-01T00:00:00.484971"

    def test_pull_request_without_diff(self, api, world):
        patch = PatchFactory(
            project=world.project,
            diff=None,
            hash=None,
            content=None,
            pull_url="git://example.org/repo.git main",
        )
        body = detail(api, patch)
        assert body["diff"] is None
        assert body["hash"] is None
        assert body["content"] is None
        assert body["pull_url"] == "git://example.org/repo.git main"
        listed = api.get(url("patches/") + "?project=world&order=-id").json()[0]
        assert listed["hash"] is None

    def test_headers_object(self, api, world):
        patch = PatchFactory(
            project=world.project,
            headers=(
                "Received: from a\n\tby b\n"
                "From: Ann <ann@example.com>\n"
                "Received: from c\n"
                "Subject: =?utf-8?q?caf=C3=A9?= and\n more\n"
                "RECEIVED: from d\n"
            ),
        )
        # One key per spelling, each with the values of every spelling.
        assert detail(api, patch)["headers"] == {
            "Received": ["from a\n\tby b", "from c", "from d"],
            "From": "Ann <ann@example.com>",
            "Subject": "=?utf-8?q?caf=C3=A9?= and\n more",
            "RECEIVED": ["from a\n\tby b", "from c", "from d"],
        }
        patch.headers = ""
        patch.save()
        assert detail(api, patch)["headers"] == {}

    def test_series_is_a_one_element_array(self, api, world):
        body = detail(api, world.patch, "1.0")
        assert body["series"] == [
            {
                "id": world.series.pk,
                "url": f"http://testserver/api/1.0/series/{world.series.pk}/",
                "date": world.series.date.strftime("%Y-%m-%dT%H:%M:%S"),
                "name": "Demo series",
                "version": 1,
                "mbox": f"http://testserver/series/{world.series.pk}/mbox/",
            }
        ]

    @pytest.mark.parametrize(
        ("checks", "expected"),
        [
            ([], "pending"),
            ([("ci", "build", 1, 0)], "success"),
            ([("ci", "build", 3, 0), ("ci", "build", 1, 5)], "success"),
            ([("ci", "build", 1, 0), ("ci", "build", 3, 5)], "fail"),
            ([("ci", "build", 1, 0), ("ci", "lint", 2, 0)], "warning"),
            ([("ci", "build", 1, 0), ("ci", "lint", 0, 0)], "pending"),
            ([("ci", "build", 3, 0), ("other", "build", 1, 5)], "fail"),
            ([("ci", "a", 2, 0), ("ci", "b", 3, 0), ("ci", "c", 0, 0)], "fail"),
        ],
    )
    def test_check_aggregate(self, api, world, checks, expected):
        users = {"ci": UserFactory(), "other": UserFactory()}
        for who, context, state, minutes in checks:
            CheckFactory(
                patch=world.patch,
                user=users[who],
                context=context,
                state=state,
                date=T0 + dt.timedelta(minutes=minutes),
            )
        assert detail(api, world.patch)["check"] == expected
        listed = api.get(url("patches/")).json()
        assert [item["check"] for item in listed] == [expected]

    def test_related_lists_the_others_by_date(self, api, world):
        relation = PatchRelation.objects.create()
        late = PatchFactory(project=world.project, related=relation, date=T0)
        early = PatchFactory(
            project=world.project, related=relation, date=T0 - dt.timedelta(days=1)
        )
        world.patch.related = relation
        world.patch.save()
        body = detail(api, world.patch)
        assert [item["id"] for item in body["related"]] == [early.pk, late.pk]
        assert "related" not in detail(api, world.patch, "1.1")
        listed = {item["id"]: item for item in api.get(url("patches/")).json()}
        # The world's patch is dated January 2024, before both.
        assert [item["id"] for item in listed[late.pk]["related"]] == [
            world.patch.pk,
            early.pk,
        ]


def events(category):
    return list(Event.objects.filter(category=category).order_by("id"))


class TestUpdates:
    @pytest.fixture(autouse=True)
    def as_maintainer(self, api, world):
        api.as_user(world.maintainer)
        self.path = url(f"patches/{world.patch.pk}/")

    @pytest.mark.parametrize("given", ["under-review", "Under Review", "UNDER-REVIEW"])
    def test_state_is_slugified(self, api, world, given):
        response = api.patch_json(self.path, {"state": given})
        assert response.status_code == 200
        assert response.json()["state"] == "under-review"

    def test_unknown_state_lists_the_slugs_in_display_order(self, api, world):
        response = api.patch_json(self.path, {"state": "Bogus State"})
        assert response.status_code == 400
        slugs = ", ".join(
            State.objects.order_by("ordering").values_list("slug", flat=True)
        )
        assert response.json() == {
            "state": [f"Invalid state bogus-state. Expected one of: {slugs}."]
        }

    def test_state_null_and_non_string(self, api, world):
        assert api.patch_json(self.path, {"state": None}).json() == {
            "state": ["This field may not be null."]
        }
        response = api.patch_json(self.path, {"state": 1})
        assert response.status_code == 400
        assert response.json() == {
            "state": ["Incorrect type. Expected string value, received int."]
        }

    def test_delegate(self, api, world):
        response = api.patch_json(self.path, {"delegate": world.maintainer.pk})
        assert response.json()["delegate"]["username"] == "maintainer"
        response = api.patch_json(self.path, {"delegate": str(world.delegate.pk)})
        assert response.json()["delegate"]["username"] == "delegate"
        assert api.patch_json(self.path, {"delegate": None}).json()["delegate"] is None
        api.patch_json(self.path, {"delegate": world.delegate.pk})
        cleared = api.patch(
            self.path, "delegate=", content_type="application/x-www-form-urlencoded"
        )
        assert cleared.json()["delegate"] is None

    def test_delegate_errors(self, api, world):
        response = api.patch_json(self.path, {"delegate": world.other.pk})
        assert response.status_code == 400
        assert response.json() == {
            "delegate": ["User 'other' is not a maintainer for project 'World'"]
        }
        assert api.patch_json(self.path, {"delegate": 999999}).json() == {
            "delegate": ['Invalid pk "999999" - object does not exist.']
        }
        assert api.patch_json(self.path, {"delegate": "maintainer"}).json() == {
            "delegate": ["Incorrect type. Expected pk value, received str."]
        }
        world.patch.refresh_from_db()
        assert world.patch.delegate == world.delegate

    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("True", True),
            ("true", True),
            ("YES", True),
            ("on", True),
            ("1", True),
            ("False", False),
            ("n", False),
            ("OFF", False),
            ("0", False),
        ],
    )
    def test_archived_spellings_in_forms(self, api, world, given, expected):
        response = api.patch(
            self.path,
            f"archived={given}",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.json()["archived"] is expected

    def test_archived_invalid(self, api, world):
        response = api.patch_json(self.path, {"archived": "perhaps"})
        assert response.json() == {"archived": ["Must be a valid boolean."]}

    def test_refs(self, api, world):
        response = api.patch_json(
            self.path, {"commit_ref": "deadbeef", "pull_url": "https://x/y main"}
        )
        assert response.json()["commit_ref"] == "deadbeef"
        assert response.json()["pull_url"] == "https://x/y main"
        assert (
            api.patch_json(self.path, {"commit_ref": None}).json()["commit_ref"] is None
        )
        too_long = api.patch_json(self.path, {"commit_ref": "x" * 256})
        assert too_long.status_code == 400
        assert list(too_long.json()) == ["commit_ref"]

    @pytest.mark.parametrize(
        "pull_url",
        [*SCRIPT_URLS, "git://example.org/repo.git main\nX-Injected: 1"],
    )
    def test_pull_url_must_name_a_repository(self, api, world, pull_url):
        """Pages link to the pull URL: a script scheme is refused, not stored."""
        response = api.patch_json(self.path, {"pull_url": pull_url})
        assert response.status_code == 400
        assert response.json() == {
            "pull_url": [
                "Enter a valid URL: a repository as git request-pull names it."
            ]
        }
        assert api.get(self.path).json()["pull_url"] is None

    def test_pull_url_forms_git_request_pull_prints(self, api, world):
        for pull_url in (
            "git://git.example.org/pub/scm/repo.git tags/for-linus",
            "https://example.org/repo.git",
            "ssh://git@example.org/repo main",
            "git@example.org:team/repo.git topic/x-1",
        ):
            response = api.patch_json(self.path, {"pull_url": pull_url})
            assert response.json()["pull_url"] == pull_url

    def test_read_only_and_unknown_keys_are_ignored(self, api, world):
        response = api.patch_json(
            self.path,
            {
                "name": "renamed",
                "hash": "f" * 40,
                "msgid": "<x>",
                "bogus": 1,
                "state": "rfc",
            },
        )
        assert response.status_code == 200
        world.patch.refresh_from_db()
        assert world.patch.name != "renamed"
        assert world.patch.hash != "f" * 40
        assert world.patch.state.slug == "rfc"

    def test_put_requires_state_and_delegate(self, api, world):
        response = api.put_json(self.path, {"archived": True})
        assert response.status_code == 400
        assert response.json() == {
            "state": ["This field is required."],
            "delegate": ["This field is required."],
        }
        ok = api.put_json(self.path, {"state": "new", "delegate": None})
        assert ok.status_code == 200
        assert ok.json()["delegate"] is None

    def test_git_pw_style_form_update(self, api, world):
        response = api.patch(
            self.path,
            f"commit_ref=abc&state=accepted&archived=True&delegate={world.maintainer.pk}",
            content_type="application/x-www-form-urlencoded",
        )
        body = response.json()
        assert (body["state"], body["archived"], body["commit_ref"]) == (
            "accepted",
            True,
            "abc",
        )
        assert body["delegate"]["id"] == world.maintainer.pk

    def test_events_with_actor(self, api, world):
        api.patch_json(
            self.path, {"state": "accepted", "delegate": world.maintainer.pk}
        )
        api.patch_json(self.path, {"state": "accepted"})  # no change, no event
        (state_event,) = events("patch-state-changed")
        assert (state_event.previous_state.slug, state_event.current_state.slug) == (
            "new",
            "accepted",
        )
        assert state_event.actor == world.maintainer
        (delegated,) = events("patch-delegated")
        assert delegated.previous_delegate == world.delegate
        assert delegated.current_delegate == world.maintainer
        assert delegated.actor == world.maintainer

    def test_nothing_is_saved_when_a_field_is_invalid(self, api, world):
        response = api.patch_json(
            self.path, {"state": "accepted", "delegate": world.other.pk}
        )
        assert response.status_code == 400
        world.patch.refresh_from_db()
        assert world.patch.state.slug == "new"
        assert not events("patch-state-changed")


class TestRelations:
    @pytest.fixture(autouse=True)
    def setup(self, api, world):
        api.as_user(world.maintainer)
        self.world = world
        self.a = world.patch
        self.b, self.c, self.d = (
            PatchFactory(project=world.project, date=T0 + dt.timedelta(days=n))
            for n in range(3)
        )

    def set(self, api, patch, related, method="patch_json"):
        return getattr(api, method)(url(f"patches/{patch.pk}/"), {"related": related})

    def members(self, patch):
        patch.refresh_from_db()
        if patch.related_id is None:
            return set()
        return set(
            Patch.objects.filter(related_id=patch.related_id).values_list(
                "pk", flat=True
            )
        )

    def test_additive(self, api):
        response = self.set(api, self.a, [self.b.pk])
        assert [p["id"] for p in response.json()["related"]] == [self.b.pk]
        self.set(api, self.c, [self.b.pk])
        assert self.members(self.a) == {self.a.pk, self.b.pk, self.c.pk}
        # Naming only members changes nothing.
        self.set(api, self.a, [self.c.pk])
        assert self.members(self.a) == {self.a.pk, self.b.pk, self.c.pk}
        assert PatchRelation.objects.count() == 1

    def test_conflict(self, api):
        self.set(api, self.a, [self.b.pk])
        self.set(api, self.c, [self.d.pk])
        response = self.set(api, self.a, [self.d.pk])
        assert response.status_code == 409
        assert response.json() == {
            "detail": "At least one patch is already part of another relation. You "
            "have to explicitly remove a patch from its existing relation before "
            "moving it to this one."
        }
        assert self.members(self.a) == {self.a.pk, self.b.pk}
        assert self.set(api, self.b, [self.c.pk, self.a.pk]).status_code == 409

    def test_remove_and_dissolve(self, api):
        self.set(api, self.a, [self.b.pk, self.c.pk])
        self.set(api, self.c, [])
        assert self.members(self.a) == {self.a.pk, self.b.pk}
        assert self.members(self.c) == set()
        self.set(api, self.a, [])
        assert self.members(self.b) == set()
        assert PatchRelation.objects.count() == 0

    def test_put_without_related_removes_the_relation(self, api):
        self.set(api, self.a, [self.b.pk, self.c.pk])
        response = api.put_json(
            url(f"patches/{self.a.pk}/"), {"state": "new", "delegate": None}
        )
        assert response.status_code == 200
        assert response.json()["related"] == []
        assert self.members(self.b) == {self.b.pk, self.c.pk}

    def test_put_before_1_2_leaves_the_relation(self, api):
        self.set(api, self.a, [self.b.pk])
        response = api.put_json(
            url(f"patches/{self.a.pk}/", "1.1"), {"state": "new", "delegate": None}
        )
        assert response.status_code == 200
        assert self.members(self.a) == {self.a.pk, self.b.pk}

    def test_unknown_patch(self, api):
        assert self.set(api, self.a, [999999]).json() == {
            "related": ['Invalid pk "999999" - object does not exist.']
        }

    def test_cross_project_needs_every_project(self, api):
        elsewhere = PatchFactory(project=ProjectFactory())
        response = self.set(api, self.a, [elsewhere.pk])
        assert response.status_code == 403
        assert response.json() == {
            "detail": "At least one patch is part of a project you are not maintaining."
        }
        elsewhere.project.maintainers.add(self.world.maintainer)
        assert self.set(api, self.a, [elsewhere.pk]).status_code == 200

    def test_events_for_every_patch_that_moved(self, api):
        self.set(api, self.a, [self.b.pk])
        self.set(api, self.a, [])
        moved = [(e.patch_id, e.actor_id) for e in events("patch-relation-changed")]
        maintainer = self.world.maintainer.pk
        assert moved == [
            (self.a.pk, maintainer),
            (self.b.pk, maintainer),
            (self.a.pk, maintainer),
            (self.b.pk, maintainer),
        ]
        listed = api.get(url("events/") + "?category=patch-relation-changed").json()
        assert all(
            e["payload"]["previous_relation"] is None
            and e["payload"]["current_relation"] is None
            for e in listed
        )
