"""About page, old help URLs, autocomplete JSON and the numeric-id redirects."""

import json
from email.utils import getaddresses

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from apps.patches import links
from apps.patches.models import Patch
from apps.web import selectors

# Autocomplete needs at least this many characters (upstream).
MIN_QUERY = 3


def about(request):
    admins = []
    if not settings.ADMINS_HIDE:
        for name, address in getaddresses(settings.ADMINS):
            admins.append({"name": name or address, "email": address})
    return render(request, "about.html", {"admins": admins})


def _autocomplete(request, search, shape):
    query = request.GET.get("q", "")
    if len(query) < MIN_QUERY:
        # Upstream answers an empty body (not "[]") with the JSON type.
        return HttpResponse("", content_type="application/json")
    raw_limit = request.GET.get("l", "")
    limit = int(raw_limit) if raw_limit.isdigit() and int(raw_limit) > 0 else None
    data = [shape(item) for item in search(query, limit)]
    return HttpResponse(json.dumps(data), content_type="application/json")


def submitters(request):
    return _autocomplete(
        request,
        selectors.submitter_search,
        lambda p: {"pk": p.pk, "name": p.name, "email": p.email},
    )


def delegates(request):
    return _autocomplete(
        request,
        selectors.user_search,
        lambda u: {"pk": u.pk, "name": u.username},
    )


def patch_by_id(request, patch_id):
    patch = selectors.patch_get_by_id(patch_id)
    if patch is None:
        raise Http404("No patch with that id.")
    return redirect(links.patch_web_path(patch))


def cover_by_id(request, cover_id):
    cover = selectors.cover_get_by_id(cover_id)
    if cover is None:
        raise Http404("No cover letter with that id.")
    return redirect(links.cover_web_path(cover))


def comment_by_id(request, comment_id):
    parent = selectors.comment_parent(comment_id)
    if parent is None:
        raise Http404("No comment with that id.")
    if isinstance(parent, Patch):
        path = links.patch_web_path(parent)
    else:
        path = links.cover_web_path(parent)
    return redirect(f"{path}#{comment_id}")
