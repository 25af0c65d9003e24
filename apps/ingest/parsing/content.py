"""Mail bodies: text parts, the diff/prose split, pull requests, file names."""

import codecs
import logging
import re
from email.message import Message

logger = logging.getLogger(__name__)

_FALLBACK_CHARSETS = ("utf-8", "windows-1252", "iso-8859-1")
_DIFF_SUBTYPES = ("x-patch", "x-diff")

# git's extended header lines (git-diff(1), "generating patches with -p").
_EXTENDED_HEADER = (
    "old mode ",
    "new mode ",
    "deleted file mode ",
    "new file mode ",
    "copy from ",
    "copy to ",
    "rename from ",
    "rename to ",
    "similarity index ",
    "dissimilarity index ",
    "index ",
)
_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_NO_NEWLINE = "\\ No newline at end of file"
# A signature ("-- ") or a list footer (a line of underscores) ends the text.
_SIGNATURE = re.compile(r"^(-- |_+)\n.*", re.S | re.M)
# A pull request (``git request-pull``): upstream reads it with one pattern,
#   ^The following changes since commit.*
#   ^are available in the git repository at:\s*\n
#   ^\s*([\w+-]+(?:://|@)[\w/.@:~-]+[\s\\]*[\w/._-]*)\s*$   (S, M and I flags)
# whose backtracking takes quadratic time on hostile text. The pieces below
# read the same parts one run at a time (see ``pull_request_url``).
_PULL_SINCE = re.compile(r"^The following changes since commit", re.M | re.I)
_PULL_AT = re.compile(r"^are available in the git repository at:", re.M | re.I)
_BLANKS = re.compile(r"\s*")
_SCHEME = re.compile(r"[\w+-]+(?:://|@)")
_URL_CHARS = re.compile(r"[\w/.@:~-]+")
_URL_GAP = re.compile(r"[\s\\]*")
_URL_TAIL = re.compile(r"[\w/._-]*")
_FILENAME = re.compile(r"^(---|\+\+\+) (\S+)")
# "Depends-on: <msgid>" or "Depends-on: <URL of a series or patch page>".
_DEPENDS_ON = re.compile(
    r"^Depends-on: (<[^>\n]+>|https?://[\w\-./=&@:%?_+()]+)$", re.M | re.I
)


def _decode(payload: bytes, charset: str | None) -> str | None:
    if charset is not None:
        try:
            codecs.lookup(charset)
        except (LookupError, ValueError, TypeError):
            charset = None
    for candidate in (charset,) if charset else _FALLBACK_CHARSETS:
        try:
            return payload.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def text_parts(msg: Message) -> list[tuple[str, str]]:
    """Return (text, subtype) of every decodable ``text/*`` part, in order.

    A part whose declared charset is known but does not decode it is dropped
    (upstream does the same); unknown or missing charsets fall back to UTF-8,
    then windows-1252, then ISO-8859-1.
    """
    parts = []
    for part in msg.walk():
        if part.get_content_maintype() != "text":
            continue
        payload = part.get_payload(decode=True)
        if payload is None:
            continue
        if isinstance(payload, bytes):
            try:
                charset = part.get_content_charset()
            except (LookupError, ValueError, TypeError, UnicodeError):
                charset = None
            text = _decode(payload, charset)
            if text is None:
                logger.info("dropping a text part that does not decode as %s", charset)
                continue
        else:
            # Not reached in practice: decoding gives bytes for leaf parts.
            assert isinstance(payload, str)
            text = payload
        parts.append((text, part.get_content_subtype()))
    return parts


def _count(digits: str | None) -> int:
    # Absurdly long counts (a broken or hostile mail) just never run out.
    if not digits:
        return 1
    return int(digits) if len(digits) <= 18 else 10**18


def split_diff(text: str) -> tuple[str | None, str | None]:
    """Split one text into (diff, prose); either may be None.

    A line-by-line state machine: lines that may open a diff are held back
    until a structure confirms them (then they join the diff) or rejects them
    (then they return to the prose). Hunk line counts decide where a hunk
    ends, so blank context lines do not end it early. Reproduces upstream's
    quirks, including the one after binary hunks (see the ingest spec, 7.4).
    """
    splitter = _DiffSplitter()
    for piece in text.split("\n"):
        splitter.feed(piece + "\n")
    return splitter.result()


class _DiffSplitter:
    """The state machine of ``split_diff``; ``state`` names the next step."""

    def __init__(self) -> None:
        self.diff: list[str] = []
        self.prose: list[str] = []
        self.held: list[str] = []
        # Whether a whole hunk has been read: a diff is then certain.
        self.after_hunk = False
        self.old = self.new = 0
        self.state = self._outside

    def feed(self, line: str) -> None:
        self.state(line)

    def result(self) -> tuple[str | None, str | None]:
        self.prose.extend(self.held)
        return ("".join(self.diff) or None), ("".join(self.prose) or None)

    def _confirm(self, line: str) -> None:
        """Move the held lines and ``line`` into the diff."""
        self.diff.extend(self.held)
        self.diff.append(line)
        self.held = []

    def _reject(self, line: str) -> None:
        """Return the held lines and ``line`` to the prose; look for a diff again."""
        self.prose.extend(self.held)
        self.prose.append(line)
        self.held = []
        self.state = self._outside

    def _outside(self, line: str) -> None:
        if line.startswith(("diff ", "Index: ")):
            self.held.append(line)
            self.state = self._file_header
        elif line.startswith("--- "):
            self.held.append(line)
            self.state = self._old_name
        else:
            self.prose.append(line)

    def _file_header(self, line: str) -> None:
        self.held.append(line)
        if line.startswith("--- "):
            self.state = self._old_name
        if line.startswith(_EXTENDED_HEADER):
            self.state = self._extended_header

    def _old_name(self, line: str) -> None:
        if line.startswith("+++ "):
            self.held.append(line)
            self.state = self._new_name
        elif self.after_hunk:
            self.held.append(line)
            self.state = self._file_header
        else:
            self._reject(line)

    def _new_name(self, line: str) -> None:
        match = _HUNK.match(line)
        if match:
            self.old = _count(match.group(1))
            self.new = _count(match.group(2))
            self._confirm(line)
            self.state = self._hunk
        elif line.startswith("--- "):
            self._confirm(line)
            self.state = self._old_name
        elif self.after_hunk and line.startswith(_NO_NEWLINE):
            self.diff.append(line)
        elif self.after_hunk:
            self.held.append(line)
            self.state = self._file_header
        else:
            self._reject(line)

    def _hunk(self, line: str) -> None:
        if line.startswith("-"):
            self.old -= 1
        elif line.startswith("+"):
            self.new -= 1
        elif not line.startswith(_NO_NEWLINE):
            self.old -= 1
            self.new -= 1
        self.diff.append(line)
        if self.old <= 0 and self.new <= 0:
            self.after_hunk = True
            self.state = self._new_name

    def _extended_header(self, line: str) -> None:
        if line.startswith(_EXTENDED_HEADER):
            self._confirm(line)
        elif line.startswith("--- "):
            self._confirm(line)
            self.state = self._old_name
        elif line.startswith("GIT binary patch"):
            self._confirm(line)
            self.state = self._binary
        else:
            self.held.append(line)
            self.state = self._file_header

    def _binary(self, line: str) -> None:
        if line.startswith("diff"):
            # Upstream drops back to prose here, so the next file's extended
            # header lines land in the content (a bug kept for compatibility).
            self.held.append(line)
            self.state = self._outside
        else:
            self._confirm(line)


def clean_content(text: str) -> str:
    """Cut the signature or list footer and everything after it; trim; drop NULs."""
    return _SIGNATURE.sub("", text).strip().replace("\x00", "")


def patch_content(parts: list[tuple[str, str]]) -> tuple[str | None, str]:
    """Return (diff, content) of a mail that is not a reply.

    A ``text/x-patch`` or ``text/x-diff`` part is the diff as is; otherwise the
    first ``text/plain`` part that holds one is split. Prose of the plain
    parts becomes the content.
    """
    diff: str | None = None
    comment = ""
    for text, subtype in parts:
        if subtype in _DIFF_SUBTYPES:
            diff = text
        elif subtype == "plain":
            prose: str | None = text
            if not diff:
                diff, prose = split_diff(text)
            if prose is not None:
                comment += prose.strip() + "\n"
    if diff is not None:
        diff = diff.replace("\x00", "") or None
    return diff, clean_content(comment)


def comment_content(parts: list[tuple[str, str]]) -> str:
    """Return the content of a reply: every non-empty plain part, cleaned."""
    comment = "".join(
        text.strip() + "\n" for text, subtype in parts if text and subtype == "plain"
    )
    return clean_content(comment)


def pull_request_url(content: str) -> str | None:
    """Return the repository and branch of a ``git request-pull`` mail.

    Upstream's pattern takes the last "are available" line after the first
    "following changes" line that is followed by a repository; so does this.
    """
    since = _PULL_SINCE.search(content)
    if since is None:
        return None
    for at in reversed(list(_PULL_AT.finditer(content, since.end()))):
        url = _repository_at(content, at.end())
        if url is not None:
            return re.sub(r"\s+", " ", url).strip()
    return None


def _repository_at(content: str, pos: int) -> str | None:
    r"""Read ``\s*\n\s*`` then the repository (and branch) that starts there."""
    start = _BLANKS.match(content, pos).end()  # type: ignore[union-attr]
    if "\n" not in content[pos:start]:
        return None
    scheme = _SCHEME.match(content, start)
    if scheme is None:
        return None
    path = _URL_CHARS.match(content, scheme.end())
    if path is None:
        return None
    gap_end = _URL_GAP.match(content, path.end()).end()  # type: ignore[union-attr]
    tail_end = _URL_TAIL.match(content, gap_end).end()  # type: ignore[union-attr]
    if _ends_line(content, tail_end):
        return content[start:tail_end]
    # Upstream's pattern then gives back the gap one character at a time: a
    # blank from which only blanks lead to the end of a line ends the match.
    line_end = False
    for end in range(gap_end - 1, path.end() - 1, -1):
        char = content[end]
        line_end = char.isspace() and (
            char == "\n" or end + 1 == len(content) or line_end
        )
        if line_end:
            return content[start:end]
    return None


def _ends_line(content: str, pos: int) -> bool:
    r"""Tell whether only blanks lead from ``pos`` to the end of a line (``\s*$``)."""
    blanks_end = _BLANKS.match(content, pos).end()  # type: ignore[union-attr]
    return blanks_end == len(content) or "\n" in content[pos:blanks_end]


def changed_files(diff: str) -> list[str]:
    """Return the sorted paths a diff touches, without their first component."""
    names = set()
    for line in diff.replace("\r", "").strip().split("\n"):
        match = _FILENAME.match(line)
        if not match:
            continue
        name = match.group(2)
        if name.startswith("/dev/null"):
            continue
        names.add(name.partition("/")[2])
    return sorted(names)


def depends_on(content: str) -> tuple[str, ...]:
    """Return the values of ``Depends-on:`` lines (message ids or URLs), in order."""
    return tuple(_DEPENDS_ON.findall(content))
