"""Accounts (User) and the e-mail identities seen in mail (Person)."""

import secrets

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from apps.people.names import validate_name

# The most patches a web list page shows, whichever way the setting is
# written (profile form, REST API); larger pages cost the server far more
# than they help a reader.
MAX_ITEMS_PER_PAGE = 1000


class User(AbstractUser):
    """A login account, carrying upstream's profile settings on the row itself."""

    # Django's fields, with names limited to one line of text (they reach mail).
    first_name = models.CharField(
        "first name", max_length=150, blank=True, validators=[validate_name]
    )
    last_name = models.CharField(
        "last name", max_length=150, blank=True, validators=[validate_name]
    )
    items_per_page = models.PositiveIntegerField(
        default=100,
        validators=[MinValueValidator(1)],
        help_text="Number of patches per page in web lists.",
    )
    show_ids = models.BooleanField(
        default=False, help_text="Show patch ids in web lists."
    )
    # Unused upstream as well; kept so data and the API's settings object match.
    send_email = models.BooleanField(
        default=False, help_text="Send e-mail on the user's behalf."
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def display_name(self) -> str:
        """Return the full name, or the username when no name is set."""
        return self.get_full_name() or self.username


class Person(models.Model):
    """An e-mail address seen in mail, optionally linked to an account."""

    email = models.CharField(max_length=255)
    name = models.CharField(  # noqa: DJ001
        max_length=255, null=True, blank=True, validators=[validate_name]
    )
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="persons",
    )

    class Meta:
        verbose_name_plural = "people"
        ordering = ["id"]
        constraints = [
            # Addresses are matched case-insensitively; the stored spelling is
            # the first one seen.
            models.UniqueConstraint(Lower("email"), name="person_email_ci_unique"),
        ]

    def __str__(self) -> str:
        if self.name:
            return f"{self.name} <{self.email}>"
        return self.email


def _confirmation_key() -> str:
    return secrets.token_hex(20)


class EmailConfirmation(models.Model):
    """A confirmation link mailed to an address (registration, linking, opt-in/out)."""

    class Type(models.TextChoices):
        USERPERSON = "userperson", "User-Person link"
        REGISTRATION = "registration", "Registration"
        OPTOUT = "optout", "Email opt-out"
        OPTIN = "optin", "Email opt-in"

    type = models.CharField(max_length=20, choices=Type.choices)
    email = models.CharField(max_length=200)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE)
    key = models.CharField(max_length=40, unique=True, default=_confirmation_key)
    date = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} for {self.email}"
