"""The seed: one patch as upstream's browsable API renders a patch's page.

``tests/fixtures/seed/patch-detail-browsable-api.txt`` is the page
``GET /api/patches/4242/?format=api`` of a made-up patch (patch 3 of a v2
series with a cover letter, delivered through a mailing list), written in
the exact shape upstream's page has: the view's description, the request
and status lines, the response headers and the JSON body with every field
in upstream's order and format. This module splits it into its parts and
rebuilds, from the stored headers, content and diff, the mail that produced
it (plus the series' cover letter, which gives the series its name).
"""

import json
from dataclasses import dataclass
from functools import cache

from tests.paths import REPO

SEED_FILE = REPO / "tests/fixtures/seed/patch-detail-browsable-api.txt"
LIST_ID = "widgets-dev.lists.example.org"
COVER_MSGID = "<20240307150500.88121-1-ada@example.org>"


@dataclass(frozen=True)
class SeedPage:
    description: str  # "get:\nShow a patch.\n\npatch:\n..."
    request_line: str  # "GET /api/patches/4242/?format=api"
    status_line: str  # "HTTP 200 OK"
    headers: dict[str, str]  # Allow, Content-Type, Vary
    body: dict


@cache
def seed_page() -> SeedPage:
    text = SEED_FILE.read_text()
    head, brace, rest = text.partition("\n{")
    body = json.loads(brace.strip() + rest)
    lines = head.strip("\n").split("\n")
    request_index = next(i for i, line in enumerate(lines) if line.startswith("GET "))
    headers = {}
    for line in lines[request_index + 2 :]:
        if line.strip():
            name, _, value = line.partition(": ")
            headers[name] = value
    return SeedPage(
        description="\n".join(lines[:request_index]).strip("\n"),
        request_line=lines[request_index],
        status_line=lines[request_index + 1],
        headers=headers,
        body=body,
    )


def _header_block(headers: dict[str, str | list[str]]) -> str:
    lines = []
    for name, value in headers.items():
        for one in value if isinstance(value, list) else [value]:
            lines.append(f"{name}: {one}")
    return "\n".join(lines)


def seed_patch_mail() -> bytes:
    """Return the patch mail as the list delivered it."""
    patch = seed_page().body
    body = patch["content"] + "\n\n" + patch["diff"] + "-- \n2.43.0\n"
    return (_header_block(patch["headers"]) + "\n\n" + body).encode()


def seed_cover_mail() -> bytes:
    """Return the series' cover letter (0/5), threaded as git sends it."""
    headers = dict(seed_page().body["headers"])
    for name in ("In-Reply-To", "References"):
        headers.pop(name)
    headers["Message-Id"] = COVER_MSGID
    headers["Date"] = "Thu, 07 Mar 2024 16:05:01 +0100"
    headers["Subject"] = (
        "[Widgets-dev] [PATCH widgets v2 0/5] frame: a cache for frame lookups"
    )
    body = (
        "Frame lookups walk a list; with many frames per window that is slow.\n"
        "This series adds a small cache and uses it wherever frames are looked\n"
        "up.\n"
    )
    return (_header_block(headers) + "\n\n" + body).encode()
