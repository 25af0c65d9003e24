"""``search=`` on the REST API: API 1.5 and the unversioned API only."""

import pytest

from tests.api.helpers import url
from tests.search.corpus import make_corpus


@pytest.fixture
def corpus(project):
    return make_corpus(project)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json())


@pytest.mark.parametrize("version", [None, "1.5"])
def test_patches_are_searched_in_1_5_and_unversioned(api, corpus, version):
    found = api.get(url("patches/", version), {"search": "file:fs/erofs/ cleanup"})
    assert ids(found) == [corpus["erofs"].pk]


def test_a_search_combines_with_the_other_filters(api, corpus):
    found = api.get(url("patches/", "1.5"), {"search": "from:bob", "archived": "no"})
    assert ids(found) == [corpus["docs"].pk]


@pytest.mark.parametrize("version", ["1.0", "1.4"])
def test_older_versions_ignore_search(api, corpus, version):
    everything = ids(api.get(url("patches/", version)))
    assert ids(api.get(url("patches/", version), {"search": "file:fs/"})) == everything
    assert ids(api.get(url("patches/", version), {"search": "bad:x"})) == everything


@pytest.mark.parametrize("version", [None, "1.0", "1.4", "1.5"])
def test_q_keeps_upstreams_subject_substring_meaning(api, corpus, version):
    # "freeing" is only in a body, "lloca" only inside a subject's word.
    assert ids(api.get(url("patches/", version), {"q": "freeing"})) == []
    found = api.get(url("patches/", version), {"q": "lloca"})
    assert ids(found) == sorted([corpus["leak"].pk, corpus["pull"].pk])


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("patches/", "since:tomorrow", "is not a date"),
        ("patches/", "colour:red", "'colour:' is not a search prefix"),
        ("covers/", "file:fs/", "'file:' applies to patches only"),
    ],
)
def test_an_invalid_search_is_a_400_saying_why(api, corpus, path, text, message):
    response = api.get(url(path, "1.5"), {"search": text})
    assert response.status_code == 400
    [error] = response.json()["search"]
    assert message in error


def test_covers_are_searched_by_what_applies_to_them(api, corpus):
    found = api.get(url("covers/", "1.5"), {"search": "memory from:bob"})
    assert ids(found) == [corpus["cover"].pk]
