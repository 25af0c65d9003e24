"""Acceptance 6: the main pages at phone and laptop width, saved as artifacts.

Besides saving screenshots under test-artifacts/, each page is checked for
what a visitor would notice first: styles loaded, nothing wider than the
screen, no script errors, and a visible focus ring for keyboard users.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.patches import links
from apps.patches.models import PatchTag, State, Tag
from tests.factories import (
    BASE_DATE,
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
from tests.web.browser.conftest import LAPTOP, PHONE, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SUBJECTS = [
    "media: uvcvideo: Fix race between stream stop and suspend",
    "media: i2c: ov5640: Add support for RAW8 Bayer formats",
    "v4l2-ctrls: add the missing compound control types",
    "media: rkisp1: Use the new scaler helpers",
    "media: vivid: fix integer overflow in the test pattern generator",
]
DIFF = """\
diff --git a/drivers/media/usb/uvc/uvc_video.c b/drivers/media/usb/uvc/uvc_video.c
index 1111111..2222222 100644
--- a/drivers/media/usb/uvc/uvc_video.c
+++ b/drivers/media/usb/uvc/uvc_video.c
@@ -2110,7 +2110,9 @@ int uvc_video_stop_streaming(struct uvc_streaming *stream)
 {
 \tuvc_video_stop_transfer(stream, 1);
-\tusb_set_interface(stream->dev->udev, stream->intfnum, 0);
+\tmutex_lock(&stream->mutex);
+\tusb_set_interface(stream->dev->udev, stream->intfnum, 0);
+\tmutex_unlock(&stream->mutex);
 \treturn 0;
 }
"""


@pytest.fixture
def site(db):
    maintainer = UserFactory(username="maint", first_name="Mia", last_name="Maint")
    project = ProjectFactory(
        linkname="linux-media",
        name="Linux Media",
        maintainers=[maintainer],
        web_url="https://linuxtv.org/",
        webscm_url="https://git.linuxtv.org/media.git/",
        list_archive_url_format="https://lore.kernel.org/r/{}",
    )
    ProjectFactory(linkname="qemu-devel", name="QEMU development")
    ProjectFactory(linkname="netdev", name="Networking")
    people = [
        PersonFactory(name=name, email=f"{name.split()[0].lower()}@example.org")
        for name in ("Hans Verkuil", "Laurent Pinchart", "Sakari Ailus")
    ]
    states = list(State.objects.order_by("ordering")[:3])
    tags = list(Tag.objects.all())
    bot = UserFactory(username="ci")
    patches = []
    for s in range(4):
        series = SeriesFactory(
            project=project,
            submitter=people[s % 3],
            name=f"{SUBJECTS[s]} and more",
            total=3,
        )
        cover = CoverFactory(
            project=project, submitter=people[s % 3], name=f"[v2,0/3] {SUBJECTS[s]}"
        )
        series.cover_letter = cover
        series.save()
        for n in range(1, 4):
            patch = PatchFactory(
                project=project,
                series=series,
                number=n,
                submitter=people[s % 3],
                name=f"[v2,{n}/3] {SUBJECTS[(s + n) % 5]}",
                date=BASE_DATE + dt.timedelta(hours=3 * s + n),
                state=states[(s + n) % 3],
                delegate=maintainer if n == 2 else None,
                content=(
                    "Stopping the stream while the device suspends can race.\n\n"
                    "Link: https://bugzilla.kernel.org/show_bug.cgi?id=2000\n\n"
                    f"Signed-off-by: {people[s % 3]}"
                ),
                diff=DIFF,
            )
            PatchTag.objects.create(patch=patch, tag=tags[n % 3], count=n)
            CheckFactory(patch=patch, user=bot, context="build", state=1)
            CheckFactory(patch=patch, user=bot, context="checkpatch", state=n % 2 + 1)
            patches.append(patch)
    detail = patches[1]
    for n in range(2):
        PatchCommentFactory(
            patch=detail,
            submitter=people[(n + 1) % 3],
            content=f"> Stopping the stream\n\nLooks right to me.\n\n"
            f"Reviewed-by: {people[(n + 1) % 3]}",
        )
    bundle = BundleFactory(
        owner=maintainer,
        project=project,
        name="for-6.9",
        public=True,
        patches=patches[:5],
    )
    return project, detail, bundle


def check_page(page, name):
    assert not page.js_errors, page.js_errors
    # The stylesheet is applied (an unstyled page has a transparent bar).
    bar = page.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor")
    assert bar not in ("rgba(0, 0, 0, 0)", "transparent")
    # Nothing is wider than the window (the diff scrolls inside its box).
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} is {overflow}px wider than the window"
    path = screenshot(page, name)
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1440"])
def test_main_pages(live_server, new_page, site, viewport):
    project, detail, bundle = site
    base = live_server.url
    page = new_page(viewport=viewport)

    page.goto(f"{base}/")
    expect(page.locator(".project-card")).to_have_count(3)
    check_page(page, "project-list")

    log_in(page, base, "maint")
    page.goto(f"{base}/project/{project.linkname}/list/")
    expect(page.locator("tbody tr[data-patch-id]").first).to_be_visible()
    check_page(page, "patch-list")

    page.goto(f"{base}{links.patch_web_path(detail)}")
    expect(page.locator("h1")).to_have_text(detail.name)
    expect(page.locator(".comment")).to_have_count(2)
    check_page(page, "patch")

    page.goto(f"{base}{links.bundle_web_path(bundle)}")
    expect(page.locator("tbody tr[data-patch-id]")).to_have_count(5)
    check_page(page, "bundle")


def test_keyboard_focus_is_visible(live_server, page, site):
    project, _, _ = site
    page.goto(f"{live_server.url}/project/{project.linkname}/list/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline[0] != "none"
    assert outline[1] != "0px"
