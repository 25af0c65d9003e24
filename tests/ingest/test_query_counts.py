"""The work per mail does not grow with what the database already holds.

Storing a cover letter, a patch of its series, a reply and a reply to a
reply takes the same number of queries with 2 series stored as with 30
(every lookup goes through an index; see docs/architecture.md).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.ingest.context import IngestContext
from apps.ingest.services import ingest_message
from tests.ingest.helpers import LIST_ID, corpus_file, make_mail

pytestmark = pytest.mark.django_db


def thread(tag: str) -> list[bytes]:
    diff = corpus_file("diffs", "add-line.diff").read_text()
    cover, patch, reply = f"<{tag}-0@x>", f"<{tag}-1@x>", f"<{tag}-r1@x>"
    return [
        make_mail("Cover.", msgid=cover, subject=f"[PATCH 0/2] {tag}"),
        make_mail(
            "Change.\n\n" + diff,
            msgid=patch,
            subject=f"[PATCH 1/2] {tag} part 1",
            headers={"In-Reply-To": cover, "References": cover},
        ),
        make_mail(
            "Reviewed-by: R <r@x>",
            msgid=reply,
            subject=f"Re: {tag} part 1",
            headers={"In-Reply-To": patch, "References": f"{cover} {patch}"},
        ),
        make_mail(
            "Agreed.",
            msgid=f"<{tag}-r2@x>",
            subject=f"Re: {tag} part 1",
            headers={"In-Reply-To": reply, "References": f"{cover} {patch} {reply}"},
        ),
    ]


def queries_per_mail(tag: str, context: IngestContext) -> list[int]:
    counts = []
    for raw in thread(tag):
        with CaptureQueriesContext(connection) as captured:
            ingest_message(raw, list_id=LIST_ID, context=context)
        counts.append(len(captured.captured_queries))
    return counts


def test_queries_per_mail_do_not_grow_with_the_database(test_project):
    context = IngestContext()
    for number in range(2):
        queries_per_mail(f"old{number}", context)
    with_two = queries_per_mail("new-a", context)
    for number in range(2, 30):
        queries_per_mail(f"old{number}", context)
    with_thirty = queries_per_mail("new-b", context)
    assert with_two == with_thirty
