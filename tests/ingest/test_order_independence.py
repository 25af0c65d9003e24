"""Mail stored in any order gives what in-order delivery gives (a Deviation).

Upstream splits a series whose thread root comes last, mixes a revision
sent in reply to an earlier version into that version's series when it
comes first, and drops a reply that comes before the mail it answers. Here
replies wait for their parent (``PendingMail``) and series are found the
same way whatever came first; these tests compare shuffled deliveries with
in-order delivery of the same mails.
"""

import datetime as dt
import io
import itertools
import random
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from apps.events.models import Event
from apps.ingest.expiry import pending_expire
from apps.ingest.models import PendingMail
from apps.ingest.parents import first_unknown
from apps.ingest.results import Outcome
from apps.ingest.services import ingest_message
from apps.patches.models import CoverComment, Patch, PatchComment, Series
from apps.projects.models import Project
from tests.factories import ProjectFactory
from tests.ingest.archives import forty_series_archive, generated_archive
from tests.ingest.helpers import make_mail

pytestmark = pytest.mark.django_db
EXAMPLES = itertools.count()


def same(msgid: str) -> str:
    """A Message-Id without its archive's prefix: ``<a1.7.re@x>`` -> ``<7.re@x>``."""
    return re.sub(r"^<[^.]*\.", "<", msgid)


def stored_result(project: Project) -> dict:
    """What a user sees of a project's mail: series, comments, tag counts."""
    series = set()
    for one in Series.objects.filter(project=project).select_related("cover_letter"):
        members = frozenset(map(same, one.patches.values_list("msgid", flat=True)))
        cover = same(one.cover_letter.msgid) if one.cover_letter else None
        complete = one.total <= len(members)
        series.add((members, cover, one.version, one.total, complete))
    pairs = [
        *PatchComment.objects.filter(patch__project=project).values_list(
            "msgid", "patch__msgid"
        ),
        *CoverComment.objects.filter(cover__project=project).values_list(
            "msgid", "cover__msgid"
        ),
    ]
    comments = {(same(msgid), same(parent)) for msgid, parent in pairs}
    tags = {
        (same(msgid), tag, count)
        for msgid, tag, count in Patch.objects.filter(
            project=project, patchtag__count__gt=0
        ).values_list("msgid", "patchtag__tag__name", "patchtag__count")
    }
    return {"series": series, "comments": comments, "tags": tags}


def deliver_all(mails: list[bytes], project: Project) -> list[Outcome]:
    return [ingest_message(raw, list_id=project.listid).outcome for raw in mails]


@settings(
    max_examples=25,
    deadline=None,
    # Shrinking a permutation of fifty mails takes minutes and teaches little:
    # the failing seed and order are reported as drawn.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 10**6), data=st.data())
def test_every_order_stores_what_list_order_stores(seed, data):
    # Fresh names for every example: threaded cover letters are compared by
    # name across projects (upstream's rule), and examples share a database.
    run = next(EXAMPLES)
    archive = generated_archive(seed, families=3, prefix=f"a{run}x")
    again = generated_archive(seed, families=3, prefix=f"b{run}x")
    order = data.draw(st.permutations(range(len(archive.mails))))
    in_order, shuffled = ProjectFactory(), ProjectFactory()
    deliver_all(archive.mails, in_order)
    outcomes = deliver_all([again.mails[i] for i in order], shuffled)
    assert Outcome.DROPPED not in outcomes
    expected = stored_result(in_order)
    assert stored_result(shuffled) == expected
    assert len(expected["series"]) == archive.series
    assert sum(len(m) for m, *_ in expected["series"]) == archive.patches
    assert len(expected["comments"]) == archive.comments
    assert not PendingMail.objects.exists()


def test_forty_series_shuffled_are_forty_complete_series():
    archive = forty_series_archive()
    assert (archive.series, archive.patches, archive.covers, archive.comments) == (
        40,
        195,
        25,
        146,
    )
    mails = list(archive.mails)
    random.Random(5).shuffle(mails)  # noqa: S311 - a reproducible order
    project = ProjectFactory()
    deliver_all(mails, project)
    series = Series.objects.filter(project=project)
    assert series.count() == 40
    assert all(one.total <= one.patches.count() for one in series)
    assert Patch.objects.filter(project=project, series__isnull=False).count() == 195
    assert series.exclude(cover_letter=None).count() == 25
    assert (
        PatchComment.objects.filter(patch__project=project).count()
        + CoverComment.objects.filter(cover__project=project).count()
    ) == 146
    assert not PendingMail.objects.exists()
    created = Event.objects.filter(project=project, category="series-created")
    assert created.count() == 40


# --- waiting replies ---------------------------------------------------------

DIFF = (
    "diff --git a/x.c b/x.c\nindex 1..2 100644\n--- a/x.c\n+++ b/x.c\n"
    "@@ -1 +1 @@\n-a\n+b\n"
)


def patch(msgid="<p@x>"):
    return make_mail(f"Fix.\n---\n{DIFF}", subject="[PATCH] fix x", msgid=msgid)


def reply(msgid, *refs, text="Acked-by: A <a@x.org>\n"):
    headers = {"In-Reply-To": refs[-1], "References": " ".join(refs)}
    return make_mail(text, subject="Re: [PATCH] fix x", msgid=msgid, headers=headers)


def test_replies_before_their_patch_wait_and_attach_with_their_events(test_project):
    list_id = test_project.listid
    assert ingest_message(
        reply("<r2@x>", "<p@x>", "<r1@x>"), list_id=list_id
    ).outcome is (Outcome.WAITING)
    assert ingest_message(reply("<r1@x>", "<p@x>"), list_id=list_id).outcome is (
        Outcome.WAITING
    )
    result = ingest_message(patch(), list_id=list_id)
    assert [r.msgid for r in result.released] == ["<r1@x>", "<r2@x>"]
    stored = Patch.objects.get()
    assert sorted(stored.comments.values_list("msgid", flat=True)) == [
        "<r1@x>",
        "<r2@x>",
    ]
    assert stored.patchtag_set.get().count == 2
    categories = list(
        Event.objects.filter(project=test_project)
        .order_by("id")
        .values_list("category", flat=True)
    )
    assert categories == [
        "patch-created",
        "series-created",
        "patch-completed",
        "series-completed",
        "patch-comment-created",
        "patch-comment-created",
    ]
    assert not PendingMail.objects.exists()


def test_a_waiting_reply_delivered_again_waits_once(test_project):
    first = reply("<r@x>", "<p@x>")
    other = reply("<r@x>", "<p@x>", text="Another text, the same Message-Id.\n")
    outcomes = [
        ingest_message(raw, list_id=test_project.listid).outcome
        for raw in (first, first, other)
    ]
    # As for a stored mail: later mails with a waiting one's id are duplicates.
    assert outcomes == [Outcome.WAITING, Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert bytes(PendingMail.objects.get().raw) == first
    ingest_message(patch(), list_id=test_project.listid)
    assert Patch.objects.get().comments.count() == 1


def test_pendingmail_lists_waiting_replies(test_project):
    ingest_message(reply("<r@x>", "<p@x>"), list_id=test_project.listid)
    out = io.StringIO()
    call_command("pendingmail", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].endswith(f"  {test_project.linkname}  <r@x>  waits for <p@x>")
    assert lines[-1] == "1 replies waiting"


def test_expired_replies_go_to_an_older_ancestor_or_the_failed_folder(
    test_project, settings, tmp_path
):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    list_id = test_project.listid
    ingest_message(patch(), list_id=list_id)
    # Answers a mail that never reached the list, below a stored patch.
    ingest_message(reply("<r1@x>", "<p@x>", "<off-list@x>"), list_id=list_id)
    # Answers nothing that was ever stored.
    ingest_message(reply("<r2@x>", "<gone@x>"), list_id=list_id)
    assert PendingMail.objects.count() == 2
    assert pending_expire() == type(pending_expire())(stored=0, failed=0)
    later = timezone.now() + dt.timedelta(days=settings.INGEST_PENDING_DAYS, hours=1)
    done = pending_expire(now=later)
    assert (done.stored, done.failed) == (1, 1)
    assert list(Patch.objects.get().comments.values_list("msgid", flat=True)) == [
        "<r1@x>"
    ]
    [saved] = (tmp_path / "failed" / "new").iterdir()
    assert b"<r2@x>" in saved.read_bytes()
    assert not PendingMail.objects.exists()


def test_cron_expires_waiting_replies(test_project, settings, tmp_path):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    settings.INGEST_PENDING_DAYS = 0
    ingest_message(reply("<r@x>", "<gone@x>"), list_id=test_project.listid)
    call_command("cron", stdout=io.StringIO())
    assert not PendingMail.objects.exists()
    assert len(list((tmp_path / "failed" / "new").iterdir())) == 1


def test_parsearchive_counts_waiting_replies_and_those_released(test_project, tmp_path):
    import mailbox

    box = mailbox.mbox(str(tmp_path / "a.mbox"))
    for raw in (
        reply("<r1@x>", "<p@x>"),
        reply("<r2@x>", "<never@x>"),
        patch(),
    ):
        box.add(raw)
    box.close()
    out = io.StringIO()
    call_command(
        "parsearchive",
        str(tmp_path / "a.mbox"),
        "--list-id",
        test_project.listid,
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert "     1 patches" in lines
    assert "     1 comments" in lines
    assert "     1 waiting" in lines
    assert "Total: 2 new entries" in lines


# --- revisions in reply to earlier versions -------------------------------------


def test_a_revision_answering_the_first_version_stays_apart_whatever_came_first(
    test_project,
):
    from tests.ingest.archives import SeriesPlan, Writer

    writer = Writer(random.Random(1), "rev")  # noqa: S311
    writer.family(
        [
            SeriesPlan(patches=3, cover=False, replies=0),
            SeriesPlan(
                patches=3, cover=False, replies=0, version=2, answers_previous=True
            ),
        ],
        "Dev <dev@example.org>",
    )
    mails = writer.archive.mails
    # v2's patches 2 and 3 first: they name v1's patch 1 in their references.
    deliver_all(
        [mails[4], mails[5], mails[1], mails[3], mails[2], mails[0]], test_project
    )
    versions = sorted(
        (s.version, sorted(s.patches.values_list("number", flat=True)))
        for s in Series.objects.all()
    )
    assert versions == [(1, [1, 2, 3]), (2, [1, 2, 3])]


def cover_mail(msgid, *refs):
    headers = {"In-Reply-To": refs[-1], "References": " ".join(refs)} if refs else {}
    return make_mail(
        "A series.", subject="[PATCH v2 0/1] fix x", msgid=msgid, headers=headers
    )


def test_reply_to_a_v2_cover_waits_for_the_v1_patch_that_cover_answers(
    test_project,
):
    # Upstream's search puts it on the v1 patch its References mention (Q1),
    # as list order does: out of order it waits for that patch.
    list_id = test_project.listid
    ingest_message(cover_mail("<c2@x>", "<p@x>"), list_id=list_id)
    waiting = ingest_message(reply("<r@x>", "<p@x>", "<c2@x>"), list_id=list_id)
    assert waiting.outcome is Outcome.WAITING
    ingest_message(patch(), list_id=list_id)
    assert list(Patch.objects.get().comments.values_list("msgid", flat=True)) == [
        "<r@x>"
    ]


def test_reply_below_an_off_list_answer_to_a_cover_is_stored_at_once(test_project):
    # In list order upstream stores it on the cover: a mail in between that
    # never reached the list cannot be a patch of the thread.
    list_id = test_project.listid
    ingest_message(cover_mail("<c@x>"), list_id=list_id)
    ingest_message(reply("<r1@x>", "<c@x>"), list_id=list_id)
    result = ingest_message(
        reply("<r3@x>", "<c@x>", "<r1@x>", "<off-list@x>"), list_id=list_id
    )
    assert result.outcome is Outcome.WAITING  # the mail it answers is missing
    result = ingest_message(
        reply("<r4@x>", "<c@x>", "<off-list@x>", "<r1@x>"), list_id=list_id
    )
    assert result.outcome is Outcome.COVER_COMMENT


def test_an_archive_run_releases_a_reply_an_earlier_delivery_kept(
    test_project, tmp_path
):
    import mailbox

    ingest_message(reply("<r@x>", "<p@x>"), list_id=test_project.listid)
    box = mailbox.mbox(str(tmp_path / "a.mbox"))
    box.add(patch())
    box.close()
    call_command(
        "parsearchive",
        str(tmp_path / "a.mbox"),
        "--list-id",
        test_project.listid,
        stdout=io.StringIO(),
    )
    assert list(Patch.objects.get().comments.values_list("msgid", flat=True)) == [
        "<r@x>"
    ]
    assert not PendingMail.objects.exists()


def test_reply_to_a_v2_cover_below_two_comments_on_the_v1_cover_is_stored_at_once(
    test_project,
):
    # The v2 cover answers the second of two stored comments on the v1 cover:
    # every mail the reply's References name is stored, so nothing can come
    # that upstream's search would prefer to the v2 cover.
    list_id = test_project.listid
    v1_cover = make_mail("A series.", subject="[PATCH 0/1] fix y", msgid="<c1@x>")
    ingest_message(v1_cover, list_id=list_id)
    ingest_message(reply("<a@x>", "<c1@x>"), list_id=list_id)
    ingest_message(reply("<b@x>", "<c1@x>", "<a@x>"), list_id=list_id)
    ingest_message(cover_mail("<c2@x>", "<c1@x>", "<a@x>", "<b@x>"), list_id=list_id)
    result = ingest_message(
        reply("<r@x>", "<c1@x>", "<a@x>", "<b@x>", "<c2@x>"), list_id=list_id
    )
    assert result.outcome is Outcome.COVER_COMMENT
    assert result.obj.cover.msgid == "<c2@x>"
    assert not PendingMail.objects.exists()


def test_two_stored_comments_on_one_patch_or_cover_are_both_known(test_project):
    # Asked directly: in a delivery a stored comment on a patch gives the
    # reply its parent before the mails beyond a cover letter are looked up.
    list_id = test_project.listid
    ingest_message(patch(), list_id=list_id)
    ingest_message(reply("<pa@x>", "<p@x>"), list_id=list_id)
    ingest_message(reply("<pb@x>", "<p@x>", "<pa@x>"), list_id=list_id)
    ingest_message(cover_mail("<c@x>"), list_id=list_id)
    ingest_message(reply("<ca@x>", "<c@x>"), list_id=list_id)
    ingest_message(reply("<cb@x>", "<c@x>", "<ca@x>"), list_id=list_id)
    assert PatchComment.objects.count() == CoverComment.objects.count() == 2
    stored = ["<pb@x>", "<pa@x>", "<p@x>", "<cb@x>", "<ca@x>", "<c@x>"]
    assert first_unknown(test_project.pk, stored) is None
    assert first_unknown(test_project.pk, [*stored, "<gone@x>"]) == "<gone@x>"
