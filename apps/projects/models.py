"""Projects (one per mailing list, or per subject filter on a list)."""

from django.conf import settings
from django.db import models

from apps.projects.validators import validate_regex


class Project(models.Model):
    """A mailing list whose patches are tracked.

    Field names follow upstream's database (``linkname``, ``listid``,
    ``listemail``); the API exposes them as ``link_name``, ``list_id`` and
    ``list_email``.
    """

    linkname = models.SlugField(max_length=255, unique=True)
    name = models.CharField(max_length=255, unique=True)
    listid = models.CharField("List ID", max_length=255)
    listemail = models.CharField("List email", max_length=200)
    subject_match = models.CharField(
        max_length=64,
        blank=True,
        default="",
        validators=[validate_regex],
        help_text=(
            "Regular expression matched against the subject to route mail of a "
            "shared list to this project; empty for the list's default project."
        ),
    )
    web_url = models.CharField(max_length=2000, blank=True)
    scm_url = models.CharField(max_length=2000, blank=True)
    webscm_url = models.CharField(max_length=2000, blank=True)
    list_archive_url = models.CharField(max_length=2000, blank=True)
    list_archive_url_format = models.CharField(
        max_length=2000,
        blank=True,
        help_text="Archive URL of a message; {} is replaced by its Message-ID.",
    )
    commit_url_format = models.CharField(
        max_length=2000,
        blank=True,
        help_text="URL of a commit; {} is replaced by the commit hash.",
    )
    maintainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="maintained_projects"
    )
    send_notifications = models.BooleanField(default=False)
    use_tags = models.BooleanField(default=True)
    show_dependencies = models.BooleanField(
        default=False, help_text="Track and show series dependencies (Depends-on:)."
    )
    supersede_old_versions = models.BooleanField(
        default=False,
        help_text=(
            "When a new version of a series arrives, move the patches of the "
            "older version that still need action to Superseded."
        ),
    )
    cover_tags = models.BooleanField(
        default=True,
        help_text=(
            "Count review tags (Acked-by, ...) given in replies to a cover "
            "letter for every patch of its series, and add them to mboxes."
        ),
    )

    class Meta:
        ordering = ["linkname"]
        constraints = [
            models.UniqueConstraint(
                fields=["listid", "subject_match"], name="project_list_subject_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DelegationRule(models.Model):
    """Delegate patches touching files matching ``path`` to ``user``."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="delegation_rules"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    path = models.CharField(
        max_length=255, help_text="Shell glob matched against changed file paths."
    )
    priority = models.IntegerField(
        default=0, help_text="Rules with a higher priority are tried first."
    )

    class Meta:
        ordering = ["-priority", "path"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "path"], name="delegation_rule_path_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} -> {self.user}"
