"""Mail opt-out and opt-in, each confirmed by a mailed link."""

import re

import pytest
from django.core import mail

from apps.notifications.models import EmailOptout
from tests.factories import PersonFactory, UserFactory
from tests.web import failing_mail
from tests.web.html import text

pytestmark = pytest.mark.django_db


def follow_mailed_link(client):
    (link,) = re.findall(
        r"http://testserver(/confirm/[0-9a-f]{40}/)", mail.outbox[-1].body
    )
    return client.get(link)


def test_lookup_then_opt_out_and_back_in(client):
    response = client.post("/mail/", {"email": "Pat@Example.org"})
    assert "may send automated notifications" in text(response)

    response = client.post("/mail/optout/", {"email": "Pat@Example.org"})
    assert "confirmation e-mail has been sent to Pat@Example.org" in text(response)
    assert mail.outbox[-1].subject == "Patchwork opt-out request"
    assert not EmailOptout.objects.exists()
    assert "Opt-out complete" in text(follow_mailed_link(client))
    assert list(EmailOptout.objects.values_list("email", flat=True)) == [
        "pat@example.org"
    ]
    # The lookup normalises the address before comparing.
    response = client.post("/mail/", {"email": "PAT@example.org "})
    assert "may not send automated notifications" in text(response)

    response = client.post("/mail/optin/", {"email": "pat@example.org"})
    assert mail.outbox[-1].subject == "Patchwork opt-in request"
    assert "Opt-in complete" in text(follow_mailed_link(client))
    assert not EmailOptout.objects.exists()


def test_opt_in_of_an_address_not_opted_out(client):
    response = client.post("/mail/optin/", {"email": "new@example.org"})
    assert "is not on the patchwork opt-out list" in text(response)
    assert mail.outbox == []


def test_invalid_address(client):
    response = client.post("/mail/", {"email": "nope"})
    assert "Enter a valid email address." in text(response)
    response = client.post("/mail/optout/", {"email": ""})
    assert "There was an error in the form" in text(response)
    assert mail.outbox == []


def test_mail_failure_is_reported(client, settings):
    settings.MAILERS = failing_mail.MAILERS
    settings.ADMINS = ["admin@example.org"]
    response = client.post("/mail/optout/", {"email": "x@example.org"})
    page = text(response)
    assert "An error occurred while sending the confirmation e-mail." in page
    assert "contact the site administrators" in page


def test_profile_offers_opt_in_for_opted_out_addresses(client):
    user = UserFactory()
    PersonFactory(user=user, email="Me@Example.org")
    EmailOptout.objects.create(email="me@example.org")
    client.force_login(user)
    assert "Me@Example.org No Opt-in" in text(client.get("/user/"))


def test_opt_out_needs_post(client):
    response = client.get("/mail/optout/")
    assert response["Location"] == "/mail/"
