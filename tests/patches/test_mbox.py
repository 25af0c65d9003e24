"""mbox generation (apps/patches/mbox.py) on its own: headers, body, file names.

The download tests check what clients get over HTTP; these pin the edge
cases of the mail text itself, including hostile text from mail.
"""

import datetime as dt
from email.parser import Parser

import pytest

from apps.patches.mbox import download_filename, patch_to_mail
from tests.factories import PatchCommentFactory, PatchFactory, PersonFactory
from tests.hostile import HEADER

pytestmark = pytest.mark.django_db


def split(mail: str) -> tuple[list[str], str]:
    head, _, body = mail.partition("\n\n")
    return head.split("\n"), body


def test_review_tags_go_before_the_first_separator_only(project):
    patch = PatchFactory(
        project=project,
        content="Message.\n---\nnotes\n---\nmore notes",
        diff="--- a/x\n+++ b/x\n",
    )
    PatchCommentFactory(patch=patch, content="Acked-by: Ann <ann@example.com>")
    _, body = split(patch_to_mail(patch))
    assert body == (
        "Message.\nAcked-by: Ann <ann@example.com>\n---\nnotes\n---\nmore notes\n"
        "\n--- a/x\n+++ b/x\n"
    )


def test_a_patch_without_text_is_its_diff(project):
    patch = PatchFactory(project=project, content=None, diff="--- a/x\n+++ b/x\n")
    _, body = split(patch_to_mail(patch))
    assert body == "\n\n--- a/x\n+++ b/x\n"


def test_a_submitter_without_a_name_is_the_bare_address(project):
    patch = PatchFactory(
        project=project, submitter=PersonFactory(name=None, email="anon@example.com")
    )
    head, _ = split(patch_to_mail(patch))
    assert "X-Patchwork-Submitter: anon@example.com" in head


def test_the_separator_line_is_the_mail_date_in_utc(project):
    patch = PatchFactory(
        project=project,
        date=dt.datetime(
            2024, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))
        ),
    )
    patch.refresh_from_db()
    head, _ = split(patch_to_mail(patch))
    assert head[0] == "From patchwork Sat Mar  2 04:30:00 2024"


def test_long_non_ascii_headers_are_encoded_and_folded(project):
    subject = "é" * 60 + " fix"
    patch = PatchFactory(project=project, headers=f"Subject: {subject}")
    mail = patch_to_mail(patch)
    head, _ = mail.split("\n\n", 1)
    assert all(len(line) <= 78 for line in head.split("\n")[1:]), head
    assert mail.isascii()
    parsed = Parser().parsestr(mail)
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(parsed["Subject"]))) == subject


def test_a_folded_non_ascii_header_is_encoded_as_one_value(project):
    # The mail's own fold is undone before encoding: the encoder folds
    # where encoded words allow (here nowhere: the value is short).
    patch = PatchFactory(
        project=project, headers="Subject: caf\u00e9\n d\u00e9j\u00e0 vu"
    )
    head, _ = split(patch_to_mail(patch))
    assert "Subject: =?utf-8?b?Y2Fmw6kgZMOpasOgIHZ1?=" in head


def test_line_breaks_in_names_cannot_add_headers_or_mails(project):
    """A name decoded from RFC 2047 may hold line breaks: they stay inside."""
    patch = PatchFactory(
        project=project,
        submitter=PersonFactory(name=HEADER, email="m@example.com"),
        headers=f"Subject: ok\nX-Evil: {HEADER.splitlines()[0]}",
    )
    mail = patch_to_mail(patch)
    head, _ = split(mail)
    assert not any(line.startswith("X-Injected") for line in head)
    assert not any(line.startswith("From evil") for line in mail.splitlines()[1:])
    parsed = Parser().parsestr(mail)
    assert parsed["X-Injected"] is None
    flat = HEADER.replace("\r\n", " ").replace("\n", " ")
    assert f'X-Patchwork-Submitter: "{flat}" <m@example.com>' in head


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("[v2,1/3] X-ray: fix it!", "v2-1-3-X-ray-fix-it"),
        ("-already-dashed-", "already-dashed"),
        ("Xen: fix X", "Xen-fix-X"),
        ("über/../../etc", "ber-..-..-etc"),
    ],
)
def test_download_file_names(text, name):
    assert download_filename(text) == name
