"""Every archive of tests/fixtures/mail/series/ groups into the series its rule states.

Each archive is read in file order into project ``test``. Rows are the
project's series in date order: (version, received/total, complete, cover,
name); ``ANY`` skips the name where the case is not about it.
"""

from collections import Counter

import pytest

from apps.ingest.results import Outcome
from apps.patches.models import Cover, Patch, PatchComment, Series
from tests.factories import ProjectFactory
from tests.ingest.helpers import (
    corpus_file,
    deliver,
    deliver_mbox,
    event_counts,
    mbox_mails,
    series_rows,
)

pytestmark = pytest.mark.django_db

ANY = object()
SAMPLE = "Widget size checks"
SIZE_1 = "[1/2] widget: check the size"
ALONE = {"SC": 1, "PC": 1, "PCo": 1, "SCo": 1}
COVERED = {"SC": 1, "PC": 2, "PCo": 2, "CC": 1, "SCo": 1}


def row(version, received, total, complete, cover, name=ANY, numbers=None):
    return {
        "version": version,
        "received": received,
        "total": total,
        "complete": complete,
        "cover": cover,
        "name": name,
        "numbers": numbers or list(range(1, received + 1)),
    }


TWO_REVISIONS = [row(1, 2, 2, True, True, SAMPLE), row(2, 2, 2, True, True, SAMPLE)]

# file: ((covers, patches, comments), [series rows], events or None)
CASES = {
    "single-patch.mbox": (
        (0, 1, 0),
        [row(1, 1, 1, True, False, "widget: reject negative sizes")],
        ALONE,
    ),
    # 0/2 + 1/2 + 2/2, both patches replying to the cover.
    "cover-letter.mbox": ((1, 2, 0), [row(1, 2, 2, True, True, SAMPLE)], COVERED),
    # 2/2 replies to 1/2: the series is named after patch 1.
    "no-cover-letter.mbox": ((0, 2, 0), [row(1, 2, 2, True, False, SIZE_1)], None),
    # 2/2 replies to 1/2, which replies to the cover.
    "deep-threaded.mbox": ((1, 2, 0), [row(1, 2, 2, True, True, SAMPLE)], COVERED),
    # 2/2, 1/2, then the cover they both reply to.
    "out-of-order.mbox": ((1, 2, 0), [row(1, 2, 2, True, True, SAMPLE)], COVERED),
    # Only the cover carries "v3"; its version is the series'.
    "version-on-cover-only.mbox": (
        (1, 4, 0),
        [row(3, 4, 4, True, True, "widget: frame rework (v3)")],
        None,
    ),
    "incomplete.mbox": (
        (1, 1, 0),
        [row(1, 1, 2, False, True, SAMPLE)],
        {"SC": 1, "PC": 1, "PCo": 1, "CC": 1},
    ),
    # A 3/2 after 2/2: the series completes a second time.
    "extra-patches.mbox": (
        (1, 3, 0),
        [row(1, 3, 2, True, True, SAMPLE)],
        {"SC": 1, "PC": 3, "PCo": 3, "CC": 1, "SCo": 2},
    ),
    # No threading: grouped by sender, version, total and date.
    "no-references.mbox": (
        (0, 2, 0),
        [row(2, 2, 2, True, False, "[widgets,v2,1/2] widget: check the size")],
        None,
    ),
    "no-references-with-cover.mbox": (
        (1, 2, 0),
        [row(1, 2, 2, True, True, "Frame checks")],
        None,
    ),
    # Each patch carries an empty In-Reply-To/References pair, then real ones.
    "empty-and-real-references.mbox": (
        (1, 4, 0),
        [row(2, 4, 4, True, True, "widget: minor clean-ups")],
        None,
    ),
    "reply-other-content-type.mbox": (
        (0, 1, 1),
        [row(1, 1, 1, True, False)],
        {**ALONE, "PCC": 1},
    ),
    # v2 1/2 replies to v1 1/2, whose series already holds a number 1.
    "resend-without-cover.mbox": (
        (0, 4, 0),
        [row(1, 2, 2, True, False, SIZE_1), row(2, 2, 2, True, False)],
        None,
    ),
    "resend-without-cover-or-version.mbox": (
        (0, 4, 0),
        [row(1, 2, 2, True, False, SIZE_1), row(1, 2, 2, True, False, SIZE_1)],
        None,
    ),
    # v2 2/2 a week later, replying to a v2 1/2 never received.
    "mixed-versions.mbox": (
        (0, 2, 0),
        [row(1, 1, 2, False, False), row(2, 1, 2, False, False, None, numbers=[2])],
        {"SC": 2, "PC": 2, "PCo": 1},
    ),
    # Unthreaded and within minutes: each finds a series holding number 1.
    "same-patch-three-times.mbox": ((0, 3, 0), [row(2, 1, 4, False, False)] * 3, None),
    # An unnumbered patch always starts a series, even replying to a cover.
    "unnumbered-reply-to-cover.mbox": (
        (1, 2, 0),
        [
            row(1, 1, 2, False, True, SAMPLE),
            row(1, 1, 1, True, False, "widget: a fix nobody asked for"),
        ],
        None,
    ),
    "mercurial-cover-letter.mbox": (
        (1, 2, 0),
        [row(1, 2, 2, True, True, "Widget checks, the hg way")],
        None,
    ),
    "mercurial-no-cover-letter.mbox": (
        (0, 2, 0),
        [row(1, 2, 2, True, False, "[1 of 2] widget: check the size")],
        None,
    ),
    "revision-unthreaded.mbox": ((2, 4, 0), TWO_REVISIONS, None),
    "revision-threaded-to-cover.mbox": ((2, 4, 0), TWO_REVISIONS, None),
    "revision-threaded-to-patch.mbox": ((2, 4, 0), TWO_REVISIONS, None),
    "revision-out-of-order.mbox": ((2, 4, 0), TWO_REVISIONS, None),
    "revision-threaded-to-single-patch.mbox": (
        (0, 2, 0),
        [row(1, 1, 1, True, False), row(2, 1, 1, True, False)],
        None,
    ),
    "revision-no-cover-letter.mbox": (
        (1, 4, 0),
        [row(1, 2, 2, True, True, SAMPLE), row(2, 2, 2, True, False)],
        None,
    ),
    # The resend carries no version: both series are v1.
    "revision-unlabeled.mbox": (
        (2, 4, 0),
        [row(1, 2, 2, True, True, SAMPLE), row(1, 2, 2, True, True, SAMPLE)],
        None,
    ),
    # The same unthreaded series an hour later: outside the 20-minute window.
    "resend-an-hour-later.mbox": (
        (0, 4, 0),
        [row(2, 2, 2, True, False), row(2, 2, 2, True, False)],
        {"SC": 2, "PC": 4, "PCo": 4, "SCo": 2},
    ),
    "dependency-base.mbox": (
        (1, 2, 0),
        [row(1, 2, 2, True, True, "Add the widget test suite")],
        None,
    ),
}


def _matches(actual: list[dict], expected: list[dict]) -> bool:
    if len(actual) != len(expected):
        return False
    for got, want in zip(actual, expected, strict=True):
        for key, value in want.items():
            if value is not ANY and got[key] != value:
                return False
    return True


@pytest.mark.parametrize("filename", list(CASES))
def test_series_archive(test_project, filename):
    counts, rows, events = CASES[filename]
    results = deliver_mbox(corpus_file("series", filename))

    outcomes = Counter(result.outcome for result in results)
    assert (
        outcomes[Outcome.COVER],
        outcomes[Outcome.PATCH],
        outcomes[Outcome.PATCH_COMMENT] + outcomes[Outcome.COVER_COMMENT],
    ) == counts
    assert (Cover.objects.count(), Patch.objects.count()) == counts[:2]
    actual = series_rows(test_project)
    assert _matches(actual, rows), actual
    if events is not None:
        assert event_counts(test_project) == events


def test_all_series_archives_are_covered():
    names = {p.name for p in corpus_file("series").glob("*.mbox")}
    assert names == set(CASES)


def test_out_of_order_series_name_follows_each_mail(test_project):
    mails = mbox_mails(corpus_file("series", "out-of-order.mbox"))
    names = []
    for raw in mails:
        deliver(raw)
        names.append(Series.objects.get().name)
    patch1 = Patch.objects.get(number=1)
    assert names == [None, patch1.name, SAMPLE]


def test_a_series_name_set_by_hand_survives_later_mail(test_project):
    mails = mbox_mails(corpus_file("series", "out-of-order.mbox"))
    deliver(mails[0])
    Series.objects.update(name="Chosen by a maintainer")
    for raw in mails[1:]:
        deliver(raw)
    assert Series.objects.get().name == "Chosen by a maintainer"


def test_series_name_after_each_mail_of_a_covered_series(test_project):
    for raw in mbox_mails(corpus_file("series", "cover-letter.mbox")):
        deliver(raw)
        assert Series.objects.get().name == SAMPLE


def test_series_name_after_each_mail_without_cover(test_project):
    for raw in mbox_mails(corpus_file("series", "no-cover-letter.mbox")):
        deliver(raw)
        assert Series.objects.get().name == SIZE_1


def test_patch_names_keep_mercurial_markers(test_project):
    deliver_mbox(corpus_file("series", "mercurial-cover-letter.mbox"))
    assert [p.name[:8] for p in Patch.objects.order_by("number")] == [
        "[1 of 2]",
        "[2 of 2]",
    ]


def test_lowercase_patch_prefix_keeps_the_colon(test_project):
    deliver_mbox(corpus_file("series", "no-references-with-cover.mbox"))
    assert Patch.objects.get(number=2).name == "[2/2] : widget: check the frame"


def test_revision_without_cover_is_named_after_its_first_patch(test_project):
    deliver_mbox(corpus_file("series", "revision-no-cover-letter.mbox"))
    second = Series.objects.order_by("date", "id")[1]
    assert second.name == second.patches.get(number=1).name


def test_v2_single_patch_series_names(test_project):
    deliver_mbox(corpus_file("series", "revision-threaded-to-single-patch.mbox"))
    first, second = Series.objects.order_by("date", "id")
    assert second.name == "[v2] " + first.name


def test_reply_in_mixed_content_type_archive_is_a_patch_comment(test_project):
    deliver_mbox(corpus_file("series", "reply-other-content-type.mbox"))
    comment = PatchComment.objects.get()
    assert comment.patch == Patch.objects.get()


def test_reading_an_archive_twice_stores_nothing_new(test_project):
    path = corpus_file("series", "revision-threaded-to-cover.mbox")
    deliver_mbox(path)
    before = series_rows(test_project)
    results = deliver_mbox(path)
    # Upstream turns the already stored threaded v2 cover into a comment on
    # the v1 cover (its bug B3); checking the Message-Id first avoids that.
    assert {r.outcome for r in results} == {Outcome.DUPLICATE}
    assert series_rows(test_project) == before
    assert not PatchComment.objects.exists()


def test_same_archive_on_two_lists_is_stored_twice(test_project):
    other = ProjectFactory(linkname="other", listid="other.example.com")
    path = corpus_file("series", "cover-letter.mbox")
    deliver_mbox(path)
    deliver_mbox(path, list_id="other.example.com")
    assert Patch.objects.filter(project=other).count() == 2
    assert Patch.objects.filter(project=test_project).count() == 2
