"""The closing table of an import: rows per kind, source against target."""

from dataclasses import dataclass, field


@dataclass
class KindCount:
    kind: str
    source: int
    target: int | None = None  # None: not written (dry run)
    merged: int = 0  # source rows folded into another row on purpose
    notes: list[str] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return self.source - self.merged

    @property
    def matches(self) -> bool:
        return self.target == self.expected


def format_counts(counts: list[KindCount]) -> str:
    """Return the table as text; a differing row is marked ``DIFFERS``."""
    dry = all(count.target is None for count in counts)
    width = max([len(count.kind) for count in counts] + [4])
    header = f"{'kind':<{width}} {'source':>12}"
    if not dry:
        header += f" {'target':>12}"
    lines = [header, "-" * len(header)]
    for count in counts:
        line = f"{count.kind:<{width}} {count.source:>12,}"
        if not dry:
            line += f" {count.target or 0:>12,}"
            if not count.matches:
                line += f"  DIFFERS (expected {count.expected:,})"
        lines.append(line)
        lines.extend(f"  {note}" for note in count.notes)
    return "\n".join(lines)
