r"""Database connection settings side by side: the same pages, servers interleaved.

Starts one gunicorn server (``gunicorn.conf.py``, one worker) per setting
(``CONN_MAX_AGE=0``, Django's default and what the settings used to give;
``CONN_MAX_AGE=600``; and the settings' own default) on one loaded
database, then asks each page of each server in turn, a new HTTP connection
per request, so that whatever else the machine is doing slows all of them
alike. Reports each one's p50 and its ratio to ``CONN_MAX_AGE=0``.

Usage (from the repository root), on a database loaded by bench/web or
bench/api::

    .venv/bin/python bench/connections/run.py \\
        --database postgres://postgres@127.0.0.1:5432/ps_web_bench_10000
"""

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import PYTHON, REPO, free_port, log, manage, server_environment

SETTINGS = {"CONN_MAX_AGE=0": "0", "CONN_MAX_AGE=600": "600", "default": None}


def environment(database: str, workdir: Path, conn_max_age: str | None) -> dict:
    # One worker per server: the three servers take turns on the two cores.
    return {
        **server_environment(database, workdir, conn_max_age),
        "WEB_CONCURRENCY": "1",
    }


def get(port: int, path: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: status {response.status}")
    return elapsed


def start(env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=REPO,
        env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            get(port, "/healthz")
            return server, port
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.3)


def pages(env: dict, count: int) -> dict[str, list[str]]:
    code = f"""
import json
from apps.patches.links import patch_web_path
from apps.patches.models import Patch
from apps.projects.models import Project
project = Project.objects.order_by("id").first()
patches = Patch.objects.select_related("project").order_by("?")[:{count}]
print(json.dumps([
    project.linkname, [patch_web_path(p) for p in patches], [p.id for p in patches]
]))
"""
    out = manage(env, "shell", "-c", code, capture_output=True, text=True).stdout
    linkname, patch_pages, ids = json.loads(out.strip().splitlines()[-1])
    return {
        "patch list (web)": [f"/project/{linkname}/list/"],
        "patch page (web)": patch_pages,
        "events (API)": ["/api/events/"],
        "patch list (API)": ["/api/patches/"],
        "patch detail (API)": [f"/api/patches/{pk}/" for pk in ids],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=100, help="requests per page")
    parser.add_argument("--workdir", type=Path, default=REPO / "bench" / "results")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    envs = {
        name: environment(args.database, args.workdir, v)
        for name, v in SETTINGS.items()
    }
    manage(envs["default"], "collectstatic", "--noinput", "-v0")
    targets = pages(envs["default"], args.runs)
    servers = {name: start(env) for name, env in envs.items()}
    results: dict[str, dict[str, float]] = {}
    try:
        for label, paths in targets.items():
            times: dict[str, list[float]] = {name: [] for name in servers}
            for run in range(args.runs + 5):
                order = list(servers)[run % 3 :] + list(servers)[: run % 3]
                for name in order:
                    elapsed = get(servers[name][1], paths[run % len(paths)])
                    if run >= 5:  # the first rounds warm each worker
                        times[name].append(elapsed)
            results[label] = {
                n: round(statistics.median(t), 1) for n, t in times.items()
            }
            log(f"{label}: {results[label]}")
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=30)
    names = list(SETTINGS)
    print("| page | " + " | ".join(f"{n} p50 ms" for n in names) + " | default / 0 |")
    print("|---|" + "---|" * (len(names) + 1))
    for label, row in results.items():
        ratio = row["default"] / row["CONN_MAX_AGE=0"]
        cells = " | ".join(str(row[n]) for n in names)
        print(f"| {label} | {cells} | x{ratio:.2f} |")


if __name__ == "__main__":
    main()
