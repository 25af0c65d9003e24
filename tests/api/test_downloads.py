"""mbox and raw diff downloads linked from the API's ``mbox`` fields (§10)."""

import base64
import datetime as dt
import email
import subprocess
from email.header import decode_header, make_header

import pytest
from rest_framework.authtoken.models import Token

from apps.patches import links
from apps.people.models import Person
from tests.factories import (
    BundleFactory,
    CoverCommentFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)
from tests.hostile import FILENAME

pytestmark = pytest.mark.django_db

DATE = dt.datetime(2017, 9, 20, 11, 46, 31, tzinfo=dt.UTC)
HEADERS = (
    "Return-Path: <list-bounces@example.org>\n"
    "From: Ann Author <ann@example.com>\n"
    "To: list@example.org\n"
    "Date: Wed, 20 Sep 2017 21:46:31 +1000\n"
    "Message-Id: <m1@example.com>\n"
    "Subject: [PATCH v2 1/2] README: greet\n"
    " the world\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "Content-Transfer-Encoding: 7bit\n"
    "MIME-Version: 1.0\n"
)
CONTENT = (
    "Greet the world.\n\nSigned-off-by: Ann Author <ann@example.com>\n"
    "---\nv2: reworded\n"
)
DIFF = (
    "diff --git a/README b/README\n"
    "--- a/README\n+++ b/README\n@@ -1 +1,2 @@\n hello\n+world\n"
)


@pytest.fixture
def project(db):
    return ProjectFactory(linkname="demo", listemail="list@example.org")


def make_patch(project, **extra):
    ann = Person.objects.filter(email="ann@example.com").first() or PersonFactory(
        name="Ann Author", email="ann@example.com"
    )
    fields = {
        "project": project,
        "submitter": ann,
        "msgid": "<m1@example.com>",
        "name": "[v2,1/2] README: greet the world",
        "date": DATE,
        "headers": HEADERS,
        "content": CONTENT,
        "diff": DIFF,
    }
    fields.update(extra)
    return PatchFactory(**fields)


def mail_of(text: str):
    return email.message_from_string(text)


class TestPatchMbox:
    def test_one_mail(self, client, project):
        delegate = UserFactory(email="boss@example.com")
        patch = make_patch(project, delegate=delegate)
        PatchCommentFactory(
            patch=patch,
            content=(
                "Nice.\n\nReviewed-by: Rita <rita@example.com>\nacked-by: Al <al@x>"
            ),
        )
        PatchCommentFactory(patch=patch, content="Tested-by: Tom <tom@example.com>")
        response = client.get("/project/demo/patch/m1@example.com/mbox/")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"] == (
            "attachment; filename=v2-1-2-README-greet-the-world.patch"
        )
        text = response.content.decode()
        head, _, body = text.partition("\n\n")
        lines = head.split("\n")
        assert lines[:7] == [
            "From patchwork Wed Sep 20 11:46:31 2017",
            'Content-Type: text/plain; charset="utf-8"',
            "MIME-Version: 1.0",
            "Content-Transfer-Encoding: 7bit",
            "X-Patchwork-Submitter: Ann Author <ann@example.com>",
            f"X-Patchwork-Id: {patch.pk}",
            "X-Patchwork-Delegate: boss@example.com",
        ]
        # The stored headers follow, minus their own MIME type and encoding.
        assert lines[7:] == [
            "Return-Path: <list-bounces@example.org>",
            "From: Ann Author <ann@example.com>",
            "To: list@example.org",
            "Date: Wed, 20 Sep 2017 21:46:31 +1000",
            "Message-Id: <m1@example.com>",
            "Subject: [PATCH v2 1/2] README: greet",
            " the world",
            "MIME-Version: 1.0",
        ]
        assert body == (
            "Greet the world.\n\nSigned-off-by: Ann Author <ann@example.com>\n"
            "Reviewed-by: Rita <rita@example.com>\n"
            "acked-by: Al <al@x>\n"
            "Tested-by: Tom <tom@example.com>\n"
            "---\nv2: reworded\n\n" + DIFF
        )

    def test_git_am_applies_it_with_the_review_tags(self, client, project, tmp_path):
        patch = make_patch(project)
        PatchCommentFactory(patch=patch, content="Acked-by: Al <al@example.com>")
        mbox = client.get("/project/demo/patch/m1@example.com/mbox/").content
        repo = tmp_path / "repo"
        env = {
            "HOME": str(tmp_path),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@x",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@x",
            "PATH": "/usr/bin:/bin",
        }

        def git(*args, **kwargs):
            return subprocess.run(
                ["git", *args],
                cwd=repo,
                env=env,
                check=True,
                capture_output=True,
                **kwargs,
            )

        repo.mkdir()
        git("init", "-q")
        (repo / "README").write_text("hello\n")
        git("add", "README")
        git("commit", "-qm", "base")
        git("am", input=mbox)
        log = git("log", "-1", "--format=%an <%ae>%n%B").stdout.decode()
        # git am drops the [PATCH] prefix and unfolds the subject.
        assert log.startswith("Ann Author <ann@example.com>\nREADME: greet the world\n")
        assert "Acked-by: Al <al@example.com>" in log
        assert (repo / "README").read_text() == "hello\nworld\n"

    def test_series_dependencies(self, client, project):
        series = SeriesFactory(project=project, total=3)
        first = make_patch(
            project,
            msgid="<s1@x>",
            series=series,
            number=1,
            name="one",
            headers="Subject: one\n",
        )
        third = make_patch(
            project,
            msgid="<s3@x>",
            series=series,
            number=3,
            name="three",
            headers="Subject: three\n",
        )
        second = make_patch(
            project,
            msgid="<s2@x>",
            series=series,
            number=2,
            name="two",
            headers="Subject: two\n",
        )
        path = "/project/demo/patch/s3@x/mbox/"
        text = client.get(path + "?series=*").content.decode()
        ids = [
            line.split(": ")[1]
            for line in text.split("\n")
            if line.startswith("X-Patchwork-Id:")
        ]
        assert ids == [str(first.pk), str(second.pk), str(third.pk)]
        # Mails are separated by a single newline.
        assert "\n\nFrom patchwork " in text
        assert client.get(path + f"?series={series.pk}").content.decode() == text
        assert client.get(path + "?series=999").status_code == 404
        assert client.get(path + "?series=abc").status_code == 404
        lone = make_patch(project, msgid="<lone@x>")
        assert (
            client.get("/project/demo/patch/lone@x/mbox/?series=*").status_code == 404
        )
        plain = client.get(path + "?series=").content.decode()
        assert plain.count("From patchwork ") == 1
        assert lone.pk

    def test_dmarc_rewritten_from(self, client, project):
        headers = HEADERS.replace(
            "From: Ann Author <ann@example.com>",
            "From: Ann Author via List <list@example.org>",
        )
        make_patch(project, headers=headers)
        text = client.get("/project/demo/patch/m1@example.com/mbox/").content.decode()
        message = mail_of(text)
        assert message["X-Patchwork-Original-From"] == (
            "Ann Author via List <list@example.org>"
        )
        assert message["From"] == "Ann Author <ann@example.com>"
        assert text.index("X-Patchwork-Original-From:") < text.index("\nFrom: ")

    def test_missing_date_is_added_and_non_ascii_is_encoded(self, client, project):
        make_patch(
            project,
            headers="Subject: caf\u00e9\nMessage-Id: <m1@example.com>\n",
            submitter=PersonFactory(name="J\u00fcrgen M\u00fcller", email="j@x"),
            content="Gr\u00fc\u00dfe",
        )
        message = mail_of(
            client.get("/project/demo/patch/m1@example.com/mbox/").content.decode()
        )
        assert message["Date"] == "Wed, 20 Sep 2017 11:46:31 -0000"
        assert message["Content-Transfer-Encoding"] == "8bit"
        assert message["X-Patchwork-Submitter"].startswith("=?utf-8?")
        submitter = str(make_header(decode_header(message["X-Patchwork-Submitter"])))
        assert submitter == "J\u00fcrgen M\u00fcller <j@x>"
        assert str(make_header(decode_header(message["Subject"]))) == "caf\u00e9"

    def test_slash_in_msgid(self, client, api, project):
        patch = make_patch(project, msgid="<a/b@x>")
        mbox_url = api.get(f"/api/patches/{patch.pk}/").json()["mbox"]
        assert mbox_url.endswith("/project/demo/patch/a%252Fb@x/mbox/")
        path = mbox_url.removeprefix("http://testserver")
        assert client.get(path).status_code == 200

    def test_unknown_patch_is_html_404(self, client, project):
        response = client.get("/project/demo/patch/none@x/mbox/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


def test_raw_diff(client, project):
    make_patch(project)
    response = client.get("/project/demo/patch/m1@example.com/raw/")
    assert response["Content-Type"] == "text/x-patch"
    assert response["Content-Disposition"] == (
        "attachment; filename=v2-1-2-README-greet-the-world.diff"
    )
    assert response.content.decode() == DIFF


def test_cover_mbox(client, project):
    cover = CoverFactory(
        project=project,
        msgid="<c0@x>",
        name="[v2,0/2] Greetings",
        date=DATE,
        headers="Subject: [PATCH v2 0/2] Greetings\n",
        content="Two patches.",
    )
    CoverCommentFactory(cover=cover, content="Series Acked-by: no\nAcked-by: Al <al@x>")
    response = client.get("/project/demo/cover/c0@x/mbox/")
    assert response["Content-Type"] == "text/plain"
    assert (
        response["Content-Disposition"] == "attachment; filename=v2-0-2-Greetings.mbox"
    )
    text = response.content.decode()
    assert text.endswith("\n\nTwo patches.\nAcked-by: Al <al@x>\n")
    assert "X-Patchwork-Delegate" not in text


def test_series_mbox_in_number_order_without_cover(
    client, project, django_assert_num_queries
):
    cover = CoverFactory(project=project, headers="Subject: cover\n")
    series = SeriesFactory(
        project=project, total=3, cover_letter=cover, name="Greet: all"
    )
    made = {}
    for number in (2, 3, 1):
        made[number] = make_patch(
            project,
            msgid=f"<n{number}@x>",
            series=series,
            number=number,
            date=DATE - dt.timedelta(minutes=number),
        )
        PatchCommentFactory(patch=made[number])
    # The series, its patches, their comments, the replies to its cover.
    with django_assert_num_queries(4):
        response = client.get(f"/series/{series.pk}/mbox/")
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == "attachment; filename=Greet-all.patch"
    text = response.content.decode()
    ids = [
        line.split(": ")[1]
        for line in text.split("\n")
        if line.startswith("X-Patchwork-Id:")
    ]
    assert ids == [str(made[n].pk) for n in (1, 2, 3)]
    untitled = SeriesFactory(project=project, name=None)
    response = client.get(f"/series/{untitled.pk}/mbox/")
    assert response["Content-Disposition"] == (
        f"attachment; filename=Untitled-series-{untitled.pk}.patch"
    )
    assert client.get("/series/999999/mbox/").status_code == 404


class TestBundleMbox:
    @pytest.fixture
    def bundle(self, project):
        owner = UserFactory(username="ann")
        first = make_patch(project, msgid="<b1@x>", date=DATE)
        second = make_patch(project, msgid="<b2@x>", date=DATE - dt.timedelta(days=1))
        return BundleFactory(
            owner=owner, project=project, name="my fixes", patches=[first, second]
        )

    def ids(self, response):
        return [
            line.split(": ")[1]
            for line in response.content.decode().split("\n")
            if line.startswith("X-Patchwork-Id:")
        ]

    def test_owner_gets_patches_in_bundle_order(self, client, bundle):
        client.force_login(bundle.owner)
        response = client.get("/bundle/ann/my%20fixes/mbox/")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain"
        assert response["Content-Disposition"] == (
            f"attachment; filename=bundle-{bundle.pk}-my-fixes.mbox"
        )
        order = bundle.bundlepatch_set.order_by("order").values_list(
            "patch_id", flat=True
        )
        assert self.ids(response) == [str(pk) for pk in order]

    def test_bundle_names_cannot_shape_the_header(self, client, bundle):
        """Quotes, semicolons and line breaks of a name stay out of the header."""
        bundle.name = FILENAME
        bundle.public = True
        bundle.save()
        response = client.get(links.bundle_mbox_path(bundle))
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f"attachment; filename=bundle-{bundle.pk}-x-filename-evil.sh-y-.mbox"
        )

    def test_private_bundle_with_basic_or_token(self, client, bundle):
        path = "/bundle/ann/my%20fixes/mbox/"
        basic = "Basic " + base64.b64encode(b"ann:password").decode()
        assert client.get(path, HTTP_AUTHORIZATION=basic).status_code == 200
        key = Token.objects.create(user=bundle.owner).key
        assert client.get(path, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    def test_private_bundle_hidden_from_others(self, client, bundle):
        path = "/bundle/ann/my%20fixes/mbox/"
        assert client.get(path).status_code == 404
        wrong = "Basic " + base64.b64encode(b"ann:nope").decode()
        assert client.get(path, HTTP_AUTHORIZATION=wrong).status_code == 404
        assert client.get(path, HTTP_AUTHORIZATION="Token bogus").status_code == 404
        client.force_login(UserFactory())
        assert client.get(path).status_code == 404

    def test_public_bundle_for_anyone(self, client, bundle):
        bundle.public = True
        bundle.save()
        assert client.get("/bundle/ann/my%20fixes/mbox/").status_code == 200


def test_short_urls_redirect_to_the_canonical_ones(client, project):
    patch = make_patch(project)
    cover = CoverFactory(project=project, msgid="<c@x>")
    for path, target in (
        (f"/patch/{patch.pk}/mbox/", "/project/demo/patch/m1@example.com/mbox/"),
        (f"/patch/{patch.pk}/raw/", "/project/demo/patch/m1@example.com/raw/"),
        (f"/cover/{cover.pk}/mbox/", "/project/demo/cover/c@x/mbox/"),
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == target
    assert client.get("/patch/999999/mbox/").status_code == 404
