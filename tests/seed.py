"""The seed: one real patch as upstream's browsable API renders it.

``../shared/seeds/patch-detail-browsable-api.txt`` holds the text of
``GET /api/patches/816312/?format=api`` on patchwork.ozlabs.org. This module
splits it into its parts and rebuilds, from the stored headers, content and
diff, the mail that produced it (plus the series' cover letter, which gives
the series its name).
"""

import json
from dataclasses import dataclass
from functools import cache

from tests.paths import SEEDS, require_shared

SEED_FILE = "patch-detail-browsable-api.txt"
LIST_ID = "qemu-devel.nongnu.org"


@dataclass(frozen=True)
class SeedPage:
    description: str  # "get:\nShow a patch.\n\npatch:\n..."
    request_line: str  # "GET /api/patches/816312/?format=api"
    status_line: str  # "HTTP 200 OK"
    headers: dict[str, str]  # Allow, Content-Type, Vary
    body: dict


@cache
def seed_page() -> SeedPage:
    require_shared()
    text = (SEEDS / SEED_FILE).read_text()
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
    body = patch["content"] + "\n\n" + patch["diff"] + "-- \n2.11.0\n"
    return (_header_block(patch["headers"]) + "\n\n" + body).encode()


def seed_cover_mail() -> bytes:
    """Return the series' cover letter (00/18), threaded as git sends it."""
    headers = dict(seed_page().body["headers"])
    for name in ("In-Reply-To", "References"):
        headers.pop(name)
    headers["Message-Id"] = "<20170920114637.42004-1-aik@ozlabs.ru>"
    headers["Date"] = "Wed, 20 Sep 2017 21:46:20 +1000"
    headers["Subject"] = "[Qemu-devel] [PATCH qemu v4 00/18] memory: Reduce memory use"
    body = (
        "This was inspired by https://bugzilla.redhat.com/show_bug.cgi?id=1481593\n"
        "\n"
        "What happens here is that every virtio block device creates 2 address\n"
        "spaces and FlatViews are shared between them now.\n"
    )
    return (_header_block(headers) + "\n\n" + body).encode()
