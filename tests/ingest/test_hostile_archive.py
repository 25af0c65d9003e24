"""2,000 hostile mails through ``parsearchive``: nothing crashes, nothing is lost.

The small version of ``bench/hostile/run.py`` (same generator, fixed seed):
no traceback, no mail stopped by the processor-time limit, and every mail
stored, dropped (duplicate, no project, nothing to store), waiting for the
mail it answers or kept in the failed-mail folder, the counts adding up to
the number of mails.
"""

import io
import logging
import mailbox
import re

import pytest
from django.core.management import call_command

from apps.ingest.models import PendingMail
from apps.patches.models import Cover, CoverComment, Patch, PatchComment
from tests.factories import ProjectFactory
from tests.ingest import hostile_mail

MAILS = 2_000
COUNTED = (
    "cover letters",
    "patches",
    "comments",
    "duplicates",
    "dropped",
    "waiting",
    "errors",
)


def summary_counts(output: str) -> dict[str, int]:
    return {
        label: int(re.search(rf"^\s*(\d+) {label}$", output, re.M).group(1))
        for label in COUNTED
    }


@pytest.mark.django_db
def test_hostile_archive_loses_nothing(settings, tmp_path, caplog):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    settings.INGEST_MAIL_TIME_LIMIT = 10
    ProjectFactory(linkname="hostile", listid=hostile_mail.LIST_ID)
    archive = hostile_mail.write_mbox(tmp_path / "hostile.mbox", MAILS, scale=0.1)
    out = io.StringIO()
    with caplog.at_level(logging.WARNING):
        call_command("parsearchive", str(archive), stdout=out)
    counts = summary_counts(out.getvalue())
    assert sum(counts.values()) == MAILS, counts
    assert f"Processed {MAILS} messages" in out.getvalue()

    stored = (
        Patch.objects.count()
        + Cover.objects.count()
        + PatchComment.objects.count()
        + CoverComment.objects.count()
    )
    assert stored == counts["cover letters"] + counts["patches"] + counts["comments"]
    assert PendingMail.objects.count() == counts["waiting"]
    assert PendingMail.objects.count() == counts["waiting"]
    folder = mailbox.Maildir(tmp_path / "failed", factory=None, create=False)
    assert len(folder) == counts["errors"]
    # Every kind of mail ends somewhere: some of each outcome.
    assert min(counts["patches"], counts["comments"], counts["errors"]) > 0
    assert counts["duplicates"] > 0

    assert not [record for record in caplog.records if record.exc_info]
    assert "Traceback" not in caplog.text
    assert "processor time" not in caplog.text
    contents = Patch.objects.values_list("content", "diff")
    assert not [pair for pair in contents if "\x00" in "".join(filter(None, pair))]
