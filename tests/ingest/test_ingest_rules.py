"""What ingest stores for a mail: projects, people, hints, duplicates, comments,
tags, events, and the upstream bugs we fix (ingest spec sections 4, 8-18)."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from apps.events.models import Event
from apps.ingest.context import IngestContext
from apps.ingest.exceptions import Unparseable
from apps.ingest.results import Outcome
from apps.ingest.services import ingest_message
from apps.patches.models import Cover, CoverComment, Patch, PatchComment, Series, Tag
from apps.people.models import Person
from apps.projects.models import DelegationRule
from tests.factories import ProjectFactory, UserFactory
from tests.ingest.helpers import (
    LIST_EMAIL,
    LIST_ID,
    corpus_file,
    deliver,
    deliver_mbox,
    event_sequence,
    make_mail,
)

pytestmark = pytest.mark.django_db


def diff_text() -> str:
    return corpus_file("diffs", "add-line.diff").read_text()


def patch_mail(msgid="<p1@example.com>", subject="[PATCH] meep", text="Change.", **kw):
    return make_mail(text + "\n\n" + diff_text(), msgid=msgid, subject=subject, **kw)


def reply_mail(parent, msgid="<r1@example.com>", text="Looks fine.", **kw):
    headers = {"In-Reply-To": parent, "References": parent, **kw.pop("headers", {})}
    return make_mail(text, msgid=msgid, subject="Re: meep", headers=headers, **kw)


# --- projects ---------------------------------------------------------------


def test_list_id_header_finds_the_project(test_project):
    raw = patch_mail(headers={"List-Id": f"Test list <{LIST_ID}>"})
    assert ingest_message(raw).obj.project == test_project


def test_later_list_headers_are_tried_when_the_first_names_no_project(test_project):
    raw = patch_mail(
        headers={"List-Id": "<unknown.example.com>", "X-Mailing-List": LIST_ID}
    )
    assert ingest_message(raw).obj.project == test_project


def test_subject_match_routes_mail_of_a_shared_list(test_project):
    tools = ProjectFactory(
        linkname="tools", listid=LIST_ID, subject_match=r"\[PATCH tools\]"
    )
    other = ingest_message(patch_mail(headers={"List-Id": f"<{LIST_ID}>"})).obj
    routed = ingest_message(
        patch_mail(
            msgid="<p2@example.com>",
            subject="[PATCH tools] meep",
            headers={"List-Id": f"<{LIST_ID}>"},
        )
    ).obj
    assert other.project == test_project
    assert routed.project == tools
    # The project's link name is dropped from the name like "PATCH".
    assert routed.name == "meep"


def test_list_id_option_overrides_headers(test_project):
    other = ProjectFactory(linkname="other", listid="other.example.com")
    raw = patch_mail(headers={"List-Id": f"<{LIST_ID}>"})
    assert ingest_message(raw, list_id="other.example.com").obj.project == other


def test_mail_of_an_unknown_list_is_dropped(test_project, caplog):
    result = ingest_message(patch_mail(headers={"List-Id": "<nowhere.example.com>"}))
    assert result.outcome is Outcome.DROPPED
    assert not Patch.objects.exists()
    assert not Person.objects.exists()
    assert "Failed to find a project for email" in caplog.text


def test_ignore_hint_drops_the_mail_before_anything(test_project):
    result = deliver(patch_mail(headers={"X-Patchwork-Hint": "Ignore"}))
    assert result.outcome is Outcome.DROPPED
    assert not Patch.objects.exists()


def test_broken_message_id_is_only_an_error_for_a_known_project(test_project):
    raw = patch_mail(msgid=" ")
    assert ingest_message(raw, list_id="nowhere").outcome is Outcome.DROPPED
    with pytest.raises(Unparseable, match="Broken 'Message-Id' header"):
        deliver(raw)


def test_invalid_from_is_only_an_error_for_a_mail_that_would_be_stored(test_project):
    no_diff = make_mail("Just text.", sender="nobody")
    assert deliver(no_diff).outcome is Outcome.DROPPED
    with pytest.raises(Unparseable, match="Invalid 'From' header"):
        deliver(patch_mail(sender="nobody"))
    assert not Patch.objects.exists()


# --- people -----------------------------------------------------------------


def test_people_match_case_insensitively_and_the_latest_name_wins(test_project):
    deliver(patch_mail(msgid="<a@x>", sender="Alice <Alice@Example.com>"))
    deliver(patch_mail(msgid="<b@x>", sender="Alice Smith <alice@example.COM>"))
    deliver(patch_mail(msgid="<c@x>", sender="alice@example.com"))
    person = Person.objects.get()
    assert (person.name, person.email) == ("Alice Smith", "Alice@Example.com")
    assert set(Patch.objects.values_list("submitter", flat=True)) == {person.pk}


def test_apostrophe_in_the_address_is_accepted(test_project):
    # Upstream rejects it and loses the patch (its bug B12).
    patch = deliver(patch_mail(sender="Pat O'Neil <pat.o'neil@example.com>")).obj
    assert patch.submitter.email == "pat.o'neil@example.com"


def test_bare_list_address_as_sender_is_kept(test_project):
    # Upstream crashes on this DMARC case (its bug B8).
    patch = deliver(patch_mail(sender=LIST_EMAIL)).obj
    assert patch.submitter.email == LIST_EMAIL
    assert patch.submitter.name is None


def test_dmarc_rewritten_sender_is_stored_as_the_real_author(test_project):
    patch = deliver(
        patch_mail(
            sender=f"Real Author via Test <{LIST_EMAIL}>",
            headers={"Reply-To": "Real Author <real@corp.example>"},
        )
    ).obj
    assert (patch.submitter.name, patch.submitter.email) == (
        "Real Author",
        "real@corp.example",
    )


# --- hints: state and delegate ----------------------------------------------


def test_state_header_sets_the_state_and_unknown_states_give_new(test_project):
    accepted = deliver(
        patch_mail(msgid="<a@x>", headers={"X-Patchwork-State": "under review"})
    ).obj
    unknown = deliver(
        patch_mail(msgid="<b@x>", headers={"X-Patchwork-State": "Bogus"})
    ).obj
    assert accepted.state.slug == "under-review"
    assert unknown.state.slug == "new"
    categories = set(Event.objects.values_list("category", flat=True))
    assert "patch-state-changed" not in categories


def test_delegate_header_names_a_user_by_email(test_project):
    maint = UserFactory(email="Maint@Example.com")
    patch = deliver(
        patch_mail(headers={"X-Patchwork-Delegate": "maint@example.com"})
    ).obj
    assert patch.delegate == maint
    assert not Event.objects.filter(category="patch-delegated").exists()


def test_unknown_or_ambiguous_delegate_header_falls_back_to_rules(test_project):
    UserFactory(email="twice@example.com")
    UserFactory(email="Twice@example.com")
    ruled = UserFactory()
    DelegationRule.objects.create(project=test_project, user=ruled, path="greeting.*")
    patch = deliver(
        patch_mail(headers={"X-Patchwork-Delegate": "twice@example.com"})
    ).obj
    assert patch.delegate == ruled


def test_delegation_rules_by_path_and_priority(test_project):
    low, high = UserFactory(), UserFactory()
    DelegationRule.objects.create(project=test_project, user=low, path="*")
    DelegationRule.objects.create(
        project=test_project, user=high, path="greeting.txt", priority=5
    )
    assert deliver(patch_mail()).obj.delegate == high


def test_files_of_different_delegates_give_no_delegate(test_project):
    one, two = UserFactory(), UserFactory()
    DelegationRule.objects.create(project=test_project, user=one, path="greeting.*")
    DelegationRule.objects.create(project=test_project, user=two, path="other/*")
    extra = "--- a/other/x\n+++ b/other/x\n@@ -1 +1 @@\n-a\n+b\n"
    raw = make_mail("Change.\n\n" + diff_text() + extra, subject="[PATCH] two files")
    assert deliver(raw).obj.delegate is None


def test_a_file_matching_no_rule_gives_no_delegate(test_project):
    DelegationRule.objects.create(project=test_project, user=UserFactory(), path="x/*")
    assert deliver(patch_mail()).obj.delegate is None


# --- duplicates -------------------------------------------------------------


def test_a_patch_delivered_twice_is_stored_once(test_project):
    first = deliver(patch_mail())
    second = deliver(patch_mail(sender="Other Name <author@example.com>"))
    assert first.outcome is Outcome.PATCH
    assert second.outcome is Outcome.DUPLICATE
    assert Patch.objects.count() == 1
    # Nothing of the duplicate is kept, not even the sender's new name.
    assert Person.objects.get().name == "Test Author"


def test_a_comment_delivered_twice_is_stored_once(test_project):
    deliver(patch_mail())
    assert deliver(reply_mail("<p1@example.com>")).outcome is Outcome.PATCH_COMMENT
    assert deliver(reply_mail("<p1@example.com>")).outcome is Outcome.DUPLICATE
    assert PatchComment.objects.count() == 1


def test_same_mail_on_two_lists_is_stored_in_both_projects(test_project):
    other = ProjectFactory(linkname="other", listid="other.example.com")
    deliver(patch_mail())
    deliver(patch_mail(), list_id="other.example.com")
    assert Patch.objects.filter(project=other).count() == 1
    assert Patch.objects.filter(project=test_project).count() == 1


# --- classification and comments -------------------------------------------


def test_reply_to_a_reply_finds_the_patch(test_project):
    patch = deliver(patch_mail()).obj
    deliver(reply_mail("<p1@example.com>", msgid="<r1@x>"))
    deliver(reply_mail("<r1@x>", msgid="<r2@x>"))
    assert list(patch.comments.values_list("msgid", flat=True)) == ["<r1@x>", "<r2@x>"]


def test_reply_to_an_unknown_mail_waits_for_it(test_project):
    # Upstream drops it for good; here it waits (see test_order_independence).
    assert deliver(reply_mail("<unknown@x>")).outcome is Outcome.WAITING
    assert not PatchComment.objects.exists()


def test_unthreaded_mail_without_diff_is_dropped(test_project):
    assert deliver(make_mail("Hello list.")).outcome is Outcome.DROPPED


def test_non_reply_without_diff_threaded_under_a_patch_is_a_comment(test_project):
    deliver(patch_mail())
    raw = make_mail(
        "A note.",
        msgid="<note@x>",
        subject="[PATCH 1/2] note",
        headers={"In-Reply-To": "<p1@example.com>"},
    )
    assert deliver(raw).outcome is Outcome.PATCH_COMMENT


def test_non_reply_with_diff_threaded_under_a_patch_is_a_new_patch(test_project):
    first = deliver(patch_mail()).obj
    second = deliver(
        patch_mail(
            msgid="<p2@example.com>", headers={"In-Reply-To": "<p1@example.com>"}
        )
    ).obj
    assert second.series != first.series


def test_reply_to_a_cover_is_a_cover_comment(test_project):
    deliver_mbox(corpus_file("series", "cover-letter.mbox"))
    cover = Cover.objects.get()
    result = deliver(reply_mail(cover.msgid))
    assert result.outcome is Outcome.COVER_COMMENT
    assert CoverComment.objects.get().cover == cover


def test_reply_to_v2_cover_mentioning_a_v1_patch_lands_on_that_patch(test_project):
    # Upstream's quirk Q1: patches are searched first across all references.
    deliver_mbox(corpus_file("series", "revision-threaded-to-patch.mbox"))
    v1_patch = Patch.objects.filter(series__version=1).get(number=2)
    v2_cover = Cover.objects.get(series__version=2)
    raw = make_mail(
        "Thanks",
        msgid="<q1@x>",
        subject="Re: x",
        headers={
            "In-Reply-To": v2_cover.msgid,
            "References": f"{v1_patch.msgid} {v2_cover.msgid}",
        },
    )
    assert deliver(raw).outcome is Outcome.PATCH_COMMENT
    assert PatchComment.objects.get().patch == v1_patch


def test_threaded_cover_whose_name_exists_elsewhere_is_handled_as_a_reply(test_project):
    other = ProjectFactory(linkname="other", listid="other.example.com")
    cover_name_mail = make_mail(
        "Cover text", msgid="<c-other@x>", subject="[PATCH 0/2] Same name"
    )
    deliver(cover_name_mail, list_id=other.listid)
    deliver(patch_mail())
    threaded = make_mail(
        "Cover text",
        msgid="<c-test@x>",
        subject="[PATCH 0/2] Same name",
        headers={"In-Reply-To": "<p1@example.com>"},
    )
    # Upstream compares names across all projects (bug B3, classification kept).
    assert deliver(threaded).outcome is Outcome.PATCH_COMMENT
    assert not Cover.objects.filter(project=test_project).exists()


def test_action_required_header_on_comments(test_project):
    deliver(patch_mail())
    deliver_mbox(corpus_file("series", "cover-letter.mbox"))
    cover = Cover.objects.get()
    header = {"X-Patchwork-Action-Required": ""}
    deliver(reply_mail("<p1@example.com>", msgid="<a1@x>", headers=header))
    deliver(reply_mail("<p1@example.com>", msgid="<a2@x>"))
    deliver(reply_mail(cover.msgid, msgid="<a3@x>", headers=header))
    addressed = dict(PatchComment.objects.values_list("msgid", "addressed"))
    assert addressed == {"<a1@x>": False, "<a2@x>": None}
    # Upstream leaves cover comments null here (its bug B5).
    assert CoverComment.objects.get().addressed is False


# --- tags -------------------------------------------------------------------


def tag_counts(patch) -> dict[str, int]:
    return {
        tag.name: count
        for tag, count in (
            (pt.tag, pt.count) for pt in patch.patchtag_set.select_related("tag")
        )
    }


def test_tags_count_patch_content_and_every_comment(test_project):
    patch = deliver(
        patch_mail(text="Change.\n\nAcked-by: A <a@x>\nacked-by: B <b@x>")
    ).obj
    assert tag_counts(patch) == {"Acked-by": 2}
    deliver(reply_mail(patch.msgid, msgid="<r1@x>", text="Reviewed-by: R <r@x>"))
    deliver(
        reply_mail(
            patch.msgid,
            msgid="<r2@x>",
            text="> Acked-by: quoted <q@x>\nTested-by: T <t@x>\nReviewed-by: R <r@x>",
        )
    )
    assert tag_counts(patch) == {"Acked-by": 2, "Reviewed-by": 2, "Tested-by": 1}


def test_tags_in_the_diff_do_not_count(test_project):
    raw = make_mail(
        "Change.\n\n" + diff_text() + "+Acked-by: in the diff\n", subject="[PATCH] x"
    )
    assert tag_counts(deliver(raw).obj) == {}


def test_projects_without_tags_get_no_counts(test_project):
    test_project.use_tags = False
    test_project.save()
    patch = deliver(patch_mail(text="Acked-by: A <a@x>")).obj
    deliver(reply_mail(patch.msgid, text="Reviewed-by: R <r@x>"))
    assert tag_counts(patch) == {}


def test_cover_letters_and_their_comments_count_only_where_the_project_says(
    test_project,
):
    # Upstream never counts them; patchserver counts a cover letter's
    # replies for its patches unless the project turns that off (a
    # Deviation, tests/ingest/test_cover_tags.py).
    test_project.cover_tags = False
    test_project.save()
    deliver_mbox(corpus_file("series", "cover-letter.mbox"))
    cover = Cover.objects.get()
    deliver(reply_mail(cover.msgid, text="Acked-by: A <a@x>"))
    assert not any(tag_counts(p) for p in Patch.objects.all())


def test_tag_definitions_come_from_the_database(test_project):
    Tag.objects.create(name="Nacked-by", pattern="^Nacked-by:", abbrev="N")
    patch = deliver(patch_mail(text="Nacked-by: N <n@x>")).obj
    assert tag_counts(patch) == {"Nacked-by": 1}


# --- events -----------------------------------------------------------------


def test_events_of_a_single_patch_in_upstream_order(test_project):
    deliver(patch_mail())
    assert event_sequence(test_project) == ["PC", "SC", "PCo", "SCo"]
    assert not Event.objects.exclude(actor=None).exists()


def test_events_of_a_covered_series_in_order(test_project):
    deliver_mbox(corpus_file("series", "cover-letter.mbox"))
    assert event_sequence(test_project) == ["SC", "CC", "PC", "PCo", "PC", "PCo", "SCo"]


def test_out_of_order_patches_complete_in_number_order(test_project):
    deliver_mbox(corpus_file("series", "out-of-order.mbox"))
    completed = Event.objects.filter(category="patch-completed").order_by("id")
    assert [e.patch.number for e in completed] == [1, 2]


def test_comment_events_carry_parent_and_comment(test_project):
    patch = deliver(patch_mail()).obj
    comment = deliver(reply_mail(patch.msgid)).obj
    event = Event.objects.get(category="patch-comment-created")
    assert (event.patch, event.patch_comment) == (patch, comment)


def test_zero_numbered_patch_leaves_an_empty_series(test_project):
    # Upstream's bug B2, kept for compatible counts.
    patch = deliver(patch_mail(subject="[PATCH 0/2] cover with a diff")).obj
    assert patch.series is None
    assert patch.number is None
    series = Series.objects.get()
    assert series.name is None
    assert not series.patches.exists()
    assert event_sequence(test_project) == ["PC", "SC"]


# --- fixed upstream bugs ----------------------------------------------------


def test_over_long_pull_url_is_cut_and_the_mail_kept(test_project):
    # Upstream fails on the column limit and loses the mail (its bug B6).
    url = "git://git.example.org/" + "x" * 300 + ".git"
    text = (
        "The following changes since commit 1234:\n\n  x\n\n"
        f"are available in the git repository at:\n\n  {url} main\n"
    )
    patch = deliver(make_mail(text, subject="[GIT PULL] big")).obj
    assert patch.pull_url == (url + " main")[:255]
    assert url in patch.content


def test_mail_without_date_is_dated_now_in_utc(test_project):
    # Upstream mixes local and UTC clocks (its bug B7).
    raw = patch_mail().replace(b"Date: Mon, 01 Jan 2024 12:00:00 +0000\n", b"")
    before = timezone.now()
    patch = deliver(raw).obj
    patch.refresh_from_db()
    assert before - dt.timedelta(seconds=1) <= patch.date <= timezone.now()
    event = Event.objects.get(category="patch-created")
    assert abs(event.date - patch.date) < dt.timedelta(seconds=5)


def test_nul_bytes_are_removed_from_everything_stored(test_project):
    raw = patch_mail(text="Has a \x00 NUL.", subject="[PATCH] nul\x00name")
    patch = deliver(raw).obj
    patch.refresh_from_db()
    for text in (patch.name, patch.content, patch.headers, patch.diff):
        assert "\x00" not in text


def test_archive_context_remembers_committed_people(
    test_project, django_capture_on_commit_callbacks
):
    context = IngestContext()

    def load(msgid, sender):
        with django_capture_on_commit_callbacks(execute=True):
            return ingest_message(
                patch_mail(msgid=msgid, sender=sender), list_id=LIST_ID, context=context
            ).obj

    first = load("<a@x>", "Alice <alice@example.com>")
    assert context._people == {"alice@example.com": first.submitter_id}
    assert context._names == {first.submitter_id: "Alice"}
    second = load("<b@x>", "Alice Smith <alice@example.com>")
    third = load("<c@x>", "alice@example.com")
    assert first.submitter_id == second.submitter_id == third.submitter_id
    assert Person.objects.get().name == "Alice Smith"
    assert context._names[first.submitter_id] == "Alice Smith"


def test_archive_context_forgets_people_of_a_rolled_back_mail(test_project):
    context = IngestContext()

    def failing_mail():
        with transaction.atomic():
            context.person("bob@example.com", "Bob")
            raise RuntimeError("the mail's transaction fails")

    with pytest.raises(RuntimeError):
        failing_mail()
    assert context._people == {}
    assert not Person.objects.exists()
    context.begin()  # the next transaction does not trust the failed one
    bob = context.person("bob@example.com", "Bob")
    assert Person.objects.get().pk == bob.pk
