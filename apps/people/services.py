"""Writes to accounts."""

import datetime as dt
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone

from apps.mail_headers import header_value
from apps.people.exceptions import CannotUnlink, MailNotSent
from apps.people.models import (
    MAX_ITEMS_PER_PAGE,
    EmailConfirmation,
    Person,
    User,
)
from apps.people.names import clean_name, validate_name


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
    the row re-read. Control characters in ``name`` (from mail) are cleaned
    out rather than refused, so the mail is not lost for them.
    """
    name = clean_name(name)
    person = _person_by_email(email)
    if person is None:
        Person.objects.bulk_create(
            [Person(email=email, name=name)], ignore_conflicts=True
        )
        person = _person_by_email(email)
        if person is None:  # pragma: no cover - the row exists by now
            raise Person.DoesNotExist(email)
        return person
    return person_name_seen(person=person, name=name)


def person_name_seen(*, person: Person, name: str | None) -> Person:
    """Record that ``person`` sent mail as ``name``: the latest name wins.

    A non-empty name that differs from the stored one (``person.name``, as
    the caller read it) replaces it; an empty or missing one never clears it.
    """
    name = clean_name(name)
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
    Raises ``ValidationError`` for a name holding a control character.
    """
    unknown = set(fields) - set(SELF_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not a self-editable field: {', '.join(sorted(unknown))}")
    if "items_per_page" in fields:
        _check_page_size(fields["items_per_page"])
    for name in ("first_name", "last_name"):
        if name in fields:
            validate_name(str(fields[name]))
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.save(update_fields=changed)
    return user


# --- Confirmation mails -------------------------------------------------------
# Registration, address linking and mail opt-out/opt-in are each confirmed by
# a link mailed to the address concerned (/confirm/<key>/).

_CONFIRMATION_MAILS: dict[str, tuple[str, str]] = {
    EmailConfirmation.Type.REGISTRATION: (
        "Patchwork account confirmation",
        "mail/registration-confirmation.txt",
    ),
    EmailConfirmation.Type.USERPERSON: (
        "Patchwork email address confirmation",
        "mail/user-link-confirmation.txt",
    ),
    EmailConfirmation.Type.OPTOUT: (
        "Patchwork opt-out request",
        "mail/optout-request.txt",
    ),
    EmailConfirmation.Type.OPTIN: (
        "Patchwork opt-in request",
        "mail/optin-request.txt",
    ),
}


def confirmation_create(
    *, type: str, email: str, user: User | None = None
) -> EmailConfirmation:
    """Store a new active confirmation (its key comes from a secure RNG)."""
    return EmailConfirmation.objects.create(type=type, email=email, user=user)


def confirmation_send(*, confirmation: EmailConfirmation, base_url: str) -> None:
    """Mail the confirmation link to its address.

    ``base_url`` is ``scheme://host`` of the site. Raises ``MailNotSent``
    when the mail server refuses or cannot be reached; the confirmation is
    kept either way (expired ones are purged later).
    """
    subject, template = _CONFIRMATION_MAILS[confirmation.type]
    body = render_to_string(
        template,
        {
            "confirmation": confirmation,
            "confirm_url": f"{base_url}/confirm/{confirmation.key}/",
            "base_url": base_url,
            "user": confirmation.user,
            "validity_days": settings.CONFIRMATION_VALIDITY_DAYS,
        },
    )
    mail_send(to=confirmation.email, subject=subject, body=body)


def mail_send(*, to: str, subject: str, body: str) -> None:
    """Mail ``body`` to the address ``to``; raise ``MailNotSent`` on failure."""
    message = EmailMessage(subject, body, to=[header_value(to, fold=False)])
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        raise MailNotSent(to, error) from error


def confirmation_get(key: str) -> EmailConfirmation | None:
    return EmailConfirmation.objects.select_related("user").filter(key=key).first()


def confirmation_is_expired(confirmation: EmailConfirmation) -> bool:
    validity = dt.timedelta(days=settings.CONFIRMATION_VALIDITY_DAYS)
    return confirmation.date + validity < timezone.now()


def confirmation_mark_used(confirmation: EmailConfirmation) -> None:
    confirmation.active = False
    confirmation.save(update_fields=["active"])


@transaction.atomic
def confirmations_expire(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete used and expired confirmations, then accounts never activated.

    Returns (confirmations, accounts) deleted. An account goes only when its
    registration link expired unused, it is still inactive, has never
    logged in and has no other confirmation pending. Upstream also deleted
    accounts an admin had merely deactivated (notifications-accounts.md §7).
    """
    validity = dt.timedelta(days=settings.CONFIRMATION_VALIDITY_DAYS)
    expired_before = (now or timezone.now()) - validity
    stale = EmailConfirmation.objects.filter(active=False) | (
        EmailConfirmation.objects.filter(date__lt=expired_before)
    )
    lapsed = set(
        stale.filter(
            type=EmailConfirmation.Type.REGISTRATION,
            active=True,
            user__isnull=False,
        ).values_list("user_id", flat=True)
    )
    confirmations, _ = stale.delete()
    unconfirmed = User.objects.filter(
        pk__in=lapsed, is_active=False, last_login__isnull=True
    ).exclude(
        # NOT IN with a NULL in the list matches nothing: leave those out.
        pk__in=EmailConfirmation.objects.filter(user__isnull=False).values("user_id")
    )
    # delete() returns the rows of every model the deletion cascaded to.
    _, deleted = unconfirmed.delete()
    return confirmations, deleted.get(User._meta.label, 0)


# --- Registration and addresses ----------------------------------------------


@transaction.atomic
def user_register(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
) -> EmailConfirmation:
    """Create an inactive account and its registration confirmation.

    The account becomes usable once the mailed link is followed
    (``registration_confirm``). No Person is linked before that. Raises
    ``ValidationError`` for a name holding a control character.
    """
    validate_name(first_name)
    validate_name(last_name)
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_active=False,
    )
    return confirmation_create(
        type=EmailConfirmation.Type.REGISTRATION, email=email, user=user
    )


def _person_name(user: User) -> str:
    # Cleaned: an account saved before names were checked may hold a line break.
    return clean_name(user.display_name) or user.username


def _link_person(*, user: User, email: str) -> Person:
    """Link the Person with ``email`` (any case) to ``user``, creating it if new."""
    person = Person.objects.filter(email__iexact=email).first()
    if person is None:
        return Person.objects.create(email=email, name=_person_name(user), user=user)
    fields = ["user"]
    person.user = user
    if not person.name:
        person.name = _person_name(user)
        fields.append("name")
    person.save(update_fields=fields)
    return person


@transaction.atomic
def registration_confirm(*, confirmation: EmailConfirmation) -> User:
    """Activate the registered account and link its address; mark the link used."""
    user = confirmation.user
    assert user is not None  # registrations are made for (and die with) an account
    user.is_active = True
    user.save(update_fields=["is_active"])
    _link_person(user=user, email=confirmation.email)
    confirmation_mark_used(confirmation)
    return user


def person_link_request(*, user: User, email: str) -> EmailConfirmation:
    """Start linking ``email`` to ``user``; the mailed link completes it."""
    return confirmation_create(
        type=EmailConfirmation.Type.USERPERSON, email=email, user=user
    )


@transaction.atomic
def person_link_confirm(*, confirmation: EmailConfirmation) -> Person:
    """Link the confirmed address to the confirmation's account.

    Receiving the mail proves ownership, so the address moves even if another
    account had it. The Person takes the account's display name.
    """
    user = confirmation.user
    assert user is not None  # link requests are made for (and die with) an account
    person = Person.objects.filter(email__iexact=confirmation.email).first()
    if person is None:
        person = Person.objects.create(
            email=confirmation.email, name=_person_name(user), user=user
        )
    else:
        person.user = user
        person.name = _person_name(user)
        person.save(update_fields=["user", "name"])
    confirmation_mark_used(confirmation)
    return person


def person_unlink(*, user: User, person: Person) -> None:
    """Detach one of the user's extra addresses from the account.

    Raises ``CannotUnlink`` for the account's own address or an address
    linked to someone else.
    """
    if person.user_id != user.pk:
        raise CannotUnlink("That address is not linked to your account.")
    if person.email.lower() == user.email.lower():
        raise CannotUnlink("The account's primary address cannot be unlinked.")
    person.user = None
    person.save(update_fields=["user"])


def _check_page_size(items_per_page: object) -> None:
    if not isinstance(items_per_page, int) or not (
        1 <= items_per_page <= MAX_ITEMS_PER_PAGE
    ):
        raise ValueError(f"items_per_page must be from 1 to {MAX_ITEMS_PER_PAGE}")


def profile_update(*, user: User, items_per_page: int, show_ids: bool) -> User:
    """Save the user's list settings (``items_per_page`` from 1 to 1000)."""
    _check_page_size(items_per_page)
    user.items_per_page = items_per_page
    user.show_ids = show_ids
    user.save(update_fields=["items_per_page", "show_ids"])
    return user
