"""Set up a local demo instance: an admin account and a demo project."""

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.demo.mails import demo_mails
from apps.ingest.context import IngestContext
from apps.ingest.services import ingest_message
from apps.patches.models import Cover, CoverComment, Patch, PatchComment, Series
from apps.people.models import User
from apps.projects.models import Project
from apps.projects.services import project_create_or_update

DEMO_PROJECT = {
    "linkname": "demo",
    "name": "Demo Project",
    "listid": "demo.lists.example.org",
    "listemail": "demo@lists.example.org",
    "web_url": "https://example.org/demo/",
    "list_archive_url": "https://lists.example.org/demo/",
    "list_archive_url_format": "https://lists.example.org/demo/{}/",
}


@dataclass(frozen=True)
class DemoAdmin:
    username: str
    # None when the account existed before and its password is not known.
    password: str | None


def _credentials_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-admin.txt"


@transaction.atomic
def demo_admin_get_or_create() -> DemoAdmin:
    """Create the demo superuser once; later calls return the same credentials.

    The username and password come from ``PATCHSERVER_ADMIN_USER`` and
    ``PATCHSERVER_ADMIN_PASSWORD`` when set; otherwise the account is
    ``admin`` with a random password, remembered in the data folder (readable
    by its owner only) so that every ``make run`` can print it again.
    """
    username = os.environ.get("PATCHSERVER_ADMIN_USER", "admin")
    stored = _credentials_file()
    user = User.objects.filter(username=username).first()
    if user is not None:
        if stored.exists():
            saved_user, _, saved_password = stored.read_text().strip().partition(":")
            if saved_user == username and user.check_password(saved_password):
                return DemoAdmin(username, saved_password)
        return DemoAdmin(username, None)
    password = os.environ.get("PATCHSERVER_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    User.objects.create_superuser(
        username=username, email=f"{username}@example.org", password=password
    )
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_text(f"{username}:{password}\n")
    stored.chmod(0o600)
    return DemoAdmin(username, password)


def demo_project_get_or_create(*, maintainer: User) -> Project:
    """Create the demo project (once) with ``maintainer`` among its maintainers."""
    existing = Project.objects.filter(linkname=DEMO_PROJECT["linkname"]).first()
    if existing is not None:
        existing.maintainers.add(maintainer)
        return existing
    fields = {key: value for key, value in DEMO_PROJECT.items() if key != "linkname"}
    project, _ = project_create_or_update(
        linkname=DEMO_PROJECT["linkname"], maintainers=[maintainer], **fields
    )
    return project


@dataclass(frozen=True)
class DemoMail:
    """What the demo project holds after loading the demo list's mail."""

    patches: int
    covers: int
    comments: int
    series: int


def demo_mail_load(*, project: Project) -> DemoMail:
    """Deliver the demo mailing list's mail into ``project`` through mail ingest.

    Mail already stored is recognised as a duplicate, so loading again adds
    nothing. Returns what the project holds afterwards.
    """
    context = IngestContext()
    ingest_log = logging.getLogger("apps.ingest")
    previous = ingest_log.level
    # Loading again reports every mail as a duplicate: expected, not news.
    ingest_log.setLevel(logging.ERROR)
    try:
        for raw in demo_mails():
            ingest_message(raw, list_id=project.listid, context=context)
    finally:
        ingest_log.setLevel(previous)
    return DemoMail(
        patches=Patch.objects.filter(project=project).count(),
        covers=Cover.objects.filter(project=project).count(),
        comments=PatchComment.objects.filter(patch__project=project).count()
        + CoverComment.objects.filter(cover__project=project).count(),
        series=Series.objects.filter(project=project).count(),
    )
