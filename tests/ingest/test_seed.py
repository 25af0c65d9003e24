"""The seed patch, delivered by mail, is stored as upstream shows it."""

import datetime as dt
from email.parser import HeaderParser

import pytest

from apps.ingest.parsing.subject import split_subject
from apps.ingest.results import Outcome
from apps.ingest.services import ingest_message
from tests.factories import ProjectFactory
from tests.ingest.helpers import sha1_of_lines
from tests.seed import LIST_ID, seed_cover_mail, seed_page, seed_patch_mail

pytestmark = pytest.mark.django_db

# The lines of the seed's diff that the hasher reads.
SEED_HASH = sha1_of_lines(
    "--- a/src/frame.c",
    "+++ b/src/frame.c",
    "@@ -11 +9 @@",
    " {",
    "     struct frame *f;",
    " ",
    "-    for (f = w->frames; f; f = f->next) {",
    "-        if (f->owner == w) {",
    "-            return f;",
    "-        }",
    "-    }",
    "+    f = frame_cache_get(w);",
    "+    if (f)",
    "+        return f;",
    " ",
    "     f = frame_new(w);",
    "     frame_cache_put(w, f);",
)


def api_date(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat()


def headers_as_api(text: str) -> dict:
    """Turn a stored header block into the object the API shows."""
    headers: dict = {}
    for name, value in HeaderParser().parsestr(text).items():
        if name in headers:
            if not isinstance(headers[name], list):
                headers[name] = [headers[name]]
            headers[name].append(value)
        else:
            headers[name] = value
    return headers


@pytest.fixture
def widgets(db):
    seed = seed_page().body["project"]
    return ProjectFactory(
        linkname=seed["link_name"],
        name=seed["name"],
        listid=seed["list_id"],
        listemail=seed["list_email"],
    )


def test_seed_patch_is_stored_as_upstream_shows_it(widgets):
    seed = seed_page().body
    assert widgets.listid == LIST_ID
    cover = ingest_message(seed_cover_mail())
    result = ingest_message(seed_patch_mail())

    assert cover.outcome is Outcome.COVER
    assert result.outcome is Outcome.PATCH
    patch = result.obj
    patch.refresh_from_db()
    assert patch.project == widgets
    assert patch.name == seed["name"]
    assert split_subject(patch.name)[1] == seed["prefixes"]
    assert patch.hash == seed["hash"] == SEED_HASH
    assert patch.msgid == seed["msgid"]
    assert api_date(patch.date) == seed["date"]
    assert patch.submitter.name == seed["submitter"]["name"]
    assert patch.submitter.email == seed["submitter"]["email"]
    assert patch.content == seed["content"]
    assert patch.diff == seed["diff"]
    assert patch.pull_url == seed["pull_url"]
    assert patch.state.slug == seed["state"]
    assert patch.delegate is None
    assert headers_as_api(patch.headers) == seed["headers"]
    [seed_series] = seed["series"]
    assert patch.series.name == seed_series["name"]
    assert patch.series.version == seed_series["version"]
    assert api_date(patch.series.date) == seed_series["date"]
    assert patch.series.cover_letter == cover.obj
    assert patch.number == 3


def test_seed_patch_alone_waits_for_its_cover_for_a_name(widgets):
    patch = ingest_message(seed_patch_mail()).obj
    assert patch.series.name is None
    assert patch.series.version == 2
    ingest_message(seed_cover_mail())
    patch.series.refresh_from_db()
    assert patch.series.name == "frame: a cache for frame lookups"
