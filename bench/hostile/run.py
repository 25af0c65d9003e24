r"""Hostile mail through ``parsearchive``: nothing crashes, stalls or goes missing.

It

1. writes ``--messages`` hostile mails (``tests/ingest/hostile_mail.py``:
   malformed MIME, deep nesting, giant headers, base64 bombs, NUL bytes,
   every charset, the patterns that made the old parser backtrack, broken
   and missing headers, replies, duplicates) to an mbox, deterministically
   from ``--seed``;
2. times the parsing of every mail in this process (no database) and finds
   the slowest;
3. creates an empty database (SQLite file or a fresh PostgreSQL database)
   with the list's project and runs ``manage.py parsearchive`` on the mbox
   with the per-mail processor time limit ``--time-limit``;
4. checks: no traceback in the output, no mail stopped by the time limit and
   none parsing slower than it, and every mail stored, dropped with its
   reason (duplicate, no project, nothing to store), waiting for the mail it
   answers or in the failed-mail folder, the counts adding up to the number
   of mails and matching the rows in the database and the files in the
   folder;

and writes the numbers to a JSON file under ``bench/results/`` (ignored by
git). Exits 1 when a check fails. ``tests/ingest/test_hostile_archive.py``
runs the same generator on 2,000 mails.

Usage (from the repository root)::

    .venv/bin/python bench/hostile/run.py --messages 100000 --database sqlite

Sizes scale with ``--scale`` (default 0.1: about 14 KB a mail on average,
with giant headers and a base64 bomb in every 13 mails).
"""

import argparse
import collections
import contextlib
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

# Run by path: the shared helpers sit one folder up, the generator in tests/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import (
    PYTHON,
    REPO,
    RESULTS,
    create_project,
    drop_database,
    log,
    recreate_database,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from apps.ingest import parsing
from tests.ingest import hostile_mail

COUNTED = (
    "cover letters",
    "patches",
    "comments",
    "duplicates",
    "dropped",
    "waiting",
    "errors",
)
STORED = ("cover letters", "patches", "comments")


def time_parsing(archive_mails: Iterable[bytes]) -> dict:
    """Parse every mail here (no database); return the slowest times."""
    now = dt.datetime.now(dt.UTC)
    times = []
    for number, raw in enumerate(archive_mails):
        started = time.process_time()
        with contextlib.suppress(parsing.MalformedMail):
            parsing.parse_bytes(raw, received_at=now)
        times.append((time.process_time() - started, number))
    times.sort()
    slowest, number = times[-1]
    kind = hostile_mail.KINDS[number % len(hostile_mail.KINDS)].__name__
    return {
        "max_s": slowest,
        "p99_s": times[int(len(times) * 0.99)][0],
        "total_s": sum(seconds for seconds, _ in times),
        "slowest_mail": number,
        "slowest_kind": kind,
    }


def database_env(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    if args.database == "postgres":
        url = args.postgres_url
        recreate_database(url)
    else:
        url = f"sqlite:///{workdir / 'hostile.sqlite3'}"
    env.update(
        DJANGO_SETTINGS_MODULE="patchserver.settings",
        DJANGO_SECRET_KEY="benchmark-only-secret-key",  # noqa: S106 - throwaway database
        DATABASE_URL=url,
        PATCHSERVER_DATA_DIR=str(workdir / "data"),
        PATCHSERVER_FAILED_MAIL_DIR=str(workdir / "failed"),
        PATCHSERVER_INGEST_MAIL_TIME_LIMIT=str(args.time_limit),
    )
    return env


def stored_rows(env: dict[str, str]) -> tuple[int, int]:
    """Return the rows stored (patches, covers, comments) and the mails waiting."""
    code = (
        "from apps.patches.models import Cover, CoverComment, Patch, PatchComment; "
        "from apps.ingest.models import PendingMail; "
        "print(sum(m.objects.count() for m in "
        "(Cover, CoverComment, Patch, PatchComment)), PendingMail.objects.count())"
    )
    run = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    stored, waiting = run.stdout.split()[-2:]
    return int(stored), int(waiting)


def run_archive(env: dict[str, str], archive: Path, workers: int) -> dict:
    command = ["manage.py", "parsearchive", str(archive), "--parse-workers"]
    started = time.monotonic()
    run = subprocess.run(
        [PYTHON, *command, str(workers)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    output = run.stdout + run.stderr
    counts = {}
    for label in COUNTED:
        match = re.search(rf"^\s*(\d+) {label}$", run.stdout, re.M)
        counts[label] = int(match.group(1)) if match else -1
    return {
        "status": run.returncode,
        "seconds": seconds,
        "counts": counts,
        "tracebacks": output.count("Traceback"),
        "time_limited": output.count("of processor time"),
        "output_tail": output[-2000:],
    }


def checks(result: dict, messages: int, time_limit: float) -> list[str]:
    """Return what went wrong (nothing: every check holds)."""
    archive, counts = result["archive"], result["archive"]["counts"]
    problems = []
    if archive["status"] != 0:
        problems.append(f"parsearchive exited {archive['status']}")
    if archive["tracebacks"]:
        problems.append(f"{archive['tracebacks']} tracebacks in the output")
    if archive["time_limited"]:
        problems.append(f"{archive['time_limited']} mails stopped by the time limit")
    if result["parsing"]["max_s"] >= time_limit:
        problems.append(f"a mail took {result['parsing']['max_s']:.1f} s to parse")
    if sum(counts.values()) != messages:
        problems.append(f"counts {counts} do not add up to {messages}")
    if result["failed_files"] != counts["errors"]:
        problems.append(f"{result['failed_files']} files in the failed-mail folder")
    if result["stored_rows"] != sum(counts[label] for label in STORED):
        problems.append(f"{result['stored_rows']} rows stored")
    if result["waiting_rows"] != counts["waiting"]:
        problems.append(f"{result['waiting_rows']} mails waiting")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/bench_hostile"
    )
    parser.add_argument("--time-limit", type=int, default=30)
    parser.add_argument("--parse-workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        workdir = Path(tmp)
        log(f"writing {args.messages} hostile mails (seed {args.seed})")
        archive = hostile_mail.write_mbox(
            workdir / "hostile.mbox", args.messages, args.seed, args.scale
        )
        # Made again rather than kept: 100,000 mails take more than a gigabyte.
        mails = hostile_mail.mails(args.messages, args.seed, args.scale)
        kinds = collections.Counter(
            hostile_mail.KINDS[n % len(hostile_mail.KINDS)].__name__
            for n in range(args.messages)
        )
        log("timing the parser on every mail")
        result: dict = {
            "messages": args.messages,
            "seed": args.seed,
            "scale": args.scale,
            "database": args.database,
            "time_limit_s": args.time_limit,
            "archive_bytes": archive.stat().st_size,
            "kinds": dict(kinds),
            "parsing": time_parsing(mails),
        }
        env = database_env(args, workdir)
        try:
            create_project(env, "hostile", hostile_mail.LIST_ID)
            log("running parsearchive")
            result["archive"] = run_archive(env, archive, args.parse_workers)
            result["stored_rows"], result["waiting_rows"] = stored_rows(env)
        finally:
            if args.database == "postgres":
                drop_database(args.postgres_url)
        failed_new = workdir / "failed" / "new"
        result["failed_files"] = (
            len(list(failed_new.iterdir())) if failed_new.is_dir() else 0
        )
    result["problems"] = checks(result, args.messages, args.time_limit)
    report(result, args.out)
    sys.exit(1 if result["problems"] else 0)


def report(result: dict, out: Path | None) -> None:
    archive = result["archive"]
    parsing_times = result["parsing"]
    rate = result["messages"] / max(archive["seconds"], 1e-9)
    lines = [
        f"{result['messages']} mails ({result['archive_bytes'] / 1e6:.0f} MB), "
        f"{result['database']}: parsearchive {archive['seconds']:.0f} s "
        f"({rate:.0f} mails/s)",
        "outcomes: "
        + ", ".join(f"{count} {label}" for label, count in archive["counts"].items()),
        f"failed-mail folder: {result['failed_files']} files; "
        f"rows stored: {result['stored_rows']}, waiting: {result['waiting_rows']}",
        f"parsing: slowest {parsing_times['max_s'] * 1000:.0f} ms "
        f"(mail {parsing_times['slowest_mail']}, {parsing_times['slowest_kind']}), "
        f"99th percentile {parsing_times['p99_s'] * 1000:.1f} ms; "
        f"limit {result['time_limit_s']:g} s",
        "problems: " + ("; ".join(result["problems"]) or "none"),
    ]
    print("\n".join(lines))
    if out is None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        out = RESULTS / f"hostile-{stamp}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    log(f"results written to {out}")


if __name__ == "__main__":
    main()
