"""The patch list by keyboard and mouse, and without JavaScript at all."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.bundles.models import BundlePatch
from apps.patches import links
from apps.patches.models import Patch, State
from tests.factories import (
    BASE_DATE,
    BundleFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    UserFactory,
)
from tests.web.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def listed(db):
    maintainer = UserFactory(username="maint", show_ids=True)
    project = ProjectFactory(linkname="proj", maintainers=[maintainer])
    ProjectFactory(linkname="second")
    submitter = PersonFactory(name="Grace Hopper", email="grace@example.org")
    patches = [
        PatchFactory(
            project=project,
            submitter=submitter,
            name=f"patch number {n}",
            date=BASE_DATE - dt.timedelta(hours=n),
        )
        for n in range(5)
    ]
    return project, patches


def rows(page):
    return page.locator("tbody tr[data-patch-id]")


def test_keyboard_moves_selects_and_opens(live_server, page, listed):
    project, patches = listed
    log_in(page, live_server.url, "maint")
    page.goto(f"{live_server.url}/project/{project.linkname}/list/")
    page.keyboard.press("j")
    expect(rows(page).nth(0)).to_have_class("cursor")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(rows(page).nth(1)).to_have_class("cursor")
    page.keyboard.press("x")
    expect(rows(page).nth(1).locator("input[type=checkbox]")).to_be_checked()
    expect(rows(page).nth(1)).to_have_class("cursor selected")
    page.keyboard.press("x")
    expect(rows(page).nth(1).locator("input[type=checkbox]")).not_to_be_checked()
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server.url}{links.patch_web_path(patches[1])}")
    page.go_back()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{links.patch_web_path(patches[0])}")
    assert not page.js_errors


def test_typing_in_a_field_does_not_move_the_cursor(live_server, page, listed):
    project, _ = listed
    log_in(page, live_server.url, "maint")
    page.goto(f"{live_server.url}/project/{project.linkname}/list/")
    page.fill("#bundle-name", "jjxo")
    expect(page.locator("tr.cursor")).to_have_count(0)
    expect(page.locator("#bundle-name")).to_have_value("jjxo")


def test_shift_click_selects_a_range_and_check_all(live_server, page, listed):
    project, _ = listed
    log_in(page, live_server.url, "maint")
    page.goto(f"{live_server.url}/project/{project.linkname}/list/")
    boxes = rows(page).locator("input[type=checkbox]")
    boxes.nth(0).click()
    boxes.nth(3).click(modifiers=["Shift"])
    for index, checked in enumerate([True, True, True, True, False]):
        if checked:
            expect(boxes.nth(index)).to_be_checked()
        else:
            expect(boxes.nth(index)).not_to_be_checked()
    expect(page.locator("[data-selection-count]")).to_have_text("4 selected")
    page.locator("#check-all").check()
    expect(page.locator("[data-selection-count]")).to_have_text("5 selected")
    page.locator("#check-all").uncheck()
    expect(page.locator("[data-selection-count]")).to_have_text("")


def test_copy_patch_id(live_server, new_page, listed):
    project, patches = listed
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    log_in(page, live_server.url, "maint")
    page.goto(f"{live_server.url}/project/{project.linkname}/list/")
    rows(page).nth(2).locator("button.copy-id").click()
    expect(rows(page).nth(2).locator("button.copy-id")).to_have_class("copy-id copied")
    assert page.evaluate("navigator.clipboard.readText()") == str(patches[2].pk)


def _suggest_submitter(page, url, project):
    page.goto(f"{url}/project/{project.linkname}/list/")
    page.click("summary.filter-summary")
    page.locator("#filter-submitter").press_sequentially("Grac")
    option = page.locator("#submitter-options option")
    expect(option).to_have_count(1)
    return option


def test_submitter_suggestions_show_addresses_only_to_signed_in_users(
    live_server, new_page, listed
):
    """As the REST API: anonymous visitors see names, signed-in users addresses."""
    project, patches = listed
    anonymous = _suggest_submitter(new_page(), live_server.url, project)
    assert anonymous.get_attribute("value") == str(patches[0].submitter_id)
    assert anonymous.get_attribute("label") == "Grace Hopper"
    page = new_page()
    log_in(page, live_server.url, "maint")
    signed_in = _suggest_submitter(page, live_server.url, project)
    assert signed_in.get_attribute("value") == str(patches[0].submitter_id)
    assert signed_in.get_attribute("label") == "Grace Hopper <grace@example.org>"


def test_list_works_without_javascript(live_server, new_page, listed):
    """Filters, selection and the bulk form are plain HTML."""
    project, patches = listed
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, "maint")
    page.goto(f"{live_server.url}/project/{project.linkname}/list/")
    expect(rows(page)).to_have_count(5)
    expect(page.locator(".keyboard-hint")).to_be_hidden()
    page.click("summary.filter-summary")
    page.fill("#filter-q", "number 3")
    page.click(".filter-form button[type=submit]")
    expect(rows(page)).to_have_count(1)
    page.goto(f"{live_server.url}/project/{project.linkname}/list/")
    rows(page).nth(0).locator("input[type=checkbox]").check()
    rows(page).nth(4).locator("input[type=checkbox]").check()
    page.select_option("#bulk-state", label="Under Review")
    page.click("button[value=Update]")
    expect(page.locator(".messages")).to_contain_text("2 patches updated")
    review = State.objects.get(slug="under-review")
    assert set(Patch.objects.filter(state=review).values_list("pk", flat=True)) == {
        patches[0].pk,
        patches[4].pk,
    }


def test_bundle_reorder_without_javascript(live_server, new_page, listed):
    project, patches = listed
    bundle = BundleFactory(
        owner=UserFactory.create(username="maint"), project=project, patches=patches[:3]
    )
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, "maint")
    page.goto(f"{live_server.url}{links.bundle_web_path(bundle)}")
    rows(page).nth(0).locator("button.move.down").click()
    expect(page.locator(".messages")).to_contain_text("Bundle order saved")
    expect(rows(page).locator("td.name")).to_have_text(
        [patches[1].name, patches[0].name, patches[2].name]
    )
    assert list(
        BundlePatch.objects.filter(bundle=bundle)
        .order_by("order")
        .values_list("patch_id", flat=True)
    ) == [patches[1].pk, patches[0].pk, patches[2].pk]
