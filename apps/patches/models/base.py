"""Fields shared by everything stored from a mail."""

from django.db import models
from django.utils import timezone

from apps.people.models import Person


class EmailMixin(models.Model):
    """A stored mail: identity, date, raw header block, sender and body."""

    # Message-ID with its angle brackets, truncated to 255 characters.
    msgid = models.CharField(max_length=255)
    # The mail's Date: in UTC; the server clock when the mail has none.
    date = models.DateTimeField(default=timezone.now)
    # The header block as received ("Name: value" lines, folding kept).
    headers = models.TextField(blank=True)
    submitter = models.ForeignKey(Person, on_delete=models.PROTECT)
    # The body without the diff; null only for rows not created by ingest.
    content = models.TextField(null=True, blank=True)  # noqa: DJ001

    class Meta:
        abstract = True


class Submission(EmailMixin):
    """A top-level mail of a project: a patch or a cover letter."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE)
    # The cleaned subject (prefixes normalised), see apps.ingest.
    name = models.CharField(max_length=255)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name
