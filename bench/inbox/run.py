r"""Benchmark: ``parsearchive`` of a public-inbox archive against the same mbox.

1. generates a mailing-list archive with the shared ``gen-corpus.py``
   (cached, as ``bench/ingest`` does);
2. writes the same mails, in the same order, into a public-inbox v2 archive
   (``--epochs`` epochs, default 2) with ``git fast-import``;
3. for ``--rounds`` rounds (default 3), in alternating order, times
   ``manage.py parsearchive`` of the mbox and of the inbox, each into a
   fresh database (SQLite, or PostgreSQL with ``--database postgres``);
4. reports the median wall time and CPU time of each (Django start-up and,
   for the inbox, git's processes included), the ratios inbox / mbox, and
   checks that both stored the same numbers of patches, covers and
   comments. On a busy machine the wall times vary more than the
   difference measured; the CPU times much less;
5. times, in each round, reading every mail of each archive without storing
   it: the only work that differs between the two runs (the CPU time of
   that, git's processes included, is the least noisy number).

Usage (from the repository root)::

    .venv/bin/python bench/inbox/run.py --messages 10000 --rounds 3

Results go to ``bench/results/inbox-<time>.json`` (ignored by git). Numbers
depend on the machine and its load: run it on an otherwise idle one.
"""

import argparse
import json
import mailbox
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run by path: the shared helpers sit one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import (
    RESULTS,
    create_project,
    drop_database,
    environment,
    generate_corpus,
    log,
    manage,
    recreate_database,
    summary_counts,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.ingest import inbox

LIST_ID = "patchwork.lists.example.org"
# mboxrd quoting, undone as parsearchive undoes it: the inbox keeps mails
# as they were sent.
QUOTED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def build_inbox(mbox: Path, target: Path, epochs: int) -> int:
    """Write the mails of ``mbox`` into a v2 inbox of ``epochs`` epochs."""
    box = mailbox.mbox(mbox, factory=None, create=False)
    mails = [QUOTED_FROM.sub(rb"\1", box.get_bytes(key)) for key in box.iterkeys()]
    size = -(-len(mails) // epochs)
    for number in range(epochs):
        repo = inbox.init_repository(target / "git" / f"{number}.git")
        part = mails[number * size : (number + 1) * size]
        if part:
            inbox.append(repo, part)
    return len(mails)


def time_import(archive: Path, kind: str, args: argparse.Namespace) -> dict:
    """Import ``archive`` into a new database; return the time and summary."""
    with tempfile.TemporaryDirectory(prefix="bench-inbox-db-") as tmp:
        workdir = Path(tmp)
        if args.database == "sqlite":
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        else:
            url = f"{args.pg_server}/bench_inbox_{os.getpid()}"
            recreate_database(url)
        try:
            env = environment(url, workdir)
            create_project(env, "bench", LIST_ID)
            reading = time_reading(env, archive)
            cpu_before = _children_cpu()
            started = time.perf_counter()
            run = manage(env, "parsearchive", str(archive), capture_output=True)
            seconds = time.perf_counter() - started
            cpu = _children_cpu() - cpu_before
        finally:
            if args.database != "sqlite":
                drop_database(url)
    output = run.stdout.decode()
    counts = summary_counts(output)
    log(f"[{kind}] {seconds:.2f} s, {cpu:.2f} s of CPU, {counts}; {reading}")
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "reading_only": reading,
        "summary": counts,
    }


# Opens the archive as parsearchive does and reads every mail, storing
# nothing: the only part of a run that differs between the two kinds.
READ_ONLY = """
import resource, time
from pathlib import Path
from apps.ingest.archive import open_archive
def cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime
both = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
started, before = time.perf_counter(), sum(map(cpu, both))
size = sum(len(mail) for mail in open_archive(Path({path!r})))
print(time.perf_counter() - started, sum(map(cpu, both)) - before, size)
"""


def time_reading(env: dict[str, str], archive: Path) -> dict:
    """Time reading ``archive`` without storing it (wall and CPU, git's too)."""
    run = manage(
        env,
        "shell",
        "-c",
        READ_ONLY.format(path=str(archive)),
        capture_output=True,
        text=True,
    )
    seconds, cpu, size = run.stdout.splitlines()[-1].split()
    return {
        "seconds": round(float(seconds), 3),
        "cpu_seconds": round(float(cpu), 3),
        "bytes": int(size),
    }


def _children_cpu() -> float:
    """CPU time of the finished child processes (and theirs: git's too)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without database name",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    mbox = generate_corpus(args.messages, RESULTS / "corpus", LIST_ID)
    runs: dict[str, list[dict]] = {"mbox": [], "public-inbox": []}
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as tmp:
        target = Path(tmp) / "inbox"
        started = time.perf_counter()
        mails = build_inbox(mbox, target, args.epochs)
        log(f"built a {args.epochs}-epoch inbox of {mails} mails")
        built = time.perf_counter() - started
        sources = {"mbox": mbox, "public-inbox": target}
        for round_ in range(args.rounds):
            order = list(sources) if round_ % 2 == 0 else list(reversed(sources))
            for kind in order:
                runs[kind].append(time_import(sources[kind], kind, args))
    median = {
        kind: statistics.median(one["seconds"] for one in results)
        for kind, results in runs.items()
    }
    cpu = {
        kind: statistics.median(one["cpu_seconds"] for one in results)
        for kind, results in runs.items()
    }
    reading = {
        kind: statistics.median(one["reading_only"]["cpu_seconds"] for one in results)
        for kind, results in runs.items()
    }
    summaries = {
        json.dumps(one["summary"]) for results in runs.values() for one in results
    }
    report = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "messages": mails,
        "epochs": args.epochs,
        "database": args.database,
        "inbox_build_seconds": round(built, 2),
        "median_seconds": median,
        "mails_per_second": {k: round(mails / v, 1) for k, v in median.items()},
        "inbox_over_mbox": round(median["public-inbox"] / median["mbox"], 3),
        "median_cpu_seconds": cpu,
        "inbox_over_mbox_cpu": round(cpu["public-inbox"] / cpu["mbox"], 3),
        "reading_only_median_cpu_seconds": reading,
        "same_result_every_run": len(summaries) == 1,
        "load_after": os.getloadavg(),
        "runs": runs,
    }
    out = args.out or RESULTS / f"inbox-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    log(f"results written to {out}")
    print(json.dumps({k: v for k, v in report.items() if k != "runs"}, indent=2))


if __name__ == "__main__":
    main()
