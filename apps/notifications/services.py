"""The opt-out list: addresses that asked for no automated notifications.

Anyone may ask for any address; each change only happens once the link
mailed to that address is followed (``apps.people`` confirmations).
"""

from collections.abc import Iterable

from django.db import transaction

from apps.notifications.exceptions import NotOptedOut
from apps.notifications.models import EmailOptout
from apps.people.models import EmailConfirmation
from apps.people.services import confirmation_create, confirmation_mark_used


def normalise_address(email: str) -> str:
    return email.strip().lower()


def is_opted_out(email: str) -> bool:
    return EmailOptout.objects.filter(email=normalise_address(email)).exists()


def opted_out_addresses(emails: Iterable[str]) -> set[str]:
    """Return the normalised addresses among ``emails`` that opted out."""
    wanted = {normalise_address(email) for email in emails}
    return set(
        EmailOptout.objects.filter(email__in=wanted).values_list("email", flat=True)
    )


def optout_request(*, email: str) -> EmailConfirmation:
    """Create the confirmation that, once followed, opts ``email`` out."""
    return confirmation_create(type=EmailConfirmation.Type.OPTOUT, email=email)


def optin_request(*, email: str) -> EmailConfirmation:
    """Create the confirmation that opts ``email`` back in.

    Raises ``NotOptedOut`` when the address is not on the list.
    """
    if not is_opted_out(email):
        raise NotOptedOut(email)
    return confirmation_create(type=EmailConfirmation.Type.OPTIN, email=email)


@transaction.atomic
def optout_confirm(*, confirmation: EmailConfirmation) -> None:
    """Put the confirmed address on the opt-out list (idempotent)."""
    EmailOptout.objects.get_or_create(email=normalise_address(confirmation.email))
    confirmation_mark_used(confirmation)


@transaction.atomic
def optin_confirm(*, confirmation: EmailConfirmation) -> None:
    """Take the confirmed address off the opt-out list."""
    EmailOptout.objects.filter(email=normalise_address(confirmation.email)).delete()
    confirmation_mark_used(confirmation)
