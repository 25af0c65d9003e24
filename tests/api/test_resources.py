"""Projects, users, people, covers, series, comments, checks, bundles, events."""

import datetime as dt

import pytest

from apps.bundles.models import Bundle
from apps.checks.models import Check
from apps.events import services as record
from apps.events.models import Event
from apps.patches.models import State
from tests.api.helpers import url
from tests.factories import (
    BundleFactory,
    CheckFactory,
    CoverCommentFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)
from tests.hostile import HEADER, SCRIPT_URLS

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
VERSIONS = (None, "1.0", "1.1", "1.2", "1.3", "1.4", "1.5")


class TestProjects:
    def test_detail_by_id_or_linkname(self, api, world):
        by_id = api.get(url(f"projects/{world.project.pk}/")).json()
        by_name = api.get(url("projects/world/")).json()
        assert by_id == by_name
        assert by_name["url"] == f"http://testserver/api/projects/{world.project.pk}/"
        assert by_name["link_name"] == "world"
        assert by_name["maintainers"][0]["username"] == "maintainer"
        missing = api.get(url("projects/nothing/"))
        assert missing.status_code == 404
        assert missing.json() == {"detail": "No Project matches the given query."}

    def test_numeric_linkname_when_no_such_id(self, api):
        project = ProjectFactory(linkname="99999")
        assert api.get(url("projects/99999/")).json()["id"] == project.pk

    def test_unset_strings_are_empty(self, api, world):
        body = api.get(url("projects/world/")).json()
        assert body["web_url"] == ""
        assert body["subject_match"] == ""
        assert body["show_dependencies"] is False

    def test_maintainer_update(self, api, world):
        api.as_user(world.maintainer)
        response = api.patch_json(
            url("projects/world/"),
            {
                "web_url": "https://world.example/",
                "list_archive_url_format": "https://lore/r/{}",
                "show_dependencies": True,
                "name": "ignored",
                "link_name": "ignored",
            },
        )
        assert response.status_code == 200
        world.project.refresh_from_db()
        assert world.project.web_url == "https://world.example/"
        assert world.project.list_archive_url_format == "https://lore/r/{}"
        assert world.project.show_dependencies is True
        assert (world.project.name, world.project.linkname) == ("World", "world")
        too_long = api.patch_json(url("projects/world/"), {"scm_url": "x" * 2001})
        assert list(too_long.json()) == ["scm_url"]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            *(("web_url", url) for url in SCRIPT_URLS),
            ("webscm_url", SCRIPT_URLS[2]),
            ("list_archive_url", SCRIPT_URLS[3]),
            ("list_archive_url_format", "javascript:alert('{}')"),
            ("commit_url_format", "https://x/{} onmouseover=alert(1)"),
            ("scm_url", SCRIPT_URLS[1]),
        ],
    )
    def test_maintainer_urls_are_web_urls(self, api, world, field, value):
        """Project pages link to these URLs: only http(s) ones are stored."""
        api.as_user(world.maintainer)
        response = api.patch_json(url("projects/world/"), {field: value})
        assert response.status_code == 400
        assert list(response.json()) == [field]
        assert "Enter a valid URL" in response.json()[field][0]
        world.project.refresh_from_db()
        assert getattr(world.project, field) == ""

    def test_scm_url_may_be_any_repository_url(self, api, world):
        api.as_user(world.maintainer)
        for value in ("git://git.example.org/repo.git", "git@example.org:x/y.git"):
            response = api.patch_json(url("projects/world/"), {"scm_url": value})
            assert response.json()["scm_url"] == value


class TestUsers:
    def test_own_detail_has_settings_from_1_2(self, api, world):
        api.as_user(world.other)
        for version in VERSIONS:
            own = api.get(url(f"users/{world.other.pk}/", version)).json()
            theirs = api.get(url(f"users/{world.maintainer.pk}/", version)).json()
            has = version not in ("1.0", "1.1")
            assert ("settings" in own) is has
            assert "settings" not in theirs
        own = api.get(url(f"users/{world.other.pk}/")).json()
        assert own["settings"] == {
            "send_email": False,
            "items_per_page": 100,
            "show_ids": False,
        }
        assert all("settings" not in item for item in api.get(url("users/")).json())

    def test_update_merges_settings(self, api, world):
        api.as_user(world.other)
        path = url(f"users/{world.other.pk}/")
        response = api.patch_json(
            path,
            {
                "first_name": "Otto",
                "settings": {"show_ids": True},
                "username": "ignored",
                "email": "ignored@example.com",
            },
        )
        assert response.status_code == 200
        body = response.json()
        assert body["first_name"] == "Otto"
        assert body["settings"] == {
            "send_email": False,
            "items_per_page": 100,
            "show_ids": True,
        }
        world.other.refresh_from_db()
        assert (world.other.username, world.other.email) == (
            "other",
            "other@example.com",
        )

    def test_names_refuse_control_characters(self, api, world):
        """A line break in a name would end an mbox's headers early."""
        api.as_user(world.other)
        path = url(f"users/{world.other.pk}/")
        before = (world.other.first_name, world.other.last_name)
        for field in ("first_name", "last_name"):
            response = api.patch_json(path, {field: HEADER[:30]})
            assert response.status_code == 400
            assert response.json() == {
                field: [
                    "Names cannot contain line breaks, tabs or other control "
                    "characters."
                ]
            }
        world.other.refresh_from_db()
        assert (world.other.first_name, world.other.last_name) == before

    def test_settings_errors_nest(self, api, world):
        api.as_user(world.other)
        response = api.patch_json(
            url(f"users/{world.other.pk}/"), {"settings": {"items_per_page": "many"}}
        )
        assert response.status_code == 400
        assert response.json() == {
            "settings": {"items_per_page": ["A valid integer is required."]}
        }

    def test_put_needs_settings_in_every_version(self, api, world):
        api.as_user(world.other)
        for version in VERSIONS:
            response = api.put_json(
                url(f"users/{world.other.pk}/", version), {"first_name": "X"}
            )
            assert response.json() == {"settings": ["This field is required."]}

    def test_settings_ignored_before_1_2(self, api, world):
        api.as_user(world.other)
        response = api.put_json(
            url(f"users/{world.other.pk}/", "1.1"),
            {"last_name": "Changed", "settings": {"show_ids": True}},
        )
        assert response.status_code == 200
        world.other.refresh_from_db()
        assert world.other.last_name == "Changed"
        assert world.other.show_ids is False


class TestPeople:
    def test_person_with_and_without_account(self, api, world):
        nameless = PersonFactory(name=None, email="x@example.com")
        api.as_user(world.other)
        body = api.get(url(f"people/{world.person.pk}/")).json()
        assert body["user"]["username"] == "submitter"
        body = api.get(url(f"people/{nameless.pk}/")).json()
        assert body["name"] is None
        assert body["user"] is None
        missing = api.get(url("people/999999/"))
        assert missing.json() == {"detail": "No Person matches the given query."}


class TestCovers:
    def test_list_and_detail(self, api, world):
        world.project.list_archive_url_format = "https://lore/{}"
        world.project.save()
        for version in VERSIONS:
            listed = api.get(url("covers/", version)).json()
            assert [item["id"] for item in listed] == [world.cover.pk]
        body = api.get(url(f"covers/{world.cover.pk}/")).json()
        assert body["series"][0]["id"] == world.series.pk
        assert body["content"] == "This series does things."
        assert body["headers"] == {"Message-Id": world.cover.msgid}
        assert body["list_archive_url"] == "https://lore/" + world.cover.msgid.strip(
            "<>"
        )
        assert body["comments"] == (
            f"http://testserver/api/covers/{world.cover.pk}/comments/"
        )
        assert body["mbox"].endswith("/mbox/")

    def test_cover_without_series(self, api, world):
        lonely = CoverFactory(project=world.project)
        assert api.get(url(f"covers/{lonely.pk}/")).json()["series"] == []


class TestSeries:
    def test_fields(self, api, world):
        second = PatchFactory(
            project=world.project,
            series=world.series,
            number=2,
            date=world.patch.date - dt.timedelta(hours=1),
        )
        body = api.get(url(f"series/{world.series.pk}/")).json()
        assert body["total"] == 2
        assert body["received_total"] == 2
        assert body["received_all"] is True
        assert body["cover_letter"]["id"] == world.cover.pk
        # Patches by date, not by number.
        assert [p["id"] for p in body["patches"]] == [second.pk, world.patch.pk]
        assert body["version"] == 1

    def test_incomplete_and_without_cover(self, api, world):
        series = SeriesFactory(project=world.project, total=3, name=None)
        body = api.get(url(f"series/{series.pk}/")).json()
        assert body["received_total"] == 0
        assert body["received_all"] is False
        assert body["cover_letter"] is None
        assert body["name"] is None

    def test_dependencies_only_in_1_4_where_tracked(self, api, world):
        base = SeriesFactory(project=world.project)
        world.series.dependencies.add(base)
        path = f"series/{world.series.pk}/"
        assert "dependencies" not in api.get(url(path)).json()
        world.project.show_dependencies = True
        world.project.save()
        for version in VERSIONS:
            body = api.get(url(path, version)).json()
            if version in (None, "1.4", "1.5"):
                prefix = "http://testserver/api/" + (f"{version}/" if version else "")
                assert body["dependencies"] == [f"{prefix}series/{base.pk}/"]
                assert body["dependents"] == []
            else:
                assert "dependencies" not in body
        assert api.get(url(f"series/{base.pk}/")).json()["dependents"] == [
            f"http://testserver/api/series/{world.series.pk}/"
        ]

    def test_list_shows_each_series_its_own_dependencies_in_order(self, api, world):
        world.project.show_dependencies = True
        world.project.save()
        first, second = (
            SeriesFactory(project=world.project),
            SeriesFactory(project=world.project),
        )
        world.series.dependencies.add(second, first)
        listed = {s["id"]: s for s in api.get(url("series/")).json()}
        link = "http://testserver/api/series/{}/".format
        assert listed[world.series.pk]["dependencies"] == [
            link(first.pk),
            link(second.pk),
        ]
        assert listed[world.series.pk]["dependents"] == []
        assert listed[first.pk]["dependents"] == [link(world.series.pk)]
        assert listed[second.pk]["dependencies"] == []


class TestComments:
    def test_list_fields_and_versions(self, api, world):
        world.project.list_archive_url_format = "https://lore/{}"
        world.project.save()
        comment = PatchCommentFactory(
            patch=world.patch,
            msgid="<reply@x>",
            headers="Message-Id: <reply@x>\nSubject: Re: [PATCH] thing",
        )
        for version in ("1.1", "1.2", "1.3", None):
            (item,) = api.get(
                url(f"patches/{world.patch.pk}/comments/", version)
            ).json()
            assert item["id"] == comment.pk
        assert item["subject"] == "Re: [PATCH] thing"
        assert item["web_url"] == f"http://testserver/comment/{comment.pk}/"
        assert item["list_archive_url"] == "https://lore/reply@x"
        assert item["addressed"] is None
        assert item["url"] == (
            f"http://testserver/api/patches/{world.patch.pk}/comments/{comment.pk}/"
        )

    def test_subject_empty_without_header(self, api, world):
        CoverCommentFactory(cover=world.cover, headers="Message-Id: <a@b>")
        (item,) = api.get(url(f"covers/{world.cover.pk}/comments/")).json()
        assert item["subject"] == ""

    def test_missing_parent_and_foreign_comment(self, api, world):
        missing = api.get(url("patches/999999/comments/"))
        assert missing.json() == {"detail": "No Patch matches the given query."}
        missing = api.get(url("covers/999999/comments/"))
        assert missing.json() == {"detail": "No Cover matches the given query."}
        elsewhere = PatchCommentFactory()
        foreign = api.get(url(f"patches/{world.patch.pk}/comments/{elsewhere.pk}/"))
        assert foreign.json() == {"detail": "No PatchComment matches the given query."}
        cover_elsewhere = CoverCommentFactory()
        foreign = api.get(
            url(f"covers/{world.cover.pk}/comments/{cover_elsewhere.pk}/")
        )
        assert foreign.json() == {"detail": "No CoverComment matches the given query."}

    def test_addressed_update_records_no_event(self, api, world):
        comment = PatchCommentFactory(patch=world.patch)
        api.as_user(world.maintainer)
        path = url(f"patches/{world.patch.pk}/comments/{comment.pk}/")
        for value in (False, True, None):
            response = api.patch_json(path, {"addressed": value})
            assert response.json()["addressed"] is value
        bad = api.patch_json(path, {"addressed": "sometimes"})
        assert bad.json() == {"addressed": ["Must be a valid boolean."]}
        api.patch_json(path, {"subject": "ignored", "content": "ignored"})
        comment.refresh_from_db()
        assert comment.content != "ignored"
        assert not Event.objects.exists()


class TestChecks:
    @pytest.fixture(autouse=True)
    def setup(self, api, world):
        api.as_user(world.maintainer)
        self.path = url(f"patches/{world.patch.pk}/checks/")

    def test_create_json(self, api, world):
        response = api.post_json(
            self.path,
            {
                "state": "warning",
                "context": "ci-build_2",
                "target_url": "",
                "description": "",
                "user": world.other.pk,
                "date": "2000-01-01",
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert response["Location"] == body["url"]
        assert body["url"] == (
            f"http://testserver/api/patches/{world.patch.pk}/checks/{body['id']}/"
        )
        assert (body["state"], body["context"], body["target_url"]) == (
            "warning",
            "ci-build_2",
            "",
        )
        # The ``user`` of the body is ignored (Deviation): the caller files it.
        assert body["user"]["username"] == "maintainer"
        assert not body["date"].startswith("2000")
        (event,) = Event.objects.filter(category="check-created")
        assert event.actor == world.maintainer
        assert event.created_check_id == body["id"]

    def test_create_form_with_defaults_and_codes(self, api, world):
        response = api.post(self.path, {"state": "3"})
        assert response.status_code == 201
        assert response.json()["state"] == "fail"
        assert response.json()["context"] == "default"
        assert response.json()["target_url"] is None
        assert api.post_json(self.path, {"state": 1}).json()["state"] == "success"

    @pytest.mark.parametrize(
        ("body", "errors"),
        [
            ({}, {"state": ["A check must have a state."]}),
            ({"state": ""}, {"state": ["A check must have a state."]}),
            ({"state": "SUCCESS"}, {"state": ['"SUCCESS" is not a valid choice.']}),
            ({"state": "7"}, {"state": ['"7" is not a valid choice.']}),
            (
                {"state": "fail", "context": "has space"},
                {
                    "context": [
                        'Enter a valid "slug" consisting of letters, numbers, '
                        "underscores or hyphens."
                    ]
                },
            ),
            (
                {"state": "fail", "target_url": "nope"},
                {"target_url": ["Enter a valid URL."]},
            ),
        ],
    )
    def test_create_validation(self, api, world, body, errors):
        response = api.post_json(self.path, body)
        assert response.status_code == 400
        assert response.json() == errors
        assert not Check.objects.exists()

    def test_detail_and_missing(self, api, world):
        check = CheckFactory(patch=world.patch, state=2, description=None)
        body = api.get(url(f"patches/{world.patch.pk}/checks/{check.pk}/")).json()
        assert body["state"] == "warning"
        assert body["description"] is None
        assert api.get(url("patches/999999/checks/")).json() == {
            "detail": "No Patch matches the given query."
        }
        other = CheckFactory()
        assert api.get(url(f"patches/{world.patch.pk}/checks/{other.pk}/")).json() == {
            "detail": "No Check matches the given query."
        }


class TestBundles:
    @pytest.fixture(autouse=True)
    def setup(self, api, world):
        api.as_user(world.other)
        self.world = world
        self.p2 = PatchFactory(
            project=world.project, date=world.patch.date - dt.timedelta(days=1)
        )

    def test_create_form_encoded_like_git_pw(self, api, world):
        response = api.post(
            url("bundles/", "1.2"),
            {
                "name": "fixes",
                "patches": [world.patch.pk, self.p2.pk],
                "public": "True",
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert response["Location"] == body["url"]
        assert body["owner"]["username"] == "other"
        assert body["project"]["id"] == world.project.pk
        assert body["public"] is True
        # JSON lists by date; the bundle keeps the given order.
        assert [p["id"] for p in body["patches"]] == [self.p2.pk, world.patch.pk]
        bundle = Bundle.objects.get(pk=body["id"])
        assert list(
            bundle.bundlepatch_set.order_by("order").values_list("patch_id", flat=True)
        ) == [world.patch.pk, self.p2.pk]
        assert body["web_url"] == "http://testserver/bundle/other/fixes/"
        assert body["mbox"] == "http://testserver/bundle/other/fixes/mbox/"

    @pytest.mark.parametrize(
        ("body", "errors"),
        [
            ({"patches": ["world"]}, {"name": ["This field is required."]}),
            ({"name": "x", "patches": []}, {"patches": ["Bundles cannot be empty"]}),
            (
                {"name": "x", "patches": [999999]},
                {"patches": ['Invalid pk "999999" - object does not exist.']},
            ),
        ],
    )
    def test_create_validation(self, api, world, body, errors):
        body = {
            key: [world.patch.pk if item == "world" else item for item in value]
            if key == "patches"
            else value
            for key, value in body.items()
        }
        response = api.post_json(url("bundles/"), body)
        assert response.status_code == 400
        assert response.json() == errors

    def test_mixed_projects_and_duplicate_name(self, api, world):
        elsewhere = PatchFactory()
        response = api.post_json(
            url("bundles/"), {"name": "x", "patches": [world.patch.pk, elsewhere.pk]}
        )
        assert response.json() == {
            "patches": ["Bundle patches must belong to the same project"]
        }
        api.post_json(url("bundles/"), {"name": "dup", "patches": [world.patch.pk]})
        again = api.post_json(
            url("bundles/"), {"name": "dup", "patches": [world.patch.pk]}
        )
        assert again.status_code == 400
        assert list(again.json()) == ["name"]

    def test_update_and_delete(self, api, world):
        bundle = BundleFactory(
            owner=world.other, project=world.project, patches=[world.patch]
        )
        path = url(f"bundles/{bundle.pk}/")
        response = api.patch_json(path, {"patches": [self.p2.pk, world.patch.pk]})
        assert [p["id"] for p in response.json()["patches"]] == [
            self.p2.pk,
            world.patch.pk,
        ]
        assert api.patch_json(path, {"public": True}).json()["public"] is True
        put = api.put_json(path, {"public": False})
        assert put.json() == {
            "name": ["This field is required."],
            "patches": ["This field is required."],
        }
        assert api.delete(path).status_code == 204
        assert not Bundle.objects.filter(pk=bundle.pk).exists()


class TestEvents:
    def test_payloads_per_category(self, api, world):
        accepted = State.objects.get(slug="accepted")
        comment = PatchCommentFactory(patch=world.patch)
        cover_comment = CoverCommentFactory(cover=world.cover)
        check = CheckFactory(patch=world.patch, user=world.maintainer)
        made = [
            record.record_cover_created(cover=world.cover),
            record.record_patch_created(patch=world.patch),
            record.record_patch_completed(patch=world.patch, series=world.series),
            record.record_patch_state_changed(
                patch=world.patch,
                previous=world.patch.state,
                current=accepted,
                actor=world.maintainer,
            ),
            record.record_patch_delegated(
                patch=world.patch,
                previous=None,
                current=world.delegate,
                actor=world.maintainer,
            ),
            record.record_patch_relation_changed(
                patch=world.patch, previous=None, current=None, actor=None
            ),
            record.record_check_created(check=check, project_id=check.patch.project_id),
            record.record_series_created(series=world.series),
            record.record_series_completed(series=world.series),
            record.record_cover_comment_created(comment=cover_comment),
            record.record_patch_comment_created(comment=comment),
        ]
        for index, event in enumerate(made):
            Event.objects.filter(pk=event.pk).update(
                date=T0 + dt.timedelta(minutes=index)
            )
        body = api.get(url("events/") + "?order=date").json()
        by_category = {item["category"]: item for item in body}
        assert [item["category"] for item in body] == [e.category for e in made]
        state = by_category["patch-state-changed"]
        assert state["payload"]["previous_state"] == "new"
        assert state["payload"]["current_state"] == "accepted"
        assert state["actor"]["username"] == "maintainer"
        assert state["date"] == "2024-05-01T00:03:00"
        delegated = by_category["patch-delegated"]["payload"]
        assert delegated["previous_delegate"] is None
        assert delegated["current_delegate"]["username"] == "delegate"
        assert by_category["check-created"]["payload"]["check"]["state"] == "success"
        assert by_category["check-created"]["actor"]["username"] == "maintainer"
        assert (
            by_category["patch-comment-created"]["payload"]["comment"]["id"]
            == comment.pk
        )
        assert by_category["cover-created"]["actor"] is None
        assert (
            by_category["patch-completed"]["payload"]["series"]["id"] == world.series.pk
        )

    @pytest.mark.parametrize("version", VERSIONS)
    def test_comment_events_only_from_1_3_and_actor_everywhere(
        self, api, world, version
    ):
        record.record_patch_created(patch=world.patch)
        record.record_patch_comment_created(
            comment=PatchCommentFactory(patch=world.patch)
        )
        record.record_patch_state_changed(
            patch=world.patch,
            previous=world.patch.state,
            current=State.objects.get(slug="rfc"),
            actor=world.maintainer,
        )
        response = api.get(url("events/", version) + "?per_page=1")
        categories = [
            item["category"] for item in api.get(url("events/", version)).json()
        ]
        if version in ("1.0", "1.1", "1.2"):
            assert categories == ["patch-state-changed", "patch-created"]
            # Hidden events do not count for pagination either.
            assert 'page=2&per_page=1>; rel="last"' in response["Link"]
        else:
            assert categories == [
                "patch-state-changed",
                "patch-comment-created",
                "patch-created",
            ]
        assert response.json()[0]["actor"]["username"] == "maintainer"

    def test_ordering_by_date_only(self, api, world):
        first = record.record_patch_created(patch=world.patch)
        second = record.record_series_created(series=world.series)
        Event.objects.filter(pk=first.pk).update(date=T0 + dt.timedelta(days=1))
        Event.objects.filter(pk=second.pk).update(date=T0)
        assert [e["id"] for e in api.get(url("events/")).json()] == [
            first.pk,
            second.pk,
        ]
        assert [e["id"] for e in api.get(url("events/") + "?order=date").json()] == [
            second.pk,
            first.pk,
        ]
        assert [e["id"] for e in api.get(url("events/") + "?order=id").json()] == [
            first.pk,
            second.pk,
        ]


def test_other_user_sees_users_and_project_list(api, world):
    UserFactory.create_batch(2)
    api.as_user(world.other)
    assert len(api.get(url("users/")).json()) == 7
    assert [p["link_name"] for p in api.get(url("projects/")).json()] == ["world"]
