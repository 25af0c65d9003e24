"""Registration that tells only an address's owner what the site knows of it.

The registration page answers every valid form the same way ("a mail has
been sent"), so nobody learns from it which username owns an address or
whether a username exists. What the registrant needs to know goes by mail
to the address given: its confirmation link, or why no account was made.
"""

from django.db.models import Q
from django.template.loader import render_to_string

from apps.people.models import User
from apps.people.services import confirmation_send, mail_send, user_register


def _address_owner(email: str) -> User | None:
    """Return the account using ``email`` (as its own or a linked address)."""
    return (
        User.objects.filter(Q(email__iexact=email) | Q(persons__email__iexact=email))
        .order_by("pk")
        .first()
    )


def _notice(email: str, template: str, username: str, base_url: str) -> None:
    body = render_to_string(template, {"username": username, "base_url": base_url})
    mail_send(to=email, subject="Patchwork account registration", body=body)


def registration_request(
    *,
    username: str,
    email: str,
    password: str,
    base_url: str,
    first_name: str = "",
    last_name: str = "",
) -> None:
    """Register an inactive account and mail its link, or mail why not.

    An address already in use gets a reminder of its account's username; a
    taken username gets a request to choose another; no account is made in
    either case. ``base_url`` is ``scheme://host`` of the site. Raises
    ``MailNotSent`` when the mail cannot be sent (a new account stays
    inactive until its confirmation expires).
    """
    owner = _address_owner(email)
    if owner is not None:
        _notice(email, "mail/registration-address-used.txt", owner.username, base_url)
        return
    if User.objects.filter(username__iexact=username).exists():
        _notice(email, "mail/registration-username-taken.txt", username, base_url)
        return
    confirmation = user_register(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    confirmation_send(confirmation=confirmation, base_url=base_url)
