from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.projects.models import Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("createproject", *args, stdout=out)
    return out.getvalue()


def test_creates_a_project_with_maintainers():
    alice = UserFactory(username="alice")
    output = run(
        "--linkname", "linux-foo",
        "--name", "Linux Foo",
        "--list-id", "linux-foo.vger.kernel.org",
        "--list-email", "linux-foo@vger.kernel.org",
        "--web-url", "https://foo.example.org/",
        "--subject-match", r"\[foo\]",
        "--maintainer", "alice",
    )  # fmt: skip
    assert output == "Created project linux-foo (Linux Foo)\n"
    project = Project.objects.get(linkname="linux-foo")
    assert project.name == "Linux Foo"
    assert project.listid == "linux-foo.vger.kernel.org"
    assert project.listemail == "linux-foo@vger.kernel.org"
    assert project.web_url == "https://foo.example.org/"
    assert project.subject_match == r"\[foo\]"
    assert list(project.maintainers.all()) == [alice]


def test_updates_only_the_options_given_and_adds_maintainers():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    run(
        "--linkname", "foo", "--name", "Foo", "--list-id", "foo.example.org",
        "--list-email", "foo@example.org", "--scm-url", "git://example.org/foo",
        "--maintainer", "alice",
    )  # fmt: skip
    output = run("--linkname", "foo", "--name", "Foo Project", "--maintainer", "bob")
    assert output == "Updated project foo (Foo Project)\n"
    project = Project.objects.get(linkname="foo")
    assert project.name == "Foo Project"
    assert project.listid == "foo.example.org"
    assert project.scm_url == "git://example.org/foo"
    assert set(project.maintainers.all()) == {alice, bob}
    assert Project.objects.count() == 1


def test_create_needs_name_and_list():
    with pytest.raises(CommandError, match="listid"):
        run("--linkname", "foo", "--name", "Foo")
    assert not Project.objects.exists()


def test_rejects_invalid_regex_and_unknown_maintainer():
    with pytest.raises(CommandError, match="Invalid regular expression"):
        run(
            "--linkname", "foo", "--name", "Foo", "--list-id", "foo.example.org",
            "--list-email", "foo@example.org", "--subject-match", "[unclosed",
        )  # fmt: skip
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("--linkname", "foo", "--maintainer", "nobody")
    assert not Project.objects.exists()
