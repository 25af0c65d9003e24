"""The seed fixture rebuilds a well-formed mail from the seed's stored data."""

import email

from tests.seed import seed_cover_mail, seed_page, seed_patch_mail


def test_seed_page_parts():
    page = seed_page()
    assert page.description.startswith("get:\nShow a patch.")
    assert page.request_line == "GET /api/patches/4242/?format=api"
    assert page.status_line == "HTTP 200 OK"
    assert page.headers["Allow"] == "GET, PUT, PATCH, HEAD, OPTIONS"
    assert page.body["name"].startswith("[widgets,v2,3/5] ")


def test_rebuilt_mails_parse():
    patch = email.message_from_bytes(seed_patch_mail())
    assert patch["Message-Id"] == "<20240307150500.88121-4-ada@example.org>"
    assert len(patch.get_all("Received")) == len(
        seed_page().body["headers"]["Received"]
    )
    assert patch.get_payload().endswith("-- \n2.43.0\n")
    cover = email.message_from_bytes(seed_cover_mail())
    assert "0/5" in cover["Subject"]
    assert cover["In-Reply-To"] is None
