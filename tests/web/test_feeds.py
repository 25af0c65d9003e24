"""Atom feeds: the patch list's (with its filters), the series list's, one series'."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.checks.models import Check
from apps.checks.services import check_create
from apps.events.services import record_series_completed, record_series_created
from apps.patches.models import State
from apps.patches.services.updates import patch_update
from tests.factories import (
    BASE_DATE,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)
from tests.web.atom import ATOM, entries, parse_atom

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(linkname="widgets", name="Widgets")


def feed(client, url: str, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return parse_atom(response.content)


def test_the_list_feed_is_valid_atom_of_the_lists_patches(client, project):
    alice = PersonFactory(name="Alice Liddell")
    older = PatchFactory(project=project, name="widget: older", submitter=alice)
    newer = PatchFactory(project=project, name="widget: newer")
    PatchFactory(project=project, name="widget: archived", archived=True)
    PatchFactory(name="elsewhere: other project")

    root = feed(client, "/project/widgets/list/feed/")

    assert root.findtext(ATOM + "title") == "Widgets patches"
    assert root.findtext(ATOM + "updated").startswith(f"{newer.date:%Y-%m-%dT%H:%M}")
    listed = entries(root)
    # Newest first; archived patches hidden as on the list page.
    assert [e["title"] for e in listed] == ["widget: newer", "widget: older"]
    assert listed[1] == {
        "id": f"tag:testserver,{older.date:%Y-%m-%d}:patch/{older.pk}",
        "title": "widget: older",
        "link": f"http://testserver/project/widgets/patch/{older.msgid[1:-1]}/",
        "author": "Alice Liddell",
        "summary": "<p>State: New</p><pre>Make the change.\n\n"
        "Signed-off-by: Someone &lt;someone@example.com&gt;</pre>",
    }


def test_the_lists_filters_apply(client, project):
    alice = PersonFactory(name="Alice")
    accepted = State.objects.get(slug="accepted")
    PatchFactory(project=project, name="net: fix the thing", submitter=alice)
    PatchFactory(project=project, name="net: accepted one", state=accepted)
    PatchFactory(project=project, name="docs: fix typo", archived=True)

    def titles(query: str) -> list[str]:
        root = feed(client, f"/project/widgets/list/feed/?{query}")
        return [e["title"] for e in entries(root)]

    assert titles("q=fix") == ["net: fix the thing"]
    assert titles(f"submitter={alice.pk}") == ["net: fix the thing"]
    assert titles("state=*") == ["net: accepted one", "net: fix the thing"]
    assert titles("state=*&archive=both") == [
        "docs: fix typo",
        "net: accepted one",
        "net: fix the thing",
    ]
    assert titles(f"state={accepted.pk}") == ["net: accepted one"]
    # The feed points back at the list it follows, filters included.
    root = feed(client, "/project/widgets/list/feed/?q=fix")
    alternate = root.find(ATOM + "link[@rel='alternate']").get("href")
    assert alternate == "http://testserver/project/widgets/list/?q=fix"


def test_entry_ids_are_stable_whatever_host_the_feed_is_read_from(
    client, project, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    # The entry id carries the patch's date: one of its own, not the
    # factory's next one, which depends on the tests run before.
    PatchFactory(project=project, date=dt.datetime(2024, 1, 1, 9, 30, tzinfo=dt.UTC))
    first = [e["id"] for e in entries(feed(client, "/project/widgets/list/feed/"))]
    again = [
        e["id"]
        for e in entries(
            feed(client, "/project/widgets/list/feed/", HTTP_HOST="mirror.example.org")
        )
    ]
    assert first == again
    assert first[0].startswith("tag:testserver,2024-01-01:patch/")


def test_text_from_mail_is_escaped(client, project):
    PatchFactory(
        project=project,
        name='<script>alert("x")</script> & \x07bell',
        content="<b>bold</b> & \x1b[31mred",
        submitter=PersonFactory(name="Mallory <m@evil>"),
    )
    body = client.get("/project/widgets/list/feed/").content
    assert b"<script>" not in body
    assert b"<b>" not in body
    [entry] = entries(parse_atom(body))
    assert entry["title"] == '<script>alert("x")</script> & \ufffdbell'
    assert entry["author"] == "Mallory <m@evil>"
    # The summary is HTML: once the XML is read, its markup is still escaped.
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; \ufffd[31mred" in entry["summary"]


def test_an_empty_list_is_a_valid_feed(client, project):
    assert entries(feed(client, "/project/widgets/list/feed/")) == []


def test_unknown_project_or_series_is_404(client):
    assert client.get("/project/nope/list/feed/").status_code == 404
    assert client.get("/project/nope/series/feed/").status_code == 404
    assert client.get("/series/999999/feed/").status_code == 404


def test_the_series_list_feed(client, project):
    SeriesFactory(project=project, name="widget: reset support", total=3)
    SeriesFactory(project=project, name="widget: reset support", version=2, total=3)

    root = feed(client, "/project/widgets/series/feed/")

    listed = entries(root)
    assert [e["title"] for e in listed] == [
        "[v2] widget: reset support",
        "widget: reset support",
    ]
    assert listed[0]["link"].startswith("http://testserver/series/")
    assert listed[0]["summary"] == "<p>0 of 3 patches received</p>"


def test_a_series_feed_has_state_changes_checks_and_new_versions(client, project):
    maintainer = UserFactory(username="maint")
    project.maintainers.add(maintainer)
    series = SeriesFactory(project=project, name="widget: reset", total=1)
    patch = PatchFactory(project=project, series=series, name="widget: reset")
    record_series_created(series=series)
    record_series_completed(series=series)
    patch_update(
        patch=patch, actor=maintainer, state=State.objects.get(slug="accepted")
    )
    check_create(
        patch=patch, user=maintainer, state=Check.State.FAIL, context="ci/build"
    )
    newer = SeriesFactory(
        project=project,
        name="widget: reset",
        version=2,
        previous_version=series,
        lineage=series.pk,
        date=BASE_DATE + dt.timedelta(days=3),
    )
    series.lineage = series.pk
    series.save()
    # Activity of another series stays out.
    other = PatchFactory(project=project, series=SeriesFactory(project=project))
    rejected = State.objects.get(slug="rejected")
    patch_update(patch=other, actor=maintainer, state=rejected)

    root = feed(client, f"/series/{series.pk}/feed/")

    titles = sorted(e["title"] for e in entries(root))
    assert titles == [
        "All 1 patches received",
        "New version: [v2] widget: reset",
        "Series created: widget: reset",
        "widget: reset: check ci/build fail",
        "widget: reset: new → accepted",
    ]
    ids = {e["title"]: e["id"] for e in entries(root)}
    assert ids["New version: [v2] widget: reset"] == (
        f"tag:testserver,{newer.date:%Y-%m-%d}:series/{series.pk}/version/{newer.pk}"
    )
    assert root.findtext(ATOM + "title") == "Widgets: widget: reset"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_feeds_run_a_fixed_number_of_queries(client, project):
    maintainer = UserFactory()
    series = SeriesFactory(project=project)
    patch = PatchFactory(project=project, series=series)
    check_create(patch=patch, user=maintainer, state=Check.State.SUCCESS)
    urls = [
        "/project/widgets/list/feed/",
        "/project/widgets/series/feed/",
        f"/series/{series.pk}/feed/",
    ]
    few = [_queries(client, url) for url in urls]
    for _ in range(15):
        more = PatchFactory(project=project, series=series)
        SeriesFactory(project=project)
        check_create(patch=more, user=maintainer, state=Check.State.WARNING)
        patch_update(
            patch=more, actor=maintainer, state=State.objects.get(slug="accepted")
        )
    assert [_queries(client, url) for url in urls] == few


def test_the_list_page_links_its_feed_with_its_filters(client, project):
    url = "/project/widgets/list/?q=fix&state=*&order=name&page=1"
    page = client.get(url).content.decode()
    # The filters, not the order or page.
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Widgets patches" '
        'href="/project/widgets/list/feed/?state=%2A&amp;q=fix">'
    ) in page
    assert 'href="/project/widgets/series/feed/"' in page


def test_the_series_pages_link_their_feeds(client, project):
    series = SeriesFactory(project=project)
    PatchFactory(project=project, series=series)
    listing = client.get("/project/widgets/series/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Widgets series" '
        'href="/project/widgets/series/feed/">'
    ) in listing
    page = client.get(f"/series/{series.pk}/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        f'title="Activity of this series" href="/series/{series.pk}/feed/">'
    ) in page
    root = feed(client, f"/series/{series.pk}/feed/")
    alternate = root.find(ATOM + "link[@rel='alternate']").get("href")
    assert alternate == f"http://testserver/series/{series.pk}/"


def test_the_search_language_applies_and_a_bad_search_is_a_400(client, project):
    alice = PersonFactory(name="Alice", email="alice@example.org")
    PatchFactory(project=project, name="net: fix the thing", submitter=alice)
    PatchFactory(project=project, name="docs: fix typo")

    root = feed(client, "/project/widgets/list/feed/?search=fix from:alice")
    assert [e["title"] for e in entries(root)] == ["net: fix the thing"]

    response = client.get("/project/widgets/list/feed/?search=colour:<b>red</b>")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("Invalid search: ")
