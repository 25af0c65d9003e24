"""pwclient with its XML-RPC backend (the default of every release before 2.10)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from apps.checks.models import Check
from apps.patches.models import State
from tests.factories import PatchFactory, PersonFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PWCLIENT = Path(sys.executable).with_name("pwclient")


@pytest.fixture
def pwclient(live_server, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".pwclientrc").write_text(
        "[options]\n"
        "default = linux-foo\n"
        "\n"
        "[linux-foo]\n"
        "backend = xmlrpc\n"
        f"url = {live_server.url}/xmlrpc/\n"
        "username = maint\n"
        "password = password\n"
    )

    def run(*args: str) -> str:
        result = subprocess.run(
            [str(PWCLIENT), *args],
            env={**os.environ, "HOME": str(home), "LC_ALL": "C.UTF-8"},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    return run


@pytest.fixture
def patches(settings):
    settings.ENABLE_XMLRPC = True
    maint = UserFactory(username="maint")
    project = ProjectFactory(
        linkname="linux-foo", name="Linux Foo", maintainers=[maint]
    )
    alice = PersonFactory(name="Alice Example", email="alice@example.com")
    return [
        PatchFactory(
            project=project, submitter=alice, name="[1/2] foo: add frobnicator"
        ),
        PatchFactory(
            project=project, submitter=alice, name="[2/2] foo: use frobnicator"
        ),
    ]


def test_list_info_update_and_checks(pwclient, patches):
    first, second = patches
    listing = pwclient("list")
    assert "[1/2] foo: add frobnicator" in listing
    assert "[2/2] foo: use frobnicator" in listing
    assert str(first.pk) in listing
    assert "New" in listing

    info = pwclient("info", str(first.pk))
    fields = dict(
        line[2:].split(":", 1) for line in info.splitlines() if line.startswith("- ")
    )
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    assert fields["id"] == str(first.pk)
    assert fields["submitter"] == "Alice Example <alice@example.com>"
    assert fields["project"] == "Linux Foo"
    assert fields["state"] == "New"
    assert fields["filename"] == "1-2-foo-add-frobnicator"

    pwclient("update", "-s", "Accepted", "-c", "0123abcd", str(first.pk))
    first.refresh_from_db()
    assert first.state == State.objects.get(slug="accepted")
    assert first.commit_ref == "0123abcd"
    assert "Accepted" in pwclient("list", "-s", "Accepted")

    pwclient("check-create", "-c", "build", "-s", "success", "-u", "https://ci/1",
             "-d", "built fine", str(second.pk))  # fmt: skip
    check = Check.objects.get(patch=second)
    assert (check.context, check.state, check.user.username) == ("build", 1, "maint")
    assert "build" in pwclient("check-list")


def test_view_prints_the_mbox(pwclient, patches):
    first = patches[0]
    view = pwclient("view", str(first.pk))
    assert "[1/2] foo: add frobnicator" in view
    assert first.diff.strip().splitlines()[0] in view
