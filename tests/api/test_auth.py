"""Authentication: token, HTTP Basic and session, and their failures (§3.1)."""

import base64

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.api.conftest import ApiClient
from tests.api.helpers import CREDENTIALS, url

pytestmark = pytest.mark.django_db


def token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.parametrize("keyword", ["Token", "token", "TOKEN"])
def test_token_keyword_is_case_insensitive(api, world, keyword):
    response = api.get(
        url("users/"), HTTP_AUTHORIZATION=f"{keyword}  {token(world.other)}"
    )
    assert response.status_code == 200


def test_token_authenticates_writes(api, world):
    response = api.patch(
        url(f"patches/{world.patch.pk}/"),
        "state=accepted",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Token {token(world.maintainer)}",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "accepted"


def test_unknown_token_fails_even_on_public_reads(api):
    response = api.get(url("patches/"), HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 403
    assert response.json() == {"detail": "Invalid token."}
    assert "WWW-Authenticate" not in response


def test_token_header_without_key(api):
    response = api.get(url("patches/"), HTTP_AUTHORIZATION="Token")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Invalid token header. No credentials provided."
    }


def test_bearer_is_not_recognised_and_counts_as_anonymous(api, world):
    response = api.get(url("users/"), HTTP_AUTHORIZATION=f"Bearer {token(world.other)}")
    assert response.status_code == 403
    assert response.json() == CREDENTIALS
    assert api.get(url("patches/"), HTTP_AUTHORIZATION="Bearer x").status_code == 200


def test_basic_auth(api, world):
    response = api.get(url("users/"), HTTP_AUTHORIZATION=basic("other", "password"))
    assert response.status_code == 200


def test_basic_auth_with_wrong_password(api, world):
    response = api.get(url("patches/"), HTTP_AUTHORIZATION=basic("other", "wrong"))
    assert response.status_code == 403
    assert response.json() == {"detail": "Invalid username/password."}


def test_anonymous_is_never_401(api):
    response = api.get(url("people/"))
    assert response.status_code == 403
    assert response.json() == CREDENTIALS
    assert "WWW-Authenticate" not in response


def test_session_writes_need_csrf(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.maintainer)
    path = url(f"patches/{world.patch.pk}/")
    refused = browser.patch(
        path, "state=rfc", content_type=("application/x-www-form-urlencoded")
    )
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("CSRF Failed:")
    # A token does not help while a valid session cookie is sent.
    refused = browser.patch(
        path,
        "state=rfc",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Token {token(world.maintainer)}",
    )
    assert refused.status_code == 403
    csrf = browser.get("/admin/login/").cookies["csrftoken"].value
    accepted = browser.patch(
        path,
        "state=rfc",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert accepted.status_code == 200


def test_session_reads(world):
    browser = ApiClient()
    browser.force_login(world.other)
    assert browser.get(url("users/")).status_code == 200


def test_createtoken_command_prints_the_token_the_api_accepts(api, world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("createtoken", "other", stdout=out)
    key = out.getvalue().strip()
    assert len(key) == 40
    assert api.get(url("users/"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_admins_manage_tokens_in_the_admin_site(world):
    """Tokens are listed and created in the admin (web UI pages come later)."""
    browser = Client()
    browser.force_login(world.superuser)
    page = browser.get("/admin/authtoken/tokenproxy/add/")
    assert page.status_code == 200
    created = browser.post("/admin/authtoken/tokenproxy/add/", {"user": world.other.pk})
    assert created.status_code == 302
    key = Token.objects.get(user=world.other).key
    api = ApiClient()
    assert api.get(url("users/"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
