"""Named reads of accounts and mail identities."""

from django.db.models import Q, QuerySet

from apps.people.models import Person, User


def user_list() -> QuerySet[User]:
    return User.objects.order_by("id")


def person_list() -> QuerySet[Person]:
    """Return people with their linked accounts, ordered by id."""
    return Person.objects.select_related("user").order_by("id")


def delegate_filter_choices() -> list[User]:
    """Return every user who maintains some project, once each."""
    return list(
        User.objects.filter(maintained_projects__isnull=False)
        .distinct()
        .order_by("username")
    )


def project_delegate_choices(project_id: int) -> list[User]:
    """Return the users a patch of the project may be delegated to."""
    return list(
        User.objects.filter(maintained_projects=project_id).order_by("username")
    )


def person_get(person_id: int) -> Person | None:
    return Person.objects.filter(pk=person_id).first()


def user_persons(user: User) -> list[Person]:
    return list(Person.objects.filter(user=user).order_by("email"))


def submitter_search(query: str, limit: int) -> list[Person]:
    people = Person.objects.filter(
        Q(name__icontains=query) | Q(email__icontains=query)
    ).order_by("name", "email")
    return list(people[:limit])


def submitter_search_by_name(query: str, limit: int) -> list[Person]:
    people = Person.objects.filter(name__icontains=query).order_by("name", "email")
    return list(people[:limit])


def user_search(query: str, limit: int) -> list[User]:
    users = User.objects.filter(
        Q(username__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
    ).order_by("username")
    return list(users[:limit])


def user_get(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def person_name_matches(text: str) -> bool:
    """Return whether some person's name contains ``text`` (any case)."""
    return Person.objects.filter(name__icontains=text).exists()


def username_matches(text: str) -> bool:
    """Return whether some username contains ``text`` (any case)."""
    return User.objects.filter(username__icontains=text).exists()


def username_taken(username: str) -> bool:
    """Return whether an account has this username, in any case."""
    return User.objects.filter(username__iexact=username).exists()


def address_owner(email: str) -> User | None:
    """Return the account using ``email``: as its own address, else a linked one."""
    return (
        User.objects.filter(email__iexact=email).first()
        or User.objects.filter(persons__email__iexact=email).first()
    )
