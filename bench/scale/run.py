r"""Scale benchmark: the main pages on 10k and on 1M patches, p50 side by side.

For each size it fills a fresh PostgreSQL database in bulk (``COPY``, no
mail parsing): people, series (one in two with a cover letter), patches
(four per series), replies (four in five patches), checks (one per two
patches) and the events all of these make, in the proportions of a real
list's archive; most old patches are archived or in a state needing no
action, as on a long-lived instance. Then it serves each size with gunicorn
at its default settings (``gunicorn.conf.py``, one worker) and times the
patch list, patch pages, the series list, the events (API) and a search,
requests interleaved across the sizes, and reports each one's p50 and its
ratio to the smallest size.

Usage (from the repository root)::

    .venv/bin/python bench/scale/run.py --patches 10000 1000000 \\
        --server postgres://postgres@127.0.0.1:5432

Each size uses the database ``ps_scale_<size>`` (dropped and recreated;
``--reuse`` measures what a previous run left). One million patches take
about 2.4 GB and, on two busy cores, 13 minutes to generate.
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import (
    PYTHON,
    REPO,
    RESULTS,
    create_project,
    free_port,
    log,
    manage,
    recreate_database,
    server_environment,
    vacuum_analyze,
)

LINKNAME = "scale"
LIST_ID = "scale.lists.example.org"


def environment(database: str, workdir: Path) -> dict[str, str]:
    env = server_environment(database, workdir)
    env.pop("WEB_CONCURRENCY", None)
    return env


def generate(env: dict[str, str], patches: int) -> None:
    """Fill the database in a child process (Django set up on ``env``)."""
    started = time.monotonic()
    subprocess.run(
        [PYTHON, str(Path(__file__).with_name("fill.py")), str(patches)],
        cwd=REPO,
        env=env,
        check=True,
    )
    log(f"{patches} patches generated in {time.monotonic() - started:.0f} s")


def targets(env: dict[str, str], count: int) -> dict[str, list[str]]:
    code = f"""
import json, random
from apps.patches.links import patch_web_path
from apps.patches.models import Patch
top = Patch.objects.order_by("-id").values_list("id", flat=True).first()
rng = random.Random(1)
ids = sorted({{rng.randint(1, top) for _ in range({count})}})
patches = Patch.objects.select_related("project").filter(id__in=ids)
print(json.dumps([patch_web_path(p) for p in patches]))
"""
    out = manage(env, "shell", "-c", code, capture_output=True, text=True).stdout
    pages = json.loads(out.strip().splitlines()[-1])
    listing = f"/project/{LINKNAME}"
    return {
        "patch list": [f"{listing}/list/"],
        "patch page": pages,
        "series list": [f"{listing}/series/"],
        "events (API)": [f"/api/events/?project={LINKNAME}"],
        # Two of the fill's 38 subject words: each is in 13 % of all
        # subjects, so the matches grow with the database.
        "subject search (q=)": [f"{listing}/list/?q=driver%20leak"],
        "search, common words": [f"{listing}/list/?search=driver%20leak"],
        # One developer's patches: twenty at every size.
        "search, one developer": [
            f"{listing}/list/?search=from:dev7@example.org&state=*&archive=both"
        ],
    }


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=REPO,
        env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/readyz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def get(port: int, path: str) -> tuple[int, float]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    return response.status, elapsed


def measure(ports: list[int], paths: list[list[str]], runs: int) -> list[dict]:
    """Time one page on every size, requests interleaved across the sizes.

    Interleaving puts whatever else the machine is doing on every size
    alike, so the ratios hold on a busy machine too. Every path is requested
    once first: the timings are of a warm cache, as a busy instance's are.
    """
    for port, sized in zip(ports, paths, strict=True):
        for path in sized:
            get(port, path)
    samples: list[list[float]] = [[] for _ in ports]
    for index in range(max(runs, *(len(p) for p in paths))):
        for port, sized, timed in zip(ports, paths, samples, strict=True):
            path = sized[index % len(sized)]
            status, elapsed = get(port, path)
            if status != 200:
                raise RuntimeError(f"{path}: status {status}")
            timed.append(elapsed)
    return [
        {"p50": round(statistics.median(t), 1), "min": round(min(t), 1)}
        for t in samples
    ]


def prepare_size(args, patches: int) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Fill (or reuse) the database of one size; return its environment and pages."""
    database = f"{args.server}/ps_scale_{patches}"
    workdir = args.workdir / str(patches)
    workdir.mkdir(parents=True, exist_ok=True)
    env = environment(database, workdir)
    if not args.reuse:
        recreate_database(database)
        create_project(env, LINKNAME, LIST_ID)
        generate(env, patches)
        vacuum_analyze(database)
    else:
        manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    return env, targets(env, args.patch_pages)


def bench(args) -> list[dict]:
    prepared = [prepare_size(args, patches) for patches in args.patches]
    servers, ports = [], []
    try:
        for env, _ in prepared:
            ports.append(free_port())
            servers.append(start_server(env, ports[-1]))
        names = list(prepared[0][1])
        timed = {
            name: measure(ports, [pages[name] for _, pages in prepared], args.runs)
            for name in names
        }
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    return [
        {"patches": patches, "pages": {name: timed[name][i] for name in names}}
        for i, patches in enumerate(args.patches)
    ]


def report(results: list[dict]) -> str:
    base = results[0]
    heading = " | ".join(f"{r['patches']:,} p50 ms (min)" for r in results)
    lines = [f"| page | {heading} | ratio |", "|---|" + "---|" * (len(results) + 1)]
    for name in base["pages"]:
        cells = [
            f"{r['pages'][name]['p50']} ({r['pages'][name]['min']})" for r in results
        ]
        ratio = results[-1]["pages"][name]["p50"] / base["pages"][name]["p50"]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | x{ratio:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patches", type=int, nargs="+", default=[10000, 1000000])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--runs", type=int, default=60, help="timed requests a page")
    parser.add_argument("--patch-pages", type=int, default=60)
    parser.add_argument("--workdir", type=Path, default=RESULTS / "scale-work")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    random.seed(1)
    results = bench(args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(report(results))


if __name__ == "__main__":
    main()
