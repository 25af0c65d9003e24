"""Render patches and cover letters as mbox mails that ``git am`` applies.

Plain functions over already-loaded objects (``selectors.patch_mbox_queryset``
loads what they need in a fixed number of queries): the REST API's download
links and the web UI both use them. The format is upstream Patchwork's
(rest-api.md §10):

* ``From patchwork <ctime of the mail date>`` separator line;
* our MIME headers, ``X-Patchwork-Submitter/-Id/-Delegate``, then the stored
  headers of the original mail (minus its MIME type and encoding);
* the body with review tags given in replies (``Acked-by:`` ...) added before
  the ``---`` line, so that ``git am`` records them; then the diff.
"""

import datetime as dt
import re
from collections.abc import Iterable
from email.header import Header
from email.parser import HeaderParser
from email.utils import formataddr, formatdate, parseaddr

from apps.mail_headers import header_value

# The line separating the commit message from notes ("---" by git).
_POSTSCRIPT = re.compile(r"\n-{2,3} ?\n")
# Tags that a reviewer's reply contributes to the commit message.
_RESPONSE_TAG = re.compile(
    r"^(Tested|Reviewed|Acked|Signed-off|Nacked|Reported)-by:.*$",
    re.MULTILINE | re.IGNORECASE,
)
# Headers we write ourselves.
_REPLACED = frozenset({"content-type", "content-transfer-encoding"})
_UNSAFE_FILENAME = re.compile(r"[^-_A-Za-z0-9.]+")


def download_filename(text: str) -> str:
    """Return ``text`` made safe for a file name (runs of other chars -> ``-``)."""
    return _UNSAFE_FILENAME.sub("-", text).strip("-")


def attachment(filename: str) -> str:
    """Return the ``Content-Disposition`` value offering ``filename`` for download.

    The name is reduced to ``download_filename``'s characters, so no quote,
    semicolon or line break of a subject or bundle name reaches the header,
    and is sent unquoted, as upstream does: git-pw takes everything after
    ``filename=`` as the name, so a quoted one (as Django's
    ``content_disposition_header`` writes) would keep its quotes on disk.
    """
    return f"attachment; filename={download_filename(filename)}"


def response_tags(comments: Iterable) -> list[str]:
    """Return the review tag lines of ``comments``, in comment order."""
    tags: list[str] = []
    for comment in comments:
        if comment.content:
            tags.extend(
                match.group(0) for match in _RESPONSE_TAG.finditer(comment.content)
            )
    return tags


def _body(content: str | None, tags: list[str], diff: str | None) -> str:
    body = (content or "").strip() + "\n"
    parts = _POSTSCRIPT.split(body, maxsplit=1)
    postscript = ""
    if len(parts) == 2:
        body = parts[0].strip() + "\n"
        postscript = parts[1].rstrip()
    body += "".join(f"{tag}\n" for tag in tags)
    if postscript:
        body += f"---\n{postscript}\n"
    if diff:
        body += f"\n{diff}"
    return body


def _header_line(name: str, value: str) -> str:
    if value.isascii():
        return f"{name}: {header_value(value)}"
    # Raw 8-bit text is not allowed in headers: encode it (RFC 2047), on one
    # line that the encoder folds.
    value = header_value(value, fold=False)
    return f"{name}: {Header(value, 'utf-8', header_name=name).encode()}"


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _mail(submission, *, tags: list[str], diff: str | None, delegate_email) -> str:
    body = _body(submission.content, tags, diff)
    submitter = formataddr(
        (submission.submitter.name or "", submission.submitter.email), charset="utf-8"
    )
    lines = [
        f"From patchwork {_utc(submission.date).ctime()}",
        'Content-Type: text/plain; charset="utf-8"',
        "MIME-Version: 1.0",
        f"Content-Transfer-Encoding: {'7bit' if body.isascii() else '8bit'}",
        _header_line("X-Patchwork-Submitter", submitter),
        f"X-Patchwork-Id: {submission.pk}",
    ]
    if delegate_email:
        lines.append(_header_line("X-Patchwork-Delegate", delegate_email))
    list_email = (submission.project.listemail or "").lower()
    has_date = False
    parsed = HeaderParser().parsestr(submission.headers or "", headersonly=True)
    for name, value in parsed.items():
        lowered = name.lower()
        if lowered in _REPLACED:
            continue
        has_date = has_date or lowered == "date"
        if lowered == "from" and parseaddr(value)[1].lower() == list_email:
            # The list rewrote From: (DMARC); git am must see the author.
            lines.append(_header_line("X-Patchwork-Original-From", value))
            value = submitter
        lines.append(_header_line(name, value))
    if not has_date:
        lines.append(f"Date: {formatdate(submission.date.timestamp())}")
    return "\n".join(lines) + "\n\n" + body


def _cover_replies(patch) -> Iterable:
    """Return the replies to the patch's cover letter where their tags count."""
    if not patch.project.cover_tags or patch.series_id is None:
        return ()
    cover = patch.series.cover_letter
    return cover.comments.all() if cover is not None else ()


def patch_to_mail(patch) -> str:
    """Return one patch as an mbox mail (with the review tags of its comments).

    Tags given in reply to the series' cover letter come first, as b4
    applies them to every patch (**Deviation**: upstream leaves them out).
    """
    return _mail(
        patch,
        tags=response_tags(_cover_replies(patch)) + response_tags(patch.comments.all()),
        diff=patch.diff,
        delegate_email=patch.delegate.email if patch.delegate_id else None,
    )


def cover_to_mail(cover) -> str:
    """Return one cover letter as an mbox mail."""
    return _mail(
        cover, tags=response_tags(cover.comments.all()), diff=None, delegate_email=None
    )


def join_mails(mails: Iterable[str]) -> str:
    """Join mails into one mbox (separated by a single newline, as upstream)."""
    return "\n".join(mails)
