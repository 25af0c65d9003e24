"""Mail content is shown as text on every page (server-side view of acceptance 3).

The browser test (tests/web/browser/test_hostile_mail.py) checks that
nothing runs; this one pins that no markup from mail reaches the HTML.
"""

import pytest

from apps.patches import links
from tests.factories import (
    BundleFactory,
    CheckFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    PersonFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
HANDLER = '"><img src=x onerror=alert(2)>'
HOSTILE = SCRIPT + HANDLER


@pytest.fixture
def hostile(project, maintainer):
    submitter = PersonFactory(
        name=f"Mallory {HOSTILE}", email=f"m{HANDLER}@evil.example"
    )
    series = SeriesFactory(project=project, name=f"series {HOSTILE}")
    cover = CoverFactory(
        project=project,
        name=f"cover {HOSTILE}",
        msgid=f"<cover{HANDLER}@evil>",
        content=f"cover body {HOSTILE}",
        submitter=submitter,
    )
    series.cover_letter = cover
    series.save()
    patch = PatchFactory(
        project=project,
        series=series,
        number=1,
        name=f"patch {HOSTILE}",
        msgid=f"<patch{HANDLER}@evil>",
        submitter=submitter,
        headers=f"X-Evil: {HOSTILE}\nFrom: {HOSTILE}",
        content=f"body {HOSTILE}\nhttp://x.example/{HANDLER}\nSigned-off-by: {HOSTILE}",
        diff=f"--- a/f\n+++ b/f\n@@ -1 +1 @@ {HOSTILE}\n-{HOSTILE}\n+{HOSTILE}\n",
        commit_ref=f"c{HANDLER}",
        pull_url=f"git://x/{HANDLER}",
        delegate=maintainer,
    )
    PatchCommentFactory(patch=patch, submitter=submitter, content=f"reply {HOSTILE}")
    CheckFactory(patch=patch, description=f"check {HOSTILE}", target_url=None)
    BundleFactory(
        owner=maintainer,
        project=project,
        name="b<img src=y onerror=alert(4)>",
        public=True,
        patches=[patch],
    )
    return patch, cover


def assert_inert(response):
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "onerror=alert(2)>" not in content or "onerror=alert(2)&gt;" in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_patch_page(client, hostile):
    patch, _ = hostile
    assert_inert(client.get(links.patch_web_path(patch)))


def test_cover_page(client, hostile):
    _, cover = hostile
    assert_inert(client.get(links.cover_web_path(cover)))


def test_patch_list(maintainer_client, project, hostile):
    assert_inert(maintainer_client.get(f"/project/{project.linkname}/list/"))


def test_bundle_page(client, maintainer, hostile):
    response = client.get("/bundle/maintainer/b<img src=y onerror=alert(4)>/")
    assert_inert(response)
    assert "<img src=y" not in response.content.decode()


def test_filter_summary_echoes_text_safely(client, project, hostile):
    response = client.get(
        f"/project/{project.linkname}/list/?q={SCRIPT}&submitter=Mallory"
    )
    assert_inert(response)
