"""Settings come from the environment and are safe by default.

Each case runs in a fresh interpreter, because settings are read once at
start-up.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.paths import REPO

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x7#kQ2v!pL9zR4m@W8nT1bY6cH3jF5dS0gA-e_uXoVqiNrMwEtKy",
    "ALLOWED_HOSTS": "patches.example.org",
}


def run_python(code: str, env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DEBUG"))
    }
    clean.pop("DATABASE_URL", None)
    clean |= {
        "PATCHSERVER_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "patchserver.settings",
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean | env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_json(names: list[str], env: dict[str, str], tmp_path) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"values = {{n: getattr(settings, n) for n in {names!r}}}; "
        "print(json.dumps(values, default=str))"
    )
    result = run_python(code, env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def documented_production_environment() -> dict[str, str]:
    """Return the variables README.md gives for a production instance."""
    readme = (REPO / "README.md").read_text()
    _, marker, rest = readme.partition("<!-- production-environment")
    assert marker, "README.md lost its production environment"
    block = rest.split("```sh\n", 1)[1].split("```", 1)[0]
    variables = dict(line.split("=", 1) for line in block.splitlines() if line)
    # The one value the reader makes up.
    variables["DJANGO_SECRET_KEY"] = PRODUCTION_ENV["DJANGO_SECRET_KEY"]
    return variables


@pytest.mark.parametrize(
    "environment",
    [PRODUCTION_ENV, documented_production_environment()],
    ids=["minimal", "documented"],
)
def test_check_deploy_is_clean_with_production_environment(tmp_path, environment):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO", "DEBUG", "SECURE_", "DATABASE_URL"))
        }
        | environment
        | {
            "PATCHSERVER_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "patchserver.settings",
        },
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)" in result.stdout


def test_hsts_preload_is_opt_in(tmp_path):
    names = ["SECURE_HSTS_PRELOAD", "SECURE_HSTS_SECONDS", "SILENCED_SYSTEM_CHECKS"]
    assert settings_json(names, PRODUCTION_ENV, tmp_path) == {
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_HSTS_SECONDS": 31536000,
        "SILENCED_SYSTEM_CHECKS": ["security.W021"],
    }
    chosen = PRODUCTION_ENV | {"SECURE_HSTS_PRELOAD": "1"}
    assert settings_json(names, chosen, tmp_path) == {
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SILENCED_SYSTEM_CHECKS": [],
    }


def test_secret_key_is_required_without_debug(tmp_path):
    result = run_python(
        "from django.conf import settings; settings.SECRET_KEY", {}, tmp_path
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_defaults_are_secure(tmp_path):
    values = settings_json(
        [
            "DEBUG",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_HSTS_SECONDS",
            "ALLOWED_HOSTS",
        ],
        PRODUCTION_ENV,
        tmp_path,
    )
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "ALLOWED_HOSTS": ["patches.example.org"],
    }


def test_security_switches_can_be_turned_off_for_a_proxy_or_loopback(tmp_path):
    values = settings_json(
        ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER"],
        PRODUCTION_ENV
        | {
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "false",
            "SECURE_PROXY_SSL_HEADER": "1",
        },
        tmp_path,
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgres://pw:secret@db.example.org:5433/patches",
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "patches",
                "USER": "pw",
                "PASSWORD": "secret",
                "HOST": "db.example.org",
                "PORT": 5433,
            },
        ),
        (
            "sqlite:////srv/patchserver/db.sqlite3",
            {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": "/srv/patchserver/db.sqlite3",
            },
        ),
    ],
)
def test_database_url_forms(url, expected, tmp_path):
    database = settings_json(
        ["DATABASES"], PRODUCTION_ENV | {"DATABASE_URL": url}, tmp_path
    )
    default = database["DATABASES"]["default"]
    assert {key: default[key] for key in expected} == expected


def test_default_database_is_sqlite_in_the_data_folder(tmp_path):
    database = settings_json(["DATABASES"], PRODUCTION_ENV, tmp_path)
    default = database["DATABASES"]["default"]
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert default["NAME"] == str(tmp_path / "patchserver.sqlite3")


def test_upstream_settings_have_upstream_defaults(tmp_path):
    values = settings_json(
        [
            "DEFAULT_ITEMS_PER_PAGE",
            "REST_RESULTS_PER_PAGE",
            "MAX_REST_RESULTS_PER_PAGE",
            "ENABLE_REST_API",
            "ENABLE_XMLRPC",
            "COMPAT_REDIR",
            "FORCE_HTTPS_LINKS",
            "CONFIRMATION_VALIDITY_DAYS",
            "NOTIFICATION_DELAY_MINUTES",
            "TIME_ZONE",
            "USE_TZ",
        ],
        PRODUCTION_ENV,
        tmp_path,
    )
    assert values == {
        "DEFAULT_ITEMS_PER_PAGE": 100,
        "REST_RESULTS_PER_PAGE": 30,
        "MAX_REST_RESULTS_PER_PAGE": 250,
        "ENABLE_REST_API": True,
        "ENABLE_XMLRPC": False,
        "COMPAT_REDIR": True,
        "FORCE_HTTPS_LINKS": False,
        "CONFIRMATION_VALIDITY_DAYS": 7,
        "NOTIFICATION_DELAY_MINUTES": 10,
        "TIME_ZONE": "UTC",
        "USE_TZ": True,
    }


def test_postgresql_prepares_repeated_statements_unless_turned_off(tmp_path):
    env = PRODUCTION_ENV | {"DATABASE_URL": "postgres://pw@db.example.org/patches"}
    options = settings_json(["DATABASES"], env, tmp_path)["DATABASES"]["default"][
        "OPTIONS"
    ]
    assert options == {"server_side_binding": True, "prepare_threshold": 2}
    off = env | {"DATABASE_PREPARED_STATEMENTS": "0"}
    options = settings_json(["DATABASES"], off, tmp_path)["DATABASES"]["default"]
    assert not options.get("OPTIONS")


def test_the_sqlite_database_is_readable_by_its_owner_only(tmp_path):
    # A typical umask would leave a new file world-readable; the database
    # holds password hashes, tokens and sessions (and so do -wal and -shm).
    code = (
        "import os, stat; os.umask(0o022); import django; django.setup(); "
        "from django.db import connection; "
        "cursor = connection.cursor(); "
        "cursor.execute('CREATE TABLE t (x int)'); "
        "cursor.execute('INSERT INTO t VALUES (1)'); "
        "name = connection.settings_dict['NAME']; "
        "print(*(oct(stat.S_IMODE(os.stat(name + s).st_mode)) "
        "for s in ('', '-wal', '-shm')))"
    )
    result = run_python(code, PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0o600", "0o600", "0o600"]


def test_an_existing_database_file_keeps_its_mode(tmp_path):
    existing = tmp_path / "patchserver.sqlite3"
    existing.touch(mode=0o640)
    existing.chmod(0o640)
    values = settings_json(["DATABASES"], PRODUCTION_ENV, tmp_path)
    assert values["DATABASES"]["default"]["NAME"] == str(existing)
    assert oct(existing.stat().st_mode & 0o777) == "0o640"


def test_rate_limits_are_on_by_default_and_can_be_turned_off(tmp_path):
    def rates(env):
        values = settings_json(["REST_FRAMEWORK"], PRODUCTION_ENV | env, tmp_path)
        return values["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"]

    assert rates({}) == {"failed_auth": "10/minute", "anon_list": "300/minute"}
    assert rates({"THROTTLE_FAILED_AUTH": "5/hour", "THROTTLE_ANON_LISTS": ""}) == {
        "failed_auth": "5/hour",
        "anon_list": None,
    }
