"""After an import, old links, tokens and passwords work as they did upstream."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from apps.patches.models import Patch
from apps.patches.search import apply_search
from apps.people.models import User
from tests.importer.sample import BOB_TOKEN, OLD_PASSWORD

pytestmark = pytest.mark.django_db

# Upstream's default hasher, next to the one the test settings use.
HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]


@pytest.fixture
def imported(upstream_source):
    call_command(
        "importpatchwork",
        upstream_source.url,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return upstream_source


def test_an_old_patch_link_leads_to_the_patch_page(imported, client):
    response = client.get("/patch/1001/", follow=True)

    assert response.redirect_chain[-1][0] == "/project/linux-foo/patch/p1@example.org/"
    page = response.content.decode()
    assert "[v2,1/2] one" in page
    assert "Needs ACK" in page
    assert "Acked-by: Alice" in page


def test_an_old_api_url_gives_the_patch_with_its_state_delegate_and_series(
    imported, client
):
    response = client.get("/api/patches/1001/")

    patch = json.loads(response.content)
    assert response.status_code == 200
    assert patch["msgid"] == "<p1@example.org>"
    assert patch["state"] == "needs-acks"
    assert patch["delegate"]["username"] == "bob"
    assert [series["id"] for series in patch["series"]] == [71]
    assert patch["check"] == "fail"
    expected_related = [] if imported.release == "2.2" else [1002]
    assert [related["id"] for related in patch["related"]] == expected_related


def test_an_old_bundle_url_shows_the_bundle_in_its_order(imported, client):
    page = client.get("/bundle/bob/review/").content.decode()

    assert page.index("[v2,2/2] two") < page.index("[v2,1/2] one")
    assert client.get("/bundle/alice/secret/").status_code == 404
    client.force_login(User.objects.get(username="alice"))
    assert "lone" in client.get("/bundle/alice/secret/").content.decode()


def test_an_old_token_authenticates_its_user(imported, client):
    response = client.get("/api/users/5/", HTTP_AUTHORIZATION=f"Token {BOB_TOKEN}")

    user = json.loads(response.content)
    assert response.status_code == 200
    assert user["username"] == "bob"
    assert user["settings"] == {
        "send_email": False,
        "items_per_page": 20,
        "show_ids": False,
    }


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_an_old_password_logs_in_on_the_web_page(imported):
    client = Client()
    response = client.post(
        "/user/login/", {"username": "bob", "password": OLD_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/user/"
    assert response.wsgi_request.user.username == "bob"


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_a_wrong_password_does_not(imported):
    client = Client()
    response = client.post("/user/login/", {"username": "bob", "password": "guess"})

    assert not response.wsgi_request.user.is_authenticated


def test_imported_patches_are_found_by_the_files_and_words_of_their_diffs(imported):
    def found(text):
        rows = apply_search(Patch.objects.all(), text)
        return sorted(rows.values_list("pk", flat=True))

    assert found("file:drivers/foo.c") == [1001, 1002, 1005]
    assert found("diff:new file:drivers/") == [1001, 1002, 1005]
    assert found('"one" signed') == [1001]
