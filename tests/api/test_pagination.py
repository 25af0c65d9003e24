"""Pagination: bare arrays, page/per_page and the exact Link header (§5)."""

import pytest

from tests.api.helpers import ids, url
from tests.factories import PatchFactory, ProjectFactory

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


@pytest.fixture
def three(db):
    project = ProjectFactory(linkname="pg")
    return [PatchFactory(project=project) for _ in range(3)]


def links(response) -> list[str]:
    return response["Link"].split(", ")


def test_middle_page_link_header_exactly(api, three):
    response = api.get(url("patches/") + "?per_page=1&page=2")
    assert ids(response) == [three[1].pk]
    assert response["Link"] == (
        f'<{HOST}/api/patches/?page=3&per_page=1>; rel="next", '
        f'<{HOST}/api/patches/?per_page=1>; rel="prev", '
        f'<{HOST}/api/patches/?page=1&per_page=1>; rel="first", '
        f'<{HOST}/api/patches/?page=3&per_page=1>; rel="last"'
    )


def test_first_page_has_no_prev_and_last_page_no_next(api, three):
    first = api.get(url("patches/", "1.2") + "?per_page=2")
    assert links(first) == [
        f'<{HOST}/api/1.2/patches/?page=2&per_page=2>; rel="next"',
        f'<{HOST}/api/1.2/patches/?page=1&per_page=2>; rel="first"',
        f'<{HOST}/api/1.2/patches/?page=2&per_page=2>; rel="last"',
    ]
    last = api.get(url("patches/", "1.2") + "?per_page=2&page=2")
    assert ids(last) == [three[2].pk]
    assert links(last) == [
        f'<{HOST}/api/1.2/patches/?per_page=2>; rel="prev"',
        f'<{HOST}/api/1.2/patches/?page=1&per_page=2>; rel="first"',
        f'<{HOST}/api/1.2/patches/?page=2&per_page=2>; rel="last"',
    ]


def test_query_keys_come_back_sorted_and_encoded(api, three):
    response = api.get(
        url("patches/") + "?state=new&project=pg&order=-date,id&per_page=1"
    )
    assert links(response)[0] == (
        f"<{HOST}/api/patches/?order=-date%2Cid&page=2&per_page=1&project=pg"
        '&state=new>; rel="next"'
    )


def test_empty_list_still_has_first_and_last(api):
    response = api.get(url("patches/"))
    assert response.json() == []
    assert links(response) == [
        f'<{HOST}/api/patches/?page=1>; rel="first"',
        f'<{HOST}/api/patches/?page=1>; rel="last"',
    ]


def test_page_last(api, three):
    response = api.get(url("patches/") + "?per_page=2&page=last")
    assert ids(response) == [three[2].pk]


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "1.5"])
def test_invalid_page_is_404(api, three, page):
    response = api.get(url("patches/") + f"?per_page=1&page={page}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_counting_from_the_last_link_as_b4_does(api, three):
    response = api.get(url("patches/", "1.2") + "?per_page=1")
    last = next(link for link in links(response) if link.endswith('rel="last"'))
    assert "page=3&" in last


@pytest.mark.parametrize(
    ("per_page", "expected"),
    [("0", 30), ("-5", 30), ("x", 30), ("", 30), ("500", 250), ("250", 250)],
)
def test_per_page_bounds(api, per_page, expected):
    project = ProjectFactory()
    PatchFactory.create_batch(251, project=project)
    response = api.get(url("patches/") + f"?per_page={per_page}")
    assert len(response.json()) == expected


def test_page_size_settings_are_read_per_request(api, three, settings):
    settings.REST_RESULTS_PER_PAGE = 2
    settings.MAX_REST_RESULTS_PER_PAGE = 2
    assert len(api.get(url("patches/")).json()) == 2
    assert len(api.get(url("patches/") + "?per_page=3").json()) == 2


def test_pwclient_style_link_parsing_finds_next(api, three):
    """pwclient splits on ',' and wants an entry starting with '<' and rel=next."""
    response = api.get(url("patches/") + "?per_page=1&order=-date,id")
    entries = [entry.strip() for entry in response["Link"].split(",")]
    assert entries[0].startswith("<")
    assert entries[0].endswith('rel="next"')
