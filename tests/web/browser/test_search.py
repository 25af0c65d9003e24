"""The search box with prefixes, its error message and the help page, in Chromium.

Screenshots of each step are saved under test-artifacts/screenshots/.
"""

import pytest
from playwright.sync_api import expect

from tests.factories import ProjectFactory
from tests.search.corpus import make_corpus
from tests.web.browser.conftest import LAPTOP, PHONE, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def corpus(db):
    project = ProjectFactory(linkname="linux-mm", name="Linux MM")
    return project, make_corpus(project)


def rows(page):
    return page.locator("tbody tr[data-patch-id]")


def search(page, text: str) -> None:
    box = page.locator("#search-input")
    box.fill(text)
    box.press("Enter")
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1440"])
def test_searching_with_prefixes_and_reading_the_help(
    live_server, new_page, corpus, viewport
):
    project, patches = corpus
    page = new_page(viewport=viewport)
    page.goto(f"{live_server.url}/project/{project.linkname}/list/?state=*")

    search(page, "from:bob")
    # The state filter chosen before is kept; the archived patch stays hidden.
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text(patches["docs"].name)
    expect(page.locator(".filter-summary")).to_contain_text("Search = from:bob")
    assert "state=%2A" in page.url or "state=*" in page.url

    search(page, '"memory leak" OR file:drivers/net/')
    expect(rows(page)).to_have_count(2)
    screenshot(page, "search-results")

    search(page, "since:someday")
    expect(page.locator("#search-error")).to_contain_text("is not a date")
    expect(rows(page)).to_have_count(0)
    screenshot(page, "search-error")

    page.click("a.search-help-link")
    expect(page.locator("h1")).to_have_text("Searching patches")
    expect(page.locator(".search-help")).to_contain_text("tag:reviewed-by>=1")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the help page is {overflow}px wider than the window"
    assert not page.js_errors, page.js_errors
    assert screenshot(page, "search-help").stat().st_size > 10_000
