from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.api.tokens import api_token_get_or_create
from apps.people.models import User


class Command(BaseCommand):
    help = (
        "Print a user's REST API token, creating it if needed. The token is "
        "printed alone on stdout so scripts can capture it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        self.stdout.write(api_token_get_or_create(user=user))
