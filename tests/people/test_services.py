"""People and accounts: their services called directly."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils import timezone

from apps.people.exceptions import CannotUnlink, MailNotSent
from apps.people.models import EmailConfirmation, Person, User
from apps.people.services import (
    confirmation_create,
    confirmation_get,
    confirmation_is_expired,
    confirmation_mark_used,
    confirmation_send,
    confirmations_expire,
    mail_send,
    person_get_or_create,
    person_link_confirm,
    person_link_request,
    person_name_seen,
    person_unlink,
    profile_update,
    registration_confirm,
    user_register,
    user_update,
)
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTRATION = EmailConfirmation.Type.REGISTRATION


# --- persons ------------------------------------------------------------------------


def test_a_person_is_found_in_any_case_and_keeps_the_first_spelling():
    first = person_get_or_create(email="Ada@Example.org", name="Ada")
    again = person_get_or_create(email="ada@example.ORG", name=None)
    assert again == first
    assert (again.email, again.name) == ("Ada@Example.org", "Ada")
    assert Person.objects.count() == 1


def test_the_latest_name_wins_but_no_name_clears_it():
    person_get_or_create(email="ada@example.org", name="Ada")
    assert person_get_or_create(email="ada@example.org", name="Ada E.").name == "Ada E."
    assert person_get_or_create(email="ada@example.org", name="").name == "Ada E."


def test_a_name_seen_on_a_known_person_applies_the_same_rule(
    django_assert_num_queries,
):
    """Ingest remembers people per run and tells the service only the name."""
    person = person_get_or_create(email="ada@example.org", name="Ada")
    known = Person(pk=person.pk, email=person.email, name="Ada")
    with django_assert_num_queries(0):
        assert person_name_seen(person=known, name="Ada").name == "Ada"
        assert person_name_seen(person=known, name=None).name == "Ada"
    assert person_name_seen(person=known, name="Ada\tLovelace").name == "Ada Lovelace"
    person.refresh_from_db()
    assert person.name == "Ada Lovelace"


def test_control_characters_in_a_mail_name_are_cleaned_not_refused():
    person = person_get_or_create(email="ada@example.org", name="Ada\n\tExample\x07")
    assert person.name == "Ada Example"


# --- accounts -----------------------------------------------------------------------


def test_user_update_changes_own_settings_and_refuses_the_rest():
    user = UserFactory(first_name="Ada")
    user_update(user=user, first_name="Ada", last_name="Example", items_per_page=50)
    user.refresh_from_db()
    assert (user.last_name, user.items_per_page) == ("Example", 50)
    with pytest.raises(TypeError, match="not a self-editable field: email"):
        user_update(user=user, email="x@example.org")
    with pytest.raises(ValidationError):
        user_update(user=user, first_name="Ada\nBcc: x@example.org")
    with pytest.raises(ValueError, match="items_per_page"):
        user_update(user=user, items_per_page=0)
    user.refresh_from_db()
    assert user.first_name == "Ada"


@pytest.mark.parametrize("size", [0, 1001, "50"])
def test_profile_update_keeps_the_page_size_in_bounds(size):
    user = UserFactory()
    with pytest.raises(ValueError, match="from 1 to 1000"):
        profile_update(user=user, items_per_page=size, show_ids=True)
    profile_update(user=user, items_per_page=1000, show_ids=True)
    user.refresh_from_db()
    assert (user.items_per_page, user.show_ids) == (1000, True)


def test_registration_makes_an_inactive_account_activated_by_its_link():
    PersonFactory(email="ADA@example.org", name="")
    confirmation = user_register(
        username="ada",
        email="ada@example.org",
        password="long enough pw",
        first_name="Ada",
    )
    user = User.objects.get(username="ada")
    assert not user.is_active
    assert not Person.objects.filter(user=user).exists()
    assert confirmation_get(confirmation.key) == confirmation
    registration_confirm(confirmation=confirmation)
    user.refresh_from_db()
    person = Person.objects.get(user=user)
    assert user.is_active
    assert (person.email, person.name) == ("ADA@example.org", "Ada")
    assert confirmation_get(confirmation.key).active is False


def test_registration_refuses_a_name_with_a_line_break():
    with pytest.raises(ValidationError):
        user_register(
            username="x", email="x@example.org", password="pw", last_name="a\nb"
        )
    assert not User.objects.filter(username="x").exists()


def test_linking_an_address_moves_it_to_the_account_that_proved_it():
    ada = UserFactory(first_name="Ada", last_name="Example")
    taken = PersonFactory(email="shared@example.org", user=UserFactory())
    person = person_link_confirm(
        confirmation=person_link_request(user=ada, email="SHARED@example.org")
    )
    assert person == taken
    person.refresh_from_db()
    assert (person.user, person.name) == (ada, "Ada Example")


def test_an_account_cannot_unlink_its_own_address_or_someone_elses():
    ada = UserFactory(email="ada@example.org")
    own = PersonFactory(email="Ada@example.org", user=ada)
    extra = PersonFactory(email="ada@work.example.org", user=ada)
    other = PersonFactory(user=UserFactory())
    with pytest.raises(CannotUnlink):
        person_unlink(user=ada, person=own)
    with pytest.raises(CannotUnlink):
        person_unlink(user=ada, person=other)
    person_unlink(user=ada, person=extra)
    extra.refresh_from_db()
    assert extra.user is None


def test_a_confirmation_mail_carries_its_link(settings):
    settings.CONFIRMATION_VALIDITY_DAYS = 3
    confirmation = confirmation_create(
        type=EmailConfirmation.Type.OPTOUT, email="ada@example.org"
    )
    confirmation_send(confirmation=confirmation, base_url="https://patches.example.org")
    [sent] = mail.outbox
    assert sent.to == ["ada@example.org"]
    assert sent.subject == "Patchwork opt-out request"
    assert f"https://patches.example.org/confirm/{confirmation.key}/" in sent.body


@pytest.mark.parametrize(
    "failure", [smtplib.SMTPRecipientsRefused({}), ConnectionRefusedError()]
)
def test_a_mail_server_failure_is_a_clear_error(monkeypatch, failure):
    def refuse(self, *args, **kwargs):
        raise failure

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with pytest.raises(MailNotSent):
        mail_send(to="ada@example.org", subject="s", body="b")


def test_confirmations_expire_and_unconfirmed_accounts_go_with_them(settings):
    settings.CONFIRMATION_VALIDITY_DAYS = 7
    now = timezone.now()
    lapsed = user_register(username="lapsed", email="l@example.org", password="pw")
    fresh = user_register(username="fresh", email="f@example.org", password="pw")
    used = confirmation_create(type=REGISTRATION, email="u@example.org")
    confirmation_mark_used(used)
    EmailConfirmation.objects.filter(pk=lapsed.pk).update(date=now - dt.timedelta(8))
    lapsed.refresh_from_db()
    assert confirmation_is_expired(lapsed)
    assert not confirmation_is_expired(fresh)
    assert confirmations_expire(now=now) == (2, 1)
    assert list(User.objects.values_list("username", flat=True)) == ["fresh"]
    assert list(EmailConfirmation.objects.all()) == [fresh]
