from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.people.models import User
from apps.projects.services import project_create_or_update

# option name -> Project field
OPTIONAL_FIELDS = {
    "subject_match": "subject_match",
    "web_url": "web_url",
    "scm_url": "scm_url",
    "webscm_url": "webscm_url",
    "list_archive_url": "list_archive_url",
    "list_archive_url_format": "list_archive_url_format",
    "commit_url_format": "commit_url_format",
}


class Command(BaseCommand):
    help = (
        "Create a project, or update the project with this link name. "
        "On update only the options given change; maintainers are added."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--linkname", required=True, help="slug used in URLs")
        parser.add_argument("--name", help="display name (required to create)")
        parser.add_argument(
            "--list-id", dest="listid", help="the list's List-Id (required to create)"
        )
        parser.add_argument(
            "--list-email",
            dest="listemail",
            help="the list's posting address (required to create)",
        )
        parser.add_argument("--subject-match", help="regex routing list mail here")
        parser.add_argument("--web-url")
        parser.add_argument("--scm-url")
        parser.add_argument("--webscm-url")
        parser.add_argument("--list-archive-url")
        parser.add_argument(
            "--list-archive-url-format", help="archive URL of a message; {} = msgid"
        )
        parser.add_argument("--commit-url-format", help="URL of a commit; {} = hash")
        parser.add_argument(
            "--maintainer",
            action="append",
            default=[],
            metavar="USERNAME",
            help="add a maintainer (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        maintainers = []
        for username in options["maintainer"]:
            try:
                maintainers.append(User.objects.get(username=username))
            except User.DoesNotExist:
                raise CommandError(f"No user named {username!r}.") from None
        fields = {name: options[name] for name in ("name", "listid", "listemail")}
        fields |= {field: options[opt] for opt, field in OPTIONAL_FIELDS.items()}
        try:
            project, created = project_create_or_update(
                linkname=options["linkname"], maintainers=maintainers, **fields
            )
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} project {project.linkname} ({project.name})")


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)
