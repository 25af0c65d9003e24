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


def kept_mails(folder) -> dict[str, list[bytes]]:
    """The files of each Maildir subfolder of ``folder``."""
    return {
        sub: sorted(path.read_bytes() for path in (folder / sub).iterdir())
        for sub in ("tmp", "new", "cur")
        if (folder / sub).is_dir()
    }


def wrapped_env(tmp_path, python) -> dict[str, str]:
    return {
        "PATCHSERVER_PYTHON": str(python),
        "PATCHSERVER_FAILED_MAIL_DIR": str(tmp_path / "failed"),
    }


@pytest.mark.parametrize(("status", "expected"), [(0, 0), (65, 0), (75, 75)])
def test_parsemail_sh_ends_in_done_or_retry_and_drops_its_copy(
    checkout, tmp_path, status, expected
):
    # 65: parsemail kept the mail in the failed-mail folder itself.
    python = stand_in(tmp_path / "python", "python", status)
    result, lines = run(checkout, "parsemail.sh", env=wrapped_env(tmp_path, python))
    assert result == expected
    assert lines[-1] == "stdin:mail"
    assert kept_mails(tmp_path / "failed") == {"tmp": [], "new": [], "cur": []}


@pytest.mark.parametrize("status", [1, 2, 70, 120, 137, 139])
def test_any_other_ending_is_a_retry_with_the_mail_kept(checkout, tmp_path, status):
    # 1: Python failed before reading the mail (a missing module, a bad
    # configuration); 137 and 139: killed (out of memory, a crash).
    python = tmp_path / "python"
    python.write_text(f"#!/bin/sh\ncat > /dev/null\nexit {status}\n")
    python.chmod(0o755)
    mail = b"From: a@example.com\n\nbody \x00\xff\n"
    result, _ = run(
        checkout, "parsemail.sh", env=wrapped_env(tmp_path, python), stdin=mail
    )
    assert result == 75
    assert kept_mails(tmp_path / "failed") == {"tmp": [], "new": [mail], "cur": []}


def test_a_signal_ending_parsemail_is_a_retry_with_the_mail_kept(checkout, tmp_path):
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\ncat > /dev/null\nkill -KILL $$\n")
    python.chmod(0o755)
    result, _ = run(checkout, "parsemail.sh", env=wrapped_env(tmp_path, python))
    assert result == 75
    assert kept_mails(tmp_path / "failed")["new"] == [b"mail"]


def test_the_mail_is_saved_before_parsemail_runs(checkout, tmp_path):
    python = tmp_path / "python"
    python.write_text(
        '#!/bin/sh\n{ echo "wrapped:$PATCHSERVER_PARSEMAIL_WRAPPED"; '
        'cat "$PATCHSERVER_FAILED_MAIL_DIR"/tmp/*; } > "$RECORD"\nexit 0\n'
    )
    python.chmod(0o755)
    result, lines = run(checkout, "parsemail.sh", env=wrapped_env(tmp_path, python))
    assert (result, lines) == (0, ["wrapped:1", "mail"])


def test_a_mail_that_cannot_be_saved_is_a_retry(checkout, tmp_path):
    python = stand_in(tmp_path / "python", "python", 0)
    (tmp_path / "failed").write_text("a file where the folder should be")
    result, lines = run(checkout, "parsemail.sh", env=wrapped_env(tmp_path, python))
    assert (result, lines) == (75, [])  # parsemail did not run


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
