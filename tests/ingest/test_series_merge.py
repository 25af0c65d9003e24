"""Series found, and merged, whatever order their mails come in (a Deviation).

A series threaded by In-Reply-To alone (each mail names only the one before
it) can start from a later patch out of order, apart from its cover letter;
the mail between them merges the two. A revision sent in reply to an earlier
version claims that version's ids when it comes first; the earlier
version's own mails take them back.
"""

import datetime as dt
import itertools
from email.utils import format_datetime

import pytest

from apps.events.models import Event
from apps.ingest.services import ingest_message
from apps.patches.models import Series
from tests.factories import ProjectFactory
from tests.ingest.archives import diff
from tests.ingest.helpers import make_mail
from tests.ingest.test_order_independence import stored_result

pytestmark = pytest.mark.django_db
RUNS = itertools.count()
START = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.UTC)


def series_mails(
    prefix: str,
    *,
    cover: bool,
    patches: int,
    threading: str,
    gap: dt.timedelta = dt.timedelta(seconds=1),
    version: int = 1,
    answers: str | None = None,
    title: str | None = None,
) -> list[bytes]:
    """One series' mails in sending order, threaded as ``threading`` says.

    "references": every mail names the whole thread (git send-email);
    "in-reply-to": each names only the mail before it.
    """
    label = "PATCH" if version == 1 else f"PATCH v{version}"
    title = title or f"{prefix} rework"
    above = [answers] if answers else []
    planned = []  # (msgid, subject, body, refs)
    if cover:
        planned.append(
            (
                f"<{prefix}.c@x>",
                f"[{label} 0/{patches}] {title}",
                "The cover letter.\n",
                above,
            )
        )
    for number in range(1, patches + 1):
        msgid = f"<{prefix}.{number}@x>"
        if threading == "in-reply-to":
            refs = [planned[-1][0]] if planned else above
        else:
            root = planned[0][0] if planned else None
            refs = [*above, root] if root and root not in above else above
        body = f"Step {number}.\n---\n" + diff(f"lib/{prefix}{number}.c", number)
        planned.append(
            (
                msgid,
                f"[{label} {number}/{patches}] {title} {number}",
                body,
                refs,
            )
        )
    mails = []
    for index, (msgid, subject, body, refs) in enumerate(planned):
        headers = (
            {"In-Reply-To": refs[-1], "References": " ".join(refs)} if refs else {}
        )
        date = format_datetime(START + index * gap)
        mails.append(
            make_mail(body, subject=subject, msgid=msgid, headers=headers, date=date)
        )
    return mails


def compare_orders(build, orders) -> list:
    """Deliver ``build(prefix)``'s mails in list order and in each order given.

    Return the orders whose stored result differs from list order's.
    """
    wrong = []
    for order in orders:
        run = next(RUNS)
        in_order, shuffled = ProjectFactory(), ProjectFactory()
        for raw in build(f"a{run}"):
            ingest_message(raw, list_id=in_order.listid)
        mails = build(f"b{run}")
        for index in order:
            ingest_message(mails[index], list_id=shuffled.listid)
        if stored_result(in_order) != stored_result(shuffled):
            wrong.append(order)
    return wrong


@pytest.mark.parametrize("cover", [True, False], ids=["cover", "no-cover"])
@pytest.mark.parametrize(
    "gap", [dt.timedelta(seconds=1), dt.timedelta(minutes=30)], ids=["1s", "30min"]
)
def test_a_series_threaded_by_in_reply_to_is_one_series_in_every_order(cover, gap):
    def build(prefix):
        return series_mails(
            prefix, cover=cover, patches=3, threading="in-reply-to", gap=gap
        )

    count = 4 if cover else 3
    assert compare_orders(build, itertools.permutations(range(count))) == []
    # And that result is the whole series: the mails 30 minutes apart, the
    # 20-minute window of upstream's markers cannot group them.
    project = ProjectFactory()
    for raw in build("one"):
        ingest_message(raw, list_id=project.listid)
    (series,) = Series.objects.filter(project=project)
    assert series.patches.count() == 3
    assert (series.cover_letter is not None) is cover


@pytest.mark.parametrize("v2_cover", [True, False], ids=["v2-cover", "v2-no-cover"])
def test_a_revision_that_came_first_gives_back_the_ids_it_answers(v2_cover):
    # v2 answers v1's cover letter; any of its mails may come before v1's,
    # whose mails are too far apart for upstream's 20-minute window.
    def build(prefix):
        v1 = series_mails(
            f"{prefix}v1",
            cover=True,
            patches=2,
            threading="references",
            gap=dt.timedelta(minutes=30),
        )
        v2 = series_mails(
            f"{prefix}v2",
            cover=v2_cover,
            patches=2 if not v2_cover else 1,
            threading="references",
            version=2,
            answers=f"<{prefix}v1.c@x>",
        )
        return v1 + v2

    assert compare_orders(build, itertools.permutations(range(5))) == []


def deliver(project, mails, order):
    for index in order:
        ingest_message(mails[index], list_id=project.listid)


def test_a_merge_is_recorded_and_leaves_no_trace_of_the_merged_series(client):
    project = ProjectFactory()
    mails = series_mails("m", cover=True, patches=3, threading="in-reply-to")
    # Patch 2 starts a series (claiming patch 1's id), the cover letter
    # another; patch 1 answers the cover letter and belongs to both.
    deliver(project, mails, [2, 0])
    merged_id, kept_id = Series.objects.filter(project=project).order_by("id")
    merged_id, kept_id = merged_id.pk, kept_id.pk
    review = make_mail(
        "Reviewed-by: Rev Iewer <rev@example.org>\n",
        subject="Re: [PATCH 0/3] m rework",
        msgid="<m.review@x>",
        headers={"In-Reply-To": "<m.c@x>", "References": "<m.c@x>"},
    )
    ingest_message(review, list_id=project.listid)
    deliver(project, mails, [1, 3])

    (series,) = Series.objects.filter(project=project)
    assert series.pk == kept_id
    assert series.cover_letter.msgid == "<m.c@x>"
    assert series.name == "m rework"
    assert sorted(series.patches.values_list("number", flat=True)) == [1, 2, 3]
    # The review of the cover letter counts for every patch, as in order.
    reviewed = series.patches.filter(
        patchtag__tag__name="Reviewed-by", patchtag__count=1
    )
    assert reviewed.count() == 3

    events = Event.objects.filter(project=project)
    created = events.filter(category="series-created")
    assert list(created.values_list("series_id", flat=True)) == [kept_id]
    assert events.filter(category="series-completed").count() == 1
    completed = events.filter(category="patch-completed")
    assert sorted(completed.values_list("patch__number", flat=True)) == [1, 2, 3]
    assert set(completed.values_list("series_id", flat=True)) == {kept_id}

    body = client.get("/api/1.5/events/", {"category": "series-merged"}).json()
    assert [
        (e["payload"]["series"]["id"], e["payload"]["merged_series"]) for e in body
    ] == [(kept_id, merged_id)]
    for version in ("1.4", "1.0"):
        listed = client.get(f"/api/{version}/events/").json()
        assert "series-merged" not in {e["category"] for e in listed}
    assert client.get(f"/api/series/{merged_id}/").status_code == 404
    assert client.get(f"/api/series/{kept_id}/").json()["received_total"] == 3


def test_series_that_cannot_be_one_are_not_merged():
    project = ProjectFactory()
    mails = series_mails("d", cover=True, patches=2, threading="in-reply-to")
    # Patch 2 starts a series, the cover letter another, which a second
    # send of patch 2 (answering the cover letter) joins: when patch 1
    # comes, both series hold a patch 2, so they stay apart.
    deliver(project, mails, [2, 0])
    again = make_mail(
        "Step 2 again.\n---\n" + diff("lib/d2.c", 7),
        subject="[PATCH 2/2] d rework 2",
        msgid="<d.2b@x>",
        headers={"In-Reply-To": "<d.c@x>", "References": "<d.c@x>"},
    )
    ingest_message(again, list_id=project.listid)
    deliver(project, mails, [1])
    found = sorted(
        (
            sorted(s.patches.values_list("msgid", flat=True)),
            s.cover_letter.msgid if s.cover_letter else None,
        )
        for s in Series.objects.filter(project=project)
    )
    assert found == [(["<d.1@x>", "<d.2@x>"], None), (["<d.2b@x>"], "<d.c@x>")]
    assert not Event.objects.filter(category="series-merged").exists()


def test_a_merged_series_is_linked_to_its_earlier_version():
    project = ProjectFactory()
    v1 = series_mails(
        "l1", cover=True, patches=1, threading="references", title="net: rework probing"
    )
    deliver(project, v1, [0, 1])
    v2 = series_mails(
        "l2",
        cover=True,
        patches=3,
        threading="in-reply-to",
        version=2,
        title="net: rework probing",
    )
    deliver(project, v2, [2, 0, 1, 3])
    first, second = Series.objects.filter(project=project).order_by("version")
    assert (first.version, second.version) == (1, 2)
    assert second.cover_letter.msgid == "<l2.c@x>"
    assert second.previous_version_id == first.pk
    assert Event.objects.filter(category="series-merged").count() == 1
