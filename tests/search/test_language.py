"""The search language, term by term: the same table on PostgreSQL and SQLite.

Each row is a search and the patches it must find, named by the keys of
``tests.search.corpus``; the table runs on whichever database the suite
uses (CI runs both), so both must give the same rows.
"""

import pytest

from apps.patches.models import Cover, Patch
from apps.patches.search import SearchError, apply_search
from tests.search.corpus import make_corpus

ALL = {"leak", "erofs", "docs", "net", "pull"}

PATCH_SEARCHES = [
    # Free text: stemmed words over subject and body, phrases in order.
    ("memory", {"leak"}),
    ("leaks", {"leak"}),
    ("freeing", {"leak"}),
    ("handled", {"net"}),
    ("spinlock", {"docs"}),
    ("driver error", {"net"}),
    ('"memory leak"', {"leak"}),
    ('"leak memory"', set()),
    # Plain text still finds what the subject substring search found.
    ("ero", {"erofs"}),
    ("[GIT", {"pull"}),
    ("", ALL),
    ("subject:allocator", {"leak", "pull"}),
    ("subject:cleanup", {"erofs"}),
    ('subject:"memory leak in"', {"leak"}),
    ("from:alice", {"leak", "pull"}),
    ("FROM:alice", {"leak", "pull"}),
    ("from:builders.example", {"erofs", "docs"}),
    ('from:"Carol Singer"', {"net"}),
    ("file:mm/alloc.c", {"leak"}),
    ("file:fs/erofs/", {"erofs"}),
    ("file:fs/*", {"erofs"}),
    ("file:fs/erofs", set()),
    ("file:FS/erofs/", set()),
    ("file:Documentation/locking.rst", {"docs"}),
    ('diff:"kfree(page)"', {"leak"}),
    ('diff:"int old_counter"', {"erofs"}),
    ('diff:"context line"', set()),
    ("diff:-EIO", {"net"}),
    ("state:accepted", {"erofs"}),
    ("state:under-review", {"docs"}),
    ('state:"under review"', {"docs"}),
    ("state:nonsense", set()),
    ("is:archived", {"erofs"}),
    ("is:open", {"leak", "docs", "pull"}),
    ("is:action-required", {"leak", "docs", "pull"}),
    ("is:rejected", {"net"}),
    ("delegate:gatekeeper", {"erofs"}),
    ("delegate:nobody", ALL - {"erofs"}),
    ("series:{erofs_series}", {"erofs"}),
    ("msgid:{docs_msgid}", {"docs"}),
    ("has:checks", {"leak", "erofs", "net"}),
    ("check:success", {"leak"}),
    ("check:fail", {"erofs"}),
    ("check:warning", {"net"}),
    ("check:pending", {"docs", "pull"}),
    ("tag:reviewed-by>=1", {"leak", "erofs"}),
    ("tag:Reviewed-by>=2", {"leak"}),
    ("tag:reviewed-by>1", {"leak"}),
    ("tag:reviewed-by=0", {"docs", "net", "pull"}),
    ("tag:reviewed-by<2", {"erofs", "docs", "net", "pull"}),
    ("tag:reviewed-by<=1", {"erofs", "docs", "net", "pull"}),
    ("tag:acked-by", {"docs"}),
    ("since:2024-03-01", {"erofs", "docs", "net", "pull"}),
    ("until:2024-03-01", {"leak", "erofs"}),
    ("until:2024-03-01T00:00:00+00:00", {"leak"}),
    ("since:2w", {"net"}),
    ("since:30d until:2w", {"pull"}),
    ("since:1y", {"net", "pull"}),
    ("project:{project}", ALL),
    ("project:no-such-project", set()),
    # Negation, AND and OR.
    ("-from:alice", {"erofs", "docs", "net"}),
    ("-has:checks", {"docs", "pull"}),
    ("-is:archived -state:rejected", {"leak", "docs", "pull"}),
    ('-"memory leak"', ALL - {"leak"}),
    ("from:bob file:fs/erofs/", {"erofs"}),
    ("from:carol OR file:mm/alloc.c", {"net", "leak"}),
    ("allocator OR spinlock", {"leak", "pull", "docs"}),
    ("is:archived OR -has:checks", {"erofs", "docs", "pull"}),
    ("from:bob state:accepted OR state:under-review", {"erofs", "docs"}),
    ("check:fail OR check:warning OR check:success", {"leak", "erofs", "net"}),
]

COVER_SEARCHES = [
    ("memory", {"cover"}),
    ("erofs", {"cover"}),
    ("series:{erofs_series}", {"cover"}),
    ("from:bob since:2024-02-01", {"cover"}),
    ("-from:bob", set()),
]

ERRORS = [
    ("frm:alice", "'frm:' is not a search prefix"),
    ("https://example.org", "'https:' is not a search prefix"),
    ("since:yesterday", "is not a date"),
    ("until:2024-13-01", "is not a date"),
    ("since:2024", "is not a date"),
    ("series:abc", "needs a series id"),
    ("check:maybe", "is not a check state"),
    ("has:bugs", "has:checks"),
    ("tag:>=1", "is not a tag count"),
    ('"unclosed', "closing"),
    ('""', "empty phrase"),
    ("OR memory", "OR needs a term on each side"),
    ("memory OR", "OR needs a term on each side"),
    ("memory OR OR leak", "OR needs a term on each side"),
    ("- memory", "must be followed"),
    ("from:", "needs a value"),
    ("diff:ab", "at least 3 characters"),
    (" ".join(["word"] * 17), "too many terms"),
    ("x" * 501, "too long"),
]


@pytest.fixture
def corpus(project):
    return make_corpus(project)


def _text(template: str, corpus, project) -> str:
    return template.format(
        erofs_series=corpus["erofs"].series_id,
        docs_msgid=corpus["docs"].msgid.strip("<>"),
        project=project.linkname,
    )


def _found(model, text: str, corpus) -> set[str]:
    key_of = {obj.pk: key for key, obj in corpus.items() if isinstance(obj, model)}
    rows = apply_search(model.objects.all(), text)
    return {key_of[pk] for pk in rows.values_list("pk", flat=True)}


@pytest.mark.parametrize(("text", "expected"), PATCH_SEARCHES)
def test_patch_search(corpus, project, text, expected):
    assert _found(Patch, _text(text, corpus, project), corpus) == expected


@pytest.mark.parametrize(("text", "expected"), COVER_SEARCHES)
def test_cover_search(corpus, project, text, expected):
    assert _found(Cover, _text(text, corpus, project), corpus) == expected


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_invalid_searches_say_why(db, text, message):
    with pytest.raises(SearchError, match=message.replace("(", r"\(")):
        apply_search(Patch.objects.all(), text)


@pytest.mark.parametrize("prefix", ["file", "diff", "state", "is", "check", "tag"])
def test_patch_only_prefixes_are_refused_for_covers(db, prefix):
    with pytest.raises(SearchError, match="applies to patches only"):
        apply_search(Cover.objects.all(), f"{prefix}:x")


def test_full_text_follows_later_edits_of_the_subject(corpus):
    patch = corpus["docs"]
    patch.name = "docs: mention semaphores"
    patch.save()
    assert _found(Patch, "semaphore", corpus) == {"docs"}
    assert _found(Patch, "locking", corpus) == set()
