"""The mail scripts: which interpreter they run, what they pass it, what they exit.

``scripts/interpreter.sh`` picks ``$PATCHSERVER_PYTHON``, else Patchwork's
``$PW_PYTHON``, else the checkout's ``.venv``, else ``python3``. Each test
puts a stand-in interpreter there that records how it was called and exits
with a chosen status.
"""

import os
import shutil
import subprocess

import pytest

from tests.paths import REPO

SCRIPTS = ("parsemail.sh", "parsemail-batch.sh", "interpreter.sh")


def stand_in(path, name: str, status: int = 0):
    """Write an executable that records its name, arguments and stdin."""
    path.write_text(
        "#!/bin/sh\n"
        f'{{ echo "{name}"; for a in "$@"; do echo "arg:$a"; done; '
        'echo "stdin:$(cat)"; } > "$RECORD"\n'
        f"exit {status}\n"
    )
    path.chmod(0o755)
    return path


@pytest.fixture
def checkout(tmp_path):
    """A checkout holding only the scripts (and, by default, no .venv)."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    for name in SCRIPTS:
        shutil.copy2(REPO / "scripts" / name, root / "scripts" / name)
    return root


def run(checkout, script: str, *args: str, env: dict, stdin: bytes = b"mail"):
    record = checkout.parent / "record"
    base = {"PATH": os.environ["PATH"], "RECORD": str(record)}
    result = subprocess.run(
        [str(checkout / "scripts" / script), *args],
        input=stdin,
        env={**base, **env},
        capture_output=True,
        timeout=30,
        check=False,
    )
    lines = record.read_text().splitlines() if record.exists() else []
    return result.returncode, lines


def test_patchserver_python_comes_first(checkout, tmp_path):
    mine = stand_in(tmp_path / "mine", "mine")
    stand_in(tmp_path / "pw", "pw")
    env = {"PATCHSERVER_PYTHON": str(mine), "PW_PYTHON": str(tmp_path / "pw")}
    status, lines = run(checkout, "parsemail.sh", "--list-id", "x.example.com", env=env)
    assert status == 0
    assert lines == [
        "mine",
        "arg:-m",
        "arg:apps.ingest.cli",
        "arg:--list-id",
        "arg:x.example.com",
        "stdin:mail",
    ]


def test_patchworks_variable_is_honoured(checkout, tmp_path):
    stand_in(tmp_path / "pw", "pw")
    _, lines = run(checkout, "parsemail.sh", env={"PW_PYTHON": str(tmp_path / "pw")})
    assert lines[0] == "pw"


def test_the_checkouts_virtualenv_comes_next(checkout, tmp_path):
    (checkout / ".venv" / "bin").mkdir(parents=True)
    stand_in(checkout / ".venv" / "bin" / "python", "venv")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in(bin_dir / "python3", "path-python3")
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    _, lines = run(checkout, "parsemail-batch.sh", "a.mbox", env=env)
    assert lines[0] == "venv"


def test_python3_on_the_path_is_the_last_resort(checkout, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in(bin_dir / "python3", "path-python3")
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    _, lines = run(checkout, "parsemail.sh", env=env)
    assert lines[0] == "path-python3"


@pytest.mark.parametrize(("status", "expected"), [(0, 0), (1, 0), (2, 0), (75, 75)])
def test_parsemail_sh_bounces_nothing_but_passes_tempfail(
    checkout, tmp_path, status, expected
):
    python = stand_in(tmp_path / "python", "python", status)
    result, _ = run(checkout, "parsemail.sh", env={"PATCHSERVER_PYTHON": str(python)})
    assert result == expected


@pytest.mark.parametrize("status", [0, 1, 75])
def test_parsemail_batch_runs_parsearchive_and_passes_its_status(
    checkout, tmp_path, status
):
    python = stand_in(tmp_path / "python", "python", status)
    result, lines = run(
        checkout,
        "parsemail-batch.sh",
        "--list-id",
        "x.example.com",
        "one.mbox",
        "a dir",
        env={"PATCHSERVER_PYTHON": str(python)},
        stdin=b"",
    )
    assert result == status
    assert lines == [
        "python",
        f"arg:{checkout}/manage.py",
        "arg:parsearchive",
        "arg:--list-id",
        "arg:x.example.com",
        "arg:one.mbox",
        "arg:a dir",
        "stdin:",
    ]
