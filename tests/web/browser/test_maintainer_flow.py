"""Acceptance 2: a maintainer triages in a real browser; others see the result."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from apps.bundles.models import Bundle, BundlePatch
from apps.patches import links
from apps.patches.models import Patch, State
from apps.people.models import User
from tests.factories import (
    BASE_DATE,
    BundleFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    UserFactory,
)
from tests.web.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def triage(db):
    maintainer = UserFactory(username="maint", first_name="Mia", last_name="Maint")
    deputy = UserFactory(username="deputy", first_name="Dan", last_name="Deputy")
    UserFactory(username="watcher")
    project = ProjectFactory(
        linkname="linux-media", name="Linux Media", maintainers=[maintainer, deputy]
    )
    ProjectFactory(linkname="other", name="Other project")
    alice = PersonFactory(name="Alice Author", email="alice@example.org")
    bob = PersonFactory(name="Bob Builder", email="bob@example.org")
    new = State.objects.get(slug="new")
    accepted = State.objects.get(slug="accepted")
    patches = {}
    for n, (key, submitter, state) in enumerate(
        [
            ("a1", alice, new),
            ("b1", bob, new),
            ("a2", alice, new),
            ("a3", alice, new),
            ("a4", alice, accepted),
            ("b2", bob, new),
        ]
    ):
        patches[key] = PatchFactory(
            project=project,
            submitter=submitter,
            state=state,
            name=f"media: patch {key}",
            date=BASE_DATE + dt.timedelta(hours=n),
        )
    return project, patches


def test_maintainer_triages_and_bundles_then_others_see_it(
    live_server, new_page, triage
):
    project, patches = triage
    base = live_server.url
    page = new_page()

    log_in(page, base, "maint")
    page.goto(f"{base}/project/{project.linkname}/list/")
    assert not page.js_errors

    # Filter to one submitter and state with the filter form.
    page.click("summary.filter-summary")
    page.fill("#filter-submitter", "Alice")
    page.select_option("#filter-state", label="New")
    page.click(".filter-form button[type=submit]")
    rows = page.locator("tbody tr[data-patch-id]")
    expect(rows).to_have_count(3)
    expect(page.locator(".filter-summary")).to_contain_text("Submitter = Alice")
    expect(page.locator(".filter-summary")).to_contain_text("State = New")
    names = rows.locator("td.name").all_inner_texts()
    assert names == ["media: patch a3", "media: patch a2", "media: patch a1"]
    screenshot(page, "patch-list-filtered")

    # Select two rows with the keyboard and one with its checkbox.
    page.locator("body").press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")
    rows.nth(1).locator("input[type=checkbox]").check()
    expect(page.locator("[data-selection-count]")).to_have_text("3 selected")

    # One bulk action: state and delegate.
    page.select_option("#bulk-state", label="Under Review")
    page.select_option("#bulk-delegate", label="Dan Deputy")
    page.click("button[value=Update]")
    expect(page.locator(".messages")).to_contain_text("3 patches updated")
    # Still filtered on New, so the triaged patches left the list.
    expect(rows).to_have_count(0)
    alices = ["a1", "a2", "a3"]
    for key in alices:
        patch = Patch.objects.get(pk=patches[key].pk)
        assert patch.state.slug == "under-review"
        assert patch.delegate.username == "deputy"

    # Back to the action-required default, select all three, bundle them.
    page.click("summary.filter-summary")
    page.select_option("#filter-state", label="Action Required")
    page.click(".filter-form button[type=submit]")
    expect(page.locator(".filter-summary")).to_contain_text("State = Action Required")
    expect(rows).to_have_count(3)
    page.locator("#check-all").check()
    page.fill("#bundle-name", "for-next")
    page.click("button[value=Create]")
    expect(page.locator(".messages")).to_contain_text("Bundle for-next created")
    bundle = Bundle.objects.get(name="for-next", owner__username="maint")
    assert [bp.patch_id for bp in BundlePatch.objects.filter(bundle=bundle)] == [
        patches[key].pk for key in alices
    ]

    # Open the bundle from the user menu.
    page.click(".user-menu summary")
    page.click(".user-menu a:has-text('Bundles')")
    page.click("a:has-text('for-next')")
    page.wait_for_url(f"{base}{links.bundle_web_path(bundle)}")
    bundle_rows = page.locator("tbody tr[data-patch-id]")
    expect(bundle_rows.locator("td.name")).to_have_text(
        ["media: patch a1", "media: patch a2", "media: patch a3"]
    )

    # Reorder: move the first patch down twice, then save.
    bar = page.locator("[data-reorder-bar]")
    expect(bar).to_be_hidden()
    bundle_rows.first.locator("button.move.down").click()
    expect(bar).to_be_visible()
    page.locator(f"tr[data-patch-id='{patches['a1'].pk}'] button.move.down").click()
    expect(bundle_rows.locator("td.name")).to_have_text(
        ["media: patch a2", "media: patch a3", "media: patch a1"]
    )
    page.click("[data-save-order]")
    expect(page.locator(".messages")).to_contain_text("Bundle order saved")
    expect(bundle_rows.locator("td.name")).to_have_text(
        ["media: patch a2", "media: patch a3", "media: patch a1"]
    )
    order = list(
        BundlePatch.objects.filter(bundle=bundle)
        .order_by("order")
        .values_list("patch_id", flat=True)
    )
    assert order == [patches["a2"].pk, patches["a3"].pk, patches["a1"].pk]
    screenshot(page, "bundle-owner")

    # The mbox link is the bundle's download URL.
    link = page.locator("a:has-text('Download bundle as mbox')")
    assert link.get_attribute("href") == links.bundle_mbox_path(bundle)
    assert not page.js_errors

    # Make it public so the watcher can look too.
    page.click("details.bundle-settings summary")
    page.check("#id_public")
    page.click(".bundle-settings button[value=Update]")
    expect(page.locator(".messages")).to_contain_text("Bundle updated")

    # Someone without rights sees the changes but no action controls.
    other = new_page()
    log_in(other, base, "watcher")
    other.goto(f"{base}/project/{project.linkname}/list/?submitter=Alice")
    other_rows = other.locator("tbody tr[data-patch-id]")
    expect(other_rows).to_have_count(3)
    expect(other_rows.locator("td.state")).to_have_text(["Under Review"] * 3)
    expect(other_rows.locator("td.delegate")).to_have_text(["deputy"] * 3)
    expect(other.locator("#bulk-state")).to_have_count(0)
    other.goto(f"{base}{links.bundle_web_path(bundle)}")
    expect(other.locator("tbody tr[data-patch-id] td.name")).to_have_text(
        ["media: patch a2", "media: patch a3", "media: patch a1"]
    )
    expect(other.locator("#reorder-form")).to_have_count(0)
    expect(other.locator("button[value=Remove]")).to_have_count(0)
    other.goto(f"{base}{links.patch_web_path(patches['a1'])}")
    expect(other.locator("select[name=state]")).to_have_count(0)
    expect(other.locator(".meta")).to_contain_text("Under Review")
    expect(other.locator(".meta")).to_contain_text("Dan Deputy")
    assert not other.js_errors


def test_bundle_mbox_download_keeps_bundle_order(live_server, new_page, triage):
    """The flow's last step: the bundle's mbox, downloaded from its page."""
    project, patches = triage
    maintainer = User.objects.get(username="maint")
    bundle = BundleFactory(
        owner=maintainer,
        project=project,
        name="ordered",
        patches=[patches["a2"], patches["a3"], patches["a1"]],
    )
    page = new_page()
    log_in(page, live_server.url, maintainer.username)
    page.goto(f"{live_server.url}{links.bundle_web_path(bundle)}")
    with page.expect_download() as download_info:
        page.click("a:has-text('Download bundle as mbox')")
    mbox = download_info.value.path().read_text()
    subjects = re.findall(r"^Subject: .*patch (a\d)$", mbox, flags=re.MULTILINE)
    assert subjects == ["a2", "a3", "a1"]
