"""Mail content is shown as text on every page (server-side view of acceptance 3).

Every field a page shows carries the full hostile payload set
(``tests/hostile.py``): element text, double- and single-quoted and unquoted
attributes, URLs and strings our JavaScript reads. Each page must contain
no markup through which that text could act, and must show the text as
the mail had it (not dropped, not decoded twice). The browser test
(tests/web/browser/test_hostile_mail.py) checks that nothing runs.
"""

import html
import json
import re
import shlex

import pytest

from apps.patches import links
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
)
from tests.hostile import ALL, PAYLOADS, SCRIPT_URLS, SHELL_MSGID, active_markup
from tests.web.html import elements, text

pytestmark = pytest.mark.django_db

NAME = f"Mallory {ALL}"
SUBJECT = f"patch {ALL}"
# A Message-Id cannot hold spaces; it breaks out of attributes and paths.
MSGID = "<p\"onmouseover=\"alert(9)'x='<img/src=x/onerror=alert(9)>/../x@evil>"
BUNDLE = "b<img src=y onerror=alert(4)>\"'"


@pytest.fixture
def hostile(project, maintainer):
    submitter = PersonFactory(name=NAME, email="mallory@evil.example")
    series = SeriesFactory(project=project, name=f"series {ALL}")
    cover = CoverFactory(
        project=project,
        name=f"cover {ALL}",
        msgid=MSGID.replace("<p", "<c"),
        content=f"cover body {ALL}",
        headers=f"X-Evil: {ALL}",
        submitter=submitter,
    )
    series.cover_letter = cover
    series.save()
    patch = PatchFactory(
        project=project,
        series=series,
        number=1,
        name=SUBJECT,
        msgid=MSGID,
        submitter=submitter,
        headers=f"X-Evil: {ALL}\nFrom: {NAME}",
        content=f"body {ALL}\n{PAYLOADS['url']}\nSigned-off-by: {NAME}",
        diff=f"--- a/f\n+++ b/f\n@@ -1 +1 @@ {ALL}\n-{ALL}\n+{ALL}\n",
        commit_ref=f"c{PAYLOADS['double-quoted']}",
        pull_url=f"git://x/{PAYLOADS['url']}",
        delegate=maintainer,
    )
    PatchCommentFactory(patch=patch, submitter=submitter, content=f"reply {ALL}")
    CoverCommentFactory(cover=cover, submitter=submitter, content=f"reply {ALL}")
    CheckFactory(
        patch=patch,
        context=f"ctx{PAYLOADS['single-quoted']}",
        description=f"check {ALL}",
        target_url="javascript:alert(10)",
    )
    BundleFactory(
        owner=maintainer, project=project, name=BUNDLE, public=True, patches=[patch]
    )
    return patch, cover


def assert_inert(response, *shown: str, inline_script: bool = False) -> None:
    """Assert the page has no active markup and shows ``shown`` as text."""
    assert response.status_code == 200
    found = active_markup(response.content.decode())
    if inline_script:  # the browsable API's own
        found = [f for f in found if f != "<script src=''>"]
    assert found == []
    page = text(response)
    for expected in shown:
        assert re.sub(r"\s+", " ", expected) in page


def test_patch_page(client, hostile):
    patch, _ = hostile
    response = client.get(links.patch_web_path(patch))
    assert_inert(
        response, SUBJECT, f"body {ALL}", f"reply {ALL}", f"X-Evil: {ALL}", NAME
    )
    # The Message-ID the copy button hands to our JavaScript is the mail's.
    copy = elements(response, "button", title="Copy the Message-ID")
    assert [b["data-copy"] for b in copy] == [MSGID[1:-1]]
    # Links found in a body are links only for http(s), git and ftp.
    hrefs = [a["href"] for a in elements(response, "a") if "href" in a]
    assert not [h for h in hrefs if h.lower().startswith("javascript")]
    assert "http://e.x/" in hrefs


def test_cover_page(client, hostile):
    _, cover = hostile
    assert_inert(client.get(links.cover_web_path(cover)), f"cover {ALL}", NAME)


@pytest.mark.parametrize("show_ids", [False, True])
def test_patch_list(maintainer_client, maintainer, project, hostile, show_ids):
    """Rows are built in Python (apps/web/rows.py): every context is escaped.

    ``escape(..., quote=False)`` there leaves the double-quoted payload
    free to add ``onfocus``/``autofocus`` to the row's checkbox.
    """
    patch, _ = hostile
    maintainer.show_ids = show_ids
    maintainer.save()
    response = maintainer_client.get(f"/project/{project.linkname}/list/")
    assert_inert(response, NAME, f"series {ALL}"[:50])
    [checkbox] = elements(response, "input", name=f"patch_id:{patch.pk}")
    assert checkbox["aria-label"] == f"Select {SUBJECT}"
    [series_link] = elements(response, "a", href=f"?series={patch.series_id}")
    assert series_link["title"] == f"series {ALL}"
    [row] = elements(response, "tr", **{"data-patch-id": str(patch.pk)})
    assert row["data-href"] == links.patch_web_path(patch)


def test_bundle_page_with_reorder_buttons(maintainer_client, maintainer, hostile):
    """The owner's bundle page adds the reorder buttons, labelled by subject."""
    response = maintainer_client.get(f"/bundle/maintainer/{BUNDLE}/")
    assert_inert(response, BUNDLE, NAME)
    labels = [b["aria-label"] for b in elements(response, "button", name="move")]
    assert labels == [f"Move {SUBJECT} up", f"Move {SUBJECT} down"]


def test_public_bundle_page(client, hostile):
    assert_inert(client.get(f"/bundle/maintainer/{BUNDLE}/"), BUNDLE)


def test_bundle_lists(maintainer_client, project, hostile):
    assert_inert(maintainer_client.get("/user/bundles/"), BUNDLE)
    assert_inert(maintainer_client.get(f"/project/{project.linkname}/bundles/"), BUNDLE)


def test_todo_list(maintainer_client, project, hostile):
    assert_inert(maintainer_client.get(f"/user/todo/{project.linkname}/"), NAME)


def test_filter_summary_echoes_text_safely(client, project, hostile):
    patch, _ = hostile
    response = client.get(
        f"/project/{project.linkname}/list/",
        {"q": ALL, "submitter": str(patch.submitter_id)},
    )
    assert_inert(response, ALL, NAME)


def test_autocomplete_answers_json_not_html(client, hostile):
    response = client.get("/submitter/", {"q": "Mallory"})
    assert response["Content-Type"] == "application/json"
    assert [p["name"] for p in json.loads(response.content)] == [NAME]


def test_browsable_api_pages(maintainer_client, hostile):
    patch, cover = hostile
    for path in (
        "/api/patches/",
        f"/api/patches/{patch.pk}/",
        f"/api/covers/{cover.pk}/",
        f"/api/patches/{patch.pk}/comments/",
        f"/api/patches/{patch.pk}/checks/",
        "/api/people/",
        "/api/series/",
    ):
        response = maintainer_client.get(path, HTTP_ACCEPT="text/html")
        assert "text/html" in response["Content-Type"], path
        assert_inert(response, inline_script=True)


def _commands(response) -> list[str]:
    """Return the shell text of every command shown and every one copied."""
    page = response.content.decode()
    shown = re.findall(r'<code class="command">(.*?)</code>', page)
    copied = [b["data-copy"] for b in elements(response, "button")]
    return [html.unescape(c) for c in shown] + [c for c in copied if " " in c]


def test_copy_commands_run_only_what_they_say(client, project):
    """A Message-ID's shell syntax stays one quoted argument of curl."""
    series = SeriesFactory(project=project)
    cover = CoverFactory(project=project, msgid=SHELL_MSGID.replace("<x", "<c"))
    series.cover_letter = cover
    series.save()
    patch = PatchFactory(project=project, series=series, msgid=SHELL_MSGID)
    patch_mbox = "http://testserver" + links.patch_mbox_path(patch)
    series_mbox = f"http://testserver/series/{series.pk}/mbox/"
    patch_commands = {
        ("curl", "-s", patch_mbox, "|", "git", "am"),
        ("git-pw", "patch", "apply", str(patch.pk)),
    }
    series_commands = {
        ("curl", "-s", series_mbox, "|", "git", "am"),
        ("git-pw", "series", "apply", str(series.pk)),
    }
    found = _commands(client.get(links.patch_web_path(patch)))
    assert len(found) == 8  # each shown, and each in its copy button
    assert {tuple(shlex.split(c)) for c in found} == patch_commands | series_commands
    found = _commands(client.get(links.cover_web_path(cover)))
    assert {tuple(shlex.split(c)) for c in found} == series_commands


def test_stored_urls_with_script_schemes_show_as_text(client):
    """Rows stored before URLs were checked: shown, never linked."""
    bad = SCRIPT_URLS[0]
    project = ProjectFactory(
        web_url=bad,
        webscm_url=bad,
        list_archive_url=bad,
        list_archive_url_format="javascript:alert('{}')",
        commit_url_format="javascript:alert('{}')",
    )
    patch = PatchFactory(project=project, commit_ref="abc123", pull_url=SCRIPT_URLS[1])
    page = client.get(f"/project/{project.linkname}/")
    assert_inert(page, f"Website {bad}", f"Source code web interface {bad}")
    ProjectFactory()  # with one project, "/" redirects to it
    assert_inert(client.get("/"))
    page = client.get(links.patch_web_path(patch))
    assert_inert(page, f"Pull-request {SCRIPT_URLS[1]}", "abc123")
    assert "(mailing list archive)" not in text(page)


# A series name holds at most 255 characters.
OLD = f"old {ALL}"[:255]


def _older_version(project, patch):
    """Return a v1 of the hostile series, its patch differing in a hostile way."""
    series = patch.series
    older = SeriesFactory(project=project, name=OLD, submitter=patch.submitter)
    older.lineage = older.pk
    older.save()
    series.previous_version = older
    series.lineage = older.pk
    series.version = 2
    series.save()
    PatchFactory(
        project=project,
        series=older,
        number=1,
        name=f"old {SUBJECT}"[:255],
        diff=f"--- a/f\n+++ b/f\n@@ -1 +1 @@ {ALL}\n-{ALL}\n+x {ALL}\n",
    )
    return older


def test_series_list(maintainer_client, project, hostile):
    patch, _ = hostile
    _older_version(project, patch)
    response = maintainer_client.get(f"/project/{project.linkname}/series/")
    assert_inert(response, NAME, f"series {ALL}"[:50])
    [row] = elements(response, "tr", **{"data-patch-id": str(patch.series_id)})
    assert row["data-href"] == f"/series/{patch.series_id}/"
    [checkbox] = elements(response, "input", name=f"series_id:{patch.series_id}")
    assert checkbox["aria-label"] == f"Select series {ALL}"


def test_series_list_filter_summary(client, project, hostile):
    patch, _ = hostile
    response = client.get(
        f"/project/{project.linkname}/series/",
        {"q": ALL, "submitter": str(patch.submitter_id), "since": ALL},
    )
    assert_inert(response, ALL, NAME)


def test_series_page(client, project, hostile):
    patch, _ = hostile
    older = _older_version(project, patch)
    response = client.get(f"/series/{patch.series_id}/")
    assert_inert(response, f"series {ALL}", f"cover body {ALL}", NAME, OLD)
    assert_inert(client.get(f"/series/{older.pk}/"), OLD, f"series {ALL}")


def test_interdiff_page(client, project, hostile):
    patch, _ = hostile
    older = _older_version(project, patch)
    response = client.get(f"/series/{patch.series_id}/interdiff/{older.pk}/")
    assert_inert(response, SUBJECT, f"-+x {ALL}", f"++{ALL}", f"+cover body {ALL}")


def test_series_page_commands_run_only_what_they_say(client, project):
    series = SeriesFactory(project=project)
    cover = CoverFactory(project=project, msgid=SHELL_MSGID.replace("<x", "<c"))
    series.cover_letter = cover
    series.save()
    PatchFactory(project=project, series=series, number=1)
    found = _commands(client.get(f"/series/{series.pk}/"))
    assert {tuple(shlex.split(c)) for c in found} == {
        ("curl", "-s", f"http://testserver/series/{series.pk}/mbox/", "|", "git", "am"),
        ("git-pw", "series", "apply", str(series.pk)),
        ("b4", "am", cover.msgid[1:-1]),
    }
