"""The seed: one real patch, ingested from its mail, as the API shows it.

``tests/fixtures/seed/patch-detail-browsable-api.txt`` is this patch's
browsable API page in upstream's shape. After ingesting the series' cover letter and the
patch mail (rebuilt by ``tests.seed``), our page and our JSON must carry the
same title, description, headers and JSON fields, apart from ids and the
host name.
"""

import re

import pytest

from apps.ingest.services import ingest_message
from apps.patches.models import Patch
from apps.projects.models import Project
from tests.api.helpers import browsable_page
from tests.seed import LIST_ID, seed_cover_mail, seed_page, seed_patch_mail

pytestmark = pytest.mark.django_db

SEED_HOST = "http://patches.example.org"
HOST = "http://testserver"


@pytest.fixture
def seeded(db):
    Project.objects.create(
        linkname="widgets-dev",
        name="Widget Development",
        listid=LIST_ID,
        listemail="widgets-dev@lists.example.org",
    )
    ingest_message(seed_cover_mail(), list_id=LIST_ID)
    ingest_message(seed_patch_mail(), list_id=LIST_ID)
    return Patch.objects.get(msgid=seed_page().body["msgid"])


def expected_body(patch: Patch, *, browsable: bool) -> dict:
    """The seed's JSON with our ids and host in place of upstream's."""
    seed = seed_page().body
    ids = {
        seed["id"]: patch.pk,
        seed["project"]["id"]: patch.project_id,
        seed["submitter"]["id"]: patch.submitter_id,
        seed["series"][0]["id"]: patch.series_id,
    }

    def fix(value, key=None):
        if isinstance(value, dict):
            return {k: fix(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(item) for item in value]
        if key == "id":
            return ids[value]
        if isinstance(value, str) and value.startswith(SEED_HOST):
            value = HOST + value.removeprefix(SEED_HOST)
            value = re.sub(r"/(\d+)/", lambda m: f"/{ids.get(int(m[1]), m[1])}/", value)
            value = re.sub(r"series=(\d+)", lambda m: f"series={ids[int(m[1])]}", value)
            if not browsable:
                value = value.removesuffix("?format=api")
        return value

    return fix(seed)


def test_browsable_page_matches_the_seed(client, seeded):
    seed = seed_page()
    response = client.get(f"/api/patches/{seeded.pk}/?format=api")
    assert response.status_code == 200
    page = browsable_page(response.content.decode())
    assert page.title == "Patch Detail \N{EN DASH} Django REST framework"
    assert page.description == seed.description
    assert page.request_line == seed.request_line.replace("4242", str(seeded.pk))
    assert page.status_line == seed.status_line
    assert page.headers == seed.headers
    assert page.body == expected_body(seeded, browsable=True)


def test_json_matches_the_seed(client, seeded):
    response = client.get(f"/api/patches/{seeded.pk}/")
    assert response.json() == expected_body(seeded, browsable=False)
