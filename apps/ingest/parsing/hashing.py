"""The diff hash: SHA-1 over a normalised diff, as upstream's hasher computes it.

Git hooks find a patch from a commit by hashing ``git diff C~..C`` the same
way, so every detail (line splitting, path rewriting, hunk header counts)
matters.
"""

import hashlib
import re
import unicodedata

_FILE_LINE = re.compile(r"^(---|\+\+\+) (\S+)")
_HUNK_LINE = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_PREFIX_OF = {"---": "a/", "+++": "b/"}


def _decimal(count: str | None) -> str:
    """Return a hunk count as upstream prints it (``%d`` of its value; 1 if absent).

    Works digit by digit, so counts too long for ``int()`` do not fail.
    """
    if not count:
        return "1"
    if not count.isascii():
        count = "".join(str(unicodedata.digit(char)) for char in count)
    return count.lstrip("0") or "0"


def hash_diff(diff: str) -> str:
    r"""Return the 40-hex SHA-1 that identifies ``diff``.

    Carriage returns are dropped and the text trimmed; then file lines keep
    only their path (first component replaced by ``a/``/``b/``), hunk headers
    only their line counts, ``+``/``-``/context lines stay, and every other
    line is skipped. Splits on ``\n`` only (not ``splitlines()``).
    """
    digest = hashlib.sha1()  # noqa: S324 - an identifier, not a security hash
    text = diff.replace("\r", "").strip() + "\n"
    for line in text.split("\n"):
        if not line:
            continue
        file_match = _FILE_LINE.match(line)
        if file_match:
            marker, path = file_match.groups()
            line = f"{marker} {_PREFIX_OF[marker]}{path.partition('/')[2]}"
        else:
            hunk_match = _HUNK_LINE.match(line)
            if hunk_match:
                old, new = (_decimal(count) for count in hunk_match.groups())
                line = f"@@ -{old} +{new} @@"
            elif line[0] not in "-+ ":
                continue
        digest.update((line + "\n").encode("utf-8"))
    return digest.hexdigest()
