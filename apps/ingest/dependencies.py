"""Resolve ``Depends-on:`` lines to series.

A line names a Message-Id (the series of that patch, else of that cover
letter) or a URL of this server: a patch list filtered by ``series=<id>`` or a
patch page ``/project/<linkname>/patch/<msgid>/`` (host and link name are
ignored, as upstream does). Anything else is logged and skipped.
"""

import logging
import re
from urllib.parse import parse_qs, unquote, urlsplit

from apps.patches.links import segment_to_msgid
from apps.patches.models import Series
from apps.patches.selectors import series_get, series_of_message
from apps.projects.models import Project

logger = logging.getLogger(__name__)

_LIST_PATH = re.compile(r"^/project/[^/]+/list/$")
_PATCH_PATH = re.compile(r"^/project/[^/]+/patch/([^/]+)/$")
MAX_MSGID = 255


def _series_of_url(url: str, project: Project) -> Series | None:
    parts = urlsplit(url)
    path = unquote(parts.path)
    if _LIST_PATH.match(path):
        ids = parse_qs(parts.query).get("series", [])
        if ids and ids[0].isascii() and ids[0].isdigit() and len(ids[0]) <= 18:
            return series_get(int(ids[0]))
        return None
    match = _PATCH_PATH.match(path)
    if match:
        msgid = segment_to_msgid(match.group(1))[:MAX_MSGID]
        return series_of_message(msgid, project)
    return None


def resolve_dependencies(tokens: tuple[str, ...], project: Project) -> list[Series]:
    """Return the series ``Depends-on:`` values name, in order; skip unknown ones."""
    found = []
    for token in tokens:
        if token.startswith("<"):
            series = series_of_message(token[:MAX_MSGID], project)
        else:
            series = _series_of_url(token, project)
        if series is None:
            logger.info("Depends-on: %s names no known series; ignored", token)
            continue
        found.append(series)
    return found
