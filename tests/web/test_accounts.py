"""Registration, confirmation, login, passwords, profile, addresses, token."""

import datetime as dt
import re

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token

from apps.people.models import EmailConfirmation, Person, User
from tests.factories import PatchFactory, PersonFactory, ProjectFactory, UserFactory
from tests.web import failing_mail
from tests.web.html import elements, text

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"


def confirmation_link(message) -> str:
    (link,) = re.findall(r"http://testserver(/confirm/[0-9a-f]{40}/)", message.body)
    return link


def register(client, **overrides):
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "username": "ada",
        "email": "ada@example.org",
        "password": PASSWORD,
    }
    data.update(overrides)
    return client.post("/register/", data)


def test_registration_confirmation_login_and_token_end_to_end(client):
    """Acceptance 4: register, follow the mailed link, log in, get a token."""
    response = register(client)
    assert response.status_code == 200
    assert "Registration successful" in text(response)
    assert "ada@example.org" in text(response)
    user = User.objects.get(username="ada")
    assert not user.is_active
    assert not Person.objects.filter(email="ada@example.org").exists()

    (message,) = mail.outbox
    assert message.subject == "Patchwork account confirmation"
    assert message.to == ["ada@example.org"]
    link = confirmation_link(message)

    # An inactive account cannot log in yet.
    response = client.post("/user/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 200
    assert "/user/" not in response.get("Location", "")

    response = client.get(link)
    assert "Registration confirmed" in text(response)
    user.refresh_from_db()
    assert user.is_active
    person = Person.objects.get(email="ada@example.org")
    assert person.user == user
    assert person.name == "Ada Lovelace"
    # Confirming does not log in.
    assert client.get("/user/").status_code == 302

    response = client.post("/user/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/user/"

    profile = client.get("/user/")
    assert "Generate token" in text(profile)
    assert not Token.objects.filter(user=user).exists()
    response = client.post("/user/generate-token/")
    assert response["Location"] == "/user/"
    token = Token.objects.get(user=user)
    profile = client.get("/user/")
    (field,) = elements(profile, "input", id="api-token")
    assert field["value"] == token.key
    assert "Regenerate token" in text(profile)

    # The link is spent now.
    assert "already been followed" in text(client.get(link))


def test_registration_links_an_existing_person_keeping_its_name(client):
    person = PersonFactory(name="Ada L.", email="ADA@example.org")
    register(client)
    client.get(confirmation_link(mail.outbox[0]))
    person.refresh_from_db()
    assert person.user.username == "ada"
    assert person.name == "Ada L."


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"username": "bad name"}, "letters, digits and underscores"),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"password": "123"}, "This password is too short."),
        ({"username": ""}, "This field is required."),
    ],
)
def test_registration_errors(client, overrides, error):
    UserFactory(username="taken", email="taken@example.org")
    response = register(client, **overrides)
    assert error in text(response)
    assert not User.objects.filter(username="ada").exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "mailed", "accounts"),
    [
        ({}, "To activate the account, follow this link", {"taken", "ada"}),
        ({"username": "Taken"}, "That username is already taken", {"taken"}),
        ({"email": "TAKEN@example.org"}, 'account "taken" already uses', {"taken"}),
        ({"email": "linked@example.org"}, 'account "taken" already uses', {"taken"}),
    ],
)
def test_registration_page_tells_nothing_of_other_accounts(
    client, overrides, mailed, accounts
):
    """Whether a username or address exists is told only to the address, by mail."""
    taken = UserFactory(username="taken", email="taken@example.org")
    PersonFactory(email="linked@example.org", user=taken)
    response = register(client, **overrides)
    email = overrides.get("email", "ada@example.org")
    assert text(response).replace(email, "ADDRESS") == (
        text(
            register(client.__class__(), username="fresh", email="f@x.example")
        ).replace("f@x.example", "ADDRESS")
    )
    (message, *_) = mail.outbox
    assert message.to == [email]
    assert mailed in " ".join(message.body.split())
    usernames = set(User.objects.values_list("username", flat=True))
    assert usernames == accounts | {"fresh"}  # "fresh": the comparison's
    assert "already" not in text(response)


def test_registration_mail_failure_is_reported(client, settings):
    settings.MAILERS = failing_mail.MAILERS
    response = register(client)
    assert "An error occurred during registration" in text(response)
    # The inactive account stays until its confirmation expires.
    assert not User.objects.get(username="ada").is_active


def test_expired_and_unknown_confirmations(client, settings):
    register(client)
    link = confirmation_link(mail.outbox[0])
    EmailConfirmation.objects.update(
        date=dt.datetime.now(dt.UTC)
        - dt.timedelta(days=settings.CONFIRMATION_VALIDITY_DAYS + 1)
    )
    assert "has expired" in text(client.get(link))
    assert not User.objects.get(username="ada").is_active
    assert client.get("/confirm/" + "0" * 40 + "/").status_code == 404


def test_login_redirects_to_next_and_links_password_reset(client):
    UserFactory(username="bea")
    page = client.get("/user/login/")
    assert "/user/password-reset/" in page.content.decode()
    response = client.post(
        "/user/login/?next=/user/todo/",
        {"username": "bea", "password": "password", "next": "/user/todo/"},
    )
    assert response["Location"] == "/user/todo/"


def test_wrong_password(client):
    UserFactory(username="bea")
    response = client.post("/user/login/", {"username": "bea", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in text(response)


def test_password_reset_flow(client):
    user = UserFactory(username="cy", email="cy@example.org")
    response = client.post("/user/password-reset/", {"email": "cy@example.org"})
    assert response["Location"] == "/user/password-reset/mail-sent/"
    (message,) = mail.outbox
    assert "cy" in message.body
    (path,) = re.findall(r"http://testserver(/user/password-reset/\S+/)", message.body)
    page = client.get(path, follow=True)
    assert "Account: cy" in text(page)
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/user/login/"
    assert "Your password has been set" in text(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert "invalid" in text(client.get(path, follow=True))


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/user/password-change/",
        {
            "old_password": "password",
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert response["Location"] == "/user/password-change/done/"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- profile ------------------------------------------------------------------


def test_profile_lists_projects_addresses_and_bundles(client, project, maintainer):
    person = PersonFactory(user=maintainer, email="maint@example.org")
    contributed = ProjectFactory(name="Contributed project")
    PatchFactory(project=contributed, submitter=person)
    client.force_login(maintainer)
    page = text(client.get("/user/"))
    assert "Maintainer of " + project.name in page
    assert "Contributor to Contributed project" in page
    assert "maint@example.org Yes Opt-out" in page


def test_profile_settings(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/user/", {"items_per_page": "25", "show_ids": "on"})
    assert "Settings saved" in text(response)
    user.refresh_from_db()
    assert (user.items_per_page, user.show_ids) == (25, True)
    for bad in ("0", "-3", "many"):
        response = client.post("/user/", {"items_per_page": bad})
        assert response.status_code == 200
        assert elements(response, "ul", class_="errorlist")
        user.refresh_from_db()
        assert user.items_per_page == 25


def test_token_regeneration_replaces_the_token(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/user/generate-token/")
    first = Token.objects.get(user=user).key
    client.post("/user/generate-token/")
    assert Token.objects.get(user=user).key != first


def test_token_box_hidden_when_rest_api_off(client, settings):
    settings.ENABLE_REST_API = False
    client.force_login(UserFactory())
    assert "Generate token" not in text(client.get("/user/"))
    assert client.post("/user/generate-token/").status_code == 404


# --- linking addresses ------------------------------------------------------------


def test_link_address_by_confirmation(client):
    user = UserFactory(username="dee", first_name="Dee", last_name="Dev")
    other = UserFactory()
    person = PersonFactory(email="dee@work.example.org", name="Old", user=other)
    client.force_login(user)
    response = client.post("/user/link/", {"email": "dee@work.example.org"})
    assert "confirmation e-mail has been sent" in text(response)
    (message,) = mail.outbox
    assert message.subject == "Patchwork email address confirmation"
    link = confirmation_link(message)
    client.logout()
    # Anonymous visitors must log in first, then come back.
    response = client.get(link)
    assert response["Location"] == f"/user/login/?next={link}"
    client.force_login(user)
    response = client.get(link)
    assert "successfully linked dee@work.example.org" in text(response)
    person.refresh_from_db()
    assert (person.user, person.name) == (user, "Dee Dev")


def test_link_confirmation_completes_only_for_the_account_that_asked(client):
    asker = UserFactory(username="asker")
    client.force_login(asker)
    client.post("/user/link/", {"email": "shared@example.org"})
    link = confirmation_link(mail.outbox[0])
    client.force_login(UserFactory(username="reader"))
    response = client.get(link)
    assert response.status_code == 403
    assert "Log out, then log in with that account" in text(response)
    assert not Person.objects.filter(email="shared@example.org").exists()
    client.force_login(asker)
    assert "successfully linked shared@example.org" in text(client.get(link))
    assert Person.objects.get(email="shared@example.org").user == asker


def test_link_rejects_bad_addresses(client):
    client.force_login(UserFactory())
    response = client.post("/user/link/", {"email": "nope"})
    assert "Enter a valid email address." in text(response)
    assert mail.outbox == []


def test_unlink(client):
    user = UserFactory(email="main@example.org")
    primary = PersonFactory(user=user, email="main@example.org")
    extra = PersonFactory(user=user, email="extra@example.org")
    theirs = PersonFactory(user=UserFactory(), email="theirs@example.org")
    client.force_login(user)
    response = client.get(f"/user/unlink/{extra.pk}/")
    extra.refresh_from_db()
    assert extra.user == user  # GET changes nothing
    for person in (primary, theirs):
        response = client.post(f"/user/unlink/{person.pk}/")
        assert response["Location"] == "/user/"
        person.refresh_from_db()
        assert person.user is not None
    response = client.post(f"/user/unlink/{extra.pk}/", follow=True)
    assert "extra@example.org unlinked" in text(response)
    extra.refresh_from_db()
    assert extra.user is None
    assert "extra@example.org" not in text(client.get("/user/"))


def test_profile_todo_count_reads_naturally(client, project, maintainer):
    client.force_login(maintainer)
    assert "No patches delegated to you need action." in text(client.get("/user/"))
    PatchFactory(project=project, delegate=maintainer)
    assert "1 patch delegated to you needs action." in text(client.get("/user/"))
    PatchFactory(project=project, delegate=maintainer)
    assert "2 patches delegated to you need action." in text(client.get("/user/"))
