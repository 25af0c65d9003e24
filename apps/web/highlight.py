"""Colouring of mail bodies and diffs for HTML.

Everything here escapes each piece of mail text *before* wrapping it in
markup, so the result is safe whatever the mail contains; the template
filters in ``apps.web.templatetags.patchserver`` are thin wrappers.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Lines that get their own class in message bodies (web-ui.md §7.4).
_TAG_LINES = (
    ("Signed-off-by: ", "signed-off-by"),
    ("Acked-by: ", "acked-by"),
    ("Nacked-by: ", "nacked-by"),
    ("Tested-by: ", "tested-by"),
    ("Reviewed-by: ", "reviewed-by"),
    ("From: ", "from"),
)
_URL = re.compile(r"(?:https?|git|ftp)://[^\s<>\"'`]+")
# Punctuation that ends a sentence rather than the URL.
_URL_TRAILING = ".,;:!?)]}"
_HUNK = re.compile(r"^(@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@)(.*)$")


def _linkify(line: str) -> str:
    """Escape ``line`` and turn the URLs in it into links."""
    out: list[str] = []
    position = 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(_URL_TRAILING)
        end = match.start() + len(url)
        out.append(escape(line[position : match.start()]))
        out.append(f'<a href="{escape(url)}" rel="nofollow">{escape(url)}</a>')
        position = end
    out.append(escape(line[position:]))
    return "".join(out)


def _message_line_class(line: str) -> str | None:
    stripped = line.lstrip()
    if stripped.startswith(">"):
        return "quote"
    for prefix, css in _TAG_LINES:
        if stripped.startswith(prefix):
            return f"tag-line {css}"
    return None


def message_html(text: str | None) -> SafeString:
    """Return a mail body as escaped HTML lines with tag lines, quotes and links."""
    lines = []
    for line in (text or "").rstrip("\n").split("\n"):
        html = _linkify(line)
        css = _message_line_class(line)
        lines.append(f'<span class="{css}">{html}</span>' if css else html)
    return mark_safe("\n".join(lines))  # noqa: S308 - every piece was escaped


def _diff_line_class(line: str) -> str | None:
    if line.startswith(("Index", "diff", "---", "+++", "***")):
        return "diff-file"
    if line.startswith("+"):
        return "diff-add"
    if line.startswith("-"):
        return "diff-del"
    if line.startswith("!"):
        return "diff-change"
    return None


def diff_html(text: str | None) -> SafeString:
    """Return a diff as escaped HTML with file, hunk, added and removed lines marked."""
    lines = []
    for line in (text or "").rstrip("\n").split("\n"):
        hunk = _HUNK.match(line)
        if hunk:
            head, context = hunk.groups()
            html = f'<span class="diff-hunk">{escape(head)}</span>'
            if context:
                html += f'<span class="diff-hunk-context">{escape(context)}</span>'
            lines.append(html)
            continue
        css = _diff_line_class(line)
        lines.append(
            f'<span class="{css}">{escape(line)}</span>' if css else escape(line)
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every piece was escaped
