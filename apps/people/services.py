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


# Account fields a user may change on their own account.
SELF_EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "send_email",
    "items_per_page",
    "show_ids",
)


@transaction.atomic
def user_update(*, user: User, **fields: str | int | bool) -> User:
    """Change the names and profile settings of ``user``; return it.

    Only names in ``SELF_EDITABLE_FIELDS`` are accepted (``TypeError``
    otherwise); the username and e-mail address are not changed here.
    """
    unknown = set(fields) - set(SELF_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not a self-editable field: {', '.join(sorted(unknown))}")
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.save(update_fields=changed)
    return user
