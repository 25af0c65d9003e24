"""Writes to accounts."""

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Lower
from rest_framework.authtoken.models import Token

from apps.people.models import Person, User


def api_token_get_or_create(*, user: User) -> str:
    """Return the user's REST API token, creating one if the user has none."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


@transaction.atomic
def api_token_regenerate(*, user: User) -> str:
    """Replace the user's REST API token by a new one and return it."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


def _person_by_email(email: str) -> Person | None:
    # Compare through LOWER() on both sides so the lookup uses the unique
    # index on Lower("email") (``email__iexact`` compiles to UPPER()/LIKE,
    # which scans the table).
    return (
        Person.objects.alias(email_lower=Lower("email"))
        .filter(email_lower=Lower(Value(email)))
        .first()
    )


def person_get_or_create(*, email: str, name: str | None) -> Person:
    """Return the person with address ``email`` (any case), creating it if new.

    The stored address keeps the spelling first seen. A non-empty ``name``
    that differs from the stored one replaces it (the latest name wins); an
    empty or missing name never clears it. Safe against a concurrent
    delivery creating the same person: the insert is skipped on conflict and
    the row re-read.
    """
    person = _person_by_email(email)
    if person is None:
        Person.objects.bulk_create(
            [Person(email=email, name=name)], ignore_conflicts=True
        )
        person = _person_by_email(email)
        if person is None:  # pragma: no cover - the row exists by now
            raise Person.DoesNotExist(email)
        return person
    if name and name != person.name:
        person.name = name
        person.save(update_fields=["name"])
    return person


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
