"""Pages work under the Content-Security-Policy, and nothing breaks it.

Every page is served with a policy allowing only the site's own scripts
and styles (no inline script). A page needing more would be blocked by the
browser, which reports each blocked script, style or handler on the
console: these tests open the pages people use, use their scripts, and
require a console without one such report.
"""

import pytest
from playwright.sync_api import expect

from apps.patches import links
from tests.factories import PatchFactory, ProjectFactory, SeriesFactory, UserFactory
from tests.web.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def violations(page) -> list[str]:
    """Collect the console's policy reports of ``page`` from now on."""
    found: list[str] = []

    def keep(message) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", keep)
    return found


@pytest.fixture
def patch(db):
    maintainer = UserFactory(username="maint", is_staff=True, is_superuser=True)
    project = ProjectFactory(linkname="proj", maintainers=[maintainer])
    ProjectFactory()  # with two projects, "/" lists them
    return PatchFactory(project=project, series=SeriesFactory(project=project))


def test_the_patch_page_runs_its_script_under_the_policy(live_server, page, patch):
    reports = violations(page)
    log_in(page, live_server.url, "maint")
    response = page.goto(f"{live_server.url}{links.patch_web_path(patch)}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The copy buttons are revealed by our script: it ran.
    page.locator("details.apply summary").click()
    copy = page.locator("details.apply .copy-button").first
    expect(copy).to_be_visible()
    copy.click()
    expect(copy).to_have_class("copy-button copied")
    assert reports == []
    assert not page.js_errors


@pytest.mark.parametrize(
    "path",
    ["/", "/project/proj/list/", "/api/", "/api/patches/", "/admin/", "/xmlrpc/"],
)
def test_other_pages_raise_no_report(live_server, page, patch, settings, path):
    settings.ENABLE_XMLRPC = True
    reports = violations(page)
    log_in(page, live_server.url, "maint")
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200
    assert "content-security-policy" in response.headers
    page.wait_for_load_state("load")
    assert reports == []
    assert not page.js_errors
