"""The difference between two versions of a series, as ``git range-diff`` shows it.

Pure: it takes plain values (subjects, positions, diffs, cover texts) and
returns plain values, so it is tested without a database and cached by the
read layer (``apps.patches.selectors.interdiff``).

Patches of the older version are paired with the newer's in three passes,
each over what the previous left unpaired: by normalised subject (version
and numbering prefixes, case and spacing ignored), then by diff identity
(a hash of the diff with line numbers and whitespace left out, as
``git patch-id`` computes it), then by position in the series. Each pair
is *unchanged* when subject and diff identity agree, else *changed* with
the diff of the two diffs; what is left is *added* or *removed*.

Bounds: ``difflib`` can take quadratic time, and diffs come from mail.
A text longer than ``MAX_LINES`` lines or ``MAX_CHARS`` characters is not
compared line by line (the pair is still classified from its hashes), and
one comparison of the series may use at most ``MAX_TOTAL_LINES`` lines
overall; what is skipped is reported as ``too_large``.
"""

import difflib
import functools
import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum

MAX_LINES = 5_000
MAX_CHARS = 500_000
MAX_TOTAL_LINES = 50_000
# More patches than any real series has; the rest are left out (``truncated``).
MAX_PATCHES = 1_000

_PREFIXES = re.compile(r"^(?:\s*(?:\[[^\]]*\]|re:|fwd?:))+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@", re.MULTILINE)
_INDEX = re.compile(r"^index [^\n]*", re.MULTILINE)


class Change(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class PatchText:
    """One patch of a version: its position, subject and diff (None: no diff)."""

    number: int
    name: str
    diff: str | None
    # An id the caller knows the patch by (passed through to the result).
    key: int | None = None

    @functools.cached_property
    def identity(self) -> str | None:
        """The diff's identity (computed once: pairing and classifying ask)."""
        return diff_identity(self.diff)


@dataclass(frozen=True)
class VersionText:
    """One version of a series: its cover letter (if any) and patches."""

    patches: list[PatchText]
    cover_name: str | None = None
    cover_body: str | None = None
    # How diff headers name this version ("v2").
    label: str = "v1"

    @property
    def cover_text(self) -> str | None:
        if self.cover_name is None and self.cover_body is None:
            return None
        return f"Subject: {self.cover_name or ''}\n\n{self.cover_body or ''}"


@dataclass(frozen=True)
class Entry:
    """One line of the comparison: a pair, or a patch only one side has."""

    change: Change
    old: PatchText | None
    new: PatchText | None
    # How the pair was found: "subject", "diff" or "position" (None: unpaired).
    matched_by: str | None = None
    # The diff of the two diffs (unified format, lines without newlines).
    diff: list[str] = field(default_factory=list)
    too_large: bool = False

    @property
    def moved(self) -> bool:
        """Whether a paired patch changed its position in the series."""
        return (
            self.old is not None
            and self.new is not None
            and self.old.number != self.new.number
        )


@dataclass(frozen=True)
class Interdiff:
    entries: list[Entry]
    # The cover letters' difference; empty when both are equal or absent.
    cover_diff: list[str]
    cover_change: Change | None
    cover_too_large: bool = False
    truncated: bool = False

    def counts(self) -> dict[str, int]:
        found = {change.value: 0 for change in Change}
        for entry in self.entries:
            found[entry.change.value] += 1
        return found


def bare_subject(name: str) -> str:
    """Return a subject without its ``[PATCH v2 3/5]`` and ``Re:`` prefixes."""
    return _SPACE.sub(" ", _PREFIXES.sub("", name[:1000])).strip()


def normalise_subject(name: str) -> str:
    """Return a subject as pairing compares it: no prefixes, case or extra spaces."""
    return bare_subject(name).lower()


def diff_identity(diff: str | None) -> str | None:
    """Return a hash of ``diff`` ignoring line numbers, whitespace and index lines."""
    if diff is None:
        return None
    text = _HUNK.sub("@@", _INDEX.sub("", diff))
    return hashlib.sha1(
        "".join(text.split()).encode("utf-8", "surrogatepass"), usedforsecurity=False
    ).hexdigest()


class _Budget:
    """Lines left for line-by-line comparison in one interdiff."""

    def __init__(self, lines: int) -> None:
        self.lines = lines

    def unified(self, old: str, new: str, old_label: str, new_label: str):
        """Return (diff lines, too_large) comparing ``old`` with ``new``."""
        if max(len(old), len(new)) > MAX_CHARS:
            return [], True
        old_lines, new_lines = old.splitlines(), new.splitlines()
        size = len(old_lines) + len(new_lines)
        if max(len(old_lines), len(new_lines)) > MAX_LINES or size > self.lines:
            return [], True
        self.lines -= size
        found = difflib.unified_diff(
            old_lines, new_lines, old_label, new_label, lineterm=""
        )
        return list(found), False


def _pair(
    old: list[PatchText], new: list[PatchText], key, how: str, pairs: dict
) -> None:
    """Pair still-unpaired patches whose ``key`` agrees, first come first paired."""
    waiting: dict[object, list[int]] = {}
    for index, patch in enumerate(old):
        value = key(patch)
        if index not in pairs["old"] and value is not None:
            waiting.setdefault(value, []).append(index)
    for index, patch in enumerate(new):
        value = key(patch)
        if index in pairs["new"] or value is None or not waiting.get(value):
            continue
        old_index = waiting[value].pop(0)
        pairs["old"][old_index] = (index, how)
        pairs["new"][index] = old_index


def _entry(
    old: PatchText, new: PatchText, how: str, budget: _Budget, labels: tuple[str, str]
) -> Entry:
    same_subject = normalise_subject(old.name) == normalise_subject(new.name)
    same_diff = old.identity == new.identity
    if same_subject and same_diff:
        return Entry(Change.UNCHANGED, old, new, how)
    lines, too_large = budget.unified(
        f"Subject: {bare_subject(old.name)}\n\n{old.diff or ''}",
        f"Subject: {bare_subject(new.name)}\n\n{new.diff or ''}",
        f"{labels[0]}/{old.number}",
        f"{labels[1]}/{new.number}",
    )
    return Entry(Change.CHANGED, old, new, how, lines, too_large)


def _ordered(old: list[PatchText], new: list[PatchText], pairs, compare) -> list[Entry]:
    """Return entries in the new order, a removed patch after its predecessor."""
    entries: list[Entry] = []
    emitted_old: set[int] = set()

    def removed_from(start: int) -> None:
        index = start
        while index < len(old) and index not in pairs["old"]:
            if index not in emitted_old:
                emitted_old.add(index)
                entries.append(Entry(Change.REMOVED, old[index], None))
            index += 1

    removed_from(0)
    for index, patch in enumerate(new):
        old_index = pairs["new"].get(index)
        if old_index is None:
            entries.append(Entry(Change.ADDED, None, patch))
            continue
        how = pairs["old"][old_index][1]
        entries.append(compare(old[old_index], patch, how))
        removed_from(old_index + 1)
    for index in range(len(old)):
        removed_from(index)
    return entries


def interdiff(old: VersionText, new: VersionText) -> Interdiff:
    """Compare version ``old`` of a series with version ``new``."""
    old_patches = sorted(old.patches, key=lambda p: p.number)
    new_patches = sorted(new.patches, key=lambda p: p.number)
    truncated = max(len(old_patches), len(new_patches)) > MAX_PATCHES
    old_patches, new_patches = old_patches[:MAX_PATCHES], new_patches[:MAX_PATCHES]
    pairs: dict = {"old": {}, "new": {}}
    _pair(
        old_patches,
        new_patches,
        lambda p: normalise_subject(p.name) or None,
        "subject",
        pairs,
    )
    _pair(old_patches, new_patches, lambda p: p.identity, "diff", pairs)
    _pair(old_patches, new_patches, lambda p: p.number, "position", pairs)
    budget = _Budget(MAX_TOTAL_LINES)
    labels = (old.label, new.label)
    entries = _ordered(
        old_patches,
        new_patches,
        pairs,
        lambda a, b, how: _entry(a, b, how, budget, labels),
    )
    old_cover, new_cover = old.cover_text, new.cover_text
    cover_change = _cover_change(old_cover, new_cover)
    cover_diff: list[str] = []
    cover_too_large = False
    if cover_change is not None and cover_change != Change.UNCHANGED:
        cover_diff, cover_too_large = budget.unified(
            old_cover or "", new_cover or "", f"{old.label}/cover", f"{new.label}/cover"
        )
    return Interdiff(entries, cover_diff, cover_change, cover_too_large, truncated)


def _cover_change(old: str | None, new: str | None) -> Change | None:
    if old is None and new is None:
        return None
    if old is None:
        return Change.ADDED
    if new is None:
        return Change.REMOVED
    return Change.UNCHANGED if old == new else Change.CHANGED


_MARKS = {
    Change.UNCHANGED: "=",
    Change.CHANGED: "!",
    Change.ADDED: ">",
    Change.REMOVED: "<",
}


def entry_heading(entry: Entry) -> str:
    """Return the ``git range-diff`` style line of an entry: ``1: = 2: subject``."""
    old = str(entry.old.number) if entry.old else "-"
    new = str(entry.new.number) if entry.new else "-"
    subject = (entry.new or entry.old).name  # type: ignore[union-attr]
    return f"{old:>3}: {_MARKS[entry.change]} {new:>3}: {subject}"


def as_text(result: Interdiff) -> str:
    """Return the interdiff as plain text (the API's ``text/plain`` answer)."""
    lines: list[str] = []
    if result.cover_change is not None:
        lines.append(f"cover letter: {result.cover_change.value}")
        lines.extend("    " + line for line in result.cover_diff)
        if result.cover_too_large:
            lines.append("    (too large to compare)")
    for entry in result.entries:
        lines.append(entry_heading(entry))
        lines.extend("    " + line for line in entry.diff)
        if entry.too_large:
            lines.append("    (too large to compare)")
    if result.truncated:
        lines.append(f"(only the first {MAX_PATCHES} patches compared)")
    return "\n".join(lines) + "\n"


def _patch_dict(patch: PatchText | None) -> dict | None:
    if patch is None:
        return None
    return {"id": patch.key, "number": patch.number, "name": patch.name}


def as_dict(result: Interdiff) -> dict:
    """Return the interdiff as JSON-ready values (the API's JSON answer)."""
    return {
        "cover": {
            "change": result.cover_change.value if result.cover_change else None,
            "diff": "\n".join(result.cover_diff),
            "too_large": result.cover_too_large,
        },
        "patches": [
            {
                "change": entry.change.value,
                "old": _patch_dict(entry.old),
                "new": _patch_dict(entry.new),
                "matched_by": entry.matched_by,
                "moved": entry.moved,
                "diff": "\n".join(entry.diff),
                "too_large": entry.too_large,
            }
            for entry in result.entries
        ],
        "counts": result.counts(),
        "truncated": result.truncated,
    }
