"""Project pages, about, pwclientrc, autocomplete, redirects, chrome."""

import json

import pytest

from apps.patches import links
from tests.factories import (
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    UserFactory,
)
from tests.web.html import hrefs, text

pytestmark = pytest.mark.django_db


def test_project_list(client):
    ProjectFactory(
        linkname="b-proj", name="Bravo", web_url="https://bravo.example.org/"
    )
    ProjectFactory(linkname="a-proj", name="Alpha")
    response = client.get("/")
    page = text(response)
    assert page.index("Alpha") < page.index("Bravo")
    assert "/project/a-proj/list/" in hrefs(response)
    assert "https://bravo.example.org/" in hrefs(response)


def test_single_project_redirects_to_its_list(client, project):
    response = client.get("/")
    assert response["Location"] == f"/project/{project.linkname}/list/"


def test_no_projects_notice(client, db):
    assert "There are no projects on this site yet." in text(client.get("/"))


def test_project_page(client, project, maintainer):
    project.scm_url = "git://git.example.org/p.git"
    project.list_archive_url = "https://lists.example.org/p/"
    project.save()
    PatchFactory(project=project)
    PatchFactory(project=project)
    PatchFactory(project=project, archived=True)
    response = client.get(f"/project/{project.linkname}/")
    page = text(response)
    assert f"About {project.name}" in page
    assert "Patch count 2 (+ 1 archived)" in page
    assert "Maintainer " in page
    assert maintainer.email in page
    assert "git://git.example.org/p.git" in page
    assert "https://lists.example.org/p/" in hrefs(response)
    assert f"/project/{project.linkname}/pwclientrc/" in hrefs(response)


def test_about_page(client, settings):
    settings.ADMINS = ["Ann Admin <ann@example.org>"]
    page = text(client.get("/about/"))
    assert "Ann Admin" in page
    assert "REST API enabled" in page
    assert "XML-RPC disabled" in page
    settings.ADMINS_HIDE = True
    assert "Ann Admin" not in text(client.get("/about/"))


def test_pwclientrc(client, project, settings):
    response = client.get(f"/project/{project.linkname}/pwclientrc/")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename=.pwclientrc"
    body = response.content.decode()
    assert (
        f"[{project.linkname}]\nbackend = rest\nurl = http://testserver/api/\n" in body
    )
    assert f"# default={project.linkname}" in body
    assert "username" not in body
    settings.ENABLE_REST_API = False
    settings.FORCE_HTTPS_LINKS = True
    client.force_login(UserFactory(username="pat"))
    body = client.get(f"/project/{project.linkname}/pwclientrc/").content.decode()
    assert "backend = xmlrpc\nurl = https://testserver/xmlrpc/\n" in body
    assert "username = pat\npassword = <add your patchwork password here>" in body


def test_configured_site_url_is_used_for_links_leaving_the_browser(
    client, project, settings
):
    settings.SITE_BASE_URL = "https://patches.example.org"
    body = client.get(f"/project/{project.linkname}/pwclientrc/").content.decode()
    assert "url = https://patches.example.org/api/\n" in body


def test_submitter_autocomplete(client, db):
    match = PersonFactory(name="Grace Hopper", email="grace@example.org")
    PersonFactory(name="Someone Else", email="else@example.org")
    client.force_login(UserFactory())
    response = client.get("/submitter/?q=grac")
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == [
        {"pk": match.pk, "name": "Grace Hopper", "email": "grace@example.org"}
    ]
    by_address = client.get("/submitter/?q=grace@")
    assert [p["pk"] for p in json.loads(by_address.content)] == [match.pk]
    short = client.get("/submitter/?q=gr")
    assert short["Content-Type"] == "application/json"
    assert short.content == b""


def test_anonymous_submitter_suggestions_show_no_addresses(client, db):
    # The REST API lists people and their addresses to signed-in users only.
    match = PersonFactory(name="Grace Hopper", email="grace@example.org")
    PersonFactory(name=None, email="grace.nameless@example.org")
    response = client.get("/submitter/?q=grac")
    assert json.loads(response.content) == [{"pk": match.pk, "name": "Grace Hopper"}]
    # Nor can an address be probed: it is not searched.
    assert json.loads(client.get("/submitter/?q=example.org").content) == []


def test_autocomplete_limit(client, db):
    for n in range(3):
        PersonFactory(name=f"Match {n}")
    assert len(json.loads(client.get("/submitter/?q=match&l=2").content)) == 2
    assert len(json.loads(client.get("/submitter/?q=match&l=x").content)) == 3


@pytest.mark.parametrize("limit", ["", "0", "1000000", "9" * 5000, "²", "١٢"])
def test_suggestions_are_bounded_whatever_l_asks(client, db, limit):
    for n in range(25):
        PersonFactory(name=f"Match {n}")
        UserFactory(username=f"match{n}")
    for path in ("/submitter/", "/delegate/"):
        response = client.get(path, {"q": "match", "l": limit})
        assert response.status_code == 200
        assert len(json.loads(response.content)) == 20


def test_an_overlong_query_suggests_nothing(client, db):
    PersonFactory(name="x" * 255)
    assert len(json.loads(client.get("/submitter/", {"q": "x" * 255}).content)) == 1
    response = client.get("/submitter/", {"q": "x" * 256})
    assert json.loads(response.content) == []


def test_delegate_autocomplete(client, db):
    user = UserFactory(username="hopper")
    assert json.loads(client.get("/delegate/?q=hopp").content) == [
        {"pk": user.pk, "name": "hopper"}
    ]


def test_id_redirects_404_for_unknown_ids(client, db):
    for path in ("/patch/999/", "/cover/999/", "/comment/999/"):
        assert client.get(path).status_code == 404


def test_404_page_echoes_the_path(client, db):
    response = client.get("/no/such/<b>page</b>/")
    assert response.status_code == 404
    assert "There is nothing at /no/such/%3Cb%3Epage%3C/b%3E/" in text(response)


def test_chrome_for_anonymous_and_logged_in(client, project, maintainer):
    page = text(client.get(f"/project/{project.linkname}/list/"))
    assert "Login Register Mail settings" in page
    PatchFactory(project=project, delegate=maintainer)
    maintainer.is_staff = True
    maintainer.save()
    client.force_login(maintainer)
    response = client.get(f"/project/{project.linkname}/list/")
    page = text(response)
    assert (
        "maintainer 1 Reviews pending Bundles Administration View profile Logout"
        in page
    )
    assert f"/project/{project.linkname}/bundles/" in hrefs(response)
    assert "/admin/" in hrefs(response)


def test_todo_pages(client, project, maintainer, states):
    todo = PatchFactory(project=project, delegate=maintainer)
    PatchFactory(project=project, delegate=maintainer, state=states["accepted"])
    PatchFactory(project=project, delegate=maintainer, archived=True)
    PatchFactory(project=project)
    client.force_login(maintainer)
    response = client.get("/user/todo/")
    assert response["Location"] == f"/user/todo/{project.linkname}/"
    other = ProjectFactory()
    PatchFactory(project=other, delegate=maintainer)
    page = text(client.get("/user/todo/"))
    assert project.name in page
    assert other.name in page
    response = client.get(f"/user/todo/{project.linkname}/")
    page = text(response)
    assert "Delegate = maintainer" in page
    assert "New, Under Review" in page
    from tests.web.html import row_ids

    assert row_ids(response) == [todo.pk]
    # Loosening the filters cannot widen the todo list.
    assert row_ids(
        client.get(f"/user/todo/{project.linkname}/?state=*&archive=both")
    ) == [todo.pk]


def test_todo_list_delegate_is_pinned(client, project, maintainer):
    """A delegate parameter cannot change whose todo list it is, nor be removed."""
    from tests.web.html import row_ids

    todo = PatchFactory(project=project, delegate=maintainer)
    PatchFactory(project=project)
    client.force_login(maintainer)
    for delegate in ("Nobody", str(UserFactory().pk), "main"):
        response = client.get(f"/user/todo/{project.linkname}/?delegate={delegate}")
        assert row_ids(response) == [todo.pk]
        assert "Delegate = maintainer" in text(response)
    assert 'aria-label="Remove filter Delegate"' not in response.content.decode()


def test_empty_todo(client):
    client.force_login(UserFactory())
    assert "No todo lists" in text(client.get("/user/todo/"))


def test_patch_id_redirect_keeps_msgid_encoding(client, project):
    patch = PatchFactory(project=project, msgid="<a/b@x>")
    response = client.get(f"/patch/{patch.pk}/")
    assert response["Location"] == links.patch_web_path(patch)
    assert "%252F" in response["Location"]
