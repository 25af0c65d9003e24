"""The text rules of version links: name keys, b4 change-ids, references."""

import pytest

from apps.patches.versions import (
    MAX_THREAD_REFERENCES,
    change_id,
    header_references,
    name_key,
)


@pytest.mark.parametrize(
    "name",
    [
        "[PATCH v3 RESEND 0/2] net: Fix the thing.",
        "[PATCH 0/2] net: fix the thing",
        "[RFC,v2,1/5] Net: fix  the   thing!",
        "[net-next][PATCH v2] net: fix the thing",
        "PATCH v2: net: fix the thing",
        "RESEND: net: fix the thing",
        "Re: [PATCH] net: fix the thing",
    ],
)
def test_name_keys_ignore_prefixes_case_and_punctuation(name):
    assert name_key(name) == "net fix the thing"


def test_name_keys_keep_what_differs():
    assert name_key("net: fix the thing") != name_key("net: fix the other thing")
    assert name_key(None) == ""
    assert name_key("[PATCH 1/2]") == ""
    assert name_key("patchwork: update") == "patchwork update"


def test_name_keys_stay_within_the_column():
    assert len(name_key("x " * 1000)) == 255


def test_change_id_is_read_from_b4s_trailer():
    body = "Text.\n\n---\nbase-commit: abc\nchange-id: 20240101-topic-1a2b\n\nBest"
    assert change_id(body) == "20240101-topic-1a2b"
    assert change_id("no trailer, just change-id: inline text") == ""
    assert change_id(None) == ""


def test_header_references_nearest_first_with_folding():
    headers = (
        "From: A <a@x>\n"
        "References: <one@x>\n <two@x>\n\t<three@x>\n"
        "In-Reply-To: <three@x>\n"
        "Subject: x"
    )
    assert header_references(headers) == ["<three@x>", "<two@x>", "<one@x>"]
    assert header_references("Subject: nothing") == []


def test_header_references_are_bounded():
    refs = " ".join(f"<r{n}@x>" for n in range(500))
    found = header_references(f"References: {refs}")
    assert len(found) == MAX_THREAD_REFERENCES
    assert found[0] == "<r499@x>"
