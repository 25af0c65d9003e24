"""Mutation testing of the modules where a one-line slip is a security or data-loss bug.

``make mutation`` (or ``python tools/mutation.py [GROUP ...]``) runs mutmut
on each group below and prints, per module, how many mutants the tests
killed. A group is a few modules and the tests that exercise them: mutmut
first runs those tests once to learn which test calls which function, then
runs, for each mutant, only the tests that reach the mutated function.

Each group works in its own copy of the checkout under
``build/mutation/<group>`` (mutmut writes its mutants next to the
configuration it reads), so groups never share state and a run never
touches the working tree. The tests run on SQLite: one migrated database
file is copied for every pytest run (``PATCHSERVER_TEST_DB_TEMPLATE``, see
tests/conftest.py) instead of migrating a fresh one per mutant.

The scores are recorded in docs/mutation.md; surviving mutants that change
nothing observable are listed there as equivalent, and ``EQUIVALENT`` below
names them so the report counts them apart.
"""

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build" / "mutation"
# What the tests need from the checkout besides the code under test.
# docs/ holds the OpenAPI documents the API tests validate responses against.
COPIED = ["apps", "patchserver", "templates", "static", "tests", "scripts", "docs"]
COPIED_FILES = ["manage.py", "pyproject.toml", ".python-version"]
# Slow or out-of-process tests: they start servers, browsers or other
# processes, which neither see the mutant nor fit a per-mutant budget.
NOT_RUN = [
    "--ignore=tests/web/browser",
    "--ignore=tests/e2e",
    "--ignore=tests/ingest/test_parallel_delivery.py",
    "--ignore=tests/api/test_clients.py",
    "-m",
    "not slow",
    "-p",
    "no:warnings",
]


@dataclass(frozen=True)
class Group:
    modules: tuple[str, ...]
    tests: tuple[str, ...]


GROUPS = {
    "escaping": Group(
        modules=(
            "apps/web/rows.py",
            "apps/web/highlight.py",
            "apps/web/templatetags/patchserver.py",
        ),
        tests=("tests/web",),
    ),
    "rules": Group(
        modules=("apps/patches/rules.py", "apps/bundles/rules.py"),
        tests=(
            "tests/patches/test_rules.py",
            "tests/api/test_permissions.py",
            "tests/api/test_patches.py",
            "tests/api/test_resources.py",
            "tests/web/test_bulk.py",
            "tests/web/test_bundles.py",
            "tests/web/test_patch_detail.py",
            "tests/web/test_patch_list.py",
            "tests/xmlrpc/test_methods.py",
        ),
    ),
    "digest": Group(
        modules=("apps/notifications/digest.py",),
        tests=("tests/notifications",),
    ),
    "mbox": Group(
        modules=("apps/patches/mbox.py",),
        tests=(
            "tests/patches",
            "tests/api/test_downloads.py",
            "tests/web/test_patch_detail.py",
            "tests/xmlrpc/test_methods.py",
        ),
    ),
    "locking": Group(
        modules=("apps/ingest/locking.py",),
        tests=(
            "tests/ingest/test_parsemail.py",
            "tests/ingest/test_parsearchive.py",
            "tests/ingest/test_locking.py",
        ),
    ),
    "lmtp": Group(
        modules=("apps/ingest/lmtp*.py",),
        tests=("tests/ingest/test_lmtp.py", "tests/ingest/test_lmtp_server.py"),
    ),
    "parsing": Group(
        modules=("apps/ingest/parsing/*.py",),
        tests=("tests/ingest",),
    ),
}

# Surviving mutants that change nothing a user, a client or the database
# can observe; docs/mutation.md explains each one.
EQUIVALENT_FILE = REPO / "tools" / "mutation-equivalent.txt"

STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
}


def equivalent_mutants() -> set[str]:
    if not EQUIVALENT_FILE.exists():
        return set()
    lines = EQUIVALENT_FILE.read_text().splitlines()
    return {line.split()[0] for line in lines if line.strip() and line[0] != "#"}


def prepare(name: str, group: Group) -> Path:
    """Copy the checkout to the group's folder and configure mutmut there."""
    work = BUILD / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in COPIED:
        shutil.copytree(REPO / folder, work / folder, ignore=ignore)
    for file in COPIED_FILES:
        if (REPO / file).exists():
            shutil.copy2(REPO / file, work / file)
    config = {
        "source_paths": ["apps"],
        "only_mutate": list(group.modules),
        "also_copy": [*COPIED, *COPIED_FILES],
        "pytest_add_cli_args_test_selection": [
            *(test for test in group.tests if (REPO / test).exists()),
            *NOT_RUN,
        ],
        # Forked pytest runs on 2 shared cores: allow a minute at least.
        "timeout_constant": 4.0,
    }
    with (work / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n[tool.mutmut]\n")
        for key, value in config.items():
            pyproject.write(f"{key} = {json.dumps(value)}\n")
    return work


def template_database(env: dict[str, str]) -> Path:
    """Migrate one SQLite file that every test run of the mutation run copies."""
    path = BUILD / "template.sqlite3"
    for stale in BUILD.glob("template.sqlite3*"):
        stale.unlink()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env={**env, "DATABASE_URL": f"sqlite:///{path}"},
        check=True,
    )
    return path


def results(work: Path) -> dict[str, Counter[str]]:
    """Count mutant outcomes per module from mutmut's result files."""
    equivalent = equivalent_mutants()
    per_module: dict[str, Counter[str]] = {}
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        module = str(meta.relative_to(work / "mutants"))[: -len(".meta")]
        counts = per_module.setdefault(module, Counter())
        for mutant, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            status = STATUS.get(code, "suspicious")
            if status == "survived" and mutant in equivalent:
                status = "equivalent"
            counts[status] += 1
            if status not in ("killed", "equivalent"):
                counts["~" + mutant + " " + status] = 1
    return per_module


def report(per_module: dict[str, Counter[str]], *, verbose: bool) -> bool:
    """Print one line per module; return whether every module reached 90 %."""
    ok = True
    print(f"{'module':45} {'mutants':>7} {'killed':>6} {'equiv':>5} {'left':>5} score")
    for module, counts in per_module.items():
        total = sum(v for k, v in counts.items() if not k.startswith("~"))
        killed, equivalent = counts["killed"], counts["equivalent"]
        left = total - killed - equivalent
        score = killed / (total - equivalent) if total > equivalent else 1.0
        ok = ok and score >= 0.9
        print(f"{module:45} {total:7} {killed:6} {equivalent:5} {left:5} {score:6.1%}")
        if verbose:
            for key in sorted(k for k in counts if k.startswith("~")):
                print("    " + key[1:])
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", metavar="GROUP", help=", ".join(GROUPS))
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once")
    parser.add_argument(
        "--report-only", action="store_true", help="print the last run's results"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list survivors")
    args = parser.parse_args()
    names = args.groups or list(GROUPS)
    unknown = set(names) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    # The copies live under build/: point the module comparing the API with
    # upstream's schemas at the real reference data.
    env.setdefault("PATCHSERVER_SHARED", str(REPO.parent / "shared"))
    if not args.report_only:
        BUILD.mkdir(parents=True, exist_ok=True)
        env["PATCHSERVER_TEST_DB_TEMPLATE"] = str(template_database(env))
    mutmut = Path(sys.executable).with_name("mutmut")
    per_module: dict[str, Counter[str]] = {}
    for name in names:
        work = BUILD / name
        if not args.report_only:
            work = prepare(name, GROUPS[name])
            print(f"=== {name}: {', '.join(GROUPS[name].modules)}", flush=True)
            subprocess.run(
                [str(mutmut), "run", "--max-children", str(args.jobs)],
                cwd=work,
                env=env,
                stdout=subprocess.DEVNULL,
                check=False,
            )
        if work.exists():
            for module, counts in results(work).items():
                if any(fnmatch.fnmatch(module, m) for m in GROUPS[name].modules):
                    per_module[module] = counts
    return 0 if report(per_module, verbose=args.verbose) else 1


if __name__ == "__main__":
    sys.exit(main())
