"""Named reads of accounts and mail identities."""

from django.db.models import QuerySet

from apps.people.models import Person, User


def user_list() -> QuerySet[User]:
    return User.objects.order_by("id")


def person_list() -> QuerySet[Person]:
    """Return people with their linked accounts, ordered by id."""
    return Person.objects.select_related("user").order_by("id")
