"""Project list, project page and the pwclient configuration download."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from apps.patches import mbox
from apps.patches import selectors as patch_selectors
from apps.projects import selectors as project_selectors
from apps.web.views.common import project_or_404, site_base_url
from apps.webhooks.rules import can_add_project_hook


def project_list(request):
    projects = list(project_selectors.projects_by_linkname())
    if len(projects) == 1:
        return redirect("patch-list", project_id=projects[0].linkname)
    return render(request, "projects/list.html", {"projects": projects})


def project_detail(request, project_id):
    project = project_or_404(project_id)
    active, archived = patch_selectors.project_patch_counts(project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "maintainers": project_selectors.project_maintainers(project),
            "patch_count": active,
            "archived_count": archived,
            "nav": "about-project",
            "manages_webhooks": can_add_project_hook(request.user, project.pk),
        },
    )


def pwclientrc(request, project_id):
    """Serve a ``.pwclientrc`` for the project (REST backend when enabled)."""
    project = project_or_404(project_id)
    rest = settings.ENABLE_REST_API
    base = site_base_url(request)
    text = render_to_string(
        "projects/pwclientrc.txt",
        {
            "project": project,
            "host": base.split("://", 1)[1],
            "backend": "rest" if rest else "xmlrpc",
            "url": base + ("/api/" if rest else "/xmlrpc/"),
            "user": request.user,
        },
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = mbox.attachment(".pwclientrc")
    return response
