"""The patch page and the cover letter page (§7, §8)."""

import datetime as dt

import pytest

from apps.bundles.models import Bundle
from apps.events.models import Event
from apps.patches import links
from apps.patches.models import PatchRelation
from tests.factories import (
    BASE_DATE,
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
from tests.web.html import elements, hrefs, text

pytestmark = pytest.mark.django_db


def test_patch_page_shows_the_submission(client, project, make_patch, submitter):
    project.list_archive_url_format = "https://lore.example.org/r/{}"
    project.save()
    patch = make_patch(
        msgid="<abc@example.org>",
        name="net: fix the thing",
        submitter=submitter,
        date=dt.datetime(2024, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
        headers="Message-Id: <abc@example.org>\nX-Mailer: git-send-email",
    )
    response = client.get(links.patch_web_path(patch))
    assert response.status_code == 200
    page = text(response)
    assert "net: fix the thing - Patchwork" in response.content.decode()
    assert "abc@example.org" in page
    assert "Sam Submitter 2024-02-03 04:05:06 UTC" in page
    assert "X-Mailer: git-send-email" in page
    assert "Commit Message" in page
    assert "https://lore.example.org/r/abc@example.org" in hrefs(response)
    assert links.patch_raw_path(patch) in hrefs(response)
    assert links.patch_mbox_path(patch) in hrefs(response)
    (copy,) = [
        b for b in elements(response, "button") if b.get("data-copy") == str(patch.pk)
    ][:1]
    assert copy


def test_state_delegate_and_commit(client, project, make_patch, maintainer, states):
    project.commit_url_format = "https://git.example.org/commit/{}"
    project.save()
    patch = make_patch(
        state=states["accepted"],
        archived=True,
        delegate=maintainer,
        commit_ref="deadbeef",
    )
    response = client.get(links.patch_web_path(patch))
    page = text(response)
    assert "Accepted , archived" in page or "Accepted, archived" in page
    assert maintainer.display_name in page
    assert "https://git.example.org/commit/deadbeef" in hrefs(response)


def test_patch_without_diff_is_a_message_with_patch_mbox(client, make_patch):
    patch = make_patch(diff=None, pull_url="git://git.example.org/repo.git main")
    response = client.get(links.patch_web_path(patch))
    page = text(response)
    assert "Pull-request" in page
    assert "git://git.example.org/repo.git main" in page
    assert "Commit Message" not in page
    assert " Message " in f" {page} "
    assert links.patch_mbox_path(patch) in hrefs(response)
    assert links.patch_raw_path(patch) not in hrefs(response)


def test_msgid_with_slash_round_trips(client, make_patch):
    patch = make_patch(msgid="<a/b/c@example.org>")
    path = links.patch_web_path(patch)
    assert "%252F" in path
    assert client.get(path).status_code == 200


def test_unknown_msgid_is_404_and_cover_msgid_redirects(client, project):
    cover = CoverFactory(project=project, msgid="<c@x>")
    assert client.get(f"/project/{project.linkname}/patch/nope@x/").status_code == 404
    response = client.get(f"/project/{project.linkname}/patch/c@x/")
    assert response.status_code == 302
    assert response["Location"] == links.cover_web_path(cover)


def test_same_msgid_in_two_projects(client, project):
    other = ProjectFactory()
    mine = PatchFactory(project=project, msgid="<same@x>", name="in mine")
    PatchFactory(project=other, msgid="<same@x>", name="in other")
    assert "in mine" in text(client.get(links.patch_web_path(mine)))


def test_comments_in_date_order_with_anchor_and_link(client, make_patch):
    patch = make_patch()
    late = PatchCommentFactory(
        patch=patch, date=BASE_DATE + dt.timedelta(days=2), content="second reply"
    )
    early = PatchCommentFactory(
        patch=patch, date=BASE_DATE + dt.timedelta(days=1), content="first reply"
    )
    response = client.get(links.patch_web_path(patch))
    page = text(response)
    assert page.index("first reply") < page.index("second reply")
    assert elements(response, "div", id=str(early.pk))
    assert f"/comment/{late.pk}/" in hrefs(response)


def test_checks_table_shows_the_newest_per_user_and_context(client, make_patch):
    patch = make_patch()
    bot = UserFactory(username="ci-bot")
    CheckFactory(
        patch=patch,
        user=bot,
        context="build",
        state=3,
        date=BASE_DATE,
        description="old failure",
    )
    CheckFactory(
        patch=patch,
        user=bot,
        context="build",
        state=1,
        date=BASE_DATE + dt.timedelta(hours=1),
        description="now passing",
        target_url="https://ci.example.org/42",
    )
    response = client.get(links.patch_web_path(patch))
    page = text(response)
    assert "ci-bot/build success now passing" in page
    assert "old failure" not in page
    assert "https://ci.example.org/42" in hrefs(response)


def test_series_members_and_series_mbox(client, project, make_patch):
    series = SeriesFactory(project=project, name="My series")
    cover = CoverFactory(project=project, name="[0/2] My series")
    series.cover_letter = cover
    series.save()
    first = make_patch(series=series, number=1, name="[1/2] first")
    second = make_patch(series=series, number=2, name="[2/2] second")
    response = client.get(links.patch_web_path(first))
    links_on_page = hrefs(response)
    assert f"/project/{project.linkname}/list/?series={series.pk}" in links_on_page
    assert links.series_mbox_path(series) in links_on_page
    assert links.cover_web_path(cover) in links_on_page
    assert links.patch_web_path(second) in links_on_page
    assert links.patch_web_path(first) not in links_on_page
    members = text(response).split("collapse", 1)[1]
    assert members.index("[0/2] My series") < members.index("[1/2] first")
    assert members.index("[1/2] first") < members.index("[2/2] second")


def test_related_patches_split_by_project(client, project, make_patch):
    relation = PatchRelation.objects.create()
    patch = make_patch(related=relation)
    sibling = make_patch(related=relation, name="sibling here")
    elsewhere = PatchFactory(related=relation, name="port elsewhere")
    response = client.get(links.patch_web_path(patch))
    page = text(response)
    assert "sibling here" in page
    assert f"port elsewhere (in {elsewhere.project.name})" in page
    assert links.patch_web_path(sibling) in hrefs(response)


def test_copyable_apply_commands(client, make_patch, project):
    series = SeriesFactory(project=project)
    patch = make_patch(series=series, number=1)
    content = client.get(links.patch_web_path(patch)).content.decode()
    mbox = f"http://testserver{links.patch_mbox_path(patch)}"
    assert f'data-copy="curl -s {mbox} | git am"' in content
    assert f'data-copy="git-pw patch apply {patch.pk}"' in content
    assert f'data-copy="git-pw series apply {series.pk}"' in content


# --- the forms -----------------------------------------------------------------------


def test_edit_form_only_for_those_who_may_edit(client, make_patch, maintainer):
    patch = make_patch()
    assert not elements(client.get(links.patch_web_path(patch)), "select", name="state")
    client.force_login(UserFactory())
    response = client.get(links.patch_web_path(patch))
    assert not elements(response, "select", name="state")
    assert elements(response, "input", name="name")  # bundle box for any user
    client.force_login(maintainer)
    assert elements(client.get(links.patch_web_path(patch)), "select", name="state")


def test_maintainer_updates_the_patch(
    maintainer_client, make_patch, maintainer, states
):
    patch = make_patch()
    response = maintainer_client.post(
        links.patch_web_path(patch),
        {
            "action": "update",
            "state": states["accepted"].pk,
            "delegate": maintainer.pk,
            "archived": "on",
        },
    )
    assert response.status_code == 200
    assert "Patch updated" in text(response)
    patch.refresh_from_db()
    assert patch.state == states["accepted"]
    assert patch.delegate == maintainer
    assert patch.archived
    assert Event.objects.filter(
        patch=patch, category="patch-state-changed", actor=maintainer
    ).exists()


def test_submitter_may_update_own_patch(client, make_patch, states):
    user = UserFactory()
    patch = make_patch(submitter=PersonFactory(user=user))
    client.force_login(user)
    client.post(
        links.patch_web_path(patch), {"action": "update", "state": states["rfc"].pk}
    )
    patch.refresh_from_db()
    assert patch.state == states["rfc"]


def test_invalid_update_shows_field_errors(maintainer_client, make_patch):
    patch = make_patch()
    response = maintainer_client.post(
        links.patch_web_path(patch), {"action": "update", "state": ""}
    )
    assert "This field is required." in text(response)


def test_current_non_maintainer_delegate_is_offered_and_kept(
    maintainer_client, make_patch, states
):
    former = UserFactory(username="former")
    patch = make_patch(delegate=former)
    response = maintainer_client.get(links.patch_web_path(patch))
    assert elements(response, "option", value=str(former.pk))
    maintainer_client.post(
        links.patch_web_path(patch),
        {"action": "update", "state": states["rfc"].pk, "delegate": former.pk},
    )
    patch.refresh_from_db()
    assert patch.state == states["rfc"]
    assert patch.delegate == former


def test_create_and_add_bundle_from_the_patch_page(member_client, make_patch, member):
    patch = make_patch(name="the patch")
    response = member_client.post(
        links.patch_web_path(patch), {"action": "Create", "name": "single"}
    )
    assert "Bundle single created" in text(response)
    bundle = Bundle.objects.get(owner=member, name="single")
    assert list(bundle.patches.all()) == [patch]
    other = make_patch(name="another")
    response = member_client.post(
        links.patch_web_path(other), {"action": "add", "bundle_id": bundle.pk}
    )
    assert "Patch 'another' added to bundle single" in text(response)


def test_anonymous_bundle_post_goes_to_login(client, make_patch):
    patch = make_patch()
    response = client.post(
        links.patch_web_path(patch), {"action": "create", "name": "x"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/user/login/?next=")


def test_user_bundles_offered_on_patch_page(member_client, make_patch, member, project):
    BundleFactory(owner=member, project=project, name="existing")
    response = member_client.get(links.patch_web_path(make_patch()))
    assert "existing" in text(response)


# --- cover letters -----------------------------------------------------------


def test_cover_page(client, project):
    series = SeriesFactory(project=project)
    cover = CoverFactory(project=project, name="[0/1] The cover", content="Intro text")
    series.cover_letter = cover
    series.save()
    patch = PatchFactory(project=project, series=series, number=1, name="[1/1] p")
    comment = CoverCommentFactory(cover=cover, content="Nice cover")
    response = client.get(links.cover_web_path(cover))
    assert response.status_code == 200
    page = text(response)
    assert "[0/1] The cover" in page
    assert "Intro text" in page
    assert "Nice cover" in page
    assert "Message" in page
    assert "Commit Message" not in page
    assert links.cover_mbox_path(cover) in hrefs(response)
    assert links.series_mbox_path(series) in hrefs(response)
    assert links.patch_web_path(patch) in hrefs(response)
    assert f"/comment/{comment.pk}/" in hrefs(response)
    # No edit or bundle forms on covers, even for maintainers.
    assert not elements(response, "select", name="state")


def test_cover_msgid_with_slash_and_patch_redirect(client, project):
    cover = CoverFactory(project=project, msgid="<x/y@z>")
    assert client.get(links.cover_web_path(cover)).status_code == 200
    # The raw slash form reaches the page too (the route accepts "/").
    assert client.get(f"/project/{project.linkname}/cover/x/y@z/").status_code == 200
    patch = PatchFactory(project=project, msgid="<p@z>")
    response = client.get(f"/project/{project.linkname}/cover/p@z/")
    assert response["Location"] == links.patch_web_path(patch)
    assert client.get(f"/project/{project.linkname}/cover/none@z/").status_code == 404


def test_cover_post_changes_nothing(maintainer_client, project):
    cover = CoverFactory(project=project)
    response = maintainer_client.post(links.cover_web_path(cover), {"action": "create"})
    assert response.status_code == 200
    assert not Bundle.objects.exists()
