"""What the benchmarks share: the archive generator, databases, the project.

The scripts under ``bench/`` are run by path, so each puts this folder on
``sys.path`` and imports this module as ``common``.
"""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SHARED = Path(os.environ.get("PATCHSERVER_SHARED") or REPO.parent / "shared")
GEN_CORPUS = SHARED / "tools" / "gen-corpus.py"
RESULTS = REPO / "bench" / "results"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def manage(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run ``manage.py`` with ``args`` in the repository; fail on an error."""
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True, **kwargs
    )


def environment(database_url: str, workdir: Path) -> dict[str, str]:
    """Make the environment of ``manage.py`` runs on ``database_url``.

    Data and failed mails go under ``workdir``.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="patchserver.settings",
        DJANGO_SECRET_KEY="benchmark-only-secret-key",  # noqa: S106 - throwaway database
        DATABASE_URL=database_url,
        PATCHSERVER_DATA_DIR=str(workdir / "data"),
        PATCHSERVER_FAILED_MAIL_DIR=str(workdir / "failed"),
    )
    return env


def server_environment(
    database_url: str, workdir: Path, conn_max_age: str | None = None
) -> dict[str, str]:
    """Make the environment of a local server (gunicorn or runserver) to time.

    Production settings, but plain HTTP on 127.0.0.1 and no request log;
    the database connection settings are the defaults unless
    ``conn_max_age`` is given. Static files and data go under ``workdir``.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for name in ("DEBUG", "CONN_MAX_AGE", "DATABASE_POOLER", "METRICS_TOKEN"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="patchserver.settings",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-0123456789abcdefghijklmnop",  # noqa: S106 - throwaway server
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        STATIC_ROOT=str(workdir / "static"),
        PATCHSERVER_DATA_DIR=str(workdir / "data"),
        LOG_LEVEL="WARNING",
        # gunicorn.conf.py logs each request to stdout: not while timing.
        GUNICORN_ACCESS_LOG="",
    )
    if conn_max_age:
        env["CONN_MAX_AGE"] = conn_max_age
    return env


def summary_counts(output: str) -> dict[str, int]:
    """Read the numbers of ``parsearchive``'s summary, by label."""
    return {
        label: int(number)
        for number, label in re.findall(r"^\s+(\d+) ([a-z ]+)$", output, re.M)
    }


def generate_corpus(
    messages: int, cache: Path, list_id: str, gen_corpus: Path = GEN_CORPUS
) -> Path:
    """Return a gen-corpus archive of ``messages`` mails in ``cache`` (made once)."""
    path = cache / f"corpus-{messages}.mbox"
    if path.exists():
        return path
    if not gen_corpus.exists():
        sys.exit(f"gen-corpus.py not found at {gen_corpus} (set PATCHSERVER_SHARED)")
    log(f"generating {messages} mails -> {path}")
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            PYTHON,
            str(gen_corpus),
            "--messages",
            str(messages),
            "--seed",
            "1",
            "--list-id",
            list_id,
            "--out",
            str(path),
        ],
        check=True,
    )
    return path


def _admin_and_name(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def recreate_database(url: str) -> None:
    """Drop the PostgreSQL database of ``url`` if it exists, and create it empty."""
    import psycopg

    admin, name = _admin_and_name(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    admin, name = _admin_and_name(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def vacuum_analyze(url: str) -> None:
    """Give the planner statistics, as autovacuum would after a bulk load."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def create_project(
    env: dict[str, str],
    linkname: str,
    list_id: str,
    *,
    maintainer: tuple[str, str] | None = None,
) -> None:
    """Migrate the database of ``env`` and create the benchmark's project.

    ``maintainer`` (username, password) is created as a user and made the
    project's maintainer.
    """
    manage(env, "migrate", "--noinput", "-v", "0")
    options = []
    if maintainer is not None:
        username, password = maintainer
        manage(
            env,
            "shell",
            "-c",
            "from apps.people.models import User; "
            f"User.objects.create_user({username!r}, 'm@example.org', {password!r})",
        )
        options = ["--maintainer", username]
    manage(
        env,
        "createproject",
        "--linkname",
        linkname,
        "--name",
        "Bench",
        "--list-id",
        list_id,
        "--list-email",
        f"{linkname}@lists.example.org",
        *options,
        stdout=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
