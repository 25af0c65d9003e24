"""Series by browser: list -> series -> interdiff -> patch -> next patch.

Screenshots of the three series pages at phone and laptop width are saved
under test-artifacts/ like the other pages'.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.patches.models import Patch, State
from tests.factories import (
    BASE_DATE,
    CheckFactory,
    CoverFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)
from tests.web.browser.conftest import LAPTOP, PHONE, log_in
from tests.web.browser.test_screenshots import check_page

pytestmark = pytest.mark.django_db(transaction=True)

SUBJECTS = ("uvcvideo: split the stop path", "uvcvideo: lock the interface")
DIFF = """\
diff --git a/drivers/media/usb/uvc/uvc_video.c b/drivers/media/usb/uvc/uvc_video.c
--- a/drivers/media/usb/uvc/uvc_video.c
+++ b/drivers/media/usb/uvc/uvc_video.c
@@ -2110,3 +2110,3 @@ int uvc_video_stop_streaming(struct uvc_streaming *stream)
 {
-\tusb_set_interface(stream->dev->udev, stream->intfnum, 0);
+\t{}
 }
"""


def make_version(project, submitter, version, previous, lineage, calls):
    series = SeriesFactory(
        project=project,
        submitter=submitter,
        name="media: uvcvideo: fix the suspend race",
        version=version,
        total=len(calls),
        date=BASE_DATE + dt.timedelta(days=version),
        previous_version=previous,
        lineage=lineage,
        cover_letter=CoverFactory(
            project=project,
            submitter=submitter,
            name=f"[PATCH v{version} 0/{len(calls)}] media: uvcvideo: fix the race",
            content=f"Version {version} of the fix.\n",
        ),
    )
    for number, call in enumerate(calls, start=1):
        prefix = f"[PATCH v{version} {number}/{len(calls)}]"
        patch = PatchFactory(
            project=project,
            series=series,
            submitter=submitter,
            number=number,
            name=f"{prefix} {SUBJECTS[(number - 1) % 2]}"
            + (" and the resume path" if number == 3 else ""),
            date=series.date + dt.timedelta(minutes=number),
            diff=DIFF.replace("{}", call),
        )
        CheckFactory(patch=patch, state=number % 3 + 1)
    return series


@pytest.fixture
def versions(db):
    maintainer = UserFactory(username="maint")
    project = ProjectFactory(
        linkname="linux-media", name="Linux Media", maintainers=[maintainer]
    )
    submitter = PersonFactory(name="Hans Verkuil", email="hans@example.org")
    v1 = make_version(project, submitter, 1, None, None, ["stop(stream);", "x();"])
    v1.lineage = v1.pk
    v1.save()
    v2 = make_version(
        project, submitter, 2, v1, v1.pk, ["stop(stream);", "y();", "resume();"]
    )
    other = make_version(
        project, PersonFactory(name="Sakari Ailus"), 1, None, None, ["z();"]
    )
    return project, v1, v2, other


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1440"])
def test_series_list_to_interdiff_to_next_patch(
    live_server, new_page, versions, viewport
):
    project, v1, v2, _ = versions
    base = live_server.url
    page = new_page(viewport=viewport)

    page.goto(f"{base}/project/{project.linkname}/series/")
    expect(page.locator("tbody tr[data-patch-id]")).to_have_count(3)
    expect(page.locator(f'tr[data-patch-id="{v1.pk}"] .state')).to_have_text(
        "superseded"
    )
    check_page(page, "series-list")

    page.locator(f'tr[data-patch-id="{v2.pk}"] td.name a').click()
    expect(page).to_have_url(f"{base}/series/{v2.pk}/")
    expect(page.locator(".series-patches tbody tr[data-patch-id]")).to_have_count(3)
    expect(page.locator(".version-timeline li")).to_have_count(2)
    expect(page.locator(".message-section")).to_contain_text("Version 2 of the fix.")
    check_page(page, "series")

    page.get_by_role("link", name="interdiff from v1").click()
    expect(page).to_have_url(f"{base}/series/{v2.pk}/interdiff/{v1.pk}/")
    expect(page.locator(".interdiff-counts")).to_have_text(
        "1 unchanged, 1 changed, 1 added, 0 removed"
    )
    expect(page.locator(".diff-section").first).to_contain_text(
        "+Version 2 of the fix."
    )
    check_page(page, "interdiff")

    page.locator(".interdiff-entry").first.get_by_role("link", name="new").click()
    first = Patch.objects.get(series=v2, number=1)
    expect(page.locator("h1")).to_have_text(first.name)
    page.get_by_role("link", name="Next patch").click()
    expect(page.locator("h1")).to_have_text(Patch.objects.get(series=v2, number=2).name)
    expect(page.get_by_role("link", name="Previous patch")).to_be_visible()
    assert not page.js_errors, page.js_errors


def test_keyboard_opens_a_series_from_the_list(live_server, page, versions):
    project, _, v2, _ = versions
    page.goto(f"{live_server.url}/project/{project.linkname}/series/")
    rows = page.locator("tbody tr[data-patch-id]")
    expect(rows.first).to_have_attribute("data-patch-id", str(v2.pk))
    page.keyboard.press("j")
    expect(rows.first).to_have_class("cursor")
    page.keyboard.press("o")
    expect(page).to_have_url(f"{live_server.url}/series/{v2.pk}/")


def test_a_maintainer_accepts_two_series_at_once(live_server, page, versions):
    project, v1, v2, other = versions
    accepted = State.objects.get(slug="accepted")
    log_in(page, live_server.url, "maint")
    page.goto(f"{live_server.url}/project/{project.linkname}/series/")
    page.locator(f'input[name="series_id:{v2.pk}"]').check()
    # The keyboard selects too: the click put the cursor on v2's row, j
    # moves it to the next one, x ticks it.
    rows = page.locator("tbody tr[data-patch-id]")
    expect(rows.nth(1)).to_have_attribute("data-patch-id", str(other.pk))
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("cursor")
    page.keyboard.press("x")
    expect(page.locator("[data-selection-count]")).to_have_text("2 selected")
    page.select_option("#bulk-state", str(accepted.pk))
    page.get_by_role("button", name="Update").click()
    expect(page.locator(".messages")).to_contain_text("2 series updated")
    expect(page.locator(f'tr[data-patch-id="{v2.pk}"] .state')).to_have_text("accepted")
    assert set(
        Patch.objects.filter(series__in=[v2, other]).values_list("state", flat=True)
    ) == {accepted.pk}
    assert not Patch.objects.filter(series=v1, state=accepted).exists()
    assert not page.js_errors, page.js_errors
