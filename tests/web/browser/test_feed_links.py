"""A browser finds each page's Atom feed, and following it gives the feed."""

import pytest
from playwright.sync_api import expect

from tests.factories import PatchFactory, ProjectFactory, SeriesFactory
from tests.web.atom import entries, parse_atom
from tests.web.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_list_and_series_pages_advertise_their_feeds(live_server, page):
    project = ProjectFactory(linkname="widgets", name="Widgets")
    series = SeriesFactory(project=project, name="widget: reset support")
    PatchFactory(project=project, series=series, name="widget: add a reset callback")

    page.goto(f"{live_server.url}/project/widgets/list/?q=reset")
    advertised = page.locator('head link[rel=alternate][type="application/atom+xml"]')
    expect(advertised.first).to_have_attribute(
        "href", "/project/widgets/list/feed/?q=reset"
    )
    visible = page.get_by_role("link", name="Atom feed")
    expect(visible).to_be_visible()
    screenshot(page, "patch-list-feed-link")
    response = page.request.get(live_server.url + visible.get_attribute("href"))
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    [entry] = entries(parse_atom(response.body()))
    assert entry["title"] == "widget: add a reset callback"

    page.goto(f"{live_server.url}/series/{series.pk}/")
    feed_button = page.locator("a.feed-link")
    expect(feed_button).to_be_visible()
    expect(feed_button).to_have_attribute("href", f"/series/{series.pk}/feed/")
    parse_atom(page.request.get(live_server.url + f"/series/{series.pk}/feed/").body())
