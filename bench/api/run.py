r"""REST API benchmark: latency of the main requests and patch-list throughput.

For each archive size it:

1. generates a synthetic mailing-list archive with ``gen-corpus.py``;
2. loads it into a fresh PostgreSQL database with ``manage.py parsearchive``;
3. serves the site with gunicorn (4 sync workers, the settings' defaults
   unless ``--conn-max-age`` says otherwise);
4. measures p50/p95 latency of the requests below, one client, keep-alive
   (among them the patch list with ``search=<word>`` and
   ``search=file:<path> <word>``, both taken from a listed patch);
5. measures patch-list requests/second at concurrency 1, 8 and 32 (client
   processes, keep-alive connections).

Usage (from the repository root)::

    .venv/bin/python bench/api/run.py --messages 10000 50000 \\
        --database postgres://postgres@127.0.0.1:5432/patchserver_bench

The database named in the URL is dropped and recreated for every size.
Numbers depend on the machine; run it on an otherwise idle one.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

# Run by path: the shared helpers sit one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import (
    GEN_CORPUS,
    PYTHON,
    REPO,
    RESULTS,
    create_project,
    free_port,
    generate_corpus,
    manage,
    recreate_database,
    server_environment,
    vacuum_analyze,
)

LIST_ID = "bench.lists.example.org"
PROJECT = "bench"


# --- Setup --------------------------------------------------------------------


def server_env(database: str, static_root: Path, conn_max_age: str = "") -> dict:
    env = server_environment(database, static_root.parent, conn_max_age)
    env["LOG_LEVEL"] = "ERROR"
    return env


def load_archive(messages: int, database: str, workdir: Path, gen_corpus: Path) -> dict:
    """Generate the archive (once) and load it into a fresh database."""
    archive = generate_corpus(messages, workdir, LIST_ID, gen_corpus)
    env = server_env(database, workdir / "static")
    recreate_database(database)
    create_project(env, PROJECT, LIST_ID)
    # The browsable API's pages need the collected static files manifest.
    started = time.monotonic()
    manage(env, "parsearchive", str(archive), "-v0")
    loaded = round(time.monotonic() - started, 1)
    vacuum_analyze(database)
    return {"messages": messages, "load_seconds": loaded}


def start_gunicorn(
    database: str, port: int, workdir: Path, conn_max_age: str
) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "patchserver.wsgi",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=server_env(database, workdir / "static", conn_max_age),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _, _ = Client(port).get("/api/")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


# --- Client -------------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection (as a script or CI bot would use)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[int, dict, bytes]:
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            # The server closed the idle connection: reconnect once.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request("GET", path)
            response = self.conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body


def search_terms(patch: dict) -> tuple[str, str]:
    """Return a path the patch's diff touches and the longest word of its subject."""
    path = re.search(r"^\+\+\+ [^/\s]+/(\S+)", patch["diff"] or "", re.M)
    words = re.findall(r"[a-z]{4,}", patch["name"].lower())
    words = [word for word in words if word != "patch"] or ["fix"]
    return (path[1] if path else "Makefile"), max(words, key=len)


def pick_targets(client: Client) -> dict[str, str]:
    """Choose the objects and pages the latency requests use."""

    def first(path: str) -> dict:
        status, _, body = client.get(path)
        items = json.loads(body) if status == 200 else []
        if not items:
            raise RuntimeError(f"{path}: status {status}, nothing listed")
        return items[0]

    _, headers, _ = client.get("/api/patches/")
    last_page = int(
        re.search(r"[?&]page=(\d+)[^>]*>; rel=\"last\"", headers["Link"])[1]
    )
    far_page = max(1, last_page - 1)
    patch = first(f"/api/patches/?page={(last_page + 1) // 2}")
    series = first("/api/series/?order=-id")
    newer, older = _version_pair(client)
    web = urlsplit(patch["mbox"])
    _, _, body = client.get(f"/api/patches/{patch['id']}/")
    path, word = search_terms(json.loads(body))
    return {
        f"patch list search=file:{path} {word}": "/api/patches/?search="
        + quote(f"file:{path} {word}"),
        f"patch list search={word}": "/api/patches/?search=" + quote(word),
        "patch list": "/api/patches/",
        "patch list per_page=100": "/api/patches/?per_page=100",
        "patch list state + order=-date": "/api/patches/?state=new&order=-date",
        f"patch list far page ({far_page})": f"/api/patches/?page={far_page}",
        "patch detail": f"/api/patches/{patch['id']}/",
        "patch detail ?format=api": f"/api/patches/{patch['id']}/?format=api",
        "series list": "/api/series/",
        "series detail": f"/api/series/{series['id']}/",
        "covers": "/api/covers/",
        "events": "/api/events/",
        "patch mbox": web.path,
        "series mbox": f"/series/{series['id']}/mbox/",
        "series interdiff (text)": (
            f"/api/1.5/series/{newer}/interdiff/?against={older}"
        ),
        "series interdiff (json)": (
            f"/api/1.5/series/{newer}/interdiff/?against={older}&format=json"
        ),
    }


def _version_pair(client: Client) -> tuple[int, int]:
    """Return (newer, older) ids of two linked versions, else two series."""
    status, _, body = client.get("/api/1.5/series/?order=-id&per_page=250")
    items = json.loads(body) if status == 200 else []
    for item in items:
        previous = item.get("previous_version")
        if previous:
            return item["id"], previous["id"]
    if len(items) < 2:
        raise RuntimeError("fewer than two series to compare")
    return items[0]["id"], items[1]["id"]


def latency(client: Client, path: str, runs: int) -> dict:
    for _ in range(3):  # warm the workers' caches and connections
        client.get(path)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        status, _, _ = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{path}: status {status}")
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
    }


def _hammer(port, path, seconds, ready, go, counter) -> None:
    client = Client(port)
    ready.release()
    go.wait()
    until = time.monotonic() + seconds
    done = 0
    while time.monotonic() < until:
        status, _, _ = client.get(path)
        if status == 200:
            done += 1
    with counter.get_lock():
        counter.value += done


def throughput(port: int, path: str, concurrency: int, seconds: float) -> float:
    """Return completed requests per second with ``concurrency`` busy clients.

    The clients are separate processes (no shared interpreter lock); the
    clock starts once all of them are running.
    """
    counter = multiprocessing.Value("i", 0)
    ready = multiprocessing.Semaphore(0)
    go = multiprocessing.Event()
    workers = [
        multiprocessing.Process(
            target=_hammer, args=(port, path, seconds, ready, go, counter)
        )
        for _ in range(concurrency)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.acquire()
    go.set()
    for worker in workers:
        worker.join()
    return round(counter.value / seconds, 1)


# --- Main ---------------------------------------------------------------------


def bench_size(args, messages: int) -> dict:
    if args.skip_load:
        result = {"messages": messages, "load_seconds": None}
    else:
        result = load_archive(messages, args.database, args.workdir, args.gen_corpus)
    # The browsable API's pages need the collected static files manifest.
    manage(
        server_env(args.database, args.workdir / "static"),
        "collectstatic",
        "--noinput",
        "-v0",
    )
    port = free_port()
    server = start_gunicorn(args.database, port, args.workdir, args.conn_max_age)
    try:
        client = Client(port)
        targets = pick_targets(client)
        result["latency"] = {
            name: latency(client, path, args.runs) for name, path in targets.items()
        }
        result["patch_list_rps"] = {
            str(c): throughput(port, "/api/patches/", c, args.seconds)
            for c in (1, 8, 32)
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def report(results: list[dict]) -> str:
    sizes = [r["messages"] for r in results]
    lines = [
        "| request | " + " | ".join(f"{s} msgs p50 / p95 (ms)" for s in sizes) + " |"
    ]
    lines.append("|---|" + "---|" * len(sizes))
    names = list(results[0]["latency"])
    for index, name in enumerate(names):
        cells = []
        for r in results:
            key = list(r["latency"])[index]
            cells.append(
                f"{r['latency'][key]['p50_ms']} / {r['latency'][key]['p95_ms']}"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "| patch list, gunicorn 4 workers | "
        + " | ".join(f"{s} msgs req/s" for s in sizes)
        + " |"
    )
    lines.append("|---|" + "---|" * len(sizes))
    for c in ("1", "8", "32"):
        lines.append(
            f"| concurrency {c} | "
            + " | ".join(str(r["patch_list_rps"][c]) for r in results)
            + " |"
        )
    lines.append("")
    lines.append(
        "Load times: "
        + ", ".join(f"{r['messages']} msgs {r['load_seconds']} s" for r in results)
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[10000, 50000])
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/patchserver_bench"
        ),
        help="PostgreSQL URL; this database is dropped and recreated",
    )
    parser.add_argument("--gen-corpus", type=Path, default=GEN_CORPUS)
    parser.add_argument("--workdir", type=Path, default=RESULTS / "api-work")
    parser.add_argument("--runs", type=int, default=200, help="requests per latency")
    parser.add_argument("--seconds", type=float, default=15, help="per throughput run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--conn-max-age",
        default="",
        help="CONN_MAX_AGE of the server (default: the settings' own default)",
    )
    parser.add_argument(
        "--skip-load",
        action="store_true",
        help="measure the database as it is (one size, loaded by an earlier run)",
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = [bench_size(args, messages) for messages in args.messages]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(report(results))


if __name__ == "__main__":
    main()
