"""The admin site: every page renders, and delegation rules made there apply.

Each registered model's list, add form and change form is opened by a
superuser, with rows (some carrying hostile mail text) in every table;
delegation rules are created through the admin, as a project's
administrator would, and must then delegate the patches ingest stores.
"""

import pytest
from django.contrib import admin

from apps.ingest.services import ingest_message
from apps.patches.models import Patch
from apps.projects.models import DelegationRule
from tests.factories import (
    BundleFactory,
    CheckFactory,
    CoverCommentFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    PersonFactory,
    SeriesFactory,
    UserFactory,
)
from tests.hostile import ALL, active_markup
from tests.ingest.helpers import make_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(project, maintainer):
    submitter = PersonFactory(name=f"Mallory {ALL}")
    series = SeriesFactory(project=project, name=f"series {ALL}")
    cover = CoverFactory(project=project, name=f"cover {ALL}", submitter=submitter)
    patch = PatchFactory(
        project=project,
        series=series,
        name=f"patch {ALL}",
        submitter=submitter,
        delegate=maintainer,
    )
    PatchCommentFactory(patch=patch, submitter=submitter, content=ALL)
    CoverCommentFactory(cover=cover, submitter=submitter, content=ALL)
    CheckFactory(patch=patch, description=ALL)
    BundleFactory(owner=maintainer, project=project, patches=[patch])
    DelegationRule.objects.create(project=project, user=maintainer, path="docs/*")
    return patch


def admin_paths():
    for model in admin.site._registry:
        meta = model._meta
        yield f"/admin/{meta.app_label}/{meta.model_name}/"


@pytest.mark.parametrize("path", sorted(admin_paths()))
def test_every_admin_list_add_and_change_page_renders(admin_client, rows, path):
    listing = admin_client.get(path)
    assert listing.status_code == 200, path
    assert active_markup(listing.content.decode()) == []
    assert admin_client.get(f"{path}add/").status_code in (200, 403), path
    model = next(
        m for m in admin.site._registry if path.endswith(f"/{m._meta.model_name}/")
    )
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        change = admin_client.get(f"{path}{first.pk}/change/")
        assert change.status_code == 200, path
        assert active_markup(change.content.decode()) == []


def touching(path: str, msgid: str) -> bytes:
    diff = (
        f"---\n {path} | 1 +\n\ndiff --git a/{path} b/{path}\n"
        f"--- a/{path}\n+++ b/{path}\n@@ -0,0 +1 @@\n+x\n"
    )
    return make_mail(f"Change.\n{diff}", subject=f"[PATCH] {path}", msgid=msgid)


def test_a_delegation_rule_added_in_the_admin_delegates_new_patches(
    admin_client, project, maintainer
):
    netdev = UserFactory(username="netdev")
    project.maintainers.add(netdev)
    response = admin_client.post(
        "/admin/projects/delegationrule/add/",
        {"project": project.pk, "user": netdev.pk, "path": "net/*", "priority": 5},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    listing = admin_client.get("/admin/projects/delegationrule/")
    assert "net/*" in listing.content.decode()

    ingest_message(touching("net/core.c", "<net@x>"), list_id=project.listid)
    ingest_message(touching("fs/inode.c", "<fs@x>"), list_id=project.listid)
    delegates = dict(Patch.objects.values_list("msgid", "delegate__username"))
    assert delegates == {"<net@x>": "netdev", "<fs@x>": None}


def project_form(admin_client, project, maintainer) -> tuple[dict, object]:
    """Return the project change form's data as shown, and its rules formset."""
    page = admin_client.get(f"/admin/projects/project/{project.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name != "maintainers"
    }
    data["maintainers"] = [maintainer.pk]
    for flag in ("send_notifications", "use_tags", "show_dependencies"):
        if data.pop(flag, False):
            data[flag] = "on"
    return data, page.context["inline_admin_formsets"][0].formset


def test_the_project_page_edits_its_delegation_rules_inline(
    admin_client, project, maintainer
):
    DelegationRule.objects.create(project=project, user=maintainer, path="old/*")
    data, inline = project_form(admin_client, project, maintainer)
    data.update(
        {
            f"{inline.prefix}-TOTAL_FORMS": "2",
            f"{inline.prefix}-INITIAL_FORMS": "1",
            f"{inline.prefix}-0-id": str(inline.initial_forms[0].instance.pk),
            f"{inline.prefix}-0-project": str(project.pk),
            f"{inline.prefix}-0-path": "old/*",
            f"{inline.prefix}-0-user": str(maintainer.pk),
            f"{inline.prefix}-0-priority": "0",
            f"{inline.prefix}-0-DELETE": "on",
            f"{inline.prefix}-1-project": str(project.pk),
            f"{inline.prefix}-1-path": "lib/*",
            f"{inline.prefix}-1-user": str(maintainer.pk),
            f"{inline.prefix}-1-priority": "1",
        }
    )
    response = admin_client.post(f"/admin/projects/project/{project.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(project.delegation_rules.values_list("path", flat=True)) == ["lib/*"]
    ingest_message(touching("lib/x.c", "<lib@x>"), list_id=project.listid)
    assert Patch.objects.get(msgid="<lib@x>").delegate == maintainer


def test_the_project_page_refuses_script_urls(admin_client, project, maintainer):
    """Project pages link these URLs: the admin checks them as the API does."""
    data, inline = project_form(admin_client, project, maintainer)
    data.update(
        {
            "web_url": "javascript:alert(1)",
            f"{inline.prefix}-TOTAL_FORMS": "0",
            f"{inline.prefix}-INITIAL_FORMS": "0",
        }
    )
    response = admin_client.post(f"/admin/projects/project/{project.pk}/change/", data)
    assert response.status_code == 200
    assert "Enter a valid URL: http:// or https://." in response.content.decode()
    project.refresh_from_db()
    assert project.web_url == ""
