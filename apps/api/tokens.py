"""REST API tokens: the key a client such as git-pw or a CI bot signs in with.

Tokens are Django REST framework's model, so they belong to the API rather
than to the people domain, which knows nothing of the API.
"""

from django.db import transaction
from rest_framework.authtoken.models import Token

from apps.people.models import User


def api_token_key(user: User) -> str | None:
    """Return the user's REST API token, or None if they have none."""
    return Token.objects.filter(user=user).values_list("key", flat=True).first()


def api_token_get_or_create(*, user: User) -> str:
    """Return the user's REST API token, creating one if the user has none."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


@transaction.atomic
def api_token_regenerate(*, user: User) -> str:
    """Replace the user's REST API token by a new one and return it."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key
