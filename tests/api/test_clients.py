"""Real clients against a live server: git-pw and pwclient (REST backend).

A two-patch series with a cover letter and a review reply is made with
``git format-patch`` in a scratch repository, ingested like list mail, and
served by Django's live server. The clients run as subprocesses with a
temporary HOME and their own configuration, and their output is checked.
"""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from apps.bundles.services import bundle_create
from apps.ingest.services import ingest_message
from apps.patches.models import Patch, Series
from apps.projects.models import Project
from tests.api import recording
from tests.api.contract import check_response
from tests.factories import UserFactory

# Committed data (the live server runs in another thread); the database is
# restored to its migrated state around each test, as other such tests expect.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

BIN = Path(sys.executable).parent
LIST_ID = "demo.lists.example.org"


class Sandbox:
    """A temporary HOME with git identity, and helpers to run programs in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.home.mkdir()
        self.env = {
            "HOME": str(self.home),
            "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Ann Author",
            "GIT_AUTHOR_EMAIL": "ann@example.com",
            "GIT_COMMITTER_NAME": "Ann Author",
            "GIT_COMMITTER_EMAIL": "ann@example.com",
            "PAGER": "cat",
            "PWCLIENTRC": str(self.home / ".pwclientrc"),
        }

    def run(self, *args: str, cwd: Path) -> str:
        result = subprocess.run(
            args, cwd=cwd, env=self.env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result.stdout

    def git(self, repo: Path, *args: str) -> str:
        return self.run("git", *args, cwd=repo)

    def clone_at_base(self, upstream: Path, name: str) -> Path:
        target = self.root / name
        self.run("git", "clone", "-q", str(upstream), str(target), cwd=self.root)
        self.git(target, "reset", "-q", "--hard", "base")
        return target


def make_series(box: Sandbox) -> tuple[Path, list[bytes]]:
    """Commit two changes over a base and return them as list mail."""
    upstream = box.root / "upstream"
    upstream.mkdir()
    box.git(upstream, "init", "-q", "-b", "main")
    (upstream / "README").write_text("hello\n")
    box.git(upstream, "add", "README")
    box.git(upstream, "commit", "-qm", "Initial import")
    box.git(upstream, "tag", "base")
    (upstream / "README").write_text("hello\nworld\n")
    box.git(
        upstream, "commit", "-qam", "README: greet the world\n\nThe world deserves it."
    )
    (upstream / "NEWS").write_text("Greetings are here.\n")
    box.git(upstream, "add", "NEWS")
    box.git(upstream, "commit", "-qm", "NEWS: announce greetings\n\nTell everyone.")
    out = box.root / "mails"
    box.git(
        upstream,
        "format-patch",
        "-q",
        "--cover-letter",
        "--thread=shallow",
        "-o",
        str(out),
        "base..main",
    )
    mails = []
    for path in sorted(out.iterdir()):
        text = path.read_text()
        text = text.split("\n", 1)[1]  # the mbox "From <sha>" separator line
        text = text.replace("*** SUBJECT HERE ***", "Greetings for everyone")
        text = text.replace("*** BLURB HERE ***", "Two small patches.")
        mails.append(
            f"List-Id: <{LIST_ID}>\nTo: demo@lists.example.org\n{text}".encode()
        )
    return upstream, mails


def review_reply(patch_mail: bytes) -> bytes:
    msgid = next(
        line.split(":", 1)[1].strip()
        for line in patch_mail.decode().splitlines()
        if line.lower().startswith("message-id:")
    )
    return (
        f"List-Id: <{LIST_ID}>\nFrom: Rita Reviewer <rita@example.com>\n"
        "To: demo@lists.example.org\n"
        "Subject: Re: [PATCH 1/2] README: greet the world\n"
        "Date: Mon, 1 Jan 2024 12:00:00 +0000\n"
        f"Message-Id: <review-1@example.com>\nIn-Reply-To: {msgid}\n"
        f"References: {msgid}\n\nLooks right.\n\n"
        "Reviewed-by: Rita Reviewer <rita@example.com>\n"
    ).encode()


@pytest.fixture
def site(live_server, tmp_path):
    box = Sandbox(tmp_path)
    maintainer = UserFactory(username="maint", email="maint@example.com")
    project = Project.objects.create(
        linkname="demo",
        name="Demo",
        listid=LIST_ID,
        listemail="demo@lists.example.org",
    )
    project.maintainers.add(maintainer)
    upstream, mails = make_series(box)
    for mail in [*mails, review_reply(mails[1])]:
        ingest_message(mail, list_id=LIST_ID)
    patches = list(Patch.objects.order_by("number"))
    assert [p.number for p in patches] == [1, 2]
    series = Series.objects.get()
    bundle = bundle_create(
        owner=maintainer, name="favourites", patches=patches[::-1], public=True
    )
    token = Token.objects.create(user=maintainer).key
    recorded: list = []
    recording.RECORDED = recorded
    yield {
        "box": box,
        "url": live_server.url,
        "token": token,
        "upstream": upstream,
        "patches": patches,
        "series": series,
        "bundle": bundle,
        "maintainer": maintainer,
    }
    recording.RECORDED = None
    # Every JSON answer the real clients got must meet the contract too.
    for method, path, status, body, authenticated in recorded:
        check_response(
            method,
            path,
            status,
            body,
            acting_user_id=maintainer.pk if authenticated else None,
        )


def rows(output: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(output)))


def properties(output: str) -> dict[str, str]:
    """Read a ``show --format csv`` table; continuation rows are joined."""
    shown: dict[str, str] = {}
    last = None
    for row in rows(output):
        if row["Property"]:
            last = row["Property"]
            shown[last] = row["Value"]
        else:
            shown[last] += "\n" + row["Value"]
    return shown


def subjects(box: Sandbox, repo: Path, count: int) -> list[str]:
    return box.git(repo, "log", f"-{count}", "--format=%s").splitlines()


class TestGitPw:
    @pytest.fixture
    def git_pw(self, site):
        box = site["box"]
        repo = box.clone_at_base(site["upstream"], "work")
        box.git(repo, "config", "pw.server", f"{site['url']}/api/1.2")
        box.git(repo, "config", "pw.project", "demo")
        box.git(repo, "config", "pw.token", site["token"])

        def run(*args: str) -> str:
            return box.run(str(BIN / "git-pw"), *args, cwd=repo)

        return run, repo

    def test_patch_list_show_update(self, site, git_pw):
        run, _ = git_pw
        first, second = site["patches"]
        listed = rows(run("patch", "list", "--format", "csv"))
        assert [(int(r["ID"]), r["State"]) for r in listed] == [
            (second.pk, "new"),
            (first.pk, "new"),
        ]
        assert listed[1]["Name"] == "[1/2] README: greet the world"
        shown = properties(run("patch", "show", "--format", "csv", str(first.pk)))
        assert shown["Name"] == "[1/2] README: greet the world"
        assert shown["Submitter"] == "Ann Author (ann@example.com)"
        assert shown["Project"] == "Demo"
        assert shown["Series"].startswith(str(site["series"].pk))
        updated = properties(
            run(
                "patch",
                "update",
                "--state",
                "accepted",
                "--commit-ref",
                "abc123",
                "--delegate",
                "maint",
                "--archived",
                "true",
                "--format",
                "csv",
                str(first.pk),
            )
        )
        assert (updated["State"], updated["Commit Ref"], updated["Delegate"]) == (
            "accepted",
            "abc123",
            "maint",
        )
        assert updated["Archived"] == "True"
        first.refresh_from_db()
        assert first.state.slug == "accepted"
        assert first.delegate == site["maintainer"]
        # Archived and accepted: gone from the default listing.
        assert [
            int(r["ID"]) for r in rows(run("patch", "list", "--format", "csv"))
        ] == [second.pk]

    def test_patch_download(self, site, git_pw, tmp_path):
        run, _ = git_pw
        first = site["patches"][0]
        target = tmp_path / "downloads"
        target.mkdir()
        run("patch", "download", str(first.pk), str(target))
        (mbox,) = target.iterdir()
        assert mbox.name == "1-2-README-greet-the-world.patch"
        text = mbox.read_text()
        assert text.startswith("From patchwork ")
        assert "Reviewed-by: Rita Reviewer <rita@example.com>" in text
        run("patch", "download", "--diff", str(first.pk), str(target))
        diff = target / "1-2-README-greet-the-world.diff"
        assert diff.read_text().startswith("diff --git a/README b/README")

    def test_patch_apply_brings_its_dependencies(self, site, git_pw):
        run, repo = git_pw
        box = site["box"]
        run("patch", "apply", str(site["patches"][1].pk))
        assert subjects(box, repo, 2) == [
            "NEWS: announce greetings",
            "README: greet the world",
        ]
        message = box.git(repo, "log", "-1", "--skip=1", "--format=%B")
        assert "Reviewed-by: Rita Reviewer <rita@example.com>" in message
        assert (repo / "NEWS").read_text() == "Greetings are here.\n"

    def test_series_list_show_download_apply(self, site, git_pw, tmp_path):
        run, repo = git_pw
        series = site["series"]
        listed = rows(run("series", "list", "--format", "csv"))
        assert [(int(r["ID"]), r["Name"]) for r in listed] == [
            (series.pk, "Greetings for everyone")
        ]
        shown = properties(run("series", "show", "--format", "csv", str(series.pk)))
        assert shown["Name"] == "Greetings for everyone"
        assert shown["Complete"] == "True"
        assert "[1/2] README: greet the world" in shown["Patches"]
        target = tmp_path / "series"
        target.mkdir()
        run("series", "download", str(series.pk), str(target))
        (mbox,) = target.iterdir()
        assert mbox.read_text().count("From patchwork ") == 2
        run("series", "apply", str(series.pk))
        assert subjects(site["box"], repo, 2) == [
            "NEWS: announce greetings",
            "README: greet the world",
        ]

    def test_bundle_list_and_show(self, site, git_pw):
        run, _ = git_pw
        bundle = site["bundle"]
        listed = rows(run("bundle", "list", "--format", "csv"))
        assert [(int(r["ID"]), r["Name"], r["Owner"]) for r in listed] == [
            (bundle.pk, "favourites", "maint")
        ]
        shown = properties(run("bundle", "show", "--format", "csv", str(bundle.pk)))
        assert shown["Name"] == "favourites"
        assert shown["Public"] == "True"
        assert "[2/2] NEWS: announce greetings" in shown["Patches"]


class TestPwclient:
    @pytest.fixture
    def pwclient(self, site):
        box = site["box"]
        Path(box.env["PWCLIENTRC"]).write_text(
            "[options]\ndefault = demo\n\n"
            f"[demo]\nbackend = rest\nurl = {site['url']}/api/1.2/\n"
            f"token = {site['token']}\n"
        )
        repo = box.clone_at_base(site["upstream"], "pwclient-work")

        def run(*args: str, cwd: Path = repo) -> str:
            return box.run(str(BIN / "pwclient"), *args, cwd=cwd)

        return run, repo

    def test_list_info_view(self, site, pwclient):
        run, _ = pwclient
        first, second = site["patches"]
        listed = run("list")
        # The REST backend shows the API's state slugs.
        assert f"{first.pk} new [1/2] README" in " ".join(listed.split())
        assert "[1/2] README: greet the world" in listed
        assert "[2/2] NEWS: announce greetings" in listed
        info = {}
        for line in run("info", str(first.pk)).splitlines():
            if line.startswith("- "):
                key, _, value = line[2:].partition(":")
                info[key.strip()] = value.strip()
        assert info["name"] == "[1/2] README: greet the world"
        assert info["hash"] == first.hash
        assert info["state"] == "new"
        assert info["submitter"] == "Ann Author <ann@example.com>"
        assert info["msgid"] == first.msgid
        view = run("view", str(second.pk))
        assert view.startswith("From patchwork ")
        assert "Subject: [PATCH 2/2] NEWS: announce greetings" in view

    def test_update_state(self, site, pwclient):
        run, _ = pwclient
        first = site["patches"][0]
        run("update", "-s", "Under Review", "-c", "deadbeef", str(first.pk))
        first.refresh_from_db()
        assert first.state.slug == "under-review"
        assert first.commit_ref == "deadbeef"
        listed = run("list", "-s", "Under Review").splitlines()
        assert [line.split()[:2] for line in listed[2:]] == [
            [str(first.pk), "under-review"]
        ]

    def test_get_and_git_am(self, site, pwclient, tmp_path):
        run, repo = pwclient
        first = site["patches"][0]
        out = tmp_path / "get"
        out.mkdir()
        printed = run("get", str(first.pk), cwd=out)
        (saved,) = out.iterdir()
        assert saved.name == "1-2-README-greet-the-world.patch"
        assert saved.name in printed
        assert "Reviewed-by: Rita Reviewer" in saved.read_text()
        run("git-am", str(first.pk))
        assert subjects(site["box"], repo, 1) == ["README: greet the world"]
        assert (repo / "README").read_text() == "hello\nworld\n"
