"""Series versions linked at ingest, by every signal, in any arrival order."""

import itertools

import pytest
from django.core.management import call_command

from apps.patches.exceptions import VersionLinkInvalid
from apps.patches.models import Series
from apps.patches.selectors import series_versions
from apps.patches.services.versions import series_set_previous_version
from apps.people.models import Person
from tests.factories import ProjectFactory, UserFactory
from tests.ingest.helpers import corpus_file, deliver, make_mail

pytestmark = pytest.mark.django_db

DIFF = corpus_file("diffs", "add-line.diff").read_text()
ALICE = "Alice <alice@example.com>"


def series_mails(
    tag: str,
    subject: str,
    *,
    count: int = 2,
    version: int = 1,
    cover: bool = True,
    sender: str = ALICE,
    in_reply_to: str | None = None,
    cover_body: str = "About this series.",
    day: int = 1,
    prefix: str = "PATCH",
) -> list[bytes]:
    """A series as git send-email threads it (the patches answer the cover)."""
    marker = f"{prefix} v{version}" if version > 1 else prefix
    date = f"Mon, {day:02d} Jan 2024 12:00:00 +0000"
    root = f"<{tag}-0@x>" if cover else f"<{tag}-1@x>"
    mails = []
    if cover:
        headers = {"In-Reply-To": in_reply_to, "References": in_reply_to}
        mails.append(
            make_mail(
                cover_body,
                msgid=root,
                subject=f"[{marker} 0/{count}] {subject}",
                sender=sender,
                date=date,
                headers=headers if in_reply_to else None,
            )
        )
    for number in range(1, count + 1):
        msgid = f"<{tag}-{number}@x>"
        refs = [r for r in (in_reply_to, root) if r and r != msgid]
        headers = {}
        if refs:
            headers = {"In-Reply-To": refs[-1], "References": " ".join(refs)}
        mails.append(
            make_mail(
                f"Change {number}.\n\n{DIFF}",
                msgid=msgid,
                subject=f"[{marker} {number}/{count}] {subject} part {number}",
                sender=sender,
                date=date,
                headers=headers,
            )
        )
    return mails


def by_root(tag: str) -> Series:
    return Series.objects.get(patches__msgid=f"<{tag}-1@x>")


def previous_of(tag: str) -> str | None:
    previous = by_root(tag).previous_version
    if previous is None:
        return None
    return previous.patches.order_by("number").first().msgid.strip("<>").split("-")[0]


def test_same_name_and_sender_links_increasing_versions(test_project):
    for tag, version in (("a", 1), ("b", 2), ("c", 3)):
        for raw in series_mails(tag, "net: fix the thing", version=version):
            deliver(raw)
    assert previous_of("a") is None
    assert previous_of("b") == "a"
    assert previous_of("c") == "b"
    assert [s.version for s in series_versions(by_root("b"))] == [1, 2, 3]


def test_names_match_without_prefixes_case_and_punctuation(test_project):
    for raw in series_mails("a", "net: Fix the thing.", cover=False):
        deliver(raw)
    for raw in series_mails("b", "net: fix the thing", version=2, cover=False):
        deliver(raw)
    assert previous_of("b") == "a"


@pytest.mark.parametrize("order", list(itertools.permutations("abc")))
def test_links_do_not_depend_on_arrival_order(test_project, order):
    mails = {
        tag: series_mails(tag, "mm: rework", version=version)
        for tag, version in (("a", 1), ("b", 2), ("c", 3))
    }
    for tag in order:
        for raw in mails[tag]:
            deliver(raw)
    assert (previous_of("a"), previous_of("b"), previous_of("c")) == (None, "a", "b")
    lineage = {s.lineage for s in Series.objects.all()}
    assert lineage == {by_root("a").pk}


def test_resend_follows_the_original(test_project):
    for raw in series_mails("a", "fix leak", version=2, day=1):
        deliver(raw)
    for raw in series_mails("b", "fix leak", version=2, day=3, prefix="PATCH RESEND"):
        deliver(raw)
    assert previous_of("b") == "a"
    assert previous_of("a") is None


def test_other_senders_and_names_are_not_versions(test_project):
    for raw in series_mails("a", "fix leak"):
        deliver(raw)
    for raw in series_mails("b", "fix leak", version=2, sender="Bob <bob@x.org>"):
        deliver(raw)
    for raw in series_mails("c", "another thing", version=2):
        deliver(raw)
    assert previous_of("b") is None
    assert previous_of("c") is None


def test_addresses_of_one_account_count_as_one_sender(test_project):
    user = UserFactory()
    for raw in series_mails("a", "fix leak"):
        deliver(raw)
    for raw in series_mails("b", "fix leak", version=2, sender="Al <al@work.example>"):
        deliver(raw)
    assert previous_of("b") is None
    Person.objects.filter(email__in=["alice@example.com", "al@work.example"]).update(
        user=user
    )
    call_command("linkversions", verbosity=0)
    assert previous_of("b") == "a"


def test_same_name_in_two_projects_is_not_linked(test_project):
    ProjectFactory(linkname="other", listid="other.example.com")
    for raw in series_mails("a", "fix leak"):
        deliver(raw)
    for raw in series_mails("b", "fix leak", version=2):
        deliver(raw, list_id="other.example.com")
    assert by_root("a").project != by_root("b").project
    assert previous_of("b") is None


@pytest.mark.parametrize("v1_first", [True, False])
def test_renamed_series_answering_the_earlier_version(test_project, v1_first):
    v1 = series_mails("a", "add the widget")
    v2 = series_mails("b", "widget: introduce it", version=2, in_reply_to="<a-0@x>")
    for raw in v1 + v2 if v1_first else v2 + v1:
        deliver(raw)
    assert previous_of("b") == "a"


def test_a_reply_to_an_older_series_of_the_same_version_is_not_a_version(
    test_project,
):
    for raw in series_mails("a", "add the widget"):
        deliver(raw)
    for raw in series_mails("b", "follow-up fix", in_reply_to="<a-0@x>", day=2):
        deliver(raw)
    assert previous_of("b") is None


@pytest.mark.parametrize("v1_first", [True, False])
def test_renamed_series_with_the_same_b4_change_id(test_project, v1_first):
    trailer = "\n---\nbase-commit: 1234\nchange-id: 20240101-widget-0a1b2c3d\n"
    v1 = series_mails("a", "add the widget", cover_body="v1" + trailer)
    v2 = series_mails(
        "b",
        "widget: introduce it",
        version=2,
        cover_body="v2" + trailer,
        sender="Alice Two <alice2@example.com>",
    )
    for raw in v1 + v2 if v1_first else v2 + v1:
        deliver(raw)
    assert by_root("b").change_id == "20240101-widget-0a1b2c3d"
    assert previous_of("b") == "a"


def test_a_maintainers_correction_survives_ingest_and_backfill(test_project):
    for raw in series_mails("a", "fix leak"):
        deliver(raw)
    for raw in series_mails("b", "fix leak", version=2):
        deliver(raw)
    for raw in series_mails("x", "unrelated"):
        deliver(raw)
    series_set_previous_version(series=by_root("b"), previous=by_root("x"))
    # A v3 and a v1 arriving later relink around b, never b itself.
    for raw in series_mails("c", "fix leak", version=3):
        deliver(raw)
    for raw in series_mails("o", "fix leak", day=0):
        deliver(raw)
    call_command("linkversions", verbosity=0)
    call_command("linkversions", "--project", "test", verbosity=0)
    assert previous_of("b") == "x"
    assert previous_of("c") == "b"
    assert previous_of("a") == "o"
    assert [s.pk for s in series_versions(by_root("c"))] == [
        by_root(t).pk for t in ("x", "b", "c")
    ]


def test_a_maintainer_can_clear_a_wrong_link(test_project):
    for raw in series_mails("a", "fix leak"):
        deliver(raw)
    for raw in series_mails("b", "fix leak", version=2):
        deliver(raw)
    series_set_previous_version(series=by_root("b"), previous=None)
    call_command("linkversions", verbosity=0)
    assert previous_of("b") is None
    assert by_root("a").lineage is None
    assert series_versions(by_root("b")) == [by_root("b")]


def test_manual_links_that_loop_or_leave_the_project_are_refused(test_project):
    other = ProjectFactory(linkname="other", listid="other.example.com")
    for raw in series_mails("a", "fix leak"):
        deliver(raw)
    for raw in series_mails("b", "fix leak", version=2):
        deliver(raw)
    for raw in series_mails("z", "fix leak"):
        deliver(raw, list_id="other.example.com")
    assert by_root("z").project == other
    with pytest.raises(VersionLinkInvalid):
        series_set_previous_version(series=by_root("a"), previous=by_root("b"))
    with pytest.raises(VersionLinkInvalid):
        series_set_previous_version(series=by_root("a"), previous=by_root("a"))
    with pytest.raises(VersionLinkInvalid):
        series_set_previous_version(series=by_root("b"), previous=by_root("z"))
    assert previous_of("b") == "a"


def test_backfill_links_series_stored_without_links(test_project):
    for tag, version in (("a", 1), ("b", 2)):
        for raw in series_mails(tag, "fix leak", version=version):
            deliver(raw)
    v3 = series_mails("c", "renamed leak fix", version=3, in_reply_to="<b-0@x>")
    for raw in v3:
        deliver(raw)
    Series.objects.update(previous_version=None, lineage=None, name_key="")
    Series.thread_references.rel.related_model.objects.all().delete()
    call_command("linkversions", "--project", "test", verbosity=0)
    assert (previous_of("b"), previous_of("c")) == ("a", "b")
    assert len({s.lineage for s in Series.objects.all()}) == 1


def test_backfill_names_an_unknown_project(test_project):
    with pytest.raises(Exception, match="No project"):
        call_command("linkversions", "--project", "nope", verbosity=0)


def states_of(tag: str) -> set[str]:
    return set(by_root(tag).patches.values_list("state__slug", flat=True))


@pytest.mark.parametrize("v1_first", [True, False])
def test_older_versions_superseded_where_the_project_asks(test_project, v1_first):
    from apps.events.models import Event
    from apps.patches.models import Patch, State

    test_project.supersede_old_versions = True
    test_project.save()
    v1 = series_mails("a", "fix leak", count=3)
    v2 = series_mails("b", "fix leak", version=2)
    for raw in v1 if v1_first else v2:
        deliver(raw)
    if v1_first:
        # A patch already accepted needs no action and stays accepted.
        Patch.objects.filter(msgid="<a-3@x>").update(
            state=State.objects.get(slug="accepted")
        )
    for raw in v2 if v1_first else v1:
        deliver(raw)
    if v1_first:
        assert states_of("a") == {"superseded", "accepted"}
    else:
        assert states_of("a") == {"superseded"}
    assert states_of("b") == {"new"}
    moved = Event.objects.filter(category="patch-state-changed")
    assert moved.count() == (2 if v1_first else 3)
    assert set(moved.values_list("actor", flat=True)) == {None}


def test_older_versions_keep_their_state_by_default(test_project):
    for raw in series_mails("a", "fix leak") + series_mails("b", "fix leak", version=2):
        deliver(raw)
    assert previous_of("b") == "a"
    assert states_of("a") == {"new"}


@pytest.mark.parametrize("v2_at", [0, 1, 2, 3])
def test_renamed_series_answering_the_first_patch_of_the_earlier_one(
    test_project, v2_at
):
    v1 = series_mails("a", "add the widget")
    v2 = series_mails("b", "widget: introduce it", version=2, in_reply_to="<a-1@x>")
    # The first patch of v1 comes last; v2 anywhere before or after.
    mails = [v1[0], v1[2], v1[1]]
    for raw in [*mails[:v2_at], *v2, *mails[v2_at:]]:
        deliver(raw)
    assert previous_of("b") == "a"


def test_relinking_a_stale_row_keeps_a_link_set_meanwhile(test_project):
    from apps.patches.services.versions import series_relink

    for raw in series_mails("a", "fix leak") + series_mails("x", "unrelated"):
        deliver(raw)
    for raw in series_mails("b", "fix leak", version=2):
        deliver(raw)
    stale = Series.objects.select_related("submitter").get(pk=by_root("b").pk)
    stale.previous_version_id = None  # as ingest read it before the correction
    series_set_previous_version(series=by_root("b"), previous=by_root("x"))
    series_relink(series=stale)
    assert previous_of("b") == "x"
