"""Time of the interdiff itself (apps.patches.interdiff), without a database.

A benchmark, not a test. Compares two versions of a synthetic series of
``--patches`` patches (default 30) whose diffs have ``--lines`` changed
lines each (default 120), a third of them changed between versions, one
dropped and one added; then hostile inputs: two versions whose every patch
carries the largest diff compared line by line (``MAX_LINES``), and a pair
of diffs far beyond it. Prints min and median milliseconds per case::

    .venv/bin/python bench/interdiff/run.py --patches 30 100
"""

import argparse
import copy
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from apps.patches.interdiff import (
    MAX_LINES,
    PatchText,
    VersionText,
    interdiff,
)


def diff(seed: int, lines: int, changed: bool) -> str:
    rng = random.Random(seed)
    body = []
    for n in range(lines):
        word = f"value_{rng.randrange(10_000)}"
        body.append(f" context line {n} {word}")
        if n % 6 == 0:
            body.append(f"-\told_call_{n}({word});")
            body.append(f"+\tnew_call_{n}({word}{', extra' if changed else ''});")
    return (
        f"diff --git a/src/file{seed}.c b/src/file{seed}.c\n"
        f"--- a/src/file{seed}.c\n+++ b/src/file{seed}.c\n"
        f"@@ -1,{lines} +1,{lines} @@\n" + "\n".join(body) + "\n"
    )


def series(patches: int, lines: int) -> tuple[VersionText, VersionText]:
    old = [
        PatchText(
            n, f"[PATCH {n}/{patches}] subsystem: change {n}", diff(n, lines, False)
        )
        for n in range(1, patches + 1)
    ]
    new = [
        PatchText(
            n,
            f"[PATCH v2 {n}/{patches}] subsystem: change {n}",
            diff(n, lines, n % 3 == 0),
        )
        for n in range(1, patches)  # the last one dropped
    ]
    new.append(PatchText(patches, "[PATCH v2] subsystem: new", diff(999, lines, False)))
    cover = "Cover letter.\n" * 40
    return (
        VersionText(old, "[PATCH 0/n] subsystem", cover),
        VersionText(new, "[PATCH v2 0/n] subsystem", cover + "v2: changes\n"),
    )


def hostile(patches: int) -> tuple[VersionText, VersionText]:
    """Every patch's diff as large as is compared, all lines distinct, all changed."""
    big = "\n".join(f"+line {n}" for n in range(MAX_LINES - 10))
    old = [PatchText(n, f"p {n}", big + f"\n+{n}") for n in range(1, patches + 1)]
    new = [PatchText(n, f"p {n}", f"+{n}\n" + big) for n in range(1, patches + 1)]
    return VersionText(old), VersionText(new)


def giant() -> tuple[VersionText, VersionText]:
    """Two diffs far past the bound (skipped: classified from their hashes)."""
    big = "\n".join(f"+line {n}" for n in range(200_000))
    return (
        VersionText([PatchText(1, "giant", big)]),
        VersionText([PatchText(1, "giant", big + "\n+more")]),
    )


def timed(old: VersionText, new: VersionText, runs: int) -> dict:
    times = []
    for _ in range(runs):
        # Fresh patches each run: identities are remembered per patch.
        fresh_old, fresh_new = copy.deepcopy(old), copy.deepcopy(new)
        started = time.perf_counter()
        interdiff(fresh_old, fresh_new)
        times.append((time.perf_counter() - started) * 1000)
    return {"min": min(times), "p50": statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patches", type=int, nargs="+", default=[30])
    parser.add_argument("--lines", type=int, default=120)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    cases = {}
    for count in args.patches:
        cases[f"{count} patches x {args.lines} lines"] = series(count, args.lines)
    cases["hostile: 30 patches at MAX_LINES"] = hostile(30)
    cases["hostile: 200,000-line diffs"] = giant()
    print(f"{'case':40} {'min ms':>9} {'p50 ms':>9}")
    for label, (old, new) in cases.items():
        result = timed(old, new, args.runs if "hostile" not in label else 3)
        print(f"{label:40} {result['min']:9.1f} {result['p50']:9.1f}")


if __name__ == "__main__":
    main()
