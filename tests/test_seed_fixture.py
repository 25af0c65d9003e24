"""The seed fixture rebuilds a well-formed mail from the seed's stored data."""

import email

from tests.seed import seed_cover_mail, seed_page, seed_patch_mail


def test_seed_page_parts():
    page = seed_page()
    assert page.description.startswith("get:\nShow a patch.")
    assert page.request_line == "GET /api/patches/816312/?format=api"
    assert page.status_line == "HTTP 200 OK"
    assert page.headers["Allow"] == "GET, PUT, PATCH, HEAD, OPTIONS"
    assert page.body["hash"] == "72c6ef5011fa86ece5d400b83e057080e4dfe098"


def test_rebuilt_mails_parse():
    patch = email.message_from_bytes(seed_patch_mail())
    assert patch["Message-Id"] == "<20170920114637.42004-13-aik@ozlabs.ru>"
    assert len(patch.get_all("Received")) == len(
        seed_page().body["headers"]["Received"]
    )
    assert patch.get_payload().endswith("-- \n2.11.0\n")
    cover = email.message_from_bytes(seed_cover_mail())
    assert "00/18" in cover["Subject"]
    assert cover["In-Reply-To"] is None
