"""Review tags given in reply to a cover letter count for every patch of its series."""

import pytest
from django.core.management import call_command

from apps.patches import mbox
from apps.patches.models import Patch, PatchTag
from apps.patches.selectors import patch_mbox_queryset
from tests.ingest.helpers import deliver, make_mail
from tests.ingest.test_version_links import series_mails

pytestmark = pytest.mark.django_db

ACK = "Acked-by: Ann Reviewer <ann@example.com>"


def cover_reply(msgid: str = "<ack@x>", body: str = f"Nice.\n\n{ACK}\n") -> bytes:
    return make_mail(
        body,
        msgid=msgid,
        subject="Re: [PATCH 0/2] fix leak",
        sender="Ann Reviewer <ann@example.com>",
        headers={"In-Reply-To": "<a-0@x>", "References": "<a-0@x>"},
    )


def acks() -> dict[str, int]:
    rows = PatchTag.objects.filter(tag__name="Acked-by").values_list(
        "patch__msgid", "count"
    )
    return {msgid.strip("<>"): count for msgid, count in rows}


def test_an_ack_on_the_cover_counts_for_every_patch(test_project):
    cover, first, second = series_mails("a", "fix leak")
    for raw in (cover, first, cover_reply(), second):
        deliver(raw)
    # The patch that came after the reply counts it as well.
    assert acks() == {"a-1@x": 1, "a-2@x": 1}


def test_in_any_order(test_project):
    cover, first, second = series_mails("a", "fix leak")
    for raw in (cover_reply(), second, first, cover):
        deliver(raw)
    assert acks() == {"a-1@x": 1, "a-2@x": 1}


def test_counts_add_up_with_replies_to_the_patch(test_project):
    cover, first, second = series_mails("a", "fix leak")
    patch_reply = make_mail(
        ACK,
        msgid="<p-ack@x>",
        subject="Re: fix leak part 1",
        headers={"In-Reply-To": "<a-1@x>", "References": "<a-0@x> <a-1@x>"},
    )
    for raw in (cover, first, second, cover_reply(), patch_reply):
        deliver(raw)
    assert acks() == {"a-1@x": 2, "a-2@x": 1}
    call_command("retag", verbosity=0)
    assert acks() == {"a-1@x": 2, "a-2@x": 1}


def test_projects_can_turn_it_off(test_project):
    test_project.cover_tags = False
    test_project.save()
    for raw in (*series_mails("a", "fix leak"), cover_reply()):
        deliver(raw)
    assert acks() == {}
    call_command("retag", verbosity=0)
    assert acks() == {}
    patch = patch_mbox_queryset().get(msgid="<a-1@x>")
    assert ACK not in mbox.patch_to_mail(patch)


def test_mboxes_carry_the_cover_tags_like_b4(test_project, django_assert_num_queries):
    for raw in (*series_mails("a", "fix leak"), cover_reply()):
        deliver(raw)
    with django_assert_num_queries(3):
        patches = list(patch_mbox_queryset().filter(series__isnull=False))
    for patch in patches:
        mail = mbox.patch_to_mail(patch)
        message, _, diff = mail.partition("\n---\n")
        assert ACK in message
        assert ACK not in diff
    assert Patch.objects.count() == 2
