"""The patch list's search box and the search help page."""

import pytest

from apps.patches.search.terms import PATCH_TERMS
from tests.search.corpus import make_corpus
from tests.web.html import elements, hrefs, row_ids, text


@pytest.fixture
def corpus(project):
    return make_corpus(project)


def listed(client, project, **params):
    response = client.get(f"/project/{project.linkname}/list/", params)
    assert response.status_code == 200
    return response


def test_the_search_finds_patches_and_the_lists_filters_still_apply(
    client, project, corpus
):
    # The default filters (action required, not archived) leave out erofs.
    assert row_ids(listed(client, project, search="from:bob")) == [corpus["docs"].pk]
    everything = listed(client, project, search="from:bob", archive="both", state="*")
    expected = sorted([corpus["docs"].pk, corpus["erofs"].pk])
    assert sorted(row_ids(everything)) == expected
    # erofs is archived, which the list hides by default.
    found = listed(client, project, search="file:fs/erofs/ OR diff:kfree", state="*")
    assert row_ids(found) == [corpus["leak"].pk]


def test_plain_words_still_find_what_the_subject_search_found(client, project, corpus):
    for word in ("lloca", "allocator"):
        old = row_ids(listed(client, project, q=word))
        assert old
        assert set(old) <= set(row_ids(listed(client, project, search=word)))
    # q keeps the subject-only meaning: this word is only in a body.
    assert row_ids(listed(client, project, q="freeing")) == []
    assert row_ids(listed(client, project, search="freeing")) == [corpus["leak"].pk]


def test_the_box_shows_its_text_keeps_other_filters_and_links_the_help(
    client, project, corpus
):
    response = listed(client, project, search="from:alice", state="*")
    [box] = elements(response, "input", name="search")
    assert box["value"] == "from:alice"
    assert {"name": "state", "value": "*", "type": "hidden"}.items() <= (
        elements(response, "input", name="state", type="hidden")[0].items()
    )
    assert "/help/search/" in hrefs(response)
    assert "Search = from:alice" in text(response)


def test_an_invalid_search_says_why_and_lists_nothing(client, project, corpus):
    response = listed(client, project, search="since:someday <b>x</b>")
    page = response.content.decode()
    assert "'since:someday' is not a date" in text(response)
    assert row_ids(response) == []
    assert "<b>x</b>" not in page


def test_search_text_from_the_url_is_escaped(client, project, corpus):
    hostile = '"><script>alert(1)</script>'
    page = listed(client, project, search=hostile).content.decode()
    assert "<script>alert(1)" not in page


def test_the_help_page_documents_every_prefix(client, db):
    response = client.get("/help/search/")
    assert response.status_code == 200
    page = text(response)
    for prefix in PATCH_TERMS:
        if prefix:
            assert f"{prefix}:" in page, prefix
