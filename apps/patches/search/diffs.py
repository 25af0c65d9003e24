"""What a diff holds for ``file:`` and ``diff:``: pure functions, no database.

Used when a patch is stored and by the migration filling older rows, so
both derive the same values.
"""

import re

# "--- a/path" and "+++ b/path", read as mail ingest reads them.
_FILE_LINE = re.compile(r"(?:---|\+\+\+) (\S+)")
_MAX_PATH = 1000


def changed_paths(diff: str) -> list[str]:
    """Return the sorted paths the diff touches, without their first component."""
    paths = set()
    for line in diff.splitlines():
        match = _FILE_LINE.match(line)
        if not match:
            continue
        name = match.group(1)
        if name.startswith("/dev/null") or "/" not in name:
            continue
        paths.add(name.partition("/")[2][:_MAX_PATH])
    paths.discard("")
    return sorted(paths)


def changed_lines(diff: str) -> str:
    """Return the hunks' added and removed lines without their sign, one a line.

    Only lines inside a hunk (after ``@@``) count, so file headers do not,
    while a removed line that itself starts with ``--`` does.
    """
    lines = []
    in_hunk = False
    for line in diff.splitlines():
        if line.startswith("@@"):
            in_hunk = True
        elif not in_hunk or line[:1] not in ("+", "-", " ", "\\"):
            in_hunk = False
        elif line[:1] in ("+", "-"):
            lines.append(line[1:])
    return "\n".join(lines)
