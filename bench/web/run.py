"""Latency of the web pages on a realistic archive (a benchmark, not a test).

For each archive size: generate a synthetic mailing-list archive with
``gen-corpus.py``, load it into a fresh PostgreSQL database through
``manage.py parsearchive``, serve the site with gunicorn (one worker, no
DEBUG, the settings' defaults as in production, ``--conn-max-age`` to
override) and time
sequential requests over one keep-alive connection:

* the patch list, first page (the default view: action-required, unarchived);
* a far page of the same list (90 % of the way to the last page);
* patch pages (a fixed random sample of patches, each requested in turn);
* the same list as a logged-in maintainer (bulk-action form, bundles);
* the series list (first and a far page), series pages (a random sample)
  and the interdiff pages of linked versions (each computed, then cached);
* the list with a search: a word of a patch's subject, and that word with
  a path the patch touches (``file:<path> <word>``).

Prints p50/p95 in milliseconds per page and size and writes them as JSON
under ``bench/results/``. Example::

    .venv/bin/python bench/web/run.py --messages 10000 50000

Needs PostgreSQL (``--server``, default ``postgres://postgres@127.0.0.1:5432``);
each size gets its own database ``<--db-prefix>_<size>``, dropped and
recreated on every run.
"""

import argparse
import http.client
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

# Run by path: the shared helpers sit one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import (
    PYTHON,
    REPO,
    RESULTS,
    create_project,
    free_port,
    generate_corpus,
    log,
    manage,
    recreate_database,
    server_environment,
    vacuum_analyze,
)

LIST_ID = "bench.lists.example.org"
LINKNAME = "bench"
MAINTAINER = "bench-maintainer"
MAINTAINER_PASSWORD = "bench-maintainer-password"  # noqa: S105 - local bench


def run_manage(env: dict, *args: str) -> str:
    return manage(env, *args, capture_output=True, text=True).stdout


def load(env: dict, corpus: Path) -> None:
    create_project(env, LINKNAME, LIST_ID, maintainer=(MAINTAINER, MAINTAINER_PASSWORD))
    started = time.monotonic()
    out = run_manage(env, "parsearchive", "-v1", str(corpus))
    log(f"parsearchive: {out.strip()} ({time.monotonic() - started:.0f} s)")
    # Planner statistics and the visibility map, as autovacuum would leave
    # them on a live instance.
    vacuum_analyze(env["DATABASE_URL"])


def sample(env: dict, count: int) -> dict:
    """Return the far page number and a fixed sample of patch page paths."""
    code = f"""
import json, random
from apps.patches.links import patch_web_path
from apps.patches.models import Patch
from apps.projects.models import Project
project = Project.objects.get(linkname={LINKNAME!r})
listed = Patch.objects.filter(
    project=project, archived=False, state__action_required=True
).count()
ids = list(Patch.objects.filter(project=project).values_list("id", flat=True))
random.Random(1).shuffle(ids)
patches = Patch.objects.select_related("project").filter(id__in=ids[:{count}])
from apps.patches.models import Series
series = list(Series.objects.filter(project=project).values_list("id", flat=True))
random.Random(2).shuffle(series)
pairs = list(
    Series.objects.filter(project=project, previous_version__isnull=False)
    .order_by("id")
    .values_list("id", "previous_version_id")
)
random.Random(3).shuffle(pairs)
from apps.patches.models import PatchFile
import re
probe = Patch.objects.filter(id__in=ids[:50], diff__isnull=False).first()
words = [w for w in re.findall(r"[a-z]{{4,}}", probe.name.lower()) if w != "patch"]
path = PatchFile.objects.filter(patch=probe).values_list("path", flat=True).first()
print(json.dumps({{
    "search": {{"path": path, "word": max(words or ["fix"], key=len)}},
    "patches": Patch.objects.filter(project=project).count(),
    "listed": listed,
    "paths": [patch_web_path(p) for p in patches],
    "series": len(series),
    "series_paths": [f"/series/{{pk}}/" for pk in series[:{count}]],
    "interdiff_paths": [f"/series/{{a}}/interdiff/{{b}}/" for a, b in pairs[:{count}]],
}}))
"""
    return json.loads(run_manage(env, "shell", "-c", code).strip().splitlines()[-1])


def start_server(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "patchserver.wsgi",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


class Client:
    """One keep-alive HTTP connection with a cookie jar of its own."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1{path}"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content

    def timed_get(self, path: str) -> float:
        started = time.perf_counter()
        status, _ = self.request("GET", path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return elapsed

    def log_in(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/user/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        status, _ = self.request(
            "POST",
            "/user/login/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": username,
                "password": password,
            },
        )
        if status != 302:
            raise RuntimeError("login failed")


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "min": round(ordered[0], 1),
        "p50": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "n": len(ordered),
    }


def measure(port: int, info: dict, repeat: int, warmup: int) -> dict:
    anonymous = Client(port)
    maintainer = Client(port)
    maintainer.log_in(MAINTAINER, MAINTAINER_PASSWORD)
    pages = max(1, -(-info["listed"] // 100))
    far = max(1, int(pages * 0.9))
    lists = {
        "patch list, first page": (anonymous, f"/project/{LINKNAME}/list/"),
        f"patch list, far page ({far} of {pages})": (
            anonymous,
            f"/project/{LINKNAME}/list/?page={far}",
        ),
        "patch list, first page, maintainer": (
            maintainer,
            f"/project/{LINKNAME}/list/",
        ),
    }
    word, path = info["search"]["word"], info["search"]["path"]
    for text in (word, f"file:{path} {word}"):
        lists[f"patch list, search {text}"] = (
            anonymous,
            f"/project/{LINKNAME}/list/?" + urllib.parse.urlencode({"search": text}),
        )
    results = {}
    for label, (client, path) in lists.items():
        for _ in range(warmup):
            client.timed_get(path)
        results[label] = percentiles([client.timed_get(path) for _ in range(repeat)])
    for path in info["paths"][:warmup]:
        anonymous.timed_get(path)
    results["patch page"] = percentiles(
        [anonymous.timed_get(path) for path in info["paths"]]
    )
    results.update(measure_series(anonymous, info, repeat, warmup))
    return results


def measure_series(client: Client, info: dict, repeat: int, warmup: int) -> dict:
    """Time the series list, series pages and interdiffs (first view, then cached)."""
    results = {}
    path = f"/project/{LINKNAME}/series/"
    for _ in range(warmup):
        client.timed_get(path)
    results["series list, first page"] = percentiles(
        [client.timed_get(path) for _ in range(repeat)]
    )
    far = max(1, int(max(1, -(-info["series"] // 100)) * 0.9))
    path = f"/project/{LINKNAME}/series/?page={far}"
    results[f"series list, far page ({far})"] = percentiles(
        [client.timed_get(path) for _ in range(repeat)]
    )
    for path in info["series_paths"][:warmup]:
        client.timed_get(path)
    results["series page"] = percentiles(
        [client.timed_get(path) for path in info["series_paths"]]
    )
    interdiffs = info["interdiff_paths"]
    if interdiffs:
        # Each pair once uncached, then again from the cache.
        results["interdiff page, computed"] = percentiles(
            [client.timed_get(path) for path in interdiffs]
        )
        results["interdiff page, cached"] = percentiles(
            [client.timed_get(path) for path in interdiffs]
        )
    return results


def bench_size(args, messages: int, cache: Path) -> dict:
    name = f"{args.db_prefix}_{messages}"
    if not args.reuse:
        recreate_database(f"{args.server}/{name}")
    env = server_environment(f"{args.server}/{name}", cache, args.conn_max_age)
    if args.reuse:
        run_manage(env, "migrate", "--noinput", "-v0")
    else:
        load(env, generate_corpus(messages, cache, LIST_ID))
    run_manage(env, "collectstatic", "--noinput", "-v0")
    info = sample(env, args.patch_pages)
    log(f"{messages} messages: {info['patches']} patches, {info['listed']} listed")
    port = free_port()
    server = start_server(env, port)
    try:
        results = measure(port, info, args.repeat, args.warmup)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"messages": messages, "patches": info["patches"], "pages": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[10000, 50000])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db-prefix", default="ps_web_bench")
    parser.add_argument("--repeat", type=int, default=200, help="timed requests")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--patch-pages", type=int, default=200)
    parser.add_argument("--cache", type=Path, help="keep corpora and static here")
    parser.add_argument(
        "--conn-max-age",
        default="",
        help="CONN_MAX_AGE of the server (default: the settings' own default)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the databases a previous run loaded instead of reloading",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        runs = [bench_size(args, messages, cache) for messages in args.messages]
    # min is shown too: on a shared machine it tells what a request costs
    # when nothing else competes for the CPU.
    heading = " ".join(f"{r['messages']:>6} msgs min/p50/p95" for r in runs)
    print(f"{'page':40} {heading}")
    for label in runs[0]["pages"]:
        cells = []
        for run in runs:
            # The far page's number differs per size; match by prefix.
            key = next(
                k for k in run["pages"] if k.split(" (")[0] == label.split(" (")[0]
            )
            cell = run["pages"][key]
            cells.append(
                f"{cell['min']:>8.1f} /{cell['p50']:>6.1f} /{cell['p95']:>6.1f}  "
            )
        print(f"{label.split(' (')[0]:40} " + " ".join(cells))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"web-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(runs, indent=2))
    log(f"written {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
