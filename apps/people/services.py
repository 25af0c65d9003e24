"""Writes to accounts."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from apps.people.models import User


def api_token_get_or_create(*, user: User) -> str:
    """Return the user's REST API token, creating one if the user has none."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


@transaction.atomic
def api_token_regenerate(*, user: User) -> str:
    """Replace the user's REST API token by a new one and return it."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key
