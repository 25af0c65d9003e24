"""Projects: the writes of their services and the reads of their selectors."""

import pytest
from django.core.exceptions import ValidationError

from apps.projects.models import Project
from apps.projects.selectors import (
    maintained_projects,
    project_by_id_or_linkname,
    project_by_linkname,
    project_for_list,
    project_list,
    project_maintainers,
    project_matching_subject,
    projects_by_linkname,
    projects_for_list,
)
from apps.projects.services import (
    project_create_or_update,
    project_update,
    validate_project_urls,
)
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "widgets.lists.example.org"


# --- services -------------------------------------------------------------------------


def test_create_then_update_only_the_fields_given():
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    project, created = project_create_or_update(
        linkname="widgets",
        name="Widgets",
        listid=LIST,
        listemail="widgets@lists.example.org",
        maintainers=[ann],
    )
    assert created
    again, created = project_create_or_update(
        linkname="widgets", name="Widget library", listid=None, maintainers=[bob]
    )
    assert (again.pk, created) == (project.pk, False)
    again.refresh_from_db()
    assert (again.name, again.listid) == ("Widget library", LIST)
    assert project_maintainers(again) == [ann, bob]


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "", "listid": LIST, "listemail": "w@example.org"},
        {
            "name": "W",
            "listid": LIST,
            "listemail": "w@example.org",
            "subject_match": "(",
        },
        {
            "name": "W",
            "listid": LIST,
            "listemail": "w@example.org",
            "web_url": "ftp://x",
        },
    ],
)
def test_an_invalid_project_is_refused_and_nothing_saved(fields):
    with pytest.raises(ValidationError):
        project_create_or_update(linkname="widgets", **fields)
    assert not Project.objects.exists()


def test_only_project_fields_are_taken():
    with pytest.raises(TypeError, match="not a project field: owner"):
        project_create_or_update(linkname="widgets", owner="ann")


def test_maintainers_change_their_settings_and_nothing_else():
    project = ProjectFactory(web_url="")
    project_update(
        project=project,
        web_url="https://widgets.example.org/",
        scm_url="git://git.example.org/widgets.git",
        show_dependencies=True,
    )
    project.refresh_from_db()
    assert project.web_url == "https://widgets.example.org/"
    assert project.show_dependencies is True
    with pytest.raises(TypeError, match="not a maintainer-editable field: listid"):
        project_update(project=project, listid="other.example.org")
    with pytest.raises(ValidationError):
        project_update(project=project, scm_url="javascript:alert(1)")
    project.refresh_from_db()
    assert project.scm_url == "git://git.example.org/widgets.git"


def test_url_formats_are_checked_with_their_placeholder_filled():
    validate_project_urls(
        {"list_archive_url_format": "https://lore.example.org/r/{}", "web_url": ""}
    )
    with pytest.raises(ValidationError):
        validate_project_urls({"commit_url_format": "javascript:{}"})


# --- selectors ------------------------------------------------------------------------


def test_a_list_mail_goes_to_the_project_its_subject_matches_or_the_default():
    default = ProjectFactory(linkname="b-default", listid=LIST)
    tools = ProjectFactory(linkname="a-tools", listid=LIST, subject_match=r"\[tools\]")
    broken = ProjectFactory(linkname="c-broken", listid=LIST, subject_match="(")
    assert projects_for_list(LIST) == [tools, default, broken]
    assert project_for_list(LIST, "[PATCH] [TOOLS] lint") == tools
    assert project_for_list(LIST, "[PATCH] widget") == default
    assert project_for_list(LIST, None) == default
    assert project_for_list("other.example.org", "[tools]") is None
    assert project_matching_subject([tools], "[PATCH] widget") is None


def test_a_project_by_id_first_then_by_link_name():
    by_name = ProjectFactory(linkname="4242")
    by_id = ProjectFactory(linkname="widgets")
    projects = Project.objects.all()
    assert project_by_id_or_linkname(projects, str(by_id.pk)) == by_id
    assert project_by_id_or_linkname(projects, "widgets") == by_id
    assert project_by_id_or_linkname(projects, "4242") == by_name  # no such id
    assert project_by_linkname("4242") == by_name
    assert project_by_linkname("missing") is None
    with pytest.raises(Project.DoesNotExist):
        project_by_id_or_linkname(projects, "\u0664\u0662")  # Arabic-Indic digits


def test_project_lists_and_maintained_projects(django_assert_num_queries):
    ann = UserFactory(username="ann")
    zed = ProjectFactory(linkname="zed", maintainers=[ann])
    abc = ProjectFactory(linkname="abc", maintainers=[ann])
    ProjectFactory(linkname="mid")
    assert [p.linkname for p in projects_by_linkname()] == ["abc", "mid", "zed"]
    assert maintained_projects(ann) == [abc, zed]
    with django_assert_num_queries(2):
        listed = [(p.linkname, list(p.maintainers.all())) for p in project_list()]
    assert listed == [("zed", [ann]), ("abc", [ann]), ("mid", [])]
