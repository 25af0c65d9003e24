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
tests/conftest.py) instead of migrating a fresh one per mutant. Groups whose
modules only act on PostgreSQL run there when ``--postgres URL`` (or
``$PATCHSERVER_MUTATION_POSTGRES``) names a database: a migrated template
database next to it is cloned for every pytest run.

``--survivors`` runs only the last run's surviving mutants again, with the
current tests: the way to check new tests without a full run.

The scores are recorded in docs/mutation.md; surviving mutants that change
nothing observable are listed there as equivalent, and ``EQUIVALENT`` below
names them so the report counts them apart.
"""

import argparse
import atexit
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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
    # "postgresql": the modules only act on PostgreSQL, so the group's tests
    # run there (``--postgres``); every other group runs on SQLite.
    vendor: str = "sqlite"


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
            "tests/api/test_series_versions.py",
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
            "tests/ingest/test_cover_tags.py",
            "tests/api/test_downloads.py",
            "tests/web/test_patch_detail.py",
            "tests/xmlrpc/test_methods.py",
        ),
    ),
    "locking": Group(
        modules=("apps/ingest/locking.py",),
        tests=(
            "tests/ingest/test_locking.py",
            "tests/ingest/test_parsemail.py",
            "tests/ingest/test_parsearchive.py",
            "tests/ingest/test_limits.py",
        ),
        vendor="postgresql",
    ),
    "lmtp": Group(
        modules=("apps/ingest/lmtp*.py",),
        tests=(
            "tests/ingest/test_lmtp.py",
            "tests/ingest/test_lmtp_units.py",
            "tests/ingest/test_lmtp_server.py",
        ),
    ),
    "parsing": Group(
        modules=("apps/ingest/parsing/*.py",),
        # The in-process tests that parse mail and check what is stored;
        # the slow archive and order tests reach the same functions.
        tests=(
            "tests/ingest/test_parsing.py",
            "tests/ingest/test_hashes.py",
            "tests/ingest/test_linear_parsing.py",
            "tests/ingest/test_parsing_is_pure.py",
            "tests/ingest/test_ingest_rules.py",
            "tests/ingest/test_corpus_mail.py",
            "tests/ingest/test_corpus_patches.py",
            "tests/ingest/test_corpus_series.py",
            "tests/ingest/test_real_mail_parity.py",
            "tests/ingest/test_dependencies.py",
            "tests/ingest/test_limits.py",
            "tests/ingest/test_parsemail.py",
            "tests/ingest/test_parsearchive.py",
            "tests/ingest/test_query_counts.py",
            "tests/ingest/test_pull_url_checks.py",
            "tests/ingest/test_scan_parity_exhaustive.py",
            "tests/ingest/test_header_caps.py",
            "tests/ingest/test_parsed_content.py",
        ),
    ),
    # The value rules of the importer: a slip there changes imported data
    # (times, flags, text with NULs) without failing, or lets untrusted API
    # JSON through. The rest of the importer moves rows and fails loudly.
    "importer": Group(
        modules=("apps/importer/convert.py", "apps/importer/api_values.py"),
        tests=(
            "tests/importer/test_values.py",
            "tests/importer/test_mapping.py",
            "tests/importer/test_database_import.py",
            "tests/importer/test_mirror.py",
        ),
    ),
}

# Surviving mutants that change nothing a user, a client or the database
# can observe; docs/mutation.md explains each one.
EQUIVALENT_FILE = REPO / "tools" / "mutation-equivalent.txt"

STATUS: dict[int | None, str] = {
    None: "not run",
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
    configure(work, group)
    return work


def configure(work: Path, group: Group) -> None:
    """Write the group's ``[tool.mutmut]`` section into its copy's pyproject.toml."""
    config = {
        "source_paths": ["apps"],
        "only_mutate": list(group.modules),
        "also_copy": [*COPIED, *COPIED_FILES],
        "pytest_add_cli_args_test_selection": [
            *(test for test in group.tests if (REPO / test).exists()),
            *NOT_RUN,
        ],
        # A mutant's CPU budget is (its tests' time + 4 s) x 2 x the
        # multiplier. mutmut's default multiplier (15) lets each mutant that
        # loops forever (the parsers' scans are while loops) burn minutes;
        # 1 still leaves twice the CPU time the tests take.
        "timeout_constant": 4.0,
        "timeout_multiplier": 1.0,
    }
    text = (REPO / "pyproject.toml").read_text() + "\n[tool.mutmut]\n"
    text += "".join(f"{key} = {json.dumps(value)}\n" for key, value in config.items())
    (work / "pyproject.toml").write_text(text)


def refresh_tests(work: Path, group: Group) -> None:
    """Give a finished run's copy the current tests, keeping its verdicts.

    Tests were only added since (that is what ``--survivors`` is for), so a
    mutant killed before is still killed. mutmut would discard every
    verdict when the test selection changes; the run's recorded
    configuration is updated so it keeps them, and it collects which
    functions the new tests reach before running the named mutants.
    """
    shutil.rmtree(work / "tests")
    shutil.copytree(REPO / "tests", work / "tests")
    configure(work, group)
    script = (
        "import json; from mutmut.configuration import config; "
        "path = 'mutants/mutmut-stats.json'; stats = json.load(open(path)); "
        "stats['config_fingerprint'] = config().config_fingerprint(); "
        "json.dump(stats, open(path, 'w'))"
    )
    subprocess.run([sys.executable, "-c", script], cwd=work, check=True)


def template_database(env: dict[str, str]) -> Path:
    """Migrate one SQLite file that every test run of the mutation run copies.

    Each run has its own, removed when it ends: two runs of different groups
    at once must not migrate or delete each other's file.
    """
    folder = Path(tempfile.mkdtemp(prefix="template-", dir=BUILD))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "template.sqlite3"
    migrate({**env, "DATABASE_URL": f"sqlite:///{path}"})
    return path


def postgres_template(url: str, env: dict[str, str]) -> str:
    """Migrate ``<database>_template`` next to ``url``'s database; return its name.

    Every pytest run of a PostgreSQL group clones it (tests/conftest.py).
    """
    import psycopg
    from psycopg import sql

    database = urlsplit(url).path.lstrip("/")
    template = f"{database}_template"
    with psycopg.connect(url, autocommit=True) as admin:
        name = sql.Identifier(template)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    migrate({**env, "DATABASE_URL": urlunsplit(urlsplit(url)._replace(path=template))})
    return template


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        check=True,
    )


def results(work: Path) -> dict[str, Counter[str]]:
    """Count mutant outcomes per module from mutmut's result files."""
    equivalent = equivalent_mutants()
    per_module: dict[str, Counter[str]] = {}
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        module = str(meta.relative_to(work / "mutants"))[: -len(".meta")]
        counts = per_module.setdefault(module, Counter())
        for mutant, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            status = STATUS.get(code, "suspicious")
            # A listed mutant changes nothing observable: a time-out on it
            # says the run was slow, not that a test caught it.
            if status in ("survived", "timeout") and mutant in equivalent:
                status = "equivalent"
            counts[status] += 1
            if status not in ("killed", "timeout", "equivalent", "not run"):
                counts["~" + mutant + " " + status] = 1
    return per_module


def report(per_module: dict[str, Counter[str]], *, verbose: bool) -> bool:
    """Print one line per module; return whether every module reached 90 %.

    A mutant that makes its tests run past the time limit (a loop that never
    ends) counts as detected, as mutmut counts it. Mutants an interrupted run
    did not reach are shown apart and left out of the score.
    """
    ok = True
    print(
        f"{'module':45} {'mutants':>7} {'killed':>6} {'timeout':>7} {'equiv':>5} "
        f"{'left':>5} {'not run':>7} score"
    )
    for module, counts in per_module.items():
        total = sum(v for k, v in counts.items() if not k.startswith("~"))
        killed, timeout = counts["killed"], counts["timeout"]
        equivalent, not_run = counts["equivalent"], counts["not run"]
        left = total - killed - timeout - equivalent - not_run
        scored = total - equivalent - not_run
        score = (killed + timeout) / scored if scored else None
        ok = ok and (score is None or score >= 0.9) and not not_run
        shown = "   n/a" if score is None else f"{score:6.1%}"
        print(
            f"{module:45} {total:7} {killed:6} {timeout:7} {equivalent:5} "
            f"{left:5} {not_run:7} {shown}"
        )
        if verbose:
            for key in sorted(k for k in counts if k.startswith("~")):
                print("    " + key[1:])
    return ok


def survivors(work: Path) -> list[str]:
    """Names of the last run's mutants that no test killed (nor timed out on)."""
    names = []
    for counts in results(work).values():
        for key in counts:
            if key.startswith("~"):
                names.append(key[1:].split()[0])
    return names


def run_group(name: str, env: dict[str, str], args: argparse.Namespace) -> None:
    """Run mutmut on one group: all mutants, or the last run's survivors again."""
    group = GROUPS[name]
    mutmut = [str(Path(sys.executable).with_name("mutmut")), "run"]
    mutmut += ["--max-children", str(args.jobs)]
    work = BUILD / name
    if args.survivors and work.exists():
        refresh_tests(work, group)
        mutmut += survivors(work)
    else:
        work = prepare(name, group)
    print(f"=== {name}: {', '.join(group.modules)}", flush=True)
    subprocess.run(mutmut, cwd=work, env=env, stdout=subprocess.DEVNULL, check=False)


def group_env(
    group: Group, env: dict[str, str], args: argparse.Namespace
) -> dict[str, str] | None:
    """Return the environment of a group's run (None: it cannot run here)."""
    if group.vendor == "sqlite":
        if "sqlite" not in TEMPLATES:
            TEMPLATES["sqlite"] = str(template_database(env))
        return {**env, "PATCHSERVER_TEST_DB_TEMPLATE": TEMPLATES["sqlite"]}
    if not args.postgres:
        return None
    if "postgresql" not in TEMPLATES:
        TEMPLATES["postgresql"] = postgres_template(args.postgres, env)
    return {
        **env,
        "DATABASE_URL": args.postgres,
        "PATCHSERVER_TEST_DB_TEMPLATE": TEMPLATES["postgresql"],
    }


TEMPLATES: dict[str, str] = {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", metavar="GROUP", help=", ".join(GROUPS))
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once")
    parser.add_argument(
        "--report-only", action="store_true", help="print the last run's results"
    )
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="run only the last run's survivors again, with the current tests",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("PATCHSERVER_MUTATION_POSTGRES"),
        help="database for the PostgreSQL groups (default: "
        "$PATCHSERVER_MUTATION_POSTGRES); without it they are left out",
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
    BUILD.mkdir(parents=True, exist_ok=True)
    per_module: dict[str, Counter[str]] = {}
    for name in names:
        if not args.report_only:
            run_env = group_env(GROUPS[name], env, args)
            if run_env is None:
                print(f"=== {name}: left out (needs --postgres)", flush=True)
            else:
                run_group(name, run_env, args)
        work = BUILD / name
        if work.exists():
            for module, counts in results(work).items():
                if any(fnmatch.fnmatch(module, m) for m in GROUPS[name].modules):
                    per_module[module] = counts
    return 0 if report(per_module, verbose=args.verbose) else 1


if __name__ == "__main__":
    sys.exit(main())
