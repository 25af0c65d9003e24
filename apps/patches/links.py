"""The public URL layout of patches, covers, series, comments and bundles.

These paths are part of the contract with clients (``web_url`` and ``mbox``
fields of the REST API, links in mail, bookmarks), so they are built in this
one place; the web URLconf routes them and a test checks both agree.

A Message-ID appears in URLs without its angle brackets and with each ``/``
written as ``%2F`` before the whole path is percent-encoded, so a slash
reaches the wire as ``%252F`` (upstream's encoding, which existing links use).
"""

from urllib.parse import quote

# Characters left as they are in paths, as Django's reverse() does.
_SAFE = "!$&'()*+,;=/~:@"


def _path(raw: str) -> str:
    return quote(raw, safe=_SAFE)


def msgid_to_segment(msgid: str) -> str:
    """Return the URL form of a Message-ID (before percent-encoding)."""
    return msgid.strip().removeprefix("<").removesuffix(">").replace("/", "%2F")


def segment_to_msgid(segment: str) -> str:
    """Return the Message-ID named by a decoded URL segment."""
    return "<" + segment.replace("%2F", "/") + ">"


def patch_path(linkname: str, msgid: str, suffix: str = "") -> str:
    return _path(f"/project/{linkname}/patch/{msgid_to_segment(msgid)}/{suffix}")


def cover_path(linkname: str, msgid: str, suffix: str = "") -> str:
    return _path(f"/project/{linkname}/cover/{msgid_to_segment(msgid)}/{suffix}")


def patch_web_path(patch) -> str:
    return patch_path(patch.project.linkname, patch.msgid)


def patch_mbox_path(patch) -> str:
    return patch_path(patch.project.linkname, patch.msgid, "mbox/")


def patch_raw_path(patch) -> str:
    return patch_path(patch.project.linkname, patch.msgid, "raw/")


def cover_web_path(cover) -> str:
    return cover_path(cover.project.linkname, cover.msgid)


def cover_mbox_path(cover) -> str:
    return cover_path(cover.project.linkname, cover.msgid, "mbox/")


def series_web_path(series) -> str:
    return _path(f"/project/{series.project.linkname}/list/") + f"?series={series.pk}"


def series_mbox_path(series) -> str:
    return f"/series/{series.pk}/mbox/"


def comment_web_path(comment) -> str:
    return f"/comment/{comment.pk}/"


def bundle_web_path(bundle) -> str:
    return _path(f"/bundle/{bundle.owner.username}/{bundle.name}/")


def bundle_mbox_path(bundle) -> str:
    return _path(f"/bundle/{bundle.owner.username}/{bundle.name}/mbox/")


def list_archive_url(project, msgid: str) -> str | None:
    """Return the list archive URL of a message, or None if the project has none."""
    if not project.list_archive_url_format:
        return None
    # Plain replacement: a stray brace in the format must not break pages.
    return project.list_archive_url_format.replace("{}", msgid.strip("<>"))
