"""Rate limits: wrong passwords (REST, XML-RPC, bundle mbox) and anonymous lists.

Each wrong password costs a password hash; after the limit (10 a minute
per client address by default) the address is answered 429 without any
password being checked, until the window moves on.
"""

import base64
import xmlrpc.client
from unittest import mock

import pytest
from django.contrib.auth.backends import ModelBackend
from django.test import Client

from tests.api.helpers import url
from tests.factories import BundleFactory
from tests.xmlrpc.conftest import DjangoTransport

pytestmark = pytest.mark.django_db

LIMIT = 10


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def password_checks():
    """Count the password checks (each one runs the hasher)."""
    original = ModelBackend.authenticate
    with mock.patch.object(
        ModelBackend, "authenticate", autospec=True, side_effect=original
    ) as counted:
        yield counted


def test_rest_answers_429_after_ten_wrong_passwords(api, world, password_checks):
    wrong = basic("other", "wrong")
    for _ in range(LIMIT):
        response = api.get(url("patches/"), HTTP_AUTHORIZATION=wrong)
        assert response.status_code == 403
    assert password_checks.call_count == LIMIT
    # Even the right password is not checked now.
    right = basic("other", "password")
    blocked = api.get(url("patches/"), HTTP_AUTHORIZATION=right)
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert blocked.json()["detail"].startswith("Request was throttled.")
    assert password_checks.call_count == LIMIT
    # Another address is not affected; token users never were.
    other = api.get(url("users/"), HTTP_AUTHORIZATION=right, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200
    api.token_auth(world.other)
    assert api.get(url("users/")).status_code == 200


def test_right_passwords_are_not_counted(api, world):
    right = basic("other", "password")
    for _ in range(LIMIT + 5):
        assert api.get(url("users/"), HTTP_AUTHORIZATION=right).status_code == 200


def test_xmlrpc_shares_the_limit(world, settings, password_checks):
    settings.ENABLE_XMLRPC = True

    def call(password):
        transport = DjangoTransport(auth=("other", password))
        proxy = xmlrpc.client.ServerProxy("http://testserver/xmlrpc/", transport)
        return proxy.patch_set(world.patch.pk, {"archived": True})

    for _ in range(LIMIT - 1):
        with pytest.raises(xmlrpc.client.Fault, match="Invalid username/password"):
            call("wrong")
    # The REST API counts against the same address.
    Client().get(url("patches/"), HTTP_AUTHORIZATION=basic("other", "wrong"))
    assert password_checks.call_count == LIMIT
    with pytest.raises(xmlrpc.client.Fault, match="Too many failed logins"):
        call("password")
    assert password_checks.call_count == LIMIT


def test_bundle_mbox_shares_the_limit(world, password_checks):
    bundle = BundleFactory(
        owner=world.other, project=world.project, patches=[world.patch], public=False
    )
    path = f"/bundle/other/{bundle.name}/mbox/"
    client = Client()
    for _ in range(LIMIT):
        response = client.get(path, HTTP_AUTHORIZATION=basic("other", "wrong"))
        assert response.status_code == 404
    blocked = client.get(path, HTTP_AUTHORIZATION=basic("other", "password"))
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert password_checks.call_count == LIMIT
    elsewhere = client.get(
        path, HTTP_AUTHORIZATION=basic("other", "password"), REMOTE_ADDR="192.0.2.7"
    )
    assert elsewhere.status_code == 200


def test_the_limit_can_be_turned_off(api, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"failed_auth": None, "anon_list": None},
    }
    wrong = basic("other", "wrong")
    for _ in range(LIMIT + 2):
        assert api.get(url("patches/"), HTTP_AUTHORIZATION=wrong).status_code == 403


@pytest.fixture
def anonymous_lists_limited(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"failed_auth": None, "anon_list": "3/minute"},
    }


def test_anonymous_list_requests_are_limited(api, world, anonymous_lists_limited):
    for _ in range(3):
        assert api.get(url("patches/")).status_code == 200
    blocked = api.get(url("series/"))
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    # Details, and lists for a signed-in caller, are not limited.
    assert api.get(url(f"patches/{world.patch.pk}/")).status_code == 200
    api.token_auth(world.other)
    assert api.get(url("patches/")).status_code == 200


def test_the_login_form_shares_the_limit(world, password_checks):
    client = Client()
    for _ in range(LIMIT):
        response = client.post("/user/login/", {"username": "other", "password": "x"})
        assert response.status_code == 200
    assert password_checks.call_count == LIMIT
    response = client.post(
        "/user/login/", {"username": "other", "password": "password"}
    )
    assert response.status_code == 200
    assert b"Too many failed logins from your address." in response.content
    assert password_checks.call_count == LIMIT
    assert "_auth_user_id" not in client.session
    elsewhere = Client(REMOTE_ADDR="192.0.2.7").post(
        "/user/login/", {"username": "other", "password": "password"}
    )
    assert elsewhere.status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_limit(api, world):
    wrong = basic("other", "wrong")
    for n in range(LIMIT):
        api.get(url("patches/"), HTTP_AUTHORIZATION=wrong, HTTP_X_FORWARDED_FOR=f"{n}")
    blocked = api.get(
        url("patches/"), HTTP_AUTHORIZATION=wrong, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert blocked.status_code == 429


def test_behind_a_proxy_the_address_it_saw_counts(api, world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    wrong = basic("other", "wrong")
    for _ in range(LIMIT):
        # The proxy appends the address it saw; the client wrote the rest.
        api.get(
            url("patches/"),
            HTTP_AUTHORIZATION=wrong,
            HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
        )
    blocked = api.get(
        url("patches/"),
        HTTP_AUTHORIZATION=wrong,
        HTTP_X_FORWARDED_FOR="198.51.100.2, 203.0.113.9",
    )
    assert blocked.status_code == 429
    other_client = api.get(
        url("patches/"),
        HTTP_AUTHORIZATION=wrong,
        HTTP_X_FORWARDED_FOR="203.0.113.9, 203.0.113.10",
    )
    assert other_client.status_code == 403
