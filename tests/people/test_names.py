"""Names reach mail headers: control characters are refused or cleaned on every path.

A line break in a name written into an mbox's X-Patchwork-Submitter would
end its headers early (``git am`` then applies what the page never showed).
People typing a name (web registration, admin; the REST API in
tests/api/test_resources.py) get an error; names from mail are cleaned.
"""

import re
from email.parser import Parser

import pytest
from django.core import mail

from apps.ingest.services import ingest_message
from apps.patches.mbox import patch_to_mail
from apps.people.models import Person, User
from apps.people.services import person_link_confirm, person_link_request
from tests.factories import PatchFactory, PersonFactory, UserFactory
from tests.hostile import HEADER
from tests.ingest.helpers import make_mail

pytestmark = pytest.mark.django_db

DIFF = "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n"
REFUSED = "Names cannot contain line breaks, tabs or other control characters."


@pytest.mark.parametrize("name", [HEADER, "tab\there", "nul\x00", "sep\u2028x"])
def test_registration_refuses_control_characters(client, name):
    response = client.post(
        "/register/",
        {
            "first_name": name[:30],
            "last_name": "Ok",
            "username": "eve",
            "email": "eve@example.org",
            "password": "a-long-and-unusual-passphrase",
        },
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not User.objects.filter(username="eve").exists()
    assert mail.outbox == []


def test_admin_refuses_control_characters(admin_client):
    response = admin_client.post(
        "/admin/people/person/add/", {"name": HEADER, "email": "p@example.org"}
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not Person.objects.filter(email="p@example.org").exists()


def test_ingest_stores_names_cleaned_not_refused(project):
    # An encoded word may decode to anything, control characters included.
    sender = "=?utf-8?q?Eve=01=0D=0AX-Injected=3A_1=00?= <eve@example.org>"
    ingest_message(
        make_mail(f"Change.\n{DIFF}", sender=sender, subject="[PATCH] x"),
        list_id=project.listid,
    )
    person = Person.objects.get(email="eve@example.org")
    assert person.name == "Eve X-Injected: 1"


def test_a_confirmed_link_copies_a_clean_name_into_the_mbox(project):
    """An account saved before names were checked still yields a one-line header."""
    user = UserFactory(username="mallory")
    User.objects.filter(pk=user.pk).update(first_name=HEADER, last_name="\n \n\tx")
    user.refresh_from_db()
    person = PersonFactory(email="m@example.org", name="Mallory")
    person_link_confirm(
        confirmation=person_link_request(user=user, email="m@example.org")
    )
    person.refresh_from_db()
    assert person.name == (
        "x X-Injected: 1 From evil@example.com Mon Jan 1 00:00:00 2024 x"
    )
    patch = PatchFactory(project=project, submitter=person)
    head = patch_to_mail(patch).partition("\n\n")[0]
    assert Parser().parsestr(patch_to_mail(patch))["X-Injected"] is None
    [submitter] = [
        line for line in head.split("\n") if line.startswith("X-Patchwork-Submitter")
    ]
    assert submitter == f'X-Patchwork-Submitter: "{person.name}" <m@example.org>'


def test_mbox_headers_hold_no_break_but_folds_with_text(project):
    """A bare or blank line break in a value cannot add a header or end them."""
    person = PersonFactory(email="m@example.org", name="x\n \n\tX-Injected: 1\r")
    patch = PatchFactory(
        project=project,
        submitter=person,
        headers="Subject: a\n \n\tb\n \n",
    )
    mail = patch_to_mail(patch)
    head = mail.partition("\n\n")[0].split("\n")
    assert [line for line in head if not line.strip()] == []
    assert [line for line in head[1:] if not re.match(r"[\w-]+: |[ \t]+\S", line)] == []
    parsed = Parser().parsestr(mail)
    assert parsed["X-Injected"] is None
    assert parsed["Subject"] == "a \n\tb "
