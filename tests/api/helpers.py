"""Small helpers shared by the API tests."""

import html
import json
import re
from dataclasses import dataclass

from apps.patches.models import State


def url(path: str, version: str | None = None) -> str:
    """Return ``/api/[version/]path``."""
    return f"/api/{version}/{path}" if version else f"/api/{path}"


def state(slug: str) -> State:
    return State.objects.get(slug=slug)


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()]


# Who tries a write in the permission tests (rest-api.md §3.2).
ROLES = ("anonymous", "other", "submitter", "delegate", "maintainer", "superuser")

CREDENTIALS = {"detail": "Authentication credentials were not provided."}
NO_PERMISSION = {"detail": "You do not have permission to perform this action."}


@dataclass(frozen=True)
class BrowsablePage:
    """The parts of a browsable API page a reader sees."""

    title: str
    description: str
    request_line: str
    status_line: str
    headers: dict[str, str]
    body: object


def _text(fragment: str) -> str:
    fragment = re.sub(r"<br\s*/?>", "\n", fragment)
    fragment = re.sub(r"</p>\s*<p>", "\n\n", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def browsable_page(page: str) -> BrowsablePage:
    """Split the HTML of a ``?format=api`` page into its visible parts."""
    title = _text(re.search(r"<title>(.*?)</title>", page, re.S).group(1)).strip()
    description = re.search(r'<div class="pull-left">(.*?)</div>', page, re.S).group(1)
    request = re.search(
        r'<div class="request-info".*?<pre[^>]*>(.*?)</pre>', page, re.S
    )
    response = re.search(
        r'<div class="response-info".*?<pre[^>]*>(.*?)</pre>', page, re.S
    ).group(1)
    # The JSON follows the (nested) spans of the status line and headers.
    meta, _, body = response.rpartition("</span>")
    meta_lines = [line for line in _text(meta).strip().split("\n") if line.strip()]
    headers = {}
    for line in meta_lines[1:]:
        name, _, value = line.partition(": ")
        headers[name] = value
    return BrowsablePage(
        title=title,
        description=_text(description).strip(),
        request_line=_text(request.group(1)).strip(),
        status_line=meta_lines[0],
        headers=headers,
        body=json.loads(_text(body)),
    )
