r"""Benchmark mail ingest: parsearchive throughput and parsemail latency.

For each archive size and database it

1. generates a mailing-list archive with the shared ``gen-corpus.py`` (cached);
2. creates an empty database (SQLite file or a fresh PostgreSQL database),
   migrates it and creates the project of the archive's list;
3. times ``manage.py parsearchive`` on all but the last mails (messages/s);
4. times the delivery of the remaining mails one process each, as an MTA
   piping to a command does (``manage.py parsemail`` on its own, "cold"; the
   wrapper ``scripts/parsemail.sh`` with ``PATCHSERVER_LMTP_SERVER`` naming
   a running ``manage.py lmtpserver``) and reports the median and 95th
   percentile, process start included;
5. delivers more of them straight over LMTP, as Postfix's ``lmtp:``
   transport does, on 4 connections at once (``--lmtp-connections``) to a
   server with 4 workers (``--lmtp-workers``, several values: one run each),
   and reports mails per second and each mail's median and 95th percentile
   (from the end of the previous reply to its own reply);

and writes everything, with the machine's load, to a JSON file under
``bench/results/`` (ignored by git). With ``--profile`` it also profiles
ingest in one process and reports where the time goes.

Usage (from the repository root)::

    .venv/bin/python bench/ingest/run.py --messages 10000 50000 \\
        --databases sqlite postgres --parsemail 200

This is a benchmark, not a test: numbers depend on the machine and its load.
"""

import argparse
import itertools
import json
import os
import platform
import re
import shutil
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Run by path: the shared helpers sit one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import (
    PYTHON,
    REPO,
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

LIST_ID = "patchwork.lists.example.org"


def generate(messages: int, cache: Path) -> Path:
    return generate_corpus(messages, cache, LIST_ID)


def split_archive(
    path: Path, keep_back: int, workdir: Path
) -> tuple[Path, list[bytes]]:
    """Write all but the last ``keep_back`` mails to a new mbox; return those mails."""
    starts = []
    offset = 0
    with path.open("rb") as archive:
        for line in archive:
            if line.startswith(b"From "):
                starts.append(offset)
            offset += len(line)
    data = path.read_bytes()
    cut = starts[-keep_back] if keep_back else len(data)
    head = workdir / "archive.mbox"
    head.write_bytes(data[:cut])
    tail_starts = [*starts[-keep_back:], len(data)] if keep_back else [len(data)]
    mails = [
        data[start:end].split(b"\n", 1)[1]  # without the mbox "From " line
        for start, end in itertools.pairwise(tail_starts)
    ]
    return head, mails


@contextmanager
def database(kind: str, pg_server: str, workdir: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database; remove it afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    url = f"{pg_server}/bench_ingest_{os.getpid()}"
    recreate_database(url)
    try:
        yield url
    finally:
        drop_database(url)


def run_parsearchive(env: dict[str, str], archive: Path) -> dict:
    started = time.perf_counter()
    run = manage(env, "parsearchive", str(archive), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    counts = summary_counts(run.stdout)
    processed = int(re.search(r"Processed (\d+) messages", run.stdout).group(1))
    return {
        "messages": processed,
        "seconds": round(seconds, 2),
        "messages_per_second": round(processed / seconds, 1),
        "summary": counts,
        "note": "wall time of the whole command, Django start-up included",
    }


def time_deliveries(
    command: list[str], env: dict[str, str], mails: list[bytes]
) -> dict:
    times = []
    failures = 0
    for raw in mails:
        started = time.perf_counter()
        run = subprocess.run(
            command, input=raw, cwd=REPO, env=env, capture_output=True, check=False
        )
        times.append(time.perf_counter() - started)
        failures += run.returncode != 0
    times.sort()
    return {
        "mails": len(times),
        "median_seconds": round(statistics.median(times), 4),
        "p95_seconds": round(times[int(0.95 * (len(times) - 1))], 4),
        "min_seconds": round(times[0], 4),
        "nonzero_exits": failures,
    }


@contextmanager
def lmtp_server(env: dict[str, str], workers: int) -> Iterator[str]:
    """Run ``manage.py lmtpserver``; yield its HOST:PORT."""
    command = [PYTHON, "manage.py", "lmtpserver", "--bind", "127.0.0.1:0"]
    server = subprocess.Popen(
        [*command, "--workers", str(workers)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        line = server.stdout.readline().decode()
        if not line.startswith("Listening on "):
            raise RuntimeError("lmtpserver did not start")
        yield line.removeprefix("Listening on ").strip()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        server.stdout.close()


def time_lmtp(address: str, mails: list[bytes], connections: int) -> dict:
    """Deliver ``mails`` over ``connections`` LMTP connections at once."""
    host, _, port = address.rpartition(":")
    times: list[float] = []
    codes: list[int] = []

    def deliver(share: list[bytes]) -> None:
        client = smtplib.LMTP(host, int(port), timeout=300)
        client.ehlo()
        for raw in share:
            started = time.perf_counter()
            client.mail("list-bounces@example.org")
            client.rcpt(f"{LIST_ID}@list-id.invalid")
            code, _ = client.data(raw.replace(b"\n", b"\r\n"))
            times.append(time.perf_counter() - started)
            codes.append(code)
        client.quit()

    threads = [
        threading.Thread(target=deliver, args=(mails[i::connections],))
        for i in range(connections)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    times.sort()
    return {
        "mails": len(times),
        "connections": connections,
        "seconds": round(seconds, 2),
        "mails_per_second": round(len(times) / seconds, 1),
        "median_seconds": round(statistics.median(times), 4),
        "p95_seconds": round(times[int(0.95 * (len(times) - 1))], 4),
        "not_250": sum(code != 250 for code in codes),
    }


def run_profile(env: dict[str, str], archive: Path, workdir: Path) -> dict:
    """Profile parsearchive in one process and group the time by kind of work."""
    import pstats

    output = workdir / "ingest.prof"
    subprocess.run(
        [
            PYTHON,
            "-m",
            "cProfile",
            "-o",
            str(output),
            "manage.py",
            "parsearchive",
            "--parse-workers",
            "0",
            str(archive),
        ],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    stats = pstats.Stats(str(output))
    total = stats.total_tt

    def cumulative(pattern: str) -> float:
        return sum(
            row[3]
            for (filename, _, function), row in stats.stats.items()
            if re.search(pattern, f"{filename}:{function}")
        )

    def called_from(pattern: str, caller: str) -> float:
        """Time in ``pattern`` functions when called by ``caller`` functions.

        Fixed-SQL lookups run the driver outside the ORM; only the ORM's own
        calls are subtracted from its time.
        """
        return sum(
            edge[3]
            for (filename, _, function), row in stats.stats.items()
            if re.search(pattern, f"{filename}:{function}")
            for (c_file, _, c_function), edge in row[4].items()
            if re.search(caller, f"{c_file}:{c_function}")
        )

    groups = {
        "parsing (apps.ingest.parsing, email package)": cumulative(
            r"apps/ingest/parsing/__init__.py:parse_bytes$"
        ),
        "database driver executing SQL": cumulative(
            r"(sqlite3/base.py:execute|psycopg/cursor.py:execute|"
            r"psycopg/cursor.py:executemany)$"
        ),
        "commits": cumulative(r"django/db/backends/base/base.py:commit$"),
        "Django ORM building queries and rows (excluding the driver)": cumulative(
            r"django/db/models/sql/compiler.py:execute_sql$"
        )
        - called_from(
            r"django/db/backends/utils.py:execute$",
            r"django/db/models/sql/compiler.py:execute_sql$",
        ),
        "recording events (apps.events.services)": cumulative(
            r"apps/events/services.py:_record$"
        ),
    }
    top = sorted(stats.stats.items(), key=lambda item: item[1][3], reverse=True)
    return {
        "profiled_seconds": round(total, 2),
        "share_of_time": {k: round(v / total, 3) for k, v in groups.items()},
        "top_cumulative": [
            f"{row[3]:8.2f}s {Path(filename).name}:{line} {function}"
            for (filename, line, function), row in top[:40]
            if "site-packages/django/core/management" not in filename
        ],
    }


def bench_one(messages: int, kind: str, args: argparse.Namespace, cache: Path) -> dict:
    corpus = generate(messages, cache)
    lmtp_runs = len(args.lmtp_workers)
    held = args.parsemail * 2 + args.lmtp_mails * lmtp_runs
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        workdir = Path(tmp)
        archive, held_back = split_archive(corpus, held, workdir)
        with database(kind, args.pg_server, workdir) as url:
            env = environment(url, workdir)
            create_project(env, "bench", LIST_ID)
            log(f"[{kind} {messages}] parsearchive of {len(held_back)} fewer mails")
            result: dict = {
                "database": kind,
                "archive_messages": messages,
                "load_before": os.getloadavg(),
                "parsearchive": run_parsearchive(env, archive),
            }
            log(f"[{kind} {messages}] {result['parsearchive']}")
            cold, wrapped = held_back[: args.parsemail], held_back[args.parsemail :]
            wrapped, rest = wrapped[: args.parsemail], wrapped[args.parsemail :]
            parsemail: dict = {
                "manage.py parsemail (cold)": time_deliveries(
                    [PYTHON, "manage.py", "parsemail", "--list-id", LIST_ID], env, cold
                )
            }
            lmtp: dict = {}
            for index, workers in enumerate(args.lmtp_workers):
                with lmtp_server(env, workers) as address:
                    if index == 0:
                        parsemail["parsemail.sh via lmtpserver"] = time_deliveries(
                            ["scripts/parsemail.sh", "--list-id", LIST_ID],
                            {**env, "PATCHSERVER_LMTP_SERVER": address},
                            wrapped,
                        )
                    share = rest[
                        index * args.lmtp_mails : (index + 1) * args.lmtp_mails
                    ]
                    lmtp[f"{workers} workers"] = time_lmtp(
                        address, share, args.lmtp_connections
                    )
                    log(f"[{kind} {messages}] LMTP, {workers} workers: {lmtp}")
            result["parsemail"] = parsemail
            result["lmtp"] = lmtp
            log(f"[{kind} {messages}] {parsemail}")
            if args.profile:
                fresh = workdir / "profile"
                fresh.mkdir()
                with database(kind, args.pg_server, fresh) as profile_url:
                    profile_env = environment(profile_url, fresh)
                    create_project(profile_env, "bench", LIST_ID)
                    head, _ = split_archive(generate(args.profile, cache), 0, fresh)
                    result["profile"] = run_profile(profile_env, head, fresh)
            result["load_after"] = os.getloadavg()
            return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[10000])
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"]
    )
    parser.add_argument(
        "--parsemail", type=int, default=200, help="mails per pipe delivery mode"
    )
    parser.add_argument(
        "--lmtp-mails", type=int, default=1000, help="mails per LMTP server run"
    )
    parser.add_argument("--lmtp-connections", type=int, default=4)
    parser.add_argument(
        "--lmtp-workers", type=int, nargs="+", default=[4], help="one run per value"
    )
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without database name",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="also profile N mails"
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    cache = RESULTS / "corpus"
    cache.mkdir(exist_ok=True)
    # Compile once, so each delivery process does not compile the sources.
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", "apps", "patchserver", "manage.py"],
        cwd=REPO,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        stdout=subprocess.DEVNULL,
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    report = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "runs": [],
    }
    out = args.out or RESULTS / f"ingest-{time.strftime('%Y%m%d-%H%M%S')}.json"
    for messages in args.messages:
        for kind in args.databases:
            report["runs"].append(bench_one(messages, kind, args, cache))
            out.write_text(json.dumps(report, indent=2) + "\n")
    log(f"results written to {out}")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    if shutil.which("git") is None:
        log("git not found; the commit will be left empty")
    main()
