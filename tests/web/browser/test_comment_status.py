"""Comment "addressed" buttons: they update the comment through the REST API."""

import pytest
from playwright.sync_api import expect

from apps.patches import links
from apps.patches.models import PatchComment
from tests.factories import (
    PatchCommentFactory,
    PatchFactory,
    ProjectFactory,
    UserFactory,
)
from tests.web.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def discussed(db):
    maintainer = UserFactory(username="maint")
    UserFactory(username="reader")
    project = ProjectFactory(linkname="proj", maintainers=[maintainer])
    patch = PatchFactory(project=project)
    comment = PatchCommentFactory(patch=patch, content="Please fix the typo.")
    return patch, comment


def test_maintainer_marks_a_comment(live_server, page, discussed):
    patch, comment = discussed
    log_in(page, live_server.url, "maint")
    page.goto(f"{live_server.url}{links.patch_web_path(patch)}")
    status = page.locator(f".comment[data-comment-id='{comment.pk}'] .comment-status")
    expect(status.locator(".status-label:visible")).to_have_count(0)

    status.locator("button.set-action").click()
    expect(status).to_have_attribute("data-addressed", "false")
    expect(status.locator(".unaddressed-label")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("1 comment(s) updated")
    comment.refresh_from_db()
    assert comment.addressed is False

    status.locator("button.set-addressed").click()
    expect(status).to_have_attribute("data-addressed", "true")
    expect(status.locator(".addressed-label")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("2 comment(s) updated")
    assert PatchComment.objects.get(pk=comment.pk).addressed is True
    assert not page.js_errors


def test_others_see_the_status_without_buttons(live_server, page, discussed):
    patch, comment = discussed
    comment.addressed = True
    comment.save()
    log_in(page, live_server.url, "reader")
    page.goto(f"{live_server.url}{links.patch_web_path(patch)}")
    status = page.locator(f".comment[data-comment-id='{comment.pk}'] .comment-status")
    expect(status.locator(".addressed-label")).to_be_visible()
    expect(status.locator("button")).to_have_count(0)
